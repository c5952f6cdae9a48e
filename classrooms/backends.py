"""Authentication backends that load the signed-in user together with their teacher role.

Every page's header shows "Classrooms" to teachers and "My classes" to everyone else, read from
the role itself (a group or permission given or taken while signed in shows on the next page).
Loading the user for a request is already one query; these backends add the role to it as a
subquery, so the header costs no query of its own. They are Django's and allauth's backends
otherwise unchanged.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q

from accounts.models import User

from .access import ROLE_ATTR, TEACHER_APP, TEACHER_CODENAME


def _with_role(user_id: Any) -> User | None:
    teaches = Permission.objects.filter(
        content_type__app_label=TEACHER_APP, codename=TEACHER_CODENAME
    ).filter(Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")))
    return User._default_manager.annotate(**{ROLE_ATTR: Exists(teaches)}).filter(pk=user_id).first()


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = _with_role(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = _with_role(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
