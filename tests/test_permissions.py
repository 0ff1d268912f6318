"""Who may do what: every permission rule of every area, for every role, as one matrix."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from community import areas, permissions
from community.models import Role, User

PROVIDER = 1
OTHER_PROVIDER = 2


def person(role: Role, provider_id: int | None = None) -> User:
    return User(
        email="p@x.fr", display_name="P", password_hash="-", role=role, provider_id=provider_id
    )


# Each role, and its relation to the group (iteration) that the rules are asked about.
PEOPLE: dict[str, tuple[User | None, str | None]] = {
    "anonymous": (None, None),
    "outsider learner": (person(Role.LEARNER), None),
    "enrolled learner": (person(Role.LEARNER), "learner"),
    "trainer of it": (person(Role.TRAINER, PROVIDER), "trainer"),
    "trainer elsewhere": (person(Role.TRAINER, OTHER_PROVIDER), None),
    "trainer, same provider": (person(Role.TRAINER, PROVIDER), None),
    "staff": (person(Role.STAFF, PROVIDER), None),
    "other staff": (person(Role.STAFF, OTHER_PROVIDER), None),
    "admin": (person(Role.ADMIN), None),
}
ALL = frozenset(PEOPLE)
NOBODY: frozenset[str] = frozenset()
LEARNERS = frozenset({"outsider learner", "enrolled learner"})
STAFF = frozenset({"staff", "admin"})
TEACHING = STAFF | {"trainer of it"}


def arguments(rule: Callable[..., bool], who: str, given: dict[str, Any]) -> dict[str, Any]:
    """What a rule is asked with: the person, the facts of the group as that person sees
    it, its provider, and whatever the case fixes."""
    user, enrolment = PEOPLE[who]
    known = {
        "user": user,
        "facts": permissions.IterationFacts(provider_id=PROVIDER, enrolment_role=enrolment),
        "provider_id": PROVIDER,
        **given,
    }
    return {name: known[name] for name in inspect.signature(rule).parameters}


def help_facts(part: str | None, matched: bool = True) -> dict[str, Any]:
    """A help request as the person asked about sees it: what they are to it, and whether
    a tutor was chosen (the generic facts say nothing of requests)."""
    facts = permissions.HelpFacts(permissions.HelpPart(part) if part else None, matched)
    return {"help_request": facts}


# rule, what the case fixes, who is allowed. Grouped by area; one line per case.
CASES: dict[str, tuple[Callable[..., bool], dict[str, Any], frozenset[str]]] = {
    # trainings
    "view a group": (permissions.can_view_iteration, {}, {"enrolled learner"} | TEACHING),
    "see the join code": (permissions.can_see_join_code, {}, TEACHING),
    "manage a group": (permissions.can_manage_iteration, {}, STAFF),
    "manage trainings": (permissions.can_manage_trainings, {}, STAFF),
    "join a group": (permissions.can_join_iterations, {}, LEARNERS),
    "announce to a group": (permissions.can_announce, {}, TEACHING),
    # feedback
    "give feedback": (permissions.can_give_feedback, {}, {"enrolled learner"}),
    "review feedback": (permissions.can_review_feedback, {}, TEACHING),
    # reports
    "read an unpublished report": (
        permissions.can_read_report, {"published": False}, TEACHING
    ),
    "read a published report": (
        permissions.can_read_report, {"published": True}, TEACHING | {"enrolled learner"}
    ),
    # tutoring: a request's rules are asked with what the person is to it (see help_facts)
    "curate skills": (
        permissions.can_curate_skills, {}, STAFF | {"trainer of it", "trainer, same provider"}
    ),
    "seek help": (permissions.can_seek_help, {}, LEARNERS),
    "ask for help, in a group": (permissions.can_ask_for_help, {"enrolled": True}, LEARNERS),
    "ask for help, in no group": (permissions.can_ask_for_help, {"enrolled": False}, NOBODY),
    "read a request, as its requester": (
        permissions.can_read_help_request, help_facts("requester"), LEARNERS
    ),
    "read a request, as a peer": (permissions.can_read_help_request, help_facts("peer"), LEARNERS),
    "read a request, as a stranger": (
        permissions.can_read_help_request, help_facts(None), NOBODY
    ),
    "offer help, as a peer": (permissions.can_offer_help, help_facts("peer"), LEARNERS),
    "offer help, as the requester": (
        permissions.can_offer_help, help_facts("requester"), NOBODY
    ),
    "offer help, as a stranger": (permissions.can_offer_help, help_facts(None), NOBODY),
    "accept an offer, as the requester": (
        permissions.can_accept_help_offer, help_facts("requester"), LEARNERS
    ),
    "accept an offer, as a peer": (
        permissions.can_accept_help_offer, help_facts("peer"), NOBODY
    ),
    "schedule, as the tutor": (
        permissions.can_schedule_help_session, help_facts("tutor"), LEARNERS
    ),
    "schedule, as the requester": (
        permissions.can_schedule_help_session, help_facts("requester"), LEARNERS
    ),
    "schedule, before a tutor is chosen": (
        permissions.can_schedule_help_session, help_facts("requester", matched=False), NOBODY
    ),
    "schedule, as a peer": (
        permissions.can_schedule_help_session, help_facts("peer"), NOBODY
    ),
    "confirm, as the tutor": (
        permissions.can_confirm_help_session, help_facts("tutor"), LEARNERS
    ),
    "confirm, as the requester": (
        permissions.can_confirm_help_session, help_facts("requester"), LEARNERS
    ),
    "confirm, before a tutor is chosen": (
        permissions.can_confirm_help_session, help_facts("requester", matched=False), NOBODY
    ),
    "confirm, as a peer": (permissions.can_confirm_help_session, help_facts("peer"), NOBODY),
    "cancel, as the requester": (
        permissions.can_cancel_help_request, help_facts("requester", matched=False), LEARNERS
    ),
    "cancel, as the tutor": (
        permissions.can_cancel_help_request, help_facts("tutor"), LEARNERS
    ),
    "cancel, as a peer": (permissions.can_cancel_help_request, help_facts("peer"), NOBODY),
    "thank, as the requester": (
        permissions.can_thank_tutor, help_facts("requester"), LEARNERS
    ),
    "thank, as the tutor": (permissions.can_thank_tutor, help_facts("tutor"), NOBODY),
    "mark skills": (permissions.can_mark_skills, {}, LEARNERS),
    "suggest a skill, in a group": (
        permissions.can_suggest_skill, {"enrolled": True}, LEARNERS
    ),
    "suggest a skill, in no group": (
        permissions.can_suggest_skill, {"enrolled": False}, NOBODY
    ),
    "read a group's needs": (permissions.can_read_help_needs, {}, TEACHING),
    # projects
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("who", PEOPLE)
def test_each_rule_allows_exactly_the_expected_roles(case: str, who: str) -> None:
    rule, given, allowed = CASES[case]
    assert rule(**arguments(rule, who, given)) is (who in allowed)


def test_every_rule_of_every_area_is_in_the_matrix() -> None:
    in_matrix = {rule for rule, _given, _allowed in CASES.values()}
    missing = [rule.__qualname__ for rule in areas.RULES if rule not in in_matrix]
    assert not missing, f"rules without a row in the matrix: {missing}"
    assert areas.RULES, "no area declares a rule"
