"""What an area brings to the app, declared in one place (see CONTRIBUTING.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.routing import BaseRoute

from community.models import User
from community.personal_data import Holding

# May this signed-in user hear the channel `kind:ident`? Raising NotFound means no.
Authorize = Callable[[AsyncSession, User, int], Awaitable[bool]]
# The role a user hears a channel in, when its events are rendered once per role.
Role = Callable[[AsyncSession, User, int], Awaitable[str]]
# A permission rule: a pure function of the user and facts the area looked up.
Rule = Callable[..., bool]


@dataclass(frozen=True)
class Channel:
    """A live channel kind (`project` for `project:42`): who may hear it; in which role,
    when its regions are rendered once per role and language (realtime/variants.py) rather
    than per reader; whether the page shows who is here (the template whose `presence` block
    lists them, and the name of the id in that block's context); whether who listens is
    tracked without being shown."""

    authorize: Authorize
    role: Role | None = None
    presence: tuple[str, str] | None = None
    tracks_presence: bool = False

    @property
    def has_presence(self) -> bool:
        return self.presence is not None or self.tracks_presence


@dataclass(frozen=True)
class NavEntry:
    """A link in the site's navigation, shown to those `visible` admits, in `order`."""

    href: str
    label: Callable[[], str]
    visible: Callable[[User], bool]
    order: int


@dataclass(frozen=True)
class Area:
    """One area of the app: what it adds to the routes, live channels, notifications,
    navigation and permission rules, and what it holds about people. `community/areas.py`
    lists them all."""

    name: str
    routes: Sequence[BaseRoute] = ()
    channels: Mapping[str, Channel] = field(default_factory=dict)
    # A notification kind and how it reads, given its subject (a title, a name…).
    notifications: Mapping[str, Callable[..., str]] = field(default_factory=dict)
    nav: Sequence[NavEntry] = ()
    rules: Sequence[Rule] = ()
    # What this area adds to a group's page: its context, given (session, user, view, request).
    # A section of its own, if any, is the template `<name>/_group.html`.
    group_page: Callable[..., Awaitable[dict[str, Any]]] | None = None
    # What this area adds to a learner's skills page (/skills): its context, given
    # (session, user). A section of its own, if any, is the template `<name>/_skills.html`.
    skills_page: Callable[..., Awaitable[dict[str, Any]]] | None = None
    # Names every template may use: the labels and choices this area defines once.
    template_globals: Mapping[str, Any] = field(default_factory=dict)
    # What its tables hold about people: the archive, account deletion, retention and the
    # record of processing are read from here (community/personal_data.py).
    personal_data: Sequence[Holding] = ()
