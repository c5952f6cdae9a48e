from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomsConfig(AppConfig):
    name = "classrooms"
    verbose_name = _("Classrooms")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # After auth's own handler has created the permissions (it runs first: auth is listed
        # before this app), make sure the Teachers group holds them.
        post_migrate.connect(_ensure_teachers_group, sender=self, dispatch_uid="teachers_group")


def _ensure_teachers_group(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from .access import teachers_group_ensure

    if using == "default":
        teachers_group_ensure()
