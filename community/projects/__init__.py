"""Collective projects: proposed by learners, supported, launched, joined, run together in a
live space that the group's trainers moderate. The area's actions and queries, by seam."""

from community.projects.access import ProjectView, may_hear, project_view
from community.projects.board import (
    add_milestone,
    add_task,
    move_task,
    tasks_and_milestones,
    toggle_milestone,
)
from community.projects.channels import REGIONS, channel, review_channel
from community.projects.discussion import delete, edit, flag, flagged_by, messages_of, post
from community.projects.membership import decide_join, join, leave, members_of, roles_of
from community.projects.moderation import (
    audit_log,
    decide,
    hide,
    may_hear_review,
    pin,
    remove_member,
    review_queue,
    set_space,
)
from community.projects.page import page_context
from community.projects.proposals import (
    MAX_ROLES,
    edit_draft,
    groups_to_propose_in,
    has_supported,
    launch,
    propose,
    publish,
    support,
    supporters,
)
from community.projects.search import listing

__all__ = [
    "MAX_ROLES",
    "REGIONS",
    "ProjectView",
    "add_milestone",
    "add_task",
    "audit_log",
    "channel",
    "decide",
    "decide_join",
    "delete",
    "edit",
    "edit_draft",
    "flag",
    "flagged_by",
    "groups_to_propose_in",
    "has_supported",
    "hide",
    "join",
    "launch",
    "leave",
    "listing",
    "may_hear",
    "may_hear_review",
    "members_of",
    "messages_of",
    "move_task",
    "page_context",
    "pin",
    "post",
    "project_view",
    "propose",
    "publish",
    "remove_member",
    "review_channel",
    "review_queue",
    "roles_of",
    "set_space",
    "support",
    "supporters",
    "tasks_and_milestones",
    "toggle_milestone",
]
