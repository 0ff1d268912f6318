"""Who may do what, in one place. Every rule is a pure function of facts the areas look up."""

from __future__ import annotations

from dataclasses import dataclass

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


# --- tutoring: one rule per action on peer help and skills ---


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
