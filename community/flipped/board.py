"""The readiness board of a session, for the group's trainers: per resource how many
explored it and how useful they found it, checkpoint results, and the blocking points
grouped into topics. Learners appear only as counts; means and topics only from k learners.
The board is the same for every trainer of the group: a write renders it once per language
and pushes it to every open board."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community import forms, parsing, permissions
from community.database import insert_for
from community.errors import Forbidden, NotFound
from community.flipped import peers, topics
from community.flipped.capsule import Place, Rule, allowed, choices_of, resources
from community.flipped.capsule import place as capsule_place
from community.i18n import _
from community.models import (
    Enrolment,
    EnrolmentRole,
    FlippedBlocker,
    FlippedProgress,
    FlippedResource,
    FlippedTopicMerge,
    FlippedTopicName,
    User,
    utcnow,
)
from community.reports.publication import threshold_of
from community.templating import as_event, render_each

TEMPLATE = "flipped/board.html"
TOPIC_NAME = forms.Text("name", max_length=80)


def channel(session_id: int) -> str:
    return f"readiness:{session_id}"


@dataclass(frozen=True)
class Line:
    """One resource on the board."""

    resource: FlippedResource
    explored: int
    rated: int
    mean: float | None  # None under k ratings
    answered: int
    right: int


@dataclass(frozen=True)
class NamedTopic:
    topic: topics.Topic
    name: str  # the trainer's, or "" for the key words


@dataclass(frozen=True)
class Board:
    place: Place
    k: int
    learners: int
    lines: list[Line]
    answered: int  # learners who said what blocks them
    tutors: peers.Tutors
    topics: list[NamedTopic] = field(default_factory=list)  # empty under k answers

    @property
    def topics_shown(self) -> bool:
        return self.answered >= self.k


async def _learners(db: AsyncSession, iteration_id: int) -> int:
    count = select(func.count(col(Enrolment.id))).where(
        Enrolment.iteration_id == iteration_id, Enrolment.role == EnrolmentRole.LEARNER
    )
    return (await db.exec(count)).one()


async def _lines(db: AsyncSession, items: list[FlippedResource], k: int) -> list[Line]:
    """One grouped query for every resource's figures."""
    rows = await db.exec(
        select(FlippedProgress).where(col(FlippedProgress.resource_id).in_([r.id for r in items]))
    )
    by_resource: dict[int, list[FlippedProgress]] = {}
    for row in rows:
        by_resource.setdefault(row.resource_id, []).append(row)
    return [_line(resource, by_resource.get(resource.id or 0, []), k) for resource in items]


def _line(resource: FlippedResource, rows: list[FlippedProgress], k: int) -> Line:
    ratings = [row.usefulness for row in rows if row.usefulness is not None]
    answers = [row.choice for row in rows if row.choice is not None]
    mean = sum(ratings) / len(ratings) if len(ratings) >= k else None
    right = sum(1 for choice in answers if choice == resource.right_choice)
    return Line(resource, len(rows), len(ratings), mean, len(answers), right)


async def build(db: AsyncSession, place: Place) -> Board:
    k = await threshold_of(db, place.group.training.provider_id)
    items = await resources(db, place.session_id)
    blockers = list(
        await db.exec(
            select(FlippedBlocker.id, FlippedBlocker.body)
            .where(FlippedBlocker.session_id == place.session_id)
            .order_by(col(FlippedBlocker.id))
        )
    )
    board = Board(
        place,
        k,
        await _learners(db, place.group.iteration_id),
        await _lines(db, items, k),
        len(blockers),
        await peers.tutors(db, place),
    )
    if not board.topics_shown:
        return board
    grouped = topics.group([(blocker_id or 0, body) for blocker_id, body in blockers])
    merges = await db.exec(
        select(FlippedTopicMerge.answer_id, FlippedTopicMerge.into_id).where(
            FlippedTopicMerge.session_id == place.session_id
        )
    )
    names = await _names(db, place.session_id)
    board.topics.extend(
        NamedTopic(t, _name_of(t, names)) for t in topics.merged(grouped, list(merges.all()))
    )
    return board


async def _names(db: AsyncSession, session_id: int) -> dict[int, str]:
    """The names given, by the answer they were given at, oldest first."""
    rows = await db.exec(
        select(FlippedTopicName.anchor_id, FlippedTopicName.name)
        .where(FlippedTopicName.session_id == session_id)
        .order_by(col(FlippedTopicName.created_at), col(FlippedTopicName.id))
    )
    return dict(rows.all())


def _name_of(topic: topics.Topic, names: dict[int, str]) -> str:
    """A name follows the answer it was given at, wherever the answers are grouped next:
    the newest name among the topic's answers (two topics merged, the last one named)."""
    members = set(topic.members)
    given = [name for anchor, name in names.items() if anchor in members]
    return given[-1] if given else ""


async def readable(db: AsyncSession, user: User, session_id: int) -> Board:
    return await build(db, await allowed(db, user, session_id, permissions.can_read_readiness))


def context(board: Board, live_seq: Any = "") -> dict[str, Any]:
    return {"board": board, "session": board.place.session, "live_seq": live_seq,
            "choices_of": choices_of, "oob": live_seq == ""}  # fmt: skip


async def changed(db: AsyncSession, place: Place) -> None:
    """Every open board of the session gets the new one, rendered once per language after
    the writes of this request (its topics computed once)."""

    async def region() -> str:
        board = await build(db, place)
        return as_event(render_each(TEMPLATE, "board", lambda: {"": context(board)}))

    await realtime.append(db, channel(place.session_id), region)


async def editable(db: AsyncSession, user: User, session_id: int, rule: Rule) -> Place:
    """The session, when `rule` lets the reader change its board. Someone of the group who
    may not is refused (Forbidden); anyone else is told the session does not exist."""
    found = await capsule_place(db, user, session_id)
    if not rule(user, found.group.facts):
        raise Forbidden
    return found


async def _answer(db: AsyncSession, found: Place, raw: object) -> int:
    """An answer of this session, as a form names it; NotFound otherwise."""
    answer = await db.get(FlippedBlocker, parsing.ident_or_zero(raw))
    if answer is None or answer.session_id != found.session_id or answer.id is None:
        raise NotFound
    return answer.id


async def name_topic(db: AsyncSession, user: User, session_id: int, data: dict) -> None:
    """A trainer names a topic (known by its earliest answer); named again, the newest
    name counts."""
    found = await editable(db, user, session_id, permissions.can_name_topic)
    anchor_id = await _answer(db, found, data.get("anchor_id"))
    name = forms.parse(data, TOPIC_NAME)["name"]
    now = utcnow()
    statement = insert_for(db, FlippedTopicName).values(
        session_id=found.session_id, anchor_id=anchor_id, name=name, named_by=user.id,
        created_at=now,
    )  # fmt: skip
    statement = statement.on_conflict_do_update(
        index_elements=["session_id", "anchor_id"],
        set_={"name": name, "named_by": user.id, "created_at": now},
    )
    await (await db.connection()).execute(statement)
    await changed(db, found)


async def merge_topics(db: AsyncSession, user: User, session_id: int, data: dict) -> None:
    """A trainer makes one topic of two, each named by one of its answers.

    Kept as links from every answer of both topics, as they are now, to the answer the
    second is named by: topics computed again may split differently as answers arrive, and
    linking only the two anchors would let the others drift off. Links only add up (the
    same one twice is kept once), so a later merge, or two at once, never undo another."""
    found = await editable(db, user, session_id, permissions.can_merge_topics)
    answer_id = await _answer(db, found, data.get("anchor_id"))
    into_id = await _answer(db, found, data.get("into_id"))
    members = _members_of(await build(db, found), answer_id, into_id)
    if members is None:
        raise forms.FormError({"into_id": _("Choose another topic to merge with.")}, data)
    if not members:
        return
    rows = [
        {"session_id": found.session_id, "answer_id": member, "into_id": into_id,
         "merged_by": user.id, "created_at": utcnow()}
        for member in members
    ]  # fmt: skip
    statement = insert_for(db, FlippedTopicMerge).values(rows).on_conflict_do_nothing()
    await (await db.connection()).execute(statement)
    await changed(db, found)


def _members_of(shown: Board, answer_id: int, into_id: int) -> list[int] | None:
    """The answers of the two topics holding these; none to link when one topic already holds
    both (another trainer merged them a moment before); None unless shown topics hold them."""
    holding = [t.topic for t in shown.topics if {answer_id, into_id} & set(t.topic.members)]
    if answer_id != into_id and len(holding) == 1 and into_id in holding[0].members:
        return [] if answer_id in holding[0].members else None
    if len(holding) != 2:
        return None
    return sorted(member for topic in holding for member in topic.members)
