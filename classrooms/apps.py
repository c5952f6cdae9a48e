from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # models are not loaded yet when this module is
    from accounts.models import User


class ClassroomsConfig(AppConfig):
    name = "classrooms"
    verbose_name = _("Classrooms")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        user_logged_in.connect(_remember_role_at_login, dispatch_uid="classrooms_role_at_login")
        # After auth's own handler has created the permissions (it runs first: auth is listed
        # before this app), make sure the Teachers group holds them.
        post_migrate.connect(_ensure_teachers_group, sender=self, dispatch_uid="teachers_group")


def _remember_role_at_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    """Set the header's "Classrooms" / "My classes" flag once per sign-in."""
    from .access import is_teacher, remember_role

    if request is not None and hasattr(request, "session"):
        remember_role(request, is_teacher(user))


def _ensure_teachers_group(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from .access import teachers_group_ensure

    if using == "default":
        teachers_group_ensure()
