"""Both journeys of a departure side by side: the employee who leaves and the replacement
who arrives, each step with its day, and each person's next step in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from community.i18n import _, show_date
from community.models import Departure, Handover, HelpRequest, Proposal
from community.rotation.onboarding import Group


@dataclass(frozen=True)
class Step:
    label: str
    day: date | None
    done: bool
    todo: str  # what is to be done, said while the step is the next one
    group: Group | None = None  # the onboarding group the step names


@dataclass(frozen=True)
class Journey:
    steps: list[Step]

    @property
    def next(self) -> str:
        pending = [step.todo for step in self.steps if not step.done]
        return pending[0] if pending else _("Nothing left to do: the rotation is over.")


def minutes(sessions: list[HelpRequest]) -> int:
    return sum(s.duration_minutes for s in sessions)


def duration(total: int) -> str:
    """Minutes as hours, written alike in both languages: "1 h 30", "2 h"."""
    hours, rest = divmod(total, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def employee(departure: Departure, handover: Handover | None, tutored: int, today: date) -> Journey:
    return Journey(
        [
            Step(_("Leave declared"), departure.created_at.date(), True, ""),
            Step(
                _("Handover written"),
                handover.updated_at.date() if handover else None,
                handover is not None,
                _("Write the handover: tasks, contacts, tricks."),
            ),
            Step(
                _("Tutoring given: %(duration)s", duration=duration(tutored)),
                None,
                tutored > 0,
                _("Tutor the replacement before leaving, and note each session."),
            ),
            Step(
                _("Leaves for training"),
                departure.starts_on,
                today >= departure.starts_on,
                _("Leave for training on %(day)s.", day=show_date(departure.starts_on)),
            ),
            Step(
                _("Training ends, back at the post"),
                departure.ends_on,
                today > departure.ends_on,
                _("Come back at the post after %(day)s.", day=show_date(departure.ends_on)),
            ),
        ]
    )


def _onboarding(group: Group | None, tutored: int, today: date) -> Step:
    """Tutoring by the employee and, once chosen, the onboarding group: the step is done
    when both have begun."""
    label = _("Onboarding: %(duration)s of tutoring received", duration=duration(tutored))
    todo = _("Learn the post with the employee before they leave.")
    if group is None:
        return Step(label, None, tutored > 0, todo)
    started = group.first_session is not None and group.first_session <= today
    if group.first_session is None:
        todo = _("Follow the onboarding group: its sessions are not planned yet.")
    elif not started:
        todo = _(
            "Follow the onboarding group: its first session is on %(day)s.",
            day=show_date(group.first_session),
        )
    return Step(label, group.first_session, tutored > 0 and started, todo, group)


def replacement(
    departure: Departure,
    chosen: Proposal | None,
    tutored: int,
    today: date,
    group: Group | None,
) -> Journey:
    accepted = chosen is not None and chosen.both_accepted
    decided = chosen.decided_at.date() if chosen and chosen.decided_at else None
    return Journey(
        [
            Step(
                _("Proposed"),
                chosen.created_at.date() if chosen else None,
                chosen is not None,
                _("The coordinator proposes a candidate from the pool."),
            ),
            Step(
                _("Accepted by both sides"),
                decided if accepted else None,
                accepted,
                _("The company and the candidate accept."),
            ),
            _onboarding(group, tutored, today),
            Step(
                _("Starts at the post"),
                departure.starts_on,
                accepted and today >= departure.starts_on,
                _("Start at the post on %(day)s.", day=show_date(departure.starts_on)),
            ),
            Step(
                _("Contract ends"),
                departure.ends_on,
                accepted and today > departure.ends_on,
                _("The contract ends on %(day)s.", day=show_date(departure.ends_on)),
            ),
        ]
    )
