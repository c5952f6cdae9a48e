from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import rules

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


class TaskStatement(models.TextChoices):
    """SAA-C03 Domain 3, "Design High-Performing Architectures" (24% of the scored content)."""

    STORAGE = "3.1", _("3.1 Determine high-performing and/or scalable storage solutions")
    COMPUTE = "3.2", _("3.2 Design high-performing and elastic compute solutions")
    DATABASE = "3.3", _("3.3 Determine high-performing database solutions")
    NETWORK = "3.4", _("3.4 Determine high-performing and/or scalable network architectures")
    INGESTION = (
        "3.5",
        _("3.5 Determine high-performing data ingestion and transformation solutions"),
    )


class QuestionKind(models.TextChoices):
    FLASHCARD = rules.FLASHCARD, _("Flashcard")
    SINGLE = rules.SINGLE, _("Single choice")
    MULTIPLE = rules.MULTIPLE, _("Multiple response")


class QuestionOrigin(models.TextChoices):
    NOTE = "note", _("From the notes")
    WHICH = "which", _("Which service? (generated)")
    EXAM = "exam", _("Exam-style (authored)")
    ADMIN = "admin", _("Written in the admin")


class TopicManager(models.Manager["Topic"]):
    def get_by_natural_key(self, slug: str) -> Topic:
        return self.get(slug=slug)


class Topic(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    task_statement = models.CharField(
        _("task statement"), max_length=3, choices=TaskStatement.choices
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TopicManager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.CheckConstraint(
                condition=Q(task_statement__in=TaskStatement.values),
                name="cards_topic_task_statement_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class QuestionQuerySet(models.QuerySet["Question"]):
    def with_answers(self) -> QuestionQuerySet:
        return self.select_related("topic").prefetch_related(
            models.Prefetch("answers", queryset=Answer.objects.order_by("order", "id"))
        )


class QuestionManager(models.Manager["Question"]):
    """Fixtures load by natural key; every other read is a QuestionQuerySet method, which
    from_queryset puts on the manager too."""

    def get_by_natural_key(self, key: str) -> Question:
        return self.get(key=key)


class Question(models.Model):
    key = models.SlugField(
        _("key"),
        max_length=100,
        unique=True,
        help_text=_("Stable name, so reloading the fixtures updates this question in place."),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="questions", verbose_name=_("topic")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    origin = models.CharField(
        _("origin"), max_length=10, choices=QuestionOrigin.choices, default=QuestionOrigin.ADMIN
    )
    prompt = models.TextField(_("prompt"))
    prompt_en = models.TextField(_("prompt (English)"), blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    source_file = models.CharField(_("notes file"), max_length=200)
    source_first_line = models.PositiveIntegerField(_("first line"))
    source_last_line = models.PositiveIntegerField(_("last line"))
    source_text = models.TextField(_("source lines"), blank=True)
    source_hash = models.CharField(_("hash of the source lines"), max_length=64, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = QuestionManager.from_queryset(QuestionQuerySet)()

    class Meta:
        ordering = ["topic__order", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="cards_question_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=QuestionOrigin.values), name="cards_question_origin_valid"
            ),
            models.CheckConstraint(
                condition=Q(source_first_line__gte=1)
                & Q(source_last_line__gte=models.F("source_first_line")),
                name="cards_question_source_lines_ordered",
            ),
        ]
        indexes = [models.Index(fields=["topic", "order"], name="cards_question_topic_order")]

    def __str__(self) -> str:
        return f"{self.key}: {self.prompt[:60]}"

    def natural_key(self) -> tuple[str]:
        return (self.key,)

    natural_key.dependencies = ["cards.topic"]  # type: ignore[attr-defined]

    def get_absolute_url(self) -> str:
        return reverse("cards:question_detail", args=[self.pk])

    @property
    def is_choice(self) -> bool:
        return self.kind in rules.CHOICE_KINDS

    @property
    def citation(self) -> str:
        if self.source_first_line == self.source_last_line:
            return gettext("%(file)s, line %(line)d") % {
                "file": self.source_file,
                "line": self.source_first_line,
            }
        return gettext("%(file)s, lines %(first)d–%(last)d") % {
            "file": self.source_file,
            "first": self.source_first_line,
            "last": self.source_last_line,
        }

    def answer_errors(self, correct_flags: list[bool]) -> list[str]:
        return rules.answer_set_errors(self.kind, correct_flags)


class AnswerManager(models.Manager["Answer"]):
    def get_by_natural_key(self, order: int, question_key: str) -> Answer:
        return self.get(order=order, question__key=question_key)


class Answer(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    text = models.TextField(_("text"))
    text_en = models.TextField(_("text (English)"), blank=True)
    is_correct = models.BooleanField(_("correct"), default=False)
    explanation = models.TextField(_("explanation"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    reference_url = models.URLField(_("reference URL"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = AnswerManager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="cards_answer_unique_order"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def natural_key(self) -> tuple[Any, ...]:
        return (self.order, *self.question.natural_key())

    natural_key.dependencies = ["cards.question"]  # type: ignore[attr-defined]


class DeckQuerySet(models.QuerySet["Deck"]):
    def builtin(self) -> DeckQuerySet:
        return self.filter(owner__isnull=True)

    def visible_to(self, user: User | AnonymousUser | None) -> DeckQuerySet:
        """Built-in decks for everyone; a teacher's own decks for that teacher; and decks
        assigned to a classroom the user is enrolled in.

        The last condition follows the classrooms app's relations (Assignment.deck, whose related
        name is "assignments", then the class's memberships) by a lookup string. That is the one
        place this app names a higher one: a lookup is resolved by the ORM when the query runs,
        not imported, so cards still imports nothing from classrooms (STYLE: a lower app never
        imports a higher one), and every reader of decks sees the same rule without start-up
        hooks. classrooms' tests pin it: an assigned deck is studied by the class's students
        and by nobody else, and leaving the class hides it.
        """
        if user is None or not user.is_authenticated:
            return self.builtin()
        condition = (
            Q(owner__isnull=True)
            | Q(owner=user)
            | Q(assignments__classroom__memberships__student=user)
        )
        # The classroom lookup follows to-many relations, which can repeat a deck.
        return self.filter(pk__in=Deck.objects.filter(condition).values("pk"))

    def with_card_counts(self) -> DeckQuerySet:
        return self.annotate(card_count=models.Count("questions", distinct=True))


class DeckManager(models.Manager["Deck"]):
    """Fixtures load by natural key; every other read is a DeckQuerySet method, which
    from_queryset puts on the manager too."""

    def get_by_natural_key(self, slug: str) -> Deck:
        return self.get(slug=slug)


class Deck(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    questions = models.ManyToManyField(
        Question, related_name="decks", blank=True, verbose_name=_("questions")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="decks",
        verbose_name=_("owner"),
        help_text=_("Empty for built-in decks; the teacher for a teacher's own deck."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DeckManager.from_queryset(DeckQuerySet)()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("deck")
        verbose_name_plural = _("decks")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["cards.question"]  # type: ignore[attr-defined]

    def get_absolute_url(self) -> str:
        return reverse("cards:deck_detail", args=[self.slug])

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None
