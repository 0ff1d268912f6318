"""Trainings, their groups (iterations) and sessions, who is in each group and how they join.

`catalogue` is what a provider offers, `groups` a group and what its page shows, `joining`
how people get in and out. Other areas use the names gathered here.
"""

# Other areas' modules still import the refusals from here.
from community.errors import Forbidden, NotFound
from community.trainings.catalogue import (
    create_iteration,
    create_provider,
    create_training,
    format_choices,
    format_label,
    iterations_of,
    managed_provider,
    manages_trainings,
    provider_managed_by,
    provider_of,
    provider_trainers,
    provider_trainings,
    training_for_staff,
)
from community.trainings.groups import (
    SUPPORT_THRESHOLDS,
    Home,
    IterationView,
    Members,
    add_session,
    group_page,
    home_of,
    iteration_view,
    live_channel,
    members_of,
    my_iterations,
    sessions_of,
    set_support_threshold,
)
from community.trainings.joining import (
    add_trainer,
    current_code,
    format_code,
    join_with_code,
    new_code,
    normalise_code,
    remove_member,
    renew_code,
)

__all__ = [
    "SUPPORT_THRESHOLDS",
    "Forbidden",
    "Home",
    "IterationView",
    "Members",
    "NotFound",
    "add_session",
    "add_trainer",
    "create_iteration",
    "create_provider",
    "create_training",
    "current_code",
    "format_choices",
    "format_code",
    "format_label",
    "group_page",
    "home_of",
    "iteration_view",
    "iterations_of",
    "join_with_code",
    "live_channel",
    "managed_provider",
    "manages_trainings",
    "members_of",
    "my_iterations",
    "new_code",
    "normalise_code",
    "provider_managed_by",
    "provider_of",
    "provider_trainers",
    "provider_trainings",
    "remove_member",
    "renew_code",
    "sessions_of",
    "set_support_threshold",
    "training_for_staff",
]
