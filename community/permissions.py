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


# --- feedback, pulse, reports, improvements: one rule per action ---


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
