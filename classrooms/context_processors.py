"""What every page's layout needs from this app: whether the signed-in user teaches."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .access import is_teacher


def role(request: HttpRequest) -> dict[str, Any]:
    """`user_is_teacher`, read from the user's groups and permissions (loaded with the user by
    classrooms.backends, so no query of its own). Reading the role itself, not a flag stored at
    sign-in, lets a user made a teacher while signed in see the teacher's menu on the next
    page."""
    return {"user_is_teacher": SimpleLazyObject(lambda: is_teacher(request.user))}
