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


# rule, what the case fixes, who is allowed. Grouped by area; one line per case.
CASES: dict[str, tuple[Callable[..., bool], dict[str, Any], frozenset[str]]] = {
    # trainings
    "view a group": (permissions.can_view_iteration, {}, {"enrolled learner"} | TEACHING),
    "see the join code": (permissions.can_see_join_code, {}, TEACHING),
    "manage a group": (permissions.can_manage_iteration, {}, STAFF),
    "manage trainings": (permissions.can_manage_trainings, {}, STAFF),
    "join a group": (permissions.can_join_iterations, {}, LEARNERS),
    "announce to a group": (permissions.can_announce, {}, TEACHING),
    # feedback, pulse, reports, improvements
    "give feedback": (permissions.can_give_feedback, {}, frozenset({"enrolled learner"})),
    "review feedback": (permissions.can_review_feedback, {}, TEACHING),
    "review comments": (permissions.can_review_comments, {}, TEACHING),
    "see response rates": (permissions.can_see_response_rates, {}, TEACHING),
    "set feedback criteria": (permissions.can_set_feedback_criteria, {}, STAFF),
    "send to the pulse": (permissions.can_send_pulse, {}, frozenset({"enrolled learner"})),
    "watch the pulse": (permissions.can_watch_pulse, {}, TEACHING),
    "open the reports": (permissions.can_open_reports, {}, ALL - LEARNERS - {"anonymous"}),
    "follow the provider's reports": (permissions.can_follow_provider_reports, {}, STAFF),
    "read an unpublished report": (
        permissions.can_read_report, {"published": False}, TEACHING
    ),
    "read a published report": (
        permissions.can_read_report, {"published": True}, TEACHING | {"enrolled learner"}
    ),
    "publish a report": (permissions.can_publish_report, {}, STAFF),
    "set the anonymity threshold": (permissions.can_set_anonymity_threshold, {}, STAFF),
    "compare formats": (permissions.can_compare_formats, {}, STAFF),
    "read the audit record": (permissions.can_read_evidence, {}, STAFF),
    "record an improvement": (permissions.can_record_improvement, {}, STAFF),
    # tutoring
    "curate skills": (
        permissions.can_curate_skills, {}, STAFF | {"trainer of it", "trainer, same provider"}
    ),
    "seek help": (permissions.can_seek_help, {}, LEARNERS),
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
