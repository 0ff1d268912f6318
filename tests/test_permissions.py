"""Who may do what, as a matrix over every role and relation to an iteration."""

from __future__ import annotations

import pytest

from community import permissions
from community.models import Role, User

PROVIDER = 1
OTHER_PROVIDER = 2


def person(role: Role, provider_id: int | None = None) -> User:
    return User(
        email="p@x.fr", display_name="P", password_hash="-", role=role, provider_id=provider_id
    )


PEOPLE = {
    "anonymous": None,
    "outsider learner": person(Role.LEARNER),
    "enrolled learner": person(Role.LEARNER),
    "trainer of it": person(Role.TRAINER, PROVIDER),
    "trainer elsewhere": person(Role.TRAINER, PROVIDER),
    "staff": person(Role.STAFF, PROVIDER),
    "other staff": person(Role.STAFF, OTHER_PROVIDER),
    "admin": person(Role.ADMIN),
}
ENROLMENT = {"enrolled learner": "learner", "trainer of it": "trainer"}

#                     view   code   manage  trainings  join
MATRIX = {
    "anonymous":         (False, False, False, False, False),
    "outsider learner":  (False, False, False, False, True),
    "enrolled learner":  (True,  False, False, False, True),
    "trainer of it":     (True,  True,  False, False, False),
    "trainer elsewhere": (False, False, False, False, False),
    "staff":             (True,  True,  True,  True,  False),
    "other staff":       (False, False, False, False, False),
    "admin":             (True,  True,  True,  True,  False),
}  # fmt: skip


@pytest.mark.parametrize("who", MATRIX)
def test_iteration_permissions(who):
    user = PEOPLE[who]
    facts = permissions.IterationFacts(provider_id=PROVIDER, enrolment_role=ENROLMENT.get(who))
    got = (
        permissions.can_view_iteration(user, facts),
        permissions.can_see_join_code(user, facts),
        permissions.can_manage_iteration(user, facts),
        permissions.can_manage_trainings(user, PROVIDER),
        permissions.can_join_iterations(user),
    )
    assert got == MATRIX[who]
