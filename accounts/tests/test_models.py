"""The User table's named constraints hold even when Python-side validation is bypassed."""

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

User = get_user_model()


def constraint_refuses(user: Any, name: str, **changes: Any) -> None:
    """Writing `changes` straight to the row fails on the constraint called `name`."""
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        User.objects.filter(pk=user.pk).update(**changes)


@pytest.mark.parametrize(
    "retention", [Decimal("0.79"), Decimal("0.98"), Decimal("0"), Decimal("1")]
)
def test_retention_outside_the_range_is_refused(student, retention: Decimal):
    constraint_refuses(student, "accounts_user_retention_range", desired_retention=retention)


@pytest.mark.parametrize("retention", [Decimal("0.80"), Decimal("0.97")])
def test_retention_at_the_bounds_is_allowed(student, retention: Decimal):
    User.objects.filter(pk=student.pk).update(desired_retention=retention)
    student.refresh_from_db()
    assert student.desired_retention == retention


def test_more_than_1000_new_cards_per_day_is_refused(student):
    constraint_refuses(student, "accounts_user_new_per_day_max", new_cards_per_day=1001)


@pytest.mark.parametrize("reviews", [0, 10001])
def test_reviews_per_day_outside_1_to_10000_is_refused(student, reviews: int):
    constraint_refuses(student, "accounts_user_reviews_per_day_range", max_reviews_per_day=reviews)


def test_email_is_unique_ignoring_case(student):
    with pytest.raises(IntegrityError, match="accounts_user_email_ci_unique"), transaction.atomic():
        User.objects.create(username="copycat", email="STUDENT@Example.com")


def test_blank_emails_may_repeat(db: None):
    User.objects.create(username="first", email="")
    User.objects.create(username="second", email="")
    assert User.objects.filter(email="").count() == 2


def test_the_constraints_carry_their_names() -> None:
    names = {constraint.name for constraint in User._meta.constraints}
    assert {
        "accounts_user_email_ci_unique",
        "accounts_user_retention_range",
        "accounts_user_new_per_day_max",
        "accounts_user_reviews_per_day_range",
    } <= names


@pytest.mark.parametrize(
    ("display_name", "email", "shown"),
    [
        ("학생 김", "kim@example.com", "학생 김"),
        ("", "kim@example.com", "kim"),
    ],
)
def test_shown_name_prefers_the_display_name(db: None, display_name: str, email: str, shown: str):
    user = User(username="u", email=email, display_name=display_name)
    assert user.shown_name == shown
