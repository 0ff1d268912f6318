"""Deleting an account: what it does is read from what each area declares it holds
(`Holding.on_erase`), so that an area is covered by declaring its tables.

The rows of DELETE holdings go; the rows of KEEP_AS_FORMER holdings stay, pointing at the
account row, which keeps its id and loses every personal field: wherever a name was shown,
the reader reads "former member" (`templating.shown_name`). Before the rows go, what they
meant to others is undone as the areas undo it: a seat in a project is freed as leaving it
frees it (the waitlist moves up), a help request under way is called off.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, or_
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, notifications, permissions
from community.database import lock
from community.errors import NotFound
from community.i18n import _
from community.models import (
    AccountErasure,
    HelpOffer,
    HelpRequest,
    Message,
    Project,
    ProjectMember,
    Role,
    User,
    utcnow,
)
from community.personal_data import Holding, OnErase
from community.projects.access import project_view
from community.projects.channels import push, reseated
from community.projects.membership import vacate
from community.tutoring.choices import UNDER_WAY
from community.tutoring.peers import provider_ids
from community.tutoring.sessions import call_off

CONFIRM_FIELD = "confirm"
REASON = forms.Text("reason", max_length=300)
# The hash of an erased account: no password verifies against it (argon2 refuses to read it).
UNUSABLE_HASH = "!erased"


def _holdings() -> tuple[Holding, ...]:
    # Every area's declarations; the areas' views import this module: imported when used.
    from community.areas import HOLDINGS

    return HOLDINGS


@dataclass(frozen=True)
class Consequences:
    """What deleting an account does, in the reader's language, from the declarations."""

    deleted: list[str]
    kept: list[str]


def consequences() -> Consequences:
    """The account row itself stays, but only as "former member": what it holds is deleted."""
    deleted, kept = [], []
    for holding in _holdings():
        if holding.on_erase == OnErase.DELETE or holding.table is User:
            deleted.append(holding.what())
        elif holding.on_erase == OnErase.KEEP_AS_FORMER:
            kept.append(holding.what())
    return Consequences(deleted, kept)


def email_of_erased(user_id: int) -> str:
    """Unique, and in the `.invalid` domain (RFC 2606): never reachable, never typed at sign-up
    (e-mail addresses are checked there)."""
    return f"erased-{user_id}@invalid"


def check_confirmed(data: dict[str, str], errors: dict[str, str]) -> None:
    """The explicit confirmation, beside the form's other problems, if any."""
    if data.get(CONFIRM_FIELD) != "1":
        errors[CONFIRM_FIELD] = _("Tick the box to confirm that you want this.")
    if errors:
        raise forms.FormError(errors, data)


async def holder(db: AsyncSession, asker: User, person: User) -> permissions.AccountHolder:
    """The account as staff asking to delete it see it: its providers are a trainer's own and
    a learner's through their enrolments."""
    providers = await provider_ids(db, person) if person.role == Role.LEARNER else set()
    if person.provider_id is not None:
        providers.add(person.provider_id)
    return permissions.AccountHolder(person.role, frozenset(providers), person.id == asker.id)


async def person_for_staff(db: AsyncSession, staff: User, person_id: int) -> User:
    """The account staff may delete; NotFound for any other, so that nothing is learnt of it."""
    person = await db.get(User, person_id)
    if person is None or person.erased_at is not None:
        raise NotFound
    if not permissions.can_erase_account_of(staff, await holder(db, staff, person)):
        raise NotFound
    return person


async def find_for_staff(db: AsyncSession, staff: User, data: dict[str, str]) -> User:
    """The account with this address, if this staff member may delete it."""
    email = forms.parse(data, forms.Email("email"))["email"]
    person = (await db.exec(select(User).where(User.email == email))).first()
    try:
        return await person_for_staff(db, staff, person.id or 0 if person else 0)
    except NotFound:
        refusal = _("No account you may delete has this address.")
        raise forms.FormError({"email": refusal}, data) from None


@dataclass(frozen=True)
class Erased:
    """What an erasure changed beyond its own rows: whose project role changed with it."""

    erasure: AccountErasure
    reseated: set[int]


async def erase(
    db: AsyncSession, person_id: int, *, actor: User | None = None, reason: str = ""
) -> Erased | None:
    """Delete the account, in the caller's transaction; None when it is already deleted (a
    second request at the same moment waits for the first's row lock, then finds it done)."""
    person = await lock(db, User, person_id)
    if person is None or person.erased_at is not None:
        return None
    shown_in = await _projects_showing(db, person_id)
    reseated = await _free_seats(db, person_id)
    await _call_off_help(db, person_id)
    await notifications.forget_name(db, person.display_name)
    _empty(db, person)
    await db.flush()
    await _refresh_projects(db, person, shown_in)
    await _delete_rows(db, person_id)
    erasure = AccountErasure(user_id=person_id, actor_id=actor.id if actor else None, reason=reason)
    db.add(erasure)
    await db.flush()
    return Erased(erasure, reseated - {person_id})


async def _projects_showing(db: AsyncSession, person_id: int) -> set[int]:
    """The projects whose page shows the person: proposed, written in, or with a seat."""
    found: set[int] = set()
    for project, naming in (
        (Project.id, Project.author_id),
        (Message.project_id, Message.author_id),
        (ProjectMember.project_id, ProjectMember.user_id),
    ):
        found.update(filter(None, await db.exec(select(project).where(naming == person_id))))
    return found


async def _free_seats(db: AsyncSession, person_id: int) -> set[int]:
    """Each seat is freed as leaving frees it, the lead's too: the waitlist moves up. Returns
    whose seat changed."""
    seats = await db.exec(
        select(ProjectMember.project_id).where(ProjectMember.user_id == person_id)
    )
    for project_id in sorted(set(seats)):
        project = await lock(db, Project, project_id)  # as every write in a project space does
        member = (
            await db.exec(
                select(ProjectMember).where(
                    ProjectMember.project_id == project_id, ProjectMember.user_id == person_id
                )
            )
        ).first()
        if member is not None and project is not None:
            await vacate(db, project, member)
    return reseated(db)


async def _refresh_projects(db: AsyncSession, person: User, project_ids: set[int]) -> None:
    """Open pages of these projects get their regions again, now reading "former member"."""
    for project_id in sorted(project_ids):
        try:
            view = await project_view(db, person, project_id)
        except NotFound:  # a draft, or a group they left: no page of others shows them there
            continue
        await push(db, view, "head", "members", "board", "messages")


async def _call_off_help(db: AsyncSession, person_id: int) -> None:
    """Requests under way that the person asked for, or was chosen to tutor, are called off."""
    chosen = select(HelpOffer.id).where(HelpOffer.tutor_id == person_id)
    theirs = await db.exec(
        select(col(HelpRequest.id)).where(
            col(HelpRequest.status).in_(UNDER_WAY),
            or_(
                col(HelpRequest.requester_id) == person_id,
                col(HelpRequest.accepted_offer_id).in_(chosen),
            ),
        )
    )
    for request_id in sorted(filter(None, theirs)):
        request = await lock(db, HelpRequest, request_id)
        if request is not None and request.status in UNDER_WAY:
            await call_off(db, request, "")


def _empty(db: AsyncSession, person: User) -> None:
    """The row stays, for what points at it; nothing in it says who it was."""
    person.display_name = ""
    person.email = email_of_erased(person.id or 0)
    person.password_hash = UNUSABLE_HASH
    person.locale = None
    person.email_confirmed_at = None
    person.erased_at = utcnow()
    db.add(person)


async def _delete_rows(db: AsyncSession, person_id: int) -> None:
    """The rows of every DELETE holding, those pointing at others' first (foreign keys)."""
    doomed = {h.name: h for h in _holdings() if h.on_erase == OnErase.DELETE and h.person}
    connection = await db.connection()
    for table in reversed(SQLModel.metadata.sorted_tables):
        holding = doomed.get(str(table.name))
        if holding is not None:
            names_them = or_(*(table.c[column] == person_id for column in holding.person))
            await connection.execute(delete(table).where(names_them))
