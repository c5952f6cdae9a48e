"""Writes for studying: issuing a card, recording an answer, re-grading a lucky guess.

Each function is one transaction. The Showing row is the lock every write for a showing
takes first, then the learner's ReviewState: one lock order, so concurrent requests queue instead
of deadlocking, and a doubled submission finds the first one's Attempt.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from fsrs import Card, Scheduler

from accounts.models import User
from cards.models import Deck, Question, QuestionKind

from . import queue_sql, scheduling
from .models import Attempt, CardState, Mode, Rating, ReviewState, Showing, Suspension
from .selectors import deck_visible

# A duration beyond a day is a tab left open, not thinking time; also keeps the column in range.
MAX_DURATION_MS = 24 * 60 * 60 * 1000
REGRADE_RATINGS = (Rating.HARD, Rating.EASY)


class StudyError(Exception):
    """A request the study pages refuse with a 400 and this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _scheduler_for(user: User) -> Scheduler:
    return scheduling.build_scheduler(user.desired_retention, fuzzing=settings.FSRS_FUZZING)


# No transaction: one read, then at most one INSERT. Two requests racing to show the same card
# at most open two showings, each answerable once, as two tabs would.
def showing_issue(
    *,
    user: User,
    deck: Deck,
    question: Question,
    mode: str,
    practice: bool,
    now: dt.datetime,
    rng: random.Random | None = None,
) -> Showing:
    """Show `question` to `user`: reuse their open showing of it, or open a new one.

    Reusing keeps a reload on the same token and option order, so reloading cannot be used to
    reshuffle the options, and an answer posted from the old page still counts.
    """
    if mode not in Mode.values:
        raise StudyError(_("This study mode does not exist."))
    if mode != Mode.FLASHCARD and not question.is_choice:
        raise StudyError(_("This card has no options to choose from."))
    existing = queue_sql.open_showing(
        user_id=user.pk, deck_id=deck.pk, question_id=question.pk, mode=mode, practice=practice
    )
    if existing is not None:
        return existing
    option_order: list[int] = []
    if mode != Mode.FLASHCARD:
        option_order = [answer.pk for answer in question.answers.all()]
        (rng or random.SystemRandom()).shuffle(option_order)
    return Showing.objects.create(
        user=user,
        deck=deck,
        question=question,
        mode=mode,
        practice=practice,
        option_order=option_order,
        created_at=now,
    )


def _grade(
    *,
    question: Question,
    mode: str,
    answer_ids: list[int] | None,
    rating: int | None,
) -> tuple[list[int], bool, int]:
    """Validate the submission; return (chosen answer ids, correct, FSRS rating)."""
    if mode == Mode.FLASHCARD:
        if rating is None or rating not in scheduling.RATINGS:
            raise StudyError(_("Choose how well you remembered: Again, Hard, Good or Easy."))
        return [], rating != Rating.AGAIN, rating
    answers = list(question.answers.all())
    by_id = {answer.pk: answer for answer in answers}
    chosen = set(answer_ids or [])
    if not chosen:
        raise StudyError(_("Choose an answer."))
    if not chosen <= by_id.keys():
        raise StudyError(_("That answer does not belong to this question."))
    if question.kind == QuestionKind.SINGLE and len(chosen) != 1:
        raise StudyError(_("Choose exactly one answer."))
    correct_ids = {answer.pk for answer in answers if answer.is_correct}
    correct = scheduling.is_exact_choice(chosen, correct_ids)
    return sorted(chosen), correct, scheduling.grade_choice(correct)


def _review_state_for_update(*, user: User, question: Question) -> ReviewState | None:
    return ReviewState.objects.select_for_update().filter(user=user, question=question).first()


def _locked_review_state(
    *, user: User, question: Question, now: dt.datetime
) -> tuple[ReviewState, bool]:
    """The learner's ReviewState for the question, locked; created for a new card.

    Returns (state, created). Two showings of the same new card (two tabs) hold different
    Showing locks, so both may try to create the row: the loser's insert fails on the unique
    constraint inside a savepoint and it locks the winner's row instead.
    """
    state = _review_state_for_update(user=user, question=question)
    if state is not None:
        return state, False
    try:
        with transaction.atomic():
            state = ReviewState.objects.create(
                user=user,
                question=question,
                state=CardState.LEARNING,
                step=0,
                due=now,
                first_review=now,
            )
        return state, True
    except IntegrityError:
        state = _review_state_for_update(user=user, question=question)
        if state is None:  # the other request's row vanished: nothing sensible left to do
            raise
        return state, False


def _apply_card(state: ReviewState, card: Card, *, lapse: bool, count_rep: bool) -> None:
    """Save `card` into the state: an UPDATE, or one INSERT for a state not saved yet."""
    for name, value in scheduling.card_to_fields(card).items():
        setattr(state, name, value)
    if count_rep:
        state.reps += 1
    if lapse:
        state.lapses += 1
    if state._state.adding:
        state.save(force_insert=True)
        return
    state.save(update_fields=[*scheduling.CARD_FIELDS, "reps", "lapses"])


def attempt_record(
    *,
    user: User,
    token: str,
    slug: str | None,
    answer_ids: list[int] | None,
    rating: int | None,
    duration_ms: int | None,
    now: dt.datetime,
) -> Attempt:
    """Record the learner's answer to a showing and reschedule the card (unless practising).

    `slug` names the deck the answer was posted to: the showing must be of that deck. None is
    leech practice, which answers practice showings only, in whichever deck each was shown. The
    deck is checked in the query that locks the showing, without reading it first, and must still
    be one the learner may see (a class left takes no more answers). Any refusal is a StudyError
    and writes nothing. Posting the same token again returns the Attempt already recorded.
    """
    record = partial(
        _attempt_record,
        user=user,
        token=token,
        slug=slug,
        answer_ids=answer_ids,
        rating=rating,
        duration_ms=duration_ms,
        now=now,
    )
    try:
        return record()
    except IntegrityError:
        # Two showings of the same new card answered at once (two tabs): both found no
        # ReviewState, and the unique constraint let one insert win. The loser's transaction
        # is rolled back whole; run again, it finds the winner's row and answers on top of it.
        return record()


def _not_shown() -> StudyError:
    # Someone else's token and no token at all look the same: nothing to learn by guessing.
    return StudyError(_("This card was not shown to you. Go back and load the next card."))


def _locked_showing(*, user: User, token: str) -> Showing:
    """The learner's showing behind `token`, locked (the first lock of every write for it), with
    its question and deck and whether that question is still in the deck: one query."""
    showing = (
        Showing.objects.select_for_update(of=("self",))
        .select_related("question", "deck")
        .annotate(
            in_deck=Exists(
                Deck.questions.through.objects.filter(
                    deck_id=OuterRef("deck_id"), question_id=OuterRef("question_id")
                )
            )
        )
        .filter(token=token)
        .first()
    )
    if showing is None or showing.user_id != user.pk:
        raise _not_shown()
    return showing


@dataclass(frozen=True)
class CardBefore:
    """A card as it was before an answer: its FSRS card, and the state and due date recorded
    with the attempt (None for a card never answered)."""

    card: Card
    state: int | None
    due: dt.datetime | None


def _card_before(state: ReviewState | None, *, question: Question, now: dt.datetime) -> CardBefore:
    if state is None:
        return CardBefore(card=scheduling.new_card(question.pk, now), state=None, due=None)
    return CardBefore(card=scheduling.card_from_state(state), state=state.state, due=state.due)


@transaction.atomic
def _attempt_record(
    *,
    user: User,
    token: str,
    slug: str | None,
    answer_ids: list[int] | None,
    rating: int | None,
    duration_ms: int | None,
    now: dt.datetime,
) -> Attempt:
    """attempt_record's one transaction: the showing, the answers (choice mode), the state,
    then one write to each of Attempt, ReviewState and Showing."""
    showing = _locked_showing(user=user, token=token)
    visible = deck_visible(user, showing.deck)
    if slug is None:
        # Leech practice: a scheduled showing, or one in a deck the learner can no longer see,
        # was not shown on the leech page.
        if not showing.practice or not visible:
            raise _not_shown()
    elif showing.deck.slug != slug or not visible:
        # A deck the learner can no longer see (a class left) refuses the answer like another.
        raise StudyError(_("This card was shown in another deck."))
    if showing.answered_at is not None:
        existing = Attempt.objects.filter(showing=showing).first()
        if existing is None:
            raise StudyError(_("This card was already answered. Load the next card."))
        return existing
    if not showing.in_deck:  # type: ignore[attr-defined]
        raise StudyError(_("This card is no longer in the deck."))
    question = showing.question
    chosen, correct, grade = _grade(
        question=question, mode=showing.mode, answer_ids=answer_ids, rating=rating
    )
    if duration_ms is not None and duration_ms < 0:
        duration_ms = None
    elif duration_ms is not None:
        duration_ms = min(duration_ms, MAX_DURATION_MS)

    if showing.practice:
        # Practice leaves the schedule alone: no ReviewState is created or changed.
        state = ReviewState.objects.filter(user=user, question=question).first()
    else:
        state = _review_state_for_update(user=user, question=question)
    before = _card_before(state, question=question, now=now)

    card_after = None
    if not showing.practice:
        card_after = scheduling.review(before.card, grade, now=now, scheduler=_scheduler_for(user))

    attempt = Attempt.objects.create(
        user=user,
        question=question,
        showing=showing,
        mode=showing.mode,
        rescheduled=not showing.practice,
        chosen_answer_ids=chosen,
        correct=correct,
        rating=grade,
        reviewed_at=now,
        duration_ms=duration_ms,
        state_before=before.state,
        due_before=before.due,
        due_after=card_after.due if card_after is not None else before.due,
        card_before=scheduling.card_to_dict(before.card),
    )
    if card_after is not None:
        if state is None:
            # A new card: its first state goes in as one INSERT. A concurrent first answer from
            # another tab makes it fail on the unique constraint; attempt_record runs again.
            state = ReviewState(user=user, question=question, first_review=now)
        _apply_card(
            state,
            card_after,
            lapse=before.state == CardState.REVIEW and grade == Rating.AGAIN,
            count_rep=True,
        )
    showing.answered_at = now
    showing.save(update_fields=["answered_at"])
    return attempt


@transaction.atomic
def attempt_regrade(*, user: User, token: str, rating: int, now: dt.datetime) -> Attempt:
    """Re-rate a right choice answer as Hard ("I guessed") or Easy, rescheduling from before it.

    The card is recomputed from the state saved with the attempt, at the attempt's time, so
    re-grading twice or switching between Hard and Easy lands where answering that way would have.
    """
    showing = _locked_showing(user=user, token=token)
    attempt = Attempt.objects.filter(showing=showing).first()
    if attempt is None:
        raise StudyError(_("Answer the card before re-grading it."))
    if rating not in REGRADE_RATINGS:
        raise StudyError(_("A right answer can only be re-graded as Hard or Easy."))
    if attempt.mode != Mode.CHOICE or not attempt.correct or not attempt.rescheduled:
        raise StudyError(_("Only a right answer outside practice can be re-graded."))
    if attempt.rating == rating:
        return attempt
    later = Attempt.objects.filter(
        user=user, question_id=attempt.question_id, pk__gt=attempt.pk
    ).exists()
    if later or attempt.card_before is None:
        raise StudyError(
            _("This card has been answered again since; it can no longer be re-graded.")
        )
    state = ReviewState.objects.select_for_update().get(user=user, question_id=attempt.question_id)
    card_after = scheduling.review(
        scheduling.card_from_dict(attempt.card_before),
        rating,
        now=attempt.reviewed_at,
        scheduler=_scheduler_for(user),
    )
    # A right answer never lapses and the repetition was counted when it was recorded.
    _apply_card(state, card_after, lapse=False, count_rep=False)
    attempt.rating = rating
    attempt.due_after = card_after.due
    attempt.save(update_fields=["rating", "due_after"])
    return attempt


@dataclass(frozen=True)
class ReviewApplied:
    """What reviewing a card changed, for the Attempt that records it."""

    state: ReviewState
    card_before: dict[str, Any]
    state_before: int | None
    due_before: dt.datetime | None
    due_after: dt.datetime


def review_state_apply(
    *, user: User, question: Question, rating: int, now: dt.datetime
) -> ReviewApplied:
    """Reschedule the learner's card for `question` as answered with `rating` at `now`.

    Locks (or creates, for a new card) the ReviewState and saves the FSRS result, the same way a
    recorded study answer does. Runs inside the caller's transaction, which must be open: the
    caller writes the Attempt from the returned values in the same one.
    """
    state, created = _locked_review_state(user=user, question=question, now=now)
    before = _card_before(None if created else state, question=question, now=now)
    card_after = scheduling.review(before.card, rating, now=now, scheduler=_scheduler_for(user))
    _apply_card(
        state,
        card_after,
        lapse=before.state == CardState.REVIEW and rating == Rating.AGAIN,
        count_rep=True,
    )
    return ReviewApplied(
        state=state,
        card_before=scheduling.card_to_dict(before.card),
        state_before=before.state,
        due_before=before.due,
        due_after=card_after.due,
    )


PRUNE_BATCH = 5000


def showings_prune(*, before: dt.datetime, batch: int = PRUNE_BATCH) -> int:
    """Delete showings nobody answered that were opened before `before`; return how many.

    In batches, each its own transaction, so a large backlog never holds long locks. A showing
    answered meanwhile is kept: the DELETE repeats the "unanswered" condition, and on PostgreSQL
    waits for an answer in progress (which locks the showing first) and then skips the row.
    """
    stale = Showing.objects.filter(answered_at__isnull=True, created_at__lt=before)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(stale.order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                return deleted
            count, _by_model = stale.filter(pk__in=ids).delete()
            deleted += count


# --- Setting a card aside ---


def suspension_create(*, user: User, question: Question, now: dt.datetime) -> Suspension:
    """Suspend `question` for `user`: the study queue, practice and the leech list skip it.

    Idempotent: suspending a suspended card keeps the first suspension (a double click, two
    tabs). The memory state is left as it is, to be picked up again on unsuspending.
    """
    try:
        with transaction.atomic():
            suspension, _created = Suspension.objects.get_or_create(
                user=user, question=question, defaults={"created_at": now}
            )
    except IntegrityError:
        # Another request inserted it between the lookup and the insert: that one stands.
        suspension = Suspension.objects.get(user=user, question=question)
    return suspension


def suspension_delete(*, user: User, question: Question) -> bool:
    """Serve `question` to `user` again; False when it was not suspended. A card that fell due
    while it was suspended is due at once (its due date never moved)."""
    deleted, _by_model = Suspension.objects.filter(user=user, question=question).delete()
    return bool(deleted)


# --- The exam-day planner ---


def plan_apply(*, user: User, retention: Decimal, new_per_day: int) -> None:
    """Apply a plan to the learner's settings: desired retention and new cards a day. One
    UPDATE of those two columns, so nothing else of the row (a concurrent login) is lost."""
    User.objects.filter(pk=user.pk).update(
        desired_retention=retention, new_cards_per_day=new_per_day
    )


def exam_order_set(*, user: User, on: bool) -> None:
    """Switch the learner's study queue to exam-day order, or back."""
    User.objects.filter(pk=user.pk).update(exam_day_order=on)
