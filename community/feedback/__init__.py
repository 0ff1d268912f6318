"""Session feedback in fifteen seconds, anonymous by design, with reminders and review."""

from community.feedback.answers import (
    COMMENT,
    WINDOW,
    Form,
    Rating,
    SessionView,
    edit_hash,
    form,
    is_open,
    refresh_reports,
    report_channel,
    session_view,
    submit,
)
from community.feedback.criteria import (
    DEFAULT_DIMENSIONS,
    MAX_DIMENSIONS,
    dimension_name,
    dimensions_of,
    preparation_of,
    set_dimensions,
)
from community.feedback.mixer import keep_mixing, mix, mix_all
from community.feedback.reminders import Pending, history, pending, remind
from community.feedback.review import (
    OnGroupPage,
    comments_to_review,
    decisions,
    on_group_page,
    rates_for,
    response_rates,
    review,
)
from community.models import CommentStatus

__all__ = [
    "COMMENT",
    "DEFAULT_DIMENSIONS",
    "MAX_DIMENSIONS",
    "WINDOW",
    "CommentStatus",
    "Form",
    "OnGroupPage",
    "Pending",
    "Rating",
    "SessionView",
    "comments_to_review",
    "decisions",
    "dimension_name",
    "dimensions_of",
    "edit_hash",
    "form",
    "history",
    "is_open",
    "keep_mixing",
    "mix",
    "mix_all",
    "on_group_page",
    "pending",
    "preparation_of",
    "rates_for",
    "refresh_reports",
    "remind",
    "report_channel",
    "response_rates",
    "review",
    "session_view",
    "set_dimensions",
    "submit",
]
