"""After work (reverse work-study): the journal, an entry's page, the mentor's link (no
account), a session's pooling page and the trainers' view by skill, the evidence of skills by
source and the printable dossier; the area's declaration at the bottom."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import realtime
from community import forms, images, permissions
from community.area import Area, Channel, NavEntry
from community.errors import NotFound
from community.i18n import _
from community.images import FIELD, Upload
from community.journal import debrief, dossier, entries, evidence, mentor, photos, picks, pooling
from community.models import (
    CourseSession,
    JournalComment,
    JournalEntry,
    JournalPhoto,
    MentorLink,
    SkillValidation,
    User,
)
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_account,
    as_long_as_the_space,
    members_of_the_space,
    nobody_else,
)
from community.skill_map.common import provider_skills
from community.templating import render
from community.trainings.groups import IterationView
from community.views import (
    current_user,
    db,
    form_data,
    redirect,
    shows_errors_on,
    signed_in,
    transaction,
    uploaded,
)
from community.views.mail import links_base

# An entry's photo is sent alone: twice the picture's limit, so that one somewhat too large
# is refused next to its field, not by an error page.
UPLOADS = ((re.compile(r"/journal/entries/[0-9]+/photos"), 2 * images.MAX_BYTES),)


def _entry_id(request: Request) -> int:
    return int(request.path_params["entry_id"])


def _session_id(request: Request) -> int:
    return int(request.path_params["session_id"])


async def journal_page(request: Request, **extra: Any) -> Response:
    """The learner's entries and the form of a new one."""
    user = signed_in(request)
    if not permissions.can_keep_journal(user):
        raise NotFound
    async with db(request).session() as session:
        groups = await entries.learning_groups(session, user)
        mine = await entries.mine(session, user)
        skills = await entries.skills_of(session, [e.id or 0 for e in mine])
        confirmed = await mentor.confirmed_entries(session, [e.id or 0 for e in mine])
        catalogue = await _catalogue(session, groups, extra.get("values", {}))
    options = [(g.iteration_id, f"{g.training.title} · {g.iteration.name}") for g in groups]
    context = {
        "groups": groups, "entries": mine, "skills": skills, "confirmed": confirmed,
        "catalogue": catalogue, "group_options": options, **extra,
    }  # fmt: skip
    status = 422 if "errors" in extra else 200
    return render(request, "journal/journal.html", context, status_code=status)


async def _catalogue(session: AsyncSession, groups: list[IterationView], values: dict) -> list:
    """The skills a new entry may name: those of the chosen group's provider."""
    if not groups:
        return []
    chosen = next(
        (g for g in groups if str(g.iteration_id) == values.get("iteration_id")), groups[0]
    )
    return await provider_skills(session, chosen.training.provider_id)


async def entry_page(request: Request, **extra: Any) -> Response:
    """An entry: for its author, the forms to change, share and send it; for the group once
    shared, the entry and a link to the session's pooling."""
    user = signed_in(request)
    async with db(request).session() as session:
        found = await entries.find(session, user, _entry_id(request))
        skills = (await entries.skills_of(session, [found.entry_id])).get(found.entry_id, [])
        context: dict[str, Any] = {"entry": found.entry, "found": found, "skills": skills, **extra}
        context["photos"] = await photos.of_entry(session, found.entry_id)
        if found.is_author:
            context.update(await _author_part(session, found, skills, extra))
        context.update(await _validation_part(session, user, found, extra))
        shared_on = found.entry.shared_session_id
        context["shared_on"] = await session.get(CourseSession, shared_on) if shared_on else None
    status = 422 if "errors" in extra else 200
    return render(request, "journal/entry.html", context, status_code=status)


async def _author_part(
    session: AsyncSession, found: entries.Found, skills: list, extra: dict
) -> dict:
    return {
        "catalogue": await provider_skills(session, found.group.training.provider_id),
        "links": await mentor.links_of(session, found.entry_id),
        "link_state": mentor.state_of,
        "sessions": await pooling.sessions_to_share(session, found.group),
        "values": _form_values(found, skills, extra.get("values") or {}),
        "max_photos": photos.MAX_PHOTOS,
    }


async def _validation_part(
    session: AsyncSession, user: User, found: entries.Found, extra: dict
) -> dict:
    """The skills validated from the entry, for its author and the group's trainers; for the
    trainers, once the entry is shared, the form to validate one more."""
    validates = found.entry.shared_session_id is not None and permissions.can_validate_skill(
        user, found.group.facts
    )
    if not (found.is_author or validates):
        return {}
    catalogue = await provider_skills(session, found.group.training.provider_id)
    return {
        "validations": await evidence.on_entry(session, found.entry_id),
        "validates": validates,
        "validate_skills": [(s.id, s.name) for s in catalogue],
        "level_options": [(level, evidence.level_label(level)) for level in evidence.LEVELS],
        "level_label": evidence.level_label,
        **({} if found.is_author else {"values": extra.get("values") or evidence.blank()}),
    }


def _form_values(found: entries.Found, skills: list, typed: dict[str, str]) -> dict[str, str]:
    """The entry in its edit form, unless the edit form itself was refused: then what was
    typed there (a refused mentor form keeps the entry's own values beside what was typed)."""
    if "title" in typed:
        return typed
    return {**entries.values_of(found.entry, skills), **typed}


Write = Callable[[AsyncSession, User, Request, dict[str, str]], Awaitable[str]]


def _write(
    act: Write, page: Callable[..., Awaitable[Response]], *, mails: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """A write; a refused form is said on `page`, with what was typed. `act` says where to go;
    `mails` when it queues a mail."""

    @shows_errors_on(page)
    async def endpoint(request: Request) -> Response:
        user = signed_in(request)
        data = await form_data(request)
        async with transaction(request) as session:
            target = await act(session, user, request, data)
        if mails:  # committed: the sender need not wait for its next round
            request.app.state.mailer.wake()
        return redirect(target)

    return endpoint


async def _add(session: AsyncSession, user: User, _r: Request, data: dict) -> str:
    entry = await entries.write(session, user, data)
    return f"/journal/entries/{entry.id}"


async def _edit(session: AsyncSession, user: User, request: Request, data: dict) -> str:
    found = await entries.edit(session, user, _entry_id(request), data)
    if found.entry.shared_session_id is not None:
        await pooling.changed(session, found.entry.shared_session_id)
    return f"/journal/entries/{found.entry_id}"


async def _remove(session: AsyncSession, user: User, request: Request, _d: dict) -> str:
    mine = await entries.own(session, user, _entry_id(request))
    await photos.forget(session, request.app.state.media, entry_id=mine.entry_id)
    found = await entries.remove(session, user, _entry_id(request))
    await pooling.forget(session, found.entry)
    return "/journal"


async def _add_photo(session: AsyncSession, user: User, request: Request, data: dict) -> str:
    found = await entries.own(session, user, _entry_id(request))
    file = await uploaded(request, FIELD, images.MAX_BYTES)
    upload = None if file is None else Upload(file, request.app.state.media)
    await photos.add(session, found, upload, data)
    return f"/journal/entries/{found.entry_id}#photos"


async def _remove_photo(session: AsyncSession, user: User, request: Request, _d: dict) -> str:
    found = await entries.own(session, user, _entry_id(request))
    await photos.remove(session, request.app.state.media, found, request.path_params["key"])
    return f"/journal/entries/{found.entry_id}#photos"


async def _from_practice(session: AsyncSession, user: User, request: Request, _d: dict) -> str:
    entry = await debrief.to_journal(session, user, int(request.path_params["practice_id"]))
    return f"/journal/entries/{entry.id}#edit"


async def photo(request: Request) -> Response:
    """An entry's photo, for whoever may read the entry; anyone else is told there is none."""
    user = current_user(request)
    if user is None:
        raise NotFound
    async with db(request).session() as session:
        found = await entries.find(session, user, _entry_id(request))
        shown = await photos.shown(session, found.entry, request.path_params["key"])
    return await _picture(request, shown, private=found.entry.shared_session_id is None)


async def mentor_photo(request: Request) -> Response:
    """A photo of the entry a mentor's link opens, while the link works."""
    async with db(request).session() as session:
        opened = await mentor.opened(session, request.path_params["key"])
        if opened.entry is None:
            raise NotFound
        shown = await photos.shown(session, opened.entry, request.path_params["photo"])
    return await _picture(request, shown, private=True)


async def _picture(request: Request, shown: JournalPhoto, *, private: bool) -> Response:
    content = await asyncio.to_thread(request.app.state.media.get, shown.key)
    if content is None:
        raise NotFound
    headers = {
        # A private entry's photo is kept by no cache, the browser's included.
        "cache-control": "no-store" if private else "private",
        "content-disposition": "inline",
        # Opened alone, the picture is a document of its own: it may run nothing.
        "content-security-policy": "default-src 'none'; img-src 'self'; sandbox",
    }
    return Response(content, media_type=shown.content_type, headers=headers)


async def _send(session: AsyncSession, user: User, request: Request, data: dict) -> str:
    settings = request.app.state.settings
    await mentor.send(
        session, user, _entry_id(request), data, links_base(request), settings.mail_from
    )
    return f"/journal/entries/{_entry_id(request)}#mentor"


async def _revoke(session: AsyncSession, user: User, request: Request, _d: dict) -> str:
    await mentor.revoke(session, user, _entry_id(request), int(request.path_params["link_id"]))
    return f"/journal/entries/{_entry_id(request)}#mentor"


async def _share(session: AsyncSession, user: User, request: Request, data: dict) -> str:
    session_id = await pooling.share(session, user, _entry_id(request), data)
    return f"/sessions/{session_id}/pooling"


async def _unshare(session: AsyncSession, user: User, request: Request, _d: dict) -> str:
    await pooling.unshare(session, user, _entry_id(request))
    return f"/journal/entries/{_entry_id(request)}"


async def _comment(session: AsyncSession, user: User, request: Request, data: dict) -> str:
    session_id = await pooling.comment(session, user, _entry_id(request), data)
    return f"/sessions/{session_id}/pooling#entry-{_entry_id(request)}"


async def _validate(session: AsyncSession, user: User, request: Request, data: dict) -> str:
    found = await evidence.validate(session, user, _entry_id(request), data)
    return f"/journal/entries/{found.entry_id}#validations"


async def mentor_page(request: Request, **extra: Any) -> Response:
    """What the mentor's link opens, without an account: one entry, while the link works;
    an expired or revoked link says so and shows nothing (410)."""
    key = request.path_params["key"]
    async with db(request).session() as session:
        opened = await mentor.opened(session, key)
        skills, shown = [], []
        if opened.entry is not None:
            entry_id = opened.entry.id or 0
            skills = (await entries.skills_of(session, [entry_id])).get(entry_id, [])
            shown = await photos.of_entry(session, entry_id)
    context = {
        "opened": opened,
        "skills": skills,
        "photos": shown,
        "key": key,
        "answered": request.query_params.get("answered") == "1",
        **extra,
    }
    status = 410 if opened.link is None else 422 if "errors" in extra else 200
    return render(request, "journal/mentor.html", context, status_code=status)


@shows_errors_on(mentor_page)
async def mentor_answer(request: Request) -> Response:
    key = request.path_params["key"]
    data = await form_data(request)
    async with transaction(request) as session:
        opened = await mentor.answer(session, key, data)
    if opened.link is None:
        return await mentor_page(request)
    return redirect(f"/mentor/{key}?answered=1")


async def pooling_page(request: Request) -> Response:
    user = signed_in(request)
    session_id = _session_id(request)
    async with db(request).session() as session:
        found = await pooling.place(session, user, session_id)
        pooled = await pooling.pooled_in(session, session_id)
        seq = await realtime.last_seq(session, pooling.channel(session_id))
    context = {
        **pooling.context(found.session, pooled, seq), "group": found.group,
        "prepares": permissions.can_prepare_pooling(user, found.group.facts),
    }  # fmt: skip
    return render(request, "journal/pooling.html", context, block="pooling")


async def by_skill_page(request: Request, **extra: Any) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        found, prepared = await pooling.preparation(session, user, _session_id(request))
    context = {"session": found.session, "group": found.group, "prepared": prepared, **extra}
    status = 422 if "errors" in extra else 200
    return render(request, "journal/by_skill.html", context, status_code=status)


def _back(request: Request, data: dict) -> str:
    """The page the trainer picked from: the view by skill, or the pooling page."""
    skills = "/skills" if data.get("back") == "skills" else ""
    return f"/sessions/{_session_id(request)}/pooling{skills}#picks"


async def _pick(session: AsyncSession, user: User, request: Request, data: dict) -> str:
    await picks.pick(session, user, _session_id(request), data)
    return _back(request, data)


async def _unpick(session: AsyncSession, user: User, request: Request, data: dict) -> str:
    await picks.unpick(session, user, _session_id(request), _entry_id(request))
    return _back(request, data)


async def _move(session: AsyncSession, user: User, request: Request, data: dict) -> str:
    await picks.move(session, user, _session_id(request), _entry_id(request), data)
    return _back(request, data)


async def evidence_page(request: Request) -> Response:
    """The learner's evidence by skill, from their own entries, their mentor, their trainers."""
    user = signed_in(request)
    async with db(request).session() as session:
        skills = await evidence.mine(session, user)
    context = {
        "learner": user,
        "evidence": skills,
        "own": True,
        "level_label": evidence.level_label,
    }
    return render(request, "journal/evidence.html", context)


async def learner_evidence_page(request: Request) -> Response:
    """The same, for a trainer of the learner's group: from shared entries only."""
    user = signed_in(request)
    async with db(request).session() as session:
        learner, skills = await evidence.of_learner(
            session, user, int(request.path_params["learner_id"])
        )
    context = {
        "learner": learner, "evidence": skills, "own": False, "level_label": evidence.level_label,
    }  # fmt: skip
    return render(request, "journal/evidence.html", context)


async def dossier_page(request: Request, **extra: Any) -> Response:
    """The learner ticks the entries their dossier holds: shared ones are offered ticked."""
    user = signed_in(request)
    async with db(request).session() as session:
        offered = await dossier.offered(session, user)
    context = {"offered": offered, "choice": dossier.CHOICE, **extra}
    status = 422 if "errors" in extra else 200
    return render(request, "journal/dossier.html", context, status_code=status)


async def dossier_print(request: Request) -> Response:
    """The dossier to print, without the site's navigation; a choice that cannot be read is
    said on the page of the choice."""
    user = signed_in(request)
    async with db(request).session() as session:
        try:
            made = await dossier.compose(
                session, user, request.query_params.getlist(dossier.CHOICE)
            )
        except forms.FormError as refused:
            return await dossier_page(request, errors=refused.errors)
    context = {"dossier": made, "level_label": evidence.level_label}
    return render(request, "journal/dossier_print.html", context)


async def group_part(
    session: AsyncSession, user: User, view: IterationView, _r: Request
) -> dict[str, Any]:
    """On the group's page: the sessions with entries shared for them, to their pooling."""
    if not permissions.can_read_pooling(user, view.facts):
        return {}
    rows = await session.exec(
        select(CourseSession)
        .join(JournalEntry, col(JournalEntry.shared_session_id) == CourseSession.id)
        .where(CourseSession.iteration_id == view.iteration_id)
        .distinct()
        .order_by(col(CourseSession.starts_at))
    )
    return {"pooled_sessions": list(rows)}


async def _hears_pooling(session: AsyncSession, user: User, session_id: int) -> bool:
    await pooling.place(session, user, session_id)
    return True  # else NotFound was raised


ENTRY = "/journal/entries/{entry_id:id}"
PHOTO = ENTRY + "/photos/{key:token}"
SESSION = "/sessions/{session_id:id}"
PICK = SESSION + "/pooling/picks/{entry_id:id}"

AREA = Area(
    "journal",
    routes=[
        Route("/journal", journal_page, methods=["GET"]),
        Route("/journal/entries", _write(_add, journal_page), methods=["POST"]),
        Route(ENTRY, entry_page, methods=["GET"]),
        Route(ENTRY + "/edit", _write(_edit, entry_page), methods=["POST"]),
        Route(ENTRY + "/delete", _write(_remove, entry_page), methods=["POST"]),
        Route(ENTRY + "/photos", _write(_add_photo, entry_page), methods=["POST"]),
        Route(PHOTO, photo, methods=["GET"]),
        Route(PHOTO + "/delete", _write(_remove_photo, entry_page), methods=["POST"]),
        Route(
            "/journal/from-practice/{practice_id:id}",
            _write(_from_practice, journal_page),
            methods=["POST"],
        ),
        Route(ENTRY + "/mentor", _write(_send, entry_page, mails=True), methods=["POST"]),
        Route(ENTRY + "/mentor/{link_id:id}/revoke", _write(_revoke, entry_page), methods=["POST"]),
        Route(ENTRY + "/share", _write(_share, entry_page), methods=["POST"]),
        Route(ENTRY + "/unshare", _write(_unshare, entry_page), methods=["POST"]),
        Route(ENTRY + "/comments", _write(_comment, entry_page), methods=["POST"]),
        Route(ENTRY + "/validations", _write(_validate, entry_page), methods=["POST"]),
        Route("/journal/evidence", evidence_page, methods=["GET"]),
        Route("/journal/learners/{learner_id:id}/evidence", learner_evidence_page, methods=["GET"]),
        Route("/journal/dossier", dossier_page, methods=["GET"]),
        Route("/journal/dossier/print", dossier_print, methods=["GET"]),
        Route("/mentor/{key:token}", mentor_page, methods=["GET"]),
        Route("/mentor/{key:token}", mentor_answer, methods=["POST"]),
        Route("/mentor/{key:token}/photos/{photo:token}", mentor_photo, methods=["GET"]),
        Route(SESSION + "/pooling", pooling_page, methods=["GET"]),
        Route(SESSION + "/pooling/skills", by_skill_page, methods=["GET"]),
        Route(SESSION + "/pooling/picks", _write(_pick, by_skill_page), methods=["POST"]),
        Route(PICK + "/unpick", _write(_unpick, by_skill_page), methods=["POST"]),
        Route(PICK + "/move", _write(_move, by_skill_page), methods=["POST"]),
    ],
    channels={"pooling": Channel(_hears_pooling)},
    nav=[NavEntry("/journal", lambda: _("Journal"), permissions.can_keep_journal, order=36)],
    group_page=group_part,
    rules=[
        permissions.can_keep_journal,
        permissions.can_write_entry,
        permissions.can_read_entry,
        permissions.can_change_entry,
        permissions.can_share_entry,
        permissions.can_answer_as_mentor,
        permissions.can_read_pooling,
        permissions.can_comment_shared_entry,
        permissions.can_prepare_pooling,
        permissions.can_pick_entry_to_discuss,
        permissions.can_validate_skill,
        permissions.can_read_skill_evidence,
        permissions.can_print_dossier,
    ],
    personal_data=(
        Holding(
            JournalEntry,
            person=("author_id",),
            what=lambda: _("Your journal of work situations and the skills each one used."),
            purpose=lambda: _("Reflecting on work situations; pooling those you share."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=lambda: _(
                "You only; once you share an entry, your group and its trainers; once you send "
                "it, the mentor you named."
            ),
            exported=(
                "title",
                "happened",
                "did",
                "hard",
                "next_time",
                "shared_session_id",
                "created_at",
                "updated_at",
            ),
        ),
        Holding(
            JournalPhoto,
            person=("author_id",),
            what=lambda: _("The photos of your journal entries."),
            purpose=lambda: _("Reflecting on work situations; pooling those you share."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=lambda: _("Whoever may read their entry."),
            exported=("entry_id", "width", "height", "size", "content_type", "created_at"),
        ),
        Holding(
            MentorLink,
            person=("author_id",),
            what=lambda: _("The mentors you sent an entry to (name, address) and their answers."),
            purpose=lambda: _("Letting your workplace mentor confirm a work situation."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=(
                "entry_id",
                "mentor_name",
                "mentor_email",
                "created_at",
                "expires_at",
                "revoked_at",
                "answered_at",
                "confirmed",
                "comment",
            ),
        ),
        Holding(
            JournalComment,
            person=("author_id",),
            what=lambda: _("Your comments on the entries your group shared."),
            purpose=lambda: _("Pooling work situations at the training centre."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=members_of_the_space,
            exported=("entry_id", "body", "created_at"),
        ),
        Holding(
            SkillValidation,
            person=("learner_id", "trainer_id"),
            what=lambda: _(
                "The skills a trainer observed or validated from an entry you shared: the day "
                "and their comment."
            ),
            purpose=lambda: _("Gathering the evidence of your skills, for you and your funder."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=lambda: _("You and the trainers of your group."),
            exported=("entry_id", "skill_id", "level", "observed_on", "comment", "created_at"),
        ),
    ),
)
