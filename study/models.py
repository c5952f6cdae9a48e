from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cards.models import Deck, Question


class CardState(models.IntegerChoices):
    """FSRS card states (fsrs.State). A card with no ReviewState row is new."""

    LEARNING = 1, _("Learning")
    REVIEW = 2, _("Review")
    RELEARNING = 3, _("Relearning")


class Rating(models.IntegerChoices):
    """FSRS ratings (fsrs.Rating)."""

    AGAIN = 1, _("Again")
    HARD = 2, _("Hard")
    GOOD = 3, _("Good")
    EASY = 4, _("Easy")


class Mode(models.TextChoices):
    FLASHCARD = "flashcard", _("Flashcard")
    CHOICE = "choice", _("Choice")
    EXAM = "exam", _("Exam")


class ReviewState(models.Model):
    """A learner's FSRS memory state for one question: one row per (user, question)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_states",
        verbose_name=_("learner"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="review_states", verbose_name=_("question")
    )
    state = models.PositiveSmallIntegerField(_("state"), choices=CardState.choices)
    step = models.PositiveSmallIntegerField(_("learning step"), null=True, blank=True)
    stability = models.FloatField(_("stability"), null=True, blank=True)
    difficulty = models.FloatField(_("difficulty"), null=True, blank=True)
    due = models.DateTimeField(_("due"))
    last_review = models.DateTimeField(_("last review"), null=True, blank=True)
    first_review = models.DateTimeField(_("first review"))
    reps = models.PositiveIntegerField(_("reviews"), default=0)
    lapses = models.PositiveIntegerField(_("lapses"), default=0)

    class Meta:
        verbose_name = _("review state")
        verbose_name_plural = _("review states")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"], name="study_reviewstate_unique_user_question"
            ),
            models.CheckConstraint(
                condition=Q(state__in=CardState.values), name="study_reviewstate_state_valid"
            ),
        ]
        indexes = [
            # "This user's cards due before now" and the next due card: an index range scan.
            models.Index(fields=["user", "due"], name="study_reviewstate_user_due"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.question_id}: {self.get_state_display()}, due {self.due}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Showing(models.Model):
    """One showing of a card to a learner, carrying a one-time token.

    The answer form posts the token; the Attempt points back here with a unique link, so the same
    submission twice (double click, back button, two tabs) records exactly one Attempt.
    """

    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="showings",
        verbose_name=_("learner"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("question")
    )
    deck = models.ForeignKey(
        Deck, on_delete=models.CASCADE, related_name="+", verbose_name=_("deck")
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    practice = models.BooleanField(
        _("practice"),
        default=False,
        help_text=_("Practice: recorded, but the schedule is not changed."),
    )
    # Answer ids, shuffled per showing.
    option_order = models.JSONField(_("option order"), default=list, blank=True)
    created_at = models.DateTimeField(_("shown at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("card showing")
        verbose_name_plural = _("card showings")
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=Mode.values), name="study_showing_mode_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "deck", "mode", "answered_at"],
                name="study_showing_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.question_id} {self.mode} {self.created_at:%Y-%m-%d %H:%M}"


class Attempt(models.Model):
    """Append-only log of every answer a learner gave."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attempts",
        verbose_name=_("learner"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("question")
    )
    showing = models.OneToOneField(
        Showing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attempt",
        verbose_name=_("card showing"),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    rescheduled = models.BooleanField(_("rescheduled"), default=True)
    chosen_answer_ids = models.JSONField(_("answers chosen"), default=list, blank=True)
    correct = models.BooleanField(_("correct"))
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    reviewed_at = models.DateTimeField(_("reviewed at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    state_before = models.PositiveSmallIntegerField(
        _("state before"), choices=CardState.choices, null=True, blank=True
    )
    due_before = models.DateTimeField(_("due before"), null=True, blank=True)
    due_after = models.DateTimeField(_("due after"), null=True, blank=True)
    # The FSRS card as it was before this attempt, so "I guessed"/"Easy" can re-grade it.
    card_before = models.JSONField(_("card before"), null=True, blank=True)
    # Set for the attempt an exam answer fed into the schedule: at most one per exam item.
    exam_item = models.OneToOneField(
        "ExamItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attempt",
        verbose_name=_("exam question"),
    )

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=Mode.values), name="study_attempt_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=4), name="study_attempt_rating_range"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "reviewed_at"], name="study_attempt_user_time"),
            models.Index(fields=["user", "question"], name="study_attempt_user_question"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.question_id} {self.mode} rating {self.rating}"


class ExamScope(models.TextChoices):
    EXAM = "exam", _("The whole exam")
    DOMAIN = "domain", _("One domain")
    TASK_STATEMENT = "task", _("One task statement")
    TOPIC = "topic", _("One topic")
    DECK = "deck", _("One deck")


class Exam(models.Model):
    """A practice exam in the SAA-C03 format. The deadline is kept here, on the server."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exams",
        verbose_name=_("learner"),
    )
    scope = models.CharField(_("scope"), max_length=10, choices=ExamScope.choices)
    deck = models.ForeignKey(
        Deck,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deck"),
    )
    topic = models.ForeignKey(
        "cards.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("topic"),
    )
    domain = models.ForeignKey(
        "cards.Domain",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("domain"),
    )
    task_statement = models.ForeignKey(
        "cards.TaskStatement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("task statement"),
    )
    title = models.CharField(_("title"), max_length=200)
    question_count = models.PositiveSmallIntegerField(_("number of questions"))
    timed = models.BooleanField(_("timed"), default=True)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    raw_score = models.PositiveSmallIntegerField(_("correct answers"), null=True, blank=True)
    scaled_score = models.PositiveSmallIntegerField(_("scaled score"), null=True, blank=True)

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=ExamScope.values), name="study_exam_scope_valid"
            ),
            models.CheckConstraint(
                condition=Q(timed=False, deadline__isnull=True)
                | Q(timed=True, deadline__isnull=False),
                name="study_exam_deadline_iff_timed",
            ),
            models.CheckConstraint(
                condition=Q(scaled_score__isnull=True)
                | (Q(scaled_score__gte=100) & Q(scaled_score__lte=1000)),
                name="study_exam_scaled_score_range",
            ),
            models.CheckConstraint(
                condition=Q(question_count__gte=1), name="study_exam_has_questions"
            ),
        ]
        indexes = [models.Index(fields=["user", "started_at"], name="study_exam_user_started")]

    def __str__(self) -> str:
        return f"{self.title} ({self.user_id}, {self.started_at:%Y-%m-%d})"


class ExamItem(models.Model):
    """One question of an exam, with the learner's current choice, saved as soon as it is made."""

    exam = models.ForeignKey(
        Exam, on_delete=models.CASCADE, related_name="items", verbose_name=_("exam")
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    # Answer ids, shuffled once per exam.
    option_order = models.JSONField(_("option order"), default=list)
    chosen_answer_ids = models.JSONField(_("answers chosen"), default=list, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    flagged = models.BooleanField(_("flagged for review"), default=False)
    correct = models.BooleanField(_("correct"), null=True, blank=True)  # set at submission

    class Meta:
        verbose_name = _("exam question")
        verbose_name_plural = _("exam questions")
        ordering = ["exam", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "position"], name="study_examitem_unique_position"
            ),
            models.UniqueConstraint(
                fields=["exam", "question"], name="study_examitem_unique_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exam_id}#{self.position}"


class Suspension(models.Model):
    """A card the learner set aside (they consider it wrong): the study queue no longer serves
    it, and its memory state is kept as it was, so unsuspending picks up where it stopped."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="suspensions",
        verbose_name=_("learner"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="suspensions", verbose_name=_("question")
    )
    created_at = models.DateTimeField(_("suspended at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("suspended card")
        verbose_name_plural = _("suspended cards")
        constraints = [
            # The queue's anti-joins look a card up by (user, question): this index serves them.
            models.UniqueConstraint(
                fields=["user", "question"], name="study_suspension_unique_user_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.question_id} suspended {self.created_at:%Y-%m-%d}"
