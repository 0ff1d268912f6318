"""How people get into a group and out of it: join codes, joining with one, trainers added and
members removed by the provider."""

from __future__ import annotations

import secrets
from contextlib import suppress
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.database import lock
from community.errors import Forbidden
from community.i18n import DISPLAY_TIMEZONE, _
from community.models import Enrolment, EnrolmentRole, Iteration, JoinCode, Role, User, utcnow

if TYPE_CHECKING:  # groups show their codes and members: imported for types only
    from community.trainings.groups import IterationView

# No 0/O, 1/I/L: a code read aloud or copied from a projector survives.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
JOIN_FIELDS = (forms.Text("code", max_length=20),)


def format_code(code: str) -> str:
    return f"{code[:3]}-{code[3:]}"


def normalise_code(typed: str) -> str:
    """Accept `k7p 2qx`, `K7P-2QX`, and the look-alikes people type for 0, 1 and O."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def add_trainer(db: AsyncSession, user: User, view: IterationView, trainer_id: int) -> None:
    if not permissions.can_add_trainer(user, view.facts):
        raise Forbidden
    trainer = await db.get(User, trainer_id)
    if (
        trainer is None
        or trainer.role != Role.TRAINER
        or trainer.provider_id != view.facts.provider_id
    ):
        raise forms.FormError({"trainer_id": _("Choose one of the options.")})
    await enrol(db, view.iteration_id, trainer, EnrolmentRole.TRAINER)


async def remove_member(db: AsyncSession, user: User, view: IterationView, member_id: int) -> None:
    """Take someone out of the group; removing them twice is a no-op."""
    if not permissions.can_remove_member(user, view.facts):
        raise Forbidden
    enrolment = (
        await db.exec(
            select(Enrolment).where(
                Enrolment.iteration_id == view.iteration_id, Enrolment.user_id == member_id
            )
        )
    ).first()
    if enrolment is not None:
        await db.delete(enrolment)


async def renew_code(db: AsyncSession, user: User, view: IterationView, days: int) -> str:
    if not permissions.can_renew_join_code(user, view.facts):
        raise Forbidden
    return await issue_code(db, view.iteration_id, user, days)


async def join_with_code(
    db: AsyncSession, user: User, data: dict[str, str], *, now: datetime | None = None
) -> Iteration:
    """Enrol a learner in the iteration a code opens. Joining twice is a no-op. The moment
    they join decides which sessions are theirs to rate."""
    now = now or utcnow()
    values = forms.parse(data, *JOIN_FIELDS)
    if not permissions.can_join_iterations(user):
        # Said on the form rather than refused: a trainer may well try a code they were given.
        raise forms.FormError({"code": _("Only learners join with a code.")}, data)
    code = normalise_code(values["code"])
    row = (await db.exec(select(JoinCode).where(JoinCode.code == code))).first()
    if row is None or len(code) != CODE_LENGTH:
        raise forms.FormError(
            {"code": _("This code does not exist. Check it with your trainer.")}, data
        )
    if row.revoked_at is not None or row.expires_at <= now:
        raise forms.FormError(
            {"code": _("This code has expired. Ask your trainer for the new one.")}, data
        )
    iteration = await db.get(Iteration, row.iteration_id)
    assert iteration is not None and iteration.id is not None
    await enrol(db, iteration.id, user, EnrolmentRole.LEARNER, now)
    return iteration


async def enrol(
    db: AsyncSession,
    iteration_id: int,
    user: User,
    role: EnrolmentRole,
    now: datetime | None = None,
) -> None:
    """Enrol once; a second enrolment is a no-op, and keeps the first one's date."""
    assert user.id is not None
    already = select(Enrolment.id).where(
        Enrolment.iteration_id == iteration_id, Enrolment.user_id == user.id
    )
    if (await db.exec(already)).first() is not None:
        return
    # The same enrolment may be written a moment earlier by a double submit: the database
    # refuses the second, and only this savepoint is undone.
    with suppress(IntegrityError):
        async with db.begin_nested():
            db.add(
                Enrolment(
                    iteration_id=iteration_id, user_id=user.id, role=role,
                    created_at=now or utcnow(),
                )
            )  # fmt: skip


def _valid_until(iteration: Iteration, now: datetime, days: int) -> datetime:
    """`days` from now, and never before the group's last day is over: a learner who joins
    late in the run, or catches up after a break, still gets in with the code on the wall."""
    after_last_day = datetime.combine(iteration.ends_on + timedelta(days=1), time(0))
    return max(now + timedelta(days=days), after_last_day.replace(tzinfo=DISPLAY_TIMEZONE))


async def issue_code(db: AsyncSession, iteration_id: int, user: User | None, days: int) -> str:
    """A new code for the group; the codes it had stop working. The group's row is held
    meanwhile: two renewals at once leave one code working, not one each."""
    await lock(db, Iteration, iteration_id)
    now = utcnow()
    iteration = await db.get(Iteration, iteration_id)
    assert iteration is not None
    expires_at = _valid_until(iteration, now, days)
    for old in await db.exec(
        select(JoinCode).where(
            JoinCode.iteration_id == iteration_id, col(JoinCode.revoked_at).is_(None)
        )
    ):
        old.revoked_at = now
        db.add(old)
    # Another group may draw the same code at the same moment: the database keeps codes
    # unique, and the loser draws again.
    for _attempt in range(3):
        code = new_code()
        with suppress(IntegrityError):
            async with db.begin_nested():
                db.add(
                    JoinCode(
                        code=code,
                        iteration_id=iteration_id,
                        created_by=user.id if user else None,
                        expires_at=expires_at,
                    )
                )
            return code
    raise RuntimeError("three join codes drawn, all taken")


async def current_code(db: AsyncSession, iteration: Iteration) -> JoinCode | None:
    return (
        await db.exec(
            select(JoinCode).where(
                JoinCode.iteration_id == iteration.id,
                col(JoinCode.revoked_at).is_(None),
                JoinCode.expires_at > utcnow(),
            )
        )
    ).first()
