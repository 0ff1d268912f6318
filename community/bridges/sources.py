"""What a bridge carries: the text and skill of the learner's own blocking point or journal
entry, and the forms they prefill. Only the author reaches their text; anyone else finds
nothing, so that a private text is not even known to exist."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions
from community.errors import NotFound
from community.journal import entries
from community.models import CourseSession, FlippedBlocker, FlippedResource, Skill, User
from community.projects.choices import DEFAULT_WEEKS

HELP_TEXT = 500  # the help request's description
TITLE = 120  # a project's title
PITCH = 1000  # a project's pitch


@dataclass(frozen=True)
class Source:
    """A learner's own text, with the skill it is about (if known) and its group."""

    title: str
    text: str
    skill: Skill | None
    iteration_id: int


async def blocking_point(db: AsyncSession, user: User, session_id: int) -> Source:
    """The reader's answer to "what is blocking you?" before this session."""
    rows = await db.exec(
        select(FlippedBlocker).where(
            FlippedBlocker.session_id == session_id, FlippedBlocker.user_id == user.id
        )
    )
    blocker = rows.first()
    session = await db.get(CourseSession, session_id)
    if blocker is None or session is None:
        raise NotFound
    if not permissions.can_bridge_own_text(user, blocker.user_id == user.id):
        raise NotFound
    skill = await _capsule_skill(db, session_id)
    title = textwrap.shorten(blocker.body, TITLE, placeholder="…")
    return Source(title, blocker.body, skill, session.iteration_id)


async def _capsule_skill(db: AsyncSession, session_id: int) -> Skill | None:
    """The skill the session's capsule works on most: what a blocking point is likely about."""
    rows = await db.exec(
        select(Skill)
        .join(FlippedResource, col(FlippedResource.skill_id) == Skill.id)
        .where(FlippedResource.session_id == session_id)
        .group_by(col(Skill.id))
        .order_by(func.count().desc(), col(Skill.id))
        .limit(1)
    )
    return rows.first()


async def journal_entry(db: AsyncSession, user: User, entry_id: int) -> Source:
    """The reader's own entry: what was hard, or else what happened."""
    found = await entries.own(db, user, entry_id)
    if not permissions.can_bridge_own_text(user, found.is_author):
        raise NotFound
    skills = (await entries.skills_of(db, [found.entry_id])).get(found.entry_id, [])
    entry = found.entry
    text = entry.hard or entry.happened
    return Source(entry.title, text, skills[0] if skills else None, entry.iteration_id)


def help_values(source: Source) -> dict[str, str]:
    """The help request form, prefilled."""
    skill_id = str(source.skill.id) if source.skill else ""
    return {"description": source.text[:HELP_TEXT], "skill_id": skill_id}


def project_values(source: Source) -> dict[str, str]:
    """The project proposal form, prefilled."""
    return {
        "iteration_id": str(source.iteration_id),
        "title": source.title[:TITLE],
        "pitch": source.text[:PITCH],
        "skills": source.skill.name if source.skill else "",
        "weeks": str(DEFAULT_WEEKS),
    }
