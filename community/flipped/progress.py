"""What a learner does before the session: marks a resource explored, rates how useful it
was, answers its checkpoint, says what is blocking them. Nothing is locked for one who did
not: the gating is soft. Each write moves the trainers' readiness board, and the learner's
compass when the resource works on a skill (its evidence, its cards)."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.database import insert_for
from community.errors import NotFound
from community.flipped import board
from community.flipped.capsule import allowed, choices_of
from community.i18n import _
from community.models import FlippedBlocker, FlippedProgress, FlippedResource, User, utcnow
from community.pathways.live import evidence_changed

BLOCKER = forms.Text("body", max_length=500, multiline=True)


def _answers(data: dict[str, str], resource: FlippedResource) -> dict[str, int]:
    """The optional usefulness (1–5) and checkpoint choice sent with "explored"."""
    answers, errors = {}, {}
    if data.get("usefulness"):
        usefulness = parsing.number(data["usefulness"], 1, 5)
        if usefulness is None:
            errors["usefulness"] = _("Choose from 1 to 5.")
        answers["usefulness"] = usefulness
    if data.get("choice"):
        choice = parsing.number(data["choice"], 0, len(choices_of(resource)) - 1)
        if choice is None or not resource.question:
            errors["choice"] = _("Choose one of the options.")
        answers["choice"] = choice
    if errors:
        raise forms.FormError(errors, data)
    return {key: value for key, value in answers.items() if value is not None}


async def explore(
    db: AsyncSession, user: User, session_id: int, resource_id: int, data: dict[str, str]
) -> None:
    """Explored, with what was rated or answered; sent again, the newest answers count."""
    found = await allowed(db, user, session_id, permissions.can_explore_capsule)
    resource = await db.get(FlippedResource, resource_id)
    if resource is None or resource.session_id != found.session_id:
        raise NotFound
    answers = _answers(data, resource)
    statement = insert_for(db, FlippedProgress).values(
        resource_id=resource_id, user_id=user.id, explored_at=utcnow(), **answers
    )
    if answers:
        statement = statement.on_conflict_do_update(
            index_elements=["resource_id", "user_id"], set_=answers
        )
    else:
        statement = statement.on_conflict_do_nothing()
    await (await db.connection()).execute(statement)
    await board.changed(db, found)
    if resource.skill_id is not None:
        await evidence_changed(db, [user.id or 0])


async def say_what_blocks(
    db: AsyncSession, user: User, session_id: int, data: dict[str, str]
) -> None:
    """One answer per learner and session, which they may rewrite until the session."""
    found = await allowed(db, user, session_id, permissions.can_say_what_blocks)
    body = forms.parse(data, BLOCKER)["body"]
    now = utcnow()
    statement = insert_for(db, FlippedBlocker).values(
        session_id=found.session_id, user_id=user.id, body=body, created_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=["session_id", "user_id"], set_={"body": body}
    )
    await (await db.connection()).execute(statement)
    await board.changed(db, found)
