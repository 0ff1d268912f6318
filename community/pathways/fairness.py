"""Whether the compass's suggestions reach a training's groups alike, and how they are
received there: per group, never a figure drawn from fewer than k learners.

A group's reach (learners shown at least one card) stands on all its learners; its reception
(cards that helped, reasons for setting one aside) on the learners reached only, so each is
shown once those are at least k. Totals add up shown figures only, as the reports' do: no
hidden figure is a total minus what is shown."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from scipy import stats as scipy_stats
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions
from community.errors import NotFound
from community.models import (
    CardShown,
    CardVerdict,
    Enrolment,
    EnrolmentRole,
    Iteration,
    Training,
    User,
)
from community.reports.publication import threshold_of
from community.trainings.catalogue import iterations_of

MARKED = 0.05  # Fisher's exact test: a reach this unlikely under equal chances is flagged


@dataclass(frozen=True)
class Reception:
    """What a set of learners made of their cards (zeros where hidden)."""

    shown: int = 0
    helped: int = 0
    dismissed: dict[str, int] = field(default_factory=dict)

    @property
    def acceptance(self) -> float | None:
        return self.helped / self.shown if self.shown else None

    def __add__(self, other: Reception) -> Reception:
        reasons = Counter(self.dismissed) + Counter(other.dismissed)
        return Reception(self.shown + other.shown, self.helped + other.helped, dict(reasons))


@dataclass(frozen=True)
class Reach:
    """A group's share of learners reached beside that of the other shown groups together."""

    others_reached: int
    others_learners: int
    p_value: float

    @property
    def others_share(self) -> float:
        return self.others_reached / self.others_learners

    @property
    def marked(self) -> bool:
        return self.p_value < MARKED


@dataclass(frozen=True)
class GroupFigures:
    iteration: Iteration
    k: int
    learners: int  # 0 where the group has fewer than k
    reached: int
    reception: Reception  # empty where fewer than k learners were reached
    reach: Reach | None = None  # None: no other shown group to compare with

    @property
    def hidden(self) -> bool:
        return self.learners < self.k

    @property
    def reception_hidden(self) -> bool:
        return self.reached < self.k

    @property
    def share(self) -> float:
        return self.reached / self.learners


@dataclass(frozen=True)
class Fairness:
    training: Training
    k: int
    groups: list[GroupFigures]

    @property
    def shown(self) -> list[GroupFigures]:
        return [g for g in self.groups if not g.hidden]

    @property
    def total_learners(self) -> int:
        return sum(g.learners for g in self.shown)

    @property
    def total_reached(self) -> int:
        return sum(g.reached for g in self.shown)

    @property
    def received(self) -> list[GroupFigures]:
        """The groups whose reception is shown: at least k learners reached."""
        return [g for g in self.shown if not g.reception_hidden]

    @property
    def total_reception(self) -> Reception:
        return sum((g.reception for g in self.received), Reception())


async def fairness(db: AsyncSession, user: User, training_id: int) -> Fairness:
    training = await db.get(Training, training_id)
    if training is None or not permissions.can_read_suggestion_fairness(user, training.provider_id):
        raise NotFound
    k = await threshold_of(db, training.provider_id)
    groups = await figures(db, await iterations_of(db, training), k)
    return Fairness(training, k, compared(groups))


async def figures(db: AsyncSession, iterations: list[Iteration], k: int) -> list[GroupFigures]:
    """Each group's figures, hidden under k: three queries whatever the number of groups."""
    members = await _learners(db, [i.id or 0 for i in iterations])
    everyone = {person for people in members.values() for person in people}
    shown = await _shown(db, everyone)
    verdicts = await _verdicts(db, everyone)
    found = []
    for iteration in iterations:
        people = members.get(iteration.id or 0, set())
        if len(people) < k:
            found.append(GroupFigures(iteration, k, 0, 0, Reception()))
            continue
        reached = {person for person in people if shown.get(person)}
        reception = Reception()
        if len(reached) >= k:
            said = sum((verdicts.get(p, Reception()) for p in reached), Reception())
            reception = Reception(sum(shown[p] for p in reached), said.helped, said.dismissed)
        found.append(GroupFigures(iteration, k, len(people), len(reached), reception))
    return found


def compared(groups: list[GroupFigures]) -> list[GroupFigures]:
    """Each shown group's reach against the other shown groups pooled (Fisher's exact test
    on the two-by-two table): hidden groups take no part, so nothing hidden leaks."""
    shown = [g for g in groups if not g.hidden]
    learners = sum(g.learners for g in shown)
    reached = sum(g.reached for g in shown)
    result = []
    for group in groups:
        if group.hidden or len(shown) < 2:
            result.append(group)
            continue
        others, others_reached = learners - group.learners, reached - group.reached
        table = [
            [group.reached, group.learners - group.reached],
            [others_reached, others - others_reached],
        ]
        p_value = float(scipy_stats.fisher_exact(table).pvalue)
        reach = Reach(others_reached, others, p_value)
        result.append(replace(group, reach=reach))
    return result


async def _learners(db: AsyncSession, iteration_ids: list[int]) -> dict[int, set[int]]:
    rows = await db.exec(
        select(Enrolment.iteration_id, Enrolment.user_id)
        .join(User, col(User.id) == Enrolment.user_id)
        .where(col(Enrolment.iteration_id).in_(iteration_ids))
        .where(Enrolment.role == EnrolmentRole.LEARNER, col(User.erased_at).is_(None))
    )
    found: dict[int, set[int]] = defaultdict(set)
    for iteration_id, user_id in rows:
        found[iteration_id].add(user_id)
    return found


async def _shown(db: AsyncSession, people: set[int]) -> dict[int, int]:
    """How many cards each learner was shown."""
    rows = await db.exec(
        select(CardShown.user_id, func.count(col(CardShown.id)))
        .where(col(CardShown.user_id).in_(people))
        .group_by(col(CardShown.user_id))
    )
    return dict(rows.all())


async def _verdicts(db: AsyncSession, people: set[int]) -> dict[int, Reception]:
    """What each learner said of their cards (helped count, reasons for setting aside)."""
    rows = await db.exec(
        select(CardVerdict.user_id, CardVerdict.verdict, CardVerdict.reason).where(
            col(CardVerdict.user_id).in_(people)
        )
    )
    found: dict[int, Reception] = {}
    for user_id, verdict, reason in rows:
        said = Reception(helped=1) if verdict == "helped" else Reception(dismissed={reason: 1})
        found[user_id] = found.get(user_id, Reception()) + said
    return found
