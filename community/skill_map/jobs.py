"""Target jobs and their skills, the skills a training covers, a skill's reference code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.database import insert_once
from community.errors import NotFound
from community.i18n import _
from community.models import TargetJob, TargetJobSkill, Training, TrainingSkill, User
from community.skill_map.common import chosen_id, mapped_provider, provider_skill


class Code(forms.Text):
    """A code from a national job or skill reference: letters, digits, dots and dashes."""

    def clean(self, raw: str) -> str:
        value = super().clean(raw)
        if value and not all(c.isascii() and (c.isalnum() or c in ".-") for c in value):
            raise ValueError(_("Only letters, digits, dots and dashes."))
        return value


CODE = Code("code", max_length=20, required=False)
JOB_CODE = Code("job_code", max_length=20, required=False)
DESCRIPTION = forms.Text("description", max_length=300, required=False)
TITLE = forms.Text("title", max_length=120)


async def add_job(db: AsyncSession, user: User, data: Mapping[str, str]) -> None:
    provider_id = mapped_provider(user, permissions.can_define_target_job)
    values = forms.parse(data, TITLE, JOB_CODE)
    job = TargetJob(
        provider_id=provider_id, title=values["title"], code=values["job_code"], created_by=user.id
    )
    # A savepoint: a title taken at the same moment leaves the transaction usable.
    try:
        async with db.begin_nested():
            db.add(job)
    except IntegrityError:
        raise forms.FormError({"title": _("This job is already on the map.")}, data) from None


Owned = TypeVar("Owned", TargetJob, Training)


async def _owned(db: AsyncSession, provider_id: int, model: type[Owned], ident: int) -> Owned:
    """A job or training of the provider; another provider's is not there (404)."""
    row = await db.get(model, ident)
    if row is None or row.provider_id != provider_id:
        raise NotFound
    return row


async def add_job_skill(db: AsyncSession, user: User, data: Mapping[str, str]) -> None:
    provider_id = mapped_provider(user, permissions.can_define_target_job)
    job = await _owned(db, provider_id, TargetJob, chosen_id(data, "job_id"))
    skill = await provider_skill(db, provider_id, data, "job_skill_id")
    await insert_once(db, TargetJobSkill, job_id=job.id, skill_id=skill.id)


async def add_training_skill(db: AsyncSession, user: User, data: Mapping[str, str]) -> None:
    provider_id = mapped_provider(user, permissions.can_map_training_skills)
    training = await _owned(db, provider_id, Training, chosen_id(data, "training_id"))
    skill = await provider_skill(db, provider_id, data, "training_skill_id")
    await insert_once(db, TrainingSkill, training_id=training.id, skill_id=skill.id)


async def set_code(db: AsyncSession, user: User, data: Mapping[str, str]) -> None:
    """A skill's code; an empty one takes it away."""
    provider_id = mapped_provider(user, permissions.can_code_skill)
    skill = await provider_skill(db, provider_id, data, "coded_skill_id")
    skill.code = forms.parse(data, CODE)["code"]
    db.add(skill)


async def describe_skill(db: AsyncSession, user: User, data: Mapping[str, str]) -> None:
    """What a skill covers; an empty text takes it away."""
    provider_id = mapped_provider(user, permissions.can_describe_skill)
    skill = await provider_skill(db, provider_id, data, "described_skill_id")
    skill.description = forms.parse(data, DESCRIPTION)["description"]
    db.add(skill)
