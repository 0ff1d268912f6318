"""Who may do what, in one place. Every rule is a pure function of facts the areas look up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from community.models import EnrolmentRole, Role, User


@dataclass(frozen=True)
class IterationFacts:
    """What decides access to an iteration: whose provider it is, and the viewer's enrolment
    (its role, and when they joined)."""

    provider_id: int
    enrolment_role: str | None
    joined_at: datetime | None = None


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


def can_rate_session(user: User | None, facts: IterationFacts, session_ends_at: datetime) -> bool:
    """A learner rates the sessions they could have attended: not those over before they
    joined. Response rates count the same learners (`feedback.review.response_rates`)."""
    joined = facts.joined_at
    return can_give_feedback(user, facts) and (joined is None or joined < session_ends_at)


def can_review_feedback(user: User | None, facts: IterationFacts) -> bool:
    """Response rates, comments to review and the pulse screen: the group's trainers, staff."""
    return can_see_join_code(user, facts)


def can_read_report(user: User | None, facts: IterationFacts, published: bool) -> bool:
    """Trainers of the group and staff always; its learners once the provider publishes it."""
    if _hears_the_group(user, facts):
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


@dataclass(frozen=True)
class ProjectPlace:
    """A person's place in a project: whether they proposed it, and their seat in its team."""

    is_author: bool = False
    joined: bool = False  # a seat taken, waiting for the lead's approval or on the waitlist
    is_member: bool = False  # a seat taken
    is_lead: bool = False


def _learner_in(user: User | None, facts: IterationFacts) -> bool:
    return user is not None and facts.enrolment_role == EnrolmentRole.LEARNER


def _looks_after_projects(user: User | None, facts: IterationFacts) -> bool:
    """The group's trainers and the provider's staff look after the group's project spaces."""
    return teaches(user, facts) or is_provider_staff(user, facts.provider_id)


def _seated(user: User | None, place: ProjectPlace) -> bool:
    return user is not None and place.is_member


def can_view_project(
    user: User | None, facts: IterationFacts, place: ProjectPlace, draft: bool
) -> bool:
    """Those who see the group see its projects; a draft is its author's alone."""
    sees_group = user is not None and (
        facts.enrolment_role is not None or is_provider_staff(user, facts.provider_id)
    )
    return sees_group and (place.is_author or not draft)


def can_propose_project(user: User | None, facts: IterationFacts) -> bool:
    return _learner_in(user, facts)


def can_edit_project_draft(user: User | None, place: ProjectPlace) -> bool:
    return user is not None and place.is_author


def can_publish_project(user: User | None, place: ProjectPlace) -> bool:
    return user is not None and place.is_author


def can_support_project(user: User | None, facts: IterationFacts, place: ProjectPlace) -> bool:
    """Peers support a proposal; its author's support would prove nothing."""
    return _learner_in(user, facts) and not place.is_author


def can_launch_project(user: User | None, place: ProjectPlace) -> bool:
    return user is not None and place.is_author


def can_decide_project_proposal(user: User | None, facts: IterationFacts) -> bool:
    """Approve a proposal without waiting for supports, or decline it."""
    return _looks_after_projects(user, facts)


def can_join_project(user: User | None, facts: IterationFacts, place: ProjectPlace) -> bool:
    return _learner_in(user, facts) and not place.joined


def can_leave_project(user: User | None, place: ProjectPlace) -> bool:
    """Anyone with a seat, taken or waiting, but the lead: a project keeps its lead."""
    return user is not None and place.joined and not place.is_lead


def can_accept_project_members(user: User | None, place: ProjectPlace) -> bool:
    return user is not None and place.is_lead


def can_run_project_board(user: User | None, place: ProjectPlace) -> bool:
    """Tasks and milestones are the team's: its members add and move them."""
    return _seated(user, place)


def can_post_in_project(user: User | None, place: ProjectPlace, locked: bool) -> bool:
    """The team writes in its space, unless a trainer locked it: then it is read-only."""
    return _seated(user, place) and not locked


def can_flag_project_message(user: User | None, place: ProjectPlace) -> bool:
    return _seated(user, place)


def can_edit_project_message(user: User | None, wrote_it: bool, hidden: bool, locked: bool) -> bool:
    """Its author, unless a trainer hid it or locked the space: what a trainer hid or froze
    stays as the trainer saw it."""
    return user is not None and wrote_it and not hidden and not locked


def can_delete_project_message(user: User | None, wrote_it: bool) -> bool:
    return user is not None and wrote_it


def can_see_why_message_hidden(user: User | None, facts: IterationFacts, wrote_it: bool) -> bool:
    """Its author is told why; the rest of the team only sees that it was hidden."""
    return (user is not None and wrote_it) or _looks_after_projects(user, facts)


def can_moderate_project(user: User | None, facts: IterationFacts) -> bool:
    """Hide and pin messages, lock the space or slow it down, remove a member."""
    return _looks_after_projects(user, facts)


def can_read_project_audit(user: User | None, facts: IterationFacts) -> bool:
    return _looks_after_projects(user, facts)


def can_review_reported_messages(user: User | None, facts: IterationFacts) -> bool:
    """The queue of messages reported in the group's projects."""
    return _looks_after_projects(user, facts)


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


def _hears_the_group(user: User | None, facts: IterationFacts) -> bool:
    """Those who hear how the group's sessions went: its trainers and its provider's staff."""
    return teaches(user, facts) or is_provider_staff(user, facts.provider_id)


def can_review_comments(user: User | None, facts: IterationFacts) -> bool:
    """Publish, keep private or delete the comments learners leave on the group's sessions."""
    return _hears_the_group(user, facts)


def can_see_response_rates(user: User | None, facts: IterationFacts) -> bool:
    """How many of the group's learners answered each session (counts, never names)."""
    return _hears_the_group(user, facts)


def can_set_feedback_criteria(user: User | None, provider_id: int) -> bool:
    """What learners rate in a training is the provider's choice."""
    return is_provider_staff(user, provider_id)


def can_send_pulse(user: User | None, facts: IterationFacts) -> bool:
    """Tap a signal, ask or back a question during a session: the group's learners."""
    return user is not None and facts.enrolment_role == EnrolmentRole.LEARNER


def can_watch_pulse(user: User | None, facts: IterationFacts) -> bool:
    """The room's pulse on the screen: whoever runs the session."""
    return _hears_the_group(user, facts)


def can_open_reports(user: User | None) -> bool:
    """The reports pages are for those who teach or run trainings; learners read their
    group's published results from the group's page."""
    return user is not None and user.role != Role.LEARNER


def can_follow_provider_reports(user: User | None, provider_id: int) -> bool:
    """Every group of the provider is listed for its staff, not only the groups they teach."""
    return is_provider_staff(user, provider_id)


def can_publish_report(user: User | None, provider_id: int) -> bool:
    """Show a group's results to its learners, or stop: the provider decides."""
    return is_provider_staff(user, provider_id)


def can_set_anonymity_threshold(user: User | None, provider_id: int) -> bool:
    """The k behind every figure of the provider's reports."""
    return is_provider_staff(user, provider_id)


def can_compare_formats(user: User | None, provider_id: int) -> bool:
    """Pooling every group of a format spans trainings that trainers do not teach."""
    return is_provider_staff(user, provider_id)


def can_read_evidence(user: User | None, provider_id: int) -> bool:
    """The record for quality audits covers the whole provider."""
    return is_provider_staff(user, provider_id)


def can_record_improvement(user: User | None, provider_id: int) -> bool:
    """Decide what changes for a later group ("you said, we did")."""
    return is_provider_staff(user, provider_id)


# --- accounts, trainings, announcements: one rule per action ---


def can_edit_profile(user: User | None) -> bool:
    """Everyone signed in edits their own profile; nobody reaches anyone else's."""
    return user is not None


def can_create_training(user: User | None, provider_id: int) -> bool:
    return is_provider_staff(user, provider_id)


def can_create_iteration(user: User | None, provider_id: int) -> bool:
    return is_provider_staff(user, provider_id)


def can_add_session(user: User | None, facts: IterationFacts) -> bool:
    """The provider plans the sessions; its trainers teach them."""
    return is_provider_staff(user, facts.provider_id)


def can_add_trainer(user: User | None, facts: IterationFacts) -> bool:
    return is_provider_staff(user, facts.provider_id)


def can_remove_member(user: User | None, facts: IterationFacts) -> bool:
    return is_provider_staff(user, facts.provider_id)


def can_renew_join_code(user: User | None, facts: IterationFacts) -> bool:
    """Trainers read the code out to their group; renewing it is the provider's call."""
    return is_provider_staff(user, facts.provider_id)


def can_set_support_threshold(user: User | None, facts: IterationFacts) -> bool:
    """How many supports a project proposal needs: the group's trainers know their group."""
    return teaches(user, facts) or is_provider_staff(user, facts.provider_id)
