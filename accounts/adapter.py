"""Hooks that make allauth speak of users the way the rest of saaprep does."""

from typing import Any


def user_display(user: Any) -> str:
    """How allauth's messages name a user ("Successfully signed in as ..."): as the header does."""
    return str(user.shown_name)
