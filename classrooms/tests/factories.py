"""Small builders shared by the classroom tests (fixtures live in conftest.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from classrooms import services
from classrooms.access import TEACHERS_GROUP
from classrooms.models import Classroom, Membership

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery staple"


def make_teacher(user: Any) -> Any:
    user.groups.add(Group.objects.get(name=TEACHERS_GROUP))
    return user


def make_student(email: str, **extra: Any) -> Any:
    return get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD, **extra
    )


def enrol(classroom: Classroom, user: Any, now: dt.datetime = NOW) -> Membership:
    return services.membership_join(classroom=classroom, student=user, now=now)
