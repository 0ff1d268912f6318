"""What an action can refuse with; the app turns each into one response (views/errors.py)."""

from __future__ import annotations


class NotFound(Exception):
    """The thing does not exist, or the user may not know that it does."""


class Forbidden(Exception):
    """The user may see the thing but not do this to it."""


class SignInRequired(Exception):
    """The page is for signed-in people; the visitor is not signed in."""
