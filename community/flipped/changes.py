"""“You said, we did” for a capsule: what a trainer changes in the session because of what
learners said before it, optionally answering one of the board's topics. The session's
learners see it on the capsule page and on their home, pushed as it is recorded.

Not an improvement action (community/improvements.py): those are the provider's, decided
from a group's feedback report for a later group, with an owner, a due date and a measured
effect. This is one trainer's word about the coming session, to the learners who asked."""

from __future__ import annotations

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community import forms, parsing, permissions
from community.flipped import board
from community.flipped.capsule import Place
from community.i18n import _
from community.models import FlippedChange, User
from community.notifications import HOME_REGION
from community.templating import refetch_nudge
from realtime.log import channels

BODY = forms.Text("body", max_length=300, multiline=True)
SHOWN = 5  # on the capsule page, newest first


def channel(session_id: int) -> str:
    """What a session's learners hear: its capsule page, and their home while the session
    is ahead."""
    return f"capsule:{session_id}"


def region(session_id: int) -> str:
    return f"changes-{session_id}"


def label(topic: board.NamedTopic) -> str:
    return topic.name or _("About: %(words)s", words=", ".join(topic.topic.key_words))


def topic_options(shown: board.Board) -> list[tuple[str, str]]:
    """Topics a change may answer: those shown with examples, from k answers, so that what
    learners read back was said by enough of them."""
    return [(str(t.topic.anchor_id), label(t)) for t in shown.topics if t.topic.size >= shown.k]


async def record(db: AsyncSession, user: User, session_id: int, data: dict) -> None:
    found = await board.editable(db, user, session_id, permissions.can_record_capsule_change)
    body = forms.parse(data, BODY)["body"]
    said = await _said(db, found, data)
    assert user.id is not None
    db.add(FlippedChange(session_id=found.session_id, said=said, body=body, created_by=user.id))
    await db.flush()
    # Nudges, not the note: each page fetches it again in its reader's language, and the
    # same event serves the capsule page and the home.
    nudges = refetch_nudge(region(found.session_id), f"/sessions/{found.session_id}/capsule")
    await realtime.append(db, channel(found.session_id), nudges + refetch_nudge(HOME_REGION, "/"))


async def _said(db: AsyncSession, found: Place, data: dict) -> str:
    """The topic's name as the board shows it now; "" for no topic."""
    raw = data.get("anchor_id", "")
    if not raw:
        return ""
    options = dict(topic_options(await board.build(db, found)))
    anchor_id = parsing.ident(raw)
    if anchor_id is None or str(anchor_id) not in options:
        raise forms.FormError({"anchor_id": _("Choose one of the options.")}, data)
    return options[str(anchor_id)][:200]


async def of_session(db: AsyncSession, session_id: int) -> list[FlippedChange]:
    rows = await db.exec(
        select(FlippedChange)
        .where(FlippedChange.session_id == session_id)
        .order_by(col(FlippedChange.id).desc())
        .limit(SHOWN)
    )
    return list(rows)


async def latest_of(db: AsyncSession, session_ids: list[int]) -> dict[int, FlippedChange]:
    """The newest change of each session, in one query, for the home."""
    newest = (
        select(func.max(FlippedChange.id))
        .where(col(FlippedChange.session_id).in_(session_ids))
        .group_by(col(FlippedChange.session_id))
    )
    rows = await db.exec(select(FlippedChange).where(col(FlippedChange.id).in_(newest)))
    return {row.session_id: row for row in rows}


async def followed(db: AsyncSession, session_ids: list[int]) -> list[tuple[str, int]]:
    """The sessions' channels with the seq the page reflects, in one query, for a page
    that follows several (the home)."""
    names = [channel(session_id) for session_id in session_ids]
    rows = await db.exec(
        select(channels.c.name, channels.c.last_seq).where(col(channels.c.name).in_(names))
    )
    seqs: dict[str, int] = dict(rows.all())
    return [(name, seqs.get(name, 0)) for name in names]
