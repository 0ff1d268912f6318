"""Peer tutoring: skills, requests that reach the right peers live, sessions, thanks, ledger."""

from community.tutoring import choices
from community.tutoring.ledger import group_needs, peer_help
from community.tutoring.requests import ask, candidates, visible_request
from community.tutoring.sessions import (
    accept,
    cancel,
    confirm,
    offer,
    offers_on,
    request_page,
    schedule,
    thank,
)
from community.tutoring.skills import (
    add_skill,
    catalogue,
    curate,
    curated_catalogue,
    mark_skill,
    my_skills,
    suggest_skill,
    unmark_skill,
)
from community.tutoring.suggestions import TEXT as SUGGEST_TEXT
from community.tutoring.suggestions import suggest_skills

__all__ = [
    "SUGGEST_TEXT",
    "accept",
    "add_skill",
    "ask",
    "cancel",
    "candidates",
    "catalogue",
    "choices",
    "confirm",
    "curate",
    "curated_catalogue",
    "group_needs",
    "mark_skill",
    "my_skills",
    "offer",
    "offers_on",
    "peer_help",
    "request_page",
    "schedule",
    "suggest_skill",
    "suggest_skills",
    "thank",
    "unmark_skill",
    "visible_request",
]
