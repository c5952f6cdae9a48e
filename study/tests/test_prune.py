"""Pruning card showings nobody answered: old unanswered ones go, everything else stays."""

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from study import services
from study.models import Attempt, Mode, Showing

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def showing(user: Any, deck: Any, *, age: dt.timedelta, answered: bool = False) -> Showing:
    question = deck.questions.first()
    return Showing.objects.create(
        user=user,
        deck=deck,
        question=question,
        mode=Mode.FLASHCARD,
        created_at=NOW - age,
        answered_at=NOW - age + dt.timedelta(seconds=5) if answered else None,
    )


def test_only_old_unanswered_showings_are_deleted(student: Any, deck: Any) -> None:
    old = [showing(student, deck, age=40 * DAY) for _ in range(3)]
    kept = [
        showing(student, deck, age=40 * DAY, answered=True),
        showing(student, deck, age=29 * DAY),
        showing(student, deck, age=dt.timedelta(minutes=1)),
    ]
    deleted = services.showings_prune(before=NOW - 30 * DAY, batch=2)  # two batches
    assert deleted == 3
    assert not Showing.objects.filter(pk__in=[s.pk for s in old]).exists()
    assert set(Showing.objects.values_list("pk", flat=True)) == {s.pk for s in kept}
    assert services.showings_prune(before=NOW - 30 * DAY) == 0


def test_an_answered_showing_keeps_its_attempt(student: Any, deck: Any) -> None:
    answered = showing(student, deck, age=90 * DAY, answered=True)
    attempt = Attempt.objects.create(
        user=student,
        question=answered.question,
        showing=answered,
        mode=Mode.FLASHCARD,
        rating=3,
        correct=True,
        reviewed_at=NOW - 90 * DAY,
    )
    services.showings_prune(before=NOW)
    attempt.refresh_from_db()
    assert attempt.showing_id == answered.pk


def test_the_command_prunes_by_age_in_days(student: Any, deck: Any) -> None:
    now = timezone.now()
    stale = Showing.objects.create(
        user=student,
        deck=deck,
        question=deck.questions.first(),
        mode=Mode.FLASHCARD,
        created_at=now - 8 * DAY,
    )
    out = StringIO()
    call_command("prune_showings", "--days", "10", stdout=out)
    assert "Deleted 0 unanswered showings older than 10 days." in out.getvalue()
    call_command("prune_showings", "--days", "7", stdout=out)
    assert "Deleted 1 unanswered showings older than 7 days." in out.getvalue()
    assert not Showing.objects.filter(pk=stale.pk).exists()


@pytest.mark.parametrize("days", ["0", "-3", "ten", "1.5", ""])
def test_the_command_refuses_a_bad_age(days: str) -> None:
    with pytest.raises(CommandError, match="--days must be a whole number of at least 1"):
        call_command("prune_showings", "--days", days)
