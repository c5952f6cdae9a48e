"""A learner's study history as a whole: how much there is, and starting it over.

History is everything studying wrote for one learner: their answers (Attempt), the memory state
of each card (ReviewState), their practice exams with their questions (Exam, ExamItem) and the
card showings (Showing). Their account, settings and class memberships are not history; nor
are the cards they suspended or reported (Suspension, cards.CardReport), which say what they
think of the cards, not how well they know them: a reset keeps them, deleting the account
removes them with it (their rows cascade from the user).
Deleting the whole account (classrooms.services.account_delete) starts with the same deletion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from cards.models import CardReport

from .models import Attempt, Exam, ReviewState, Showing, Suspension


@dataclass(frozen=True)
class HistoryCounts:
    """How many rows of each kind a learner's history holds (or held, once deleted)."""

    attempts: int
    review_states: int
    exams: int
    card_showings: int

    @property
    def is_empty(self) -> bool:
        return not (self.attempts or self.review_states or self.exams or self.card_showings)


@dataclass(frozen=True)
class CardFlags:
    """The cards a learner set aside, and the reports they sent the admins about cards."""

    suspensions: int
    reports: int


def card_flags(user: User) -> CardFlags:
    return CardFlags(
        suspensions=Suspension.objects.filter(user=user).count(),
        reports=CardReport.objects.filter(reporter=user).count(),
    )


def history_counts(user: User) -> HistoryCounts:
    """What a reset would remove: four index-only counts on the user's own rows."""
    return HistoryCounts(
        attempts=Attempt.objects.filter(user=user).count(),
        review_states=ReviewState.objects.filter(user=user).count(),
        exams=Exam.objects.filter(user=user).count(),
        card_showings=Showing.objects.filter(user=user).count(),
    )


@transaction.atomic
def history_delete(*, user: User) -> HistoryCounts:
    """Delete every row of the learner's history; returns how many of each went.

    A fixed number of statements whatever the history's size: answers go first, in one DELETE
    (nothing points at an answer). Showings go in one DELETE too: only answers point at them,
    and Django would otherwise load every showing (50,000 took 8 s) to null links from answers
    that are already gone. Should anyone else's answer still point at one, the foreign key
    refuses the commit and nothing at all is deleted. Exams are few: Django cascades to their
    questions.
    """
    attempts, _by_model = Attempt.objects.filter(user=user).delete()
    _total, exams_by_model = Exam.objects.filter(user=user).delete()
    showings = Showing.objects.filter(user=user)
    card_showings = showings._raw_delete(showings.db)
    review_states, _by_model = ReviewState.objects.filter(user=user).delete()
    return HistoryCounts(
        attempts=attempts,
        review_states=review_states,
        exams=exams_by_model.get(Exam._meta.label, 0),
        card_showings=card_showings,
    )


@transaction.atomic
def history_reset(*, user: User, now: dt.datetime) -> HistoryCounts:
    """Start the learner's study history over: every card is new again, no exams, no answers.

    Settings and class memberships stay. The reset time is kept on the account, so copies of
    pages cached on the learner's latest answer (their teachers' dashboards) are not served again.
    """
    # The learner's row first: an import locks it too, so the two queue rather than interleave.
    User.objects.filter(pk=user.pk).update(history_reset_at=now)
    user.history_reset_at = now
    return history_delete(user=user)
