"""Who may do what, in one place. Every rule is a pure function of facts the areas look up."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from community.models import EnrolmentRole, Role, User


@dataclass(frozen=True)
class IterationFacts:
    """What decides access to an iteration: whose provider it is, and the viewer's enrolment."""

    provider_id: int
    enrolment_role: str | None


def is_provider_staff(user: User | None, provider_id: int) -> bool:
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.STAFF and user.provider_id == provider_id


def can_view_iteration(user: User | None, facts: IterationFacts) -> bool:
    return user is not None and (
        facts.enrolment_role is not None or is_provider_staff(user, facts.provider_id)
    )


def teaches(user: User | None, facts: IterationFacts) -> bool:
    return user is not None and facts.enrolment_role == EnrolmentRole.TRAINER


def can_see_join_code(user: User | None, facts: IterationFacts) -> bool:
    return teaches(user, facts) or is_provider_staff(user, facts.provider_id)


def can_manage_iteration(user: User | None, facts: IterationFacts) -> bool:
    """Add sessions and trainers, renew the join code."""
    return is_provider_staff(user, facts.provider_id)


def can_manage_trainings(user: User | None, provider_id: int) -> bool:
    return is_provider_staff(user, provider_id)


def can_join_iterations(user: User | None) -> bool:
    return user is not None and user.role == Role.LEARNER


def can_announce(user: User | None, facts: IterationFacts) -> bool:
    """Trainers of the group and provider staff speak to the whole group."""
    return can_see_join_code(user, facts)


def can_give_feedback(user: User | None, facts: IterationFacts) -> bool:
    """Feedback and the live pulse come from the group's learners only."""
    return user is not None and facts.enrolment_role == EnrolmentRole.LEARNER


def can_review_feedback(user: User | None, facts: IterationFacts) -> bool:
    """Response rates, comments to review and the pulse screen: the group's trainers, staff."""
    return can_see_join_code(user, facts)


def can_read_report(user: User | None, facts: IterationFacts, published: bool) -> bool:
    """Trainers of the group and staff always; its learners once the provider publishes it."""
    if can_review_feedback(user, facts):
        return True
    return published and can_give_feedback(user, facts)


def can_curate_skills(user: User | None, provider_id: int) -> bool:
    """The skills catalogue is kept by the provider's staff and trainers."""
    if is_provider_staff(user, provider_id):
        return True
    return user is not None and user.role == Role.TRAINER and user.provider_id == provider_id


def can_seek_help(user: User | None) -> bool:
    """Asking, offering and marking skills are for learners."""
    return user is not None and user.role == Role.LEARNER


# --- projects: one rule per action on collective projects ---


# --- tutoring: one rule per action on peer help and skills ---


class HelpPart(StrEnum):
    """What someone is to a help request."""

    REQUESTER = "requester"
    TUTOR = "tutor"  # the peer whose offer was accepted
    PEER = "peer"  # a learner of the same provider


@dataclass(frozen=True)
class HelpFacts:
    """What decides access to a help request: what the person is to it (None: a stranger,
    who may not know it exists), and whether a tutor was chosen."""

    part: HelpPart | None
    matched: bool


def can_ask_for_help(user: User | None, enrolled: bool) -> bool:
    """Learners ask the peers of a group they learn in."""
    return can_seek_help(user) and enrolled


def can_read_help_request(user: User | None, help_request: HelpFacts) -> bool:
    return can_seek_help(user) and help_request.part is not None


def can_offer_help(user: User | None, help_request: HelpFacts) -> bool:
    """Any peer who may read the request, except the one who asked."""
    return can_read_help_request(user, help_request) and help_request.part != HelpPart.REQUESTER


def _asked(user: User | None, help_request: HelpFacts) -> bool:
    return can_seek_help(user) and help_request.part == HelpPart.REQUESTER


def _in_the_session(user: User | None, help_request: HelpFacts) -> bool:
    return (
        can_seek_help(user)
        and help_request.matched
        and help_request.part in (HelpPart.REQUESTER, HelpPart.TUTOR)
    )


def can_accept_help_offer(user: User | None, help_request: HelpFacts) -> bool:
    """The one who asked chooses among the offers."""
    return _asked(user, help_request)


def can_schedule_help_session(user: User | None, help_request: HelpFacts) -> bool:
    """Either of the two people of the session, once the tutor is chosen."""
    return _in_the_session(user, help_request)


def can_confirm_help_session(user: User | None, help_request: HelpFacts) -> bool:
    """Each of the two people of the session says it took place."""
    return _in_the_session(user, help_request)


def can_cancel_help_request(user: User | None, help_request: HelpFacts) -> bool:
    """The one who asked, at any time; the tutor, once chosen."""
    return can_seek_help(user) and help_request.part in (HelpPart.REQUESTER, HelpPart.TUTOR)


def can_thank_tutor(user: User | None, help_request: HelpFacts) -> bool:
    """Thanks and the rating come from the one who was helped."""
    return _asked(user, help_request)


def can_mark_skills(user: User | None) -> bool:
    """Learners say what they can help with and what they want to learn."""
    return can_seek_help(user)


def can_suggest_skill(user: User | None, enrolled: bool) -> bool:
    """A learner suggests a skill to the catalogue of a provider they learn with."""
    return can_seek_help(user) and enrolled


def can_read_help_needs(user: User | None, facts: IterationFacts) -> bool:
    """A group's needs and its tutors' mean rating: its trainers and the provider's staff."""
    return teaches(user, facts) or is_provider_staff(user, facts.provider_id)


# --- feedback, pulse, reports, improvements: one rule per action ---


# --- accounts, trainings, announcements: one rule per action ---
