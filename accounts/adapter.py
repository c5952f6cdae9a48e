"""Hooks that make allauth speak of users the way the rest of saaprep does."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User


def user_display(user: User) -> str:
    """How allauth's messages name a user ("Successfully signed in as ..."): as the header does."""
    return str(user.shown_name)
