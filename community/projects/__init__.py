"""Collective projects: proposed by learners, supported, launched, joined, run together in a
live space that the group's trainers moderate. The area's actions and queries, by seam."""

from community.projects.access import ProjectView, acting_view, may_hear, project_view
from community.projects.audience import project_role
from community.projects.board import add_milestone, add_task, move_task, toggle_milestone
from community.projects.channels import REGIONS, channel, reseated, review_channel
from community.projects.discussion import delete, edit, flag, post
from community.projects.membership import decide_join, join, leave, roles_of
from community.projects.moderation import (
    audit_log,
    decide,
    hide,
    may_hear_review,
    pin,
    remove_member,
    review_queue,
    set_space,
    why_hidden,
)
from community.projects.page import discussion_answer, page_context
from community.projects.proposals import (
    MAX_ROLES,
    edit_draft,
    groups_to_propose_in,
    launch,
    propose,
    publish,
    support,
)
from community.projects.search import listing

__all__ = [
    "MAX_ROLES",
    "REGIONS",
    "ProjectView",
    "acting_view",
    "add_milestone",
    "add_task",
    "audit_log",
    "channel",
    "decide",
    "decide_join",
    "delete",
    "discussion_answer",
    "edit",
    "edit_draft",
    "flag",
    "groups_to_propose_in",
    "hide",
    "join",
    "launch",
    "leave",
    "listing",
    "may_hear",
    "may_hear_review",
    "move_task",
    "page_context",
    "pin",
    "post",
    "project_role",
    "project_view",
    "propose",
    "publish",
    "remove_member",
    "reseated",
    "review_channel",
    "review_queue",
    "roles_of",
    "set_space",
    "support",
    "toggle_milestone",
    "why_hidden",
]
