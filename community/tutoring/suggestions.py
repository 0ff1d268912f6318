"""Skills suggested for what a learner typed, from their providers' catalogues and the help
requests their learners already sent about each skill."""

from __future__ import annotations

from dataclasses import dataclass

import anyio
from sqlalchemy import ColumnElement, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.errors import Forbidden
from community.models import HelpRequest, Skill, User
from community.pathways.suggest import SUGGESTERS, TOP, Suggester
from community.tutoring.choices import HelpStatus
from community.tutoring.peers import provider_ids

TEXT = forms.Text("description", max_length=500, required=False, multiline=True)


@dataclass(frozen=True)
class Suggested:
    skill: Skill
    score: float


Conditions = tuple[ColumnElement[bool], ...]


def _approved(provider_id: int) -> Conditions:
    return (col(Skill.provider_id) == provider_id, col(Skill.approved).is_(True))


def _confirmed(provider_id: int) -> Conditions:
    """A request its learner sent about a skill they chose is a labelled example; one they
    cancelled may have been about the wrong skill, so it teaches nothing."""
    return (*_approved(provider_id), col(HelpRequest.status) != HelpStatus.CANCELLED)


async def _key(db: AsyncSession, provider_id: int, skills: dict[int, Skill]) -> tuple[object, ...]:
    """What changes whenever the catalogue (its skills as read, names and descriptions
    included) or its examples do: the requests in one small aggregate read."""
    catalogue = tuple(sorted((id_, skill.name, skill.description) for id_, skill in skills.items()))
    requests = await db.exec(
        select(func.count(col(HelpRequest.id)), func.max(HelpRequest.id))
        .join(Skill, col(Skill.id) == HelpRequest.skill_id)
        .where(*_confirmed(provider_id))
    )
    return (catalogue, *requests.one())


async def _fitted(db: AsyncSession, provider_id: int) -> tuple[Suggester, dict[int, Skill]]:
    skills = {
        skill.id or 0: skill
        for skill in await db.exec(select(Skill).where(*_approved(provider_id)))
    }
    catalogue = (str(db.get_bind().engine.url), provider_id)
    key = await _key(db, provider_id, skills)
    suggester = SUGGESTERS.get(catalogue, key)
    if suggester is None:
        rows = await db.exec(
            select(HelpRequest.description, HelpRequest.skill_id)
            .join(Skill, col(Skill.id) == HelpRequest.skill_id)
            .where(*_confirmed(provider_id))
        )
        names = [(skill_id, skill.name) for skill_id, skill in skills.items()]
        # What a curator wrote a skill covers is more texts about it.
        described = [(s.description, skill_id) for skill_id, s in skills.items() if s.description]
        # A fit takes a fraction of a second: in a thread, so other requests go on meanwhile.
        fitted = await anyio.to_thread.run_sync(Suggester, names, list(rows), described)
        suggester = SUGGESTERS.put(catalogue, key, fitted)
    return suggester, skills


async def suggest_skills(db: AsyncSession, user: User, text: str) -> list[Suggested]:
    """The skills closest to `text` among the catalogues of the learner's own providers,
    best first: another provider's skills and requests never count."""
    providers = await provider_ids(db, user)
    if not permissions.can_see_skill_suggestions(user, enrolled=bool(providers)):
        raise Forbidden
    if not text.strip():
        return []
    found: list[Suggested] = []
    for provider_id in sorted(providers):
        suggester, skills = await _fitted(db, provider_id)
        found += [Suggested(skills[s.skill_id], s.score) for s in suggester.suggest(text)]
    return sorted(found, key=lambda suggested: -suggested.score)[:TOP]
