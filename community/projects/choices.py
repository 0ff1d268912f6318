"""The fixed choices of projects and how each reads: statuses, durations, slow modes, logs."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from community.i18n import _, ngettext

# Stored as plain strings (see community/models/); a StrEnum equals its stored value.


class ProjectStatus(StrEnum):
    """draft → proposed → active (launched or approved) | declined; archived at the end."""

    DRAFT = "draft"
    PROPOSED = "proposed"
    ACTIVE = "active"
    DECLINED = "declined"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return {
            ProjectStatus.DRAFT: _("Draft"),
            ProjectStatus.PROPOSED: _("Proposal"),
            ProjectStatus.ACTIVE: _("Active"),
            ProjectStatus.DECLINED: _("Declined"),
            ProjectStatus.ARCHIVED: _("Archived"),
        }[self]


class MemberStatus(StrEnum):
    MEMBER = "member"
    PENDING = "pending"  # waiting for the lead's approval
    WAITLIST = "waitlist"  # the role was full: the first to wait takes the next free place

    @property
    def label(self) -> str:
        """What is said next to a person's name; a member needs no mention."""
        return {
            MemberStatus.MEMBER: "",
            MemberStatus.PENDING: _("waiting for approval"),
            MemberStatus.WAITLIST: _("waitlist"),
        }[self]


class TaskStatus(StrEnum):
    """The board's columns, in order."""

    TODO = "todo"
    DOING = "doing"
    DONE = "done"

    @property
    def label(self) -> str:
        return {
            TaskStatus.TODO: _("To do"),
            TaskStatus.DOING: _("Doing"),
            TaskStatus.DONE: _("Finished"),
        }[self]


class SlowMode(IntEnum):
    """How long a member waits between two messages, in seconds."""

    OFF = 0
    HALF_MINUTE = 30
    ONE_MINUTE = 60
    FIVE_MINUTES = 300

    @property
    def label(self) -> str:
        return {
            SlowMode.OFF: _("Off"),
            SlowMode.HALF_MINUTE: _("30 s"),
            SlowMode.ONE_MINUTE: _("1 min"),
            SlowMode.FIVE_MINUTES: _("5 min"),
        }[self]


class ModerationAction(StrEnum):
    """What the moderation log records."""

    APPROVE = "approve"
    DECLINE = "decline"
    HIDE = "hide"
    RESTORE = "restore"
    PIN = "pin"
    UNPIN = "unpin"
    REMOVE = "remove"
    SPACE = "space"

    @property
    def label(self) -> str:
        return {
            ModerationAction.APPROVE: _("Approved the proposal"),
            ModerationAction.DECLINE: _("Declined the proposal"),
            ModerationAction.HIDE: _("Hid a message"),
            ModerationAction.RESTORE: _("Restored a message"),
            ModerationAction.PIN: _("Pinned a message"),
            ModerationAction.UNPIN: _("Unpinned a message"),
            ModerationAction.REMOVE: _("Removed a member"),
            ModerationAction.SPACE: _("Changed the space's settings"),
        }[self]


# How long a project is expected to run, in weeks.
WEEKS = (1, 2, 4, 6, 8, 12)
DEFAULT_WEEKS = 4


def weeks_label(weeks: int) -> str:
    return ngettext("%(num)d week", "%(num)d weeks", weeks)


def status_filters() -> list[tuple[str, str]]:
    """The list's status filter: each choice says what the list then shows."""
    return [
        ("", _("All")),
        (ProjectStatus.PROPOSED, _("Proposals")),
        (ProjectStatus.ACTIVE, _("Active")),
        (ProjectStatus.DRAFT, _("My drafts")),
        (ProjectStatus.DECLINED, _("Declined")),
    ]


def for_templates() -> dict[str, object]:
    """The choices as the project templates read them (templates/projects/_labels.html)."""
    return {
        "ProjectStatus": ProjectStatus,
        "MemberStatus": MemberStatus,
        "TaskStatus": TaskStatus,
        "ModerationAction": ModerationAction,
        "weeks_label": weeks_label,
        "durations": [(str(weeks), weeks_label(weeks)) for weeks in WEEKS],
        "slow_modes": [(str(mode.value), mode.label) for mode in SlowMode],
        "status_filters": status_filters(),
    }
