from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import rules

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def in_ui_language(korean: str, english: str) -> str:
    """The wording of an exam fact for the interface's language: the blueprint's titles are
    labels of the interface (the exam's own words in English, the team's translation in Korean),
    unlike card text, which keeps both wordings for the reader to toggle."""
    language = (get_language() or "").lower()
    return (english or korean) if language.startswith("en") else (korean or english)


class CertificationManager(models.Manager["Certification"]):
    def get_by_natural_key(self, code: str) -> Certification:
        return self.get(code=code)

    def current(self) -> Certification | None:
        """The exam this site prepares for: the build compiles exactly one blueprint, so there
        is one certification once content is loaded (None before)."""
        return self.order_by("code").first()


class Certification(models.Model):
    """An exam as its guide describes it: its format and scoring; its domains hang off it.

    Rows come from the blueprint file under notes/exam/, compiled into the content fixture by
    build_fixtures: no exam fact is written in code.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    guide_version = models.CharField(_("exam guide version"), max_length=20, blank=True)
    question_count = models.PositiveSmallIntegerField(_("questions in one sitting"))
    scored_questions = models.PositiveSmallIntegerField(_("scored questions"))
    unscored_questions = models.PositiveSmallIntegerField(_("unscored questions"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    passing_score = models.PositiveSmallIntegerField(_("passing score"))
    score_min = models.PositiveSmallIntegerField(_("lowest score"))
    score_max = models.PositiveSmallIntegerField(_("highest score"))

    objects = CertificationManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(question_count__gte=1) & Q(minutes__gte=1),
                name="cards_certification_has_questions_and_time",
            ),
            models.CheckConstraint(
                condition=Q(
                    question_count=models.F("scored_questions") + models.F("unscored_questions")
                ),
                name="cards_certification_question_count_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(score_min__lt=models.F("passing_score"))
                & Q(passing_score__lte=models.F("score_max")),
                name="cards_certification_passing_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def label(self) -> str:
        return in_ui_language(self.name, self.name_en)


class DomainManager(models.Manager["Domain"]):
    def get_by_natural_key(self, certification: str, number: int) -> Domain:
        return self.get(certification__code=certification, number=number)


class Domain(models.Model):
    """A content domain of an exam, with its share of the scored content."""

    certification = models.ForeignKey(
        Certification,
        on_delete=models.PROTECT,
        related_name="domains",
        verbose_name=_("certification"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight"), help_text=_("Percent of the scored content.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DomainManager()

    class Meta:
        ordering = ["certification", "order", "number"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "number"], name="cards_domain_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="cards_domain_number_positive"),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=100), name="cards_domain_weight_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certification_id}/{self.number} {self.title_en}"

    def natural_key(self) -> tuple[Any, ...]:
        return (*self.certification.natural_key(), self.number)

    natural_key.dependencies = ["cards.certification"]  # type: ignore[attr-defined]

    @property
    def label(self) -> str:
        """The title in the interface's language."""
        return in_ui_language(self.title, self.title_en)

    @property
    def heading(self) -> str:
        """How pages name a domain: its number and title, in the interface's language."""
        return gettext("Domain %(number)d: %(title)s") % {
            "number": self.number,
            "title": self.label,
        }

    @property
    def share(self) -> float:
        """The weight as a fraction of the scored content."""
        return self.weight / 100


class TaskStatementManager(models.Manager["TaskStatement"]):
    def get_by_natural_key(self, certification: str, code: str) -> TaskStatement:
        # The blueprint reader refuses a code outside its domain ("<domain>.<n>"), so a code is
        # unique within its certification, not only within its domain.
        return self.get(domain__certification__code=certification, code=code)


class TaskStatement(models.Model):
    """A task statement of a domain ("<domain>.<n>" as the guide numbers them)."""

    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="task_statements", verbose_name=_("domain")
    )
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TaskStatementManager()

    class Meta:
        ordering = ["domain", "order", "code"]
        verbose_name = _("task statement")
        verbose_name_plural = _("task statements")
        constraints = [
            models.UniqueConstraint(
                fields=["domain", "code"], name="cards_taskstatement_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_en}"

    def natural_key(self) -> tuple[Any, ...]:
        return (self.domain.certification.code, self.code)

    natural_key.dependencies = ["cards.domain"]  # type: ignore[attr-defined]

    @property
    def label(self) -> str:
        """The code, then the title in the interface's language, as the guide lists them."""
        return f"{self.code} {in_ui_language(self.title, self.title_en)}"


NOTE_FLAG_KINDS = {
    "fact": _("Factual error"),
    "outdated": _("Out of date"),
    "typo": _("Typo"),
}


@dataclass(frozen=True)
class ReviewerNote:
    """A reviewer's note on one line of the notes that a question cites (see note_flags)."""

    line: int
    kind: str
    correction: str
    correction_en: str
    url: str

    @property
    def kind_label(self) -> str:
        return str(NOTE_FLAG_KINDS.get(self.kind, self.kind))


class QuestionKind(models.TextChoices):
    FLASHCARD = rules.FLASHCARD, _("Flashcard")
    SINGLE = rules.SINGLE, _("Single choice")
    MULTIPLE = rules.MULTIPLE, _("Multiple response")


class QuestionOrigin(models.TextChoices):
    NOTE = "note", _("From the notes")
    WHICH = "which", _("Which service? (generated)")
    EXAM = "exam", _("Exam-style (authored)")
    ADMIN = "admin", _("Written in the admin")


class NotebookQuerySet(models.QuerySet["Notebook"]):
    def visible_to(self, user: User | AnonymousUser | None) -> NotebookQuerySet:
        """A learner's notebooks for that learner; and, for the students of a classroom, the
        notebooks one of whose decks is assigned to it (the decks themselves say which cards).

        The classroom lookup is named by a string, as in DeckQuerySet.visible_to.
        """
        if user is None or not user.is_authenticated:
            return self.none()
        assigned = Deck.objects.filter(
            notebook__isnull=False, assignments__classroom__memberships__student=user
        ).values("notebook_id")
        return self.filter(Q(owner=user) | Q(pk__in=assigned))


class Notebook(models.Model):
    """A learner's own notes, uploaded in the browser; its cards are private to the owner and to
    the students of a classroom the owner assigned its decks to."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notebooks",
        verbose_name=_("owner"),
    )
    title = models.CharField(_("title"), max_length=120)
    created = models.DateTimeField(_("created"))

    objects = NotebookQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("notebook")
        verbose_name_plural = _("notebooks")
        indexes = [models.Index(fields=["owner", "created"], name="cards_notebook_owner_created")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cards:notebook_detail", args=[self.pk])


class NotebookVersion(models.Model):
    """One upload of a notebook: its Markdown exactly as it was sent (after UTF-8 decoding)."""

    notebook = models.ForeignKey(
        Notebook, on_delete=models.CASCADE, related_name="versions", verbose_name=_("notebook")
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("Markdown"))
    created = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["notebook", "-number"]
        verbose_name = _("notebook version")
        verbose_name_plural = _("notebook versions")
        constraints = [
            models.UniqueConstraint(
                fields=["notebook", "number"], name="cards_notebookversion_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="cards_notebookversion_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notebook_id} v{self.number}"


class TopicQuerySet(models.QuerySet["Topic"]):
    def visible_to(self, user: User | AnonymousUser | None) -> TopicQuerySet:
        """Built-in topics for everyone; a notebook's topics for whoever may see one of its
        questions (see QuestionQuerySet.visible_to)."""
        if user is None or not user.is_authenticated:
            return self.filter(notebook__isnull=True)
        shown = Question.objects.visible_to(user).filter(notebook__isnull=False).values("topic_id")
        return self.filter(Q(notebook__isnull=True) | Q(notebook__owner=user) | Q(pk__in=shown))


class TopicManager(models.Manager["Topic"]):
    def get_by_natural_key(self, slug: str) -> Topic:
        return self.get(slug=slug)


class Topic(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="topics", verbose_name=_("domain")
    )
    task_statement = models.ForeignKey(
        TaskStatement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="topics",
        verbose_name=_("task statement"),
        help_text=_("Empty when the topic could not be placed under one task statement."),
    )
    service = models.SlugField(
        _("service"),
        max_length=80,
        blank=True,
        help_text=_("The slug of the AWS service in the exam's service catalog, if one."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Position within its domain.")
    )

    notebook = models.ForeignKey(
        Notebook,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="topics",
        verbose_name=_("notebook"),
        help_text=_("Empty for built-in content; the notebook a learner's own topic came from."),
    )

    objects = TopicManager.from_queryset(TopicQuerySet)()

    class Meta:
        ordering = ["domain__order", "order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["domain", "order"], name="cards_topic_domain_order")]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def clean(self) -> None:
        super().clean()
        _check_task_statement(self.task_statement_id, self.domain_id, "task_statement")


def _check_task_statement(task_id: int | None, domain_id: int | None, field: str) -> None:
    """A task statement must belong to the domain it is used in (the database cannot say it)."""
    if task_id is None or domain_id is None:
        return
    if not TaskStatement.objects.filter(pk=task_id, domain_id=domain_id).exists():
        raise ValidationError({field: _("This task statement belongs to another domain.")})


# The task statement a question tests, as the database reads it: the question's own when it
# overrides its topic's, else the topic's (null when neither is placed).
EFFECTIVE_TASK_STATEMENT = Coalesce(F("task_statement_id"), F("topic__task_statement_id"))


class QuestionQuerySet(models.QuerySet["Question"]):
    def active(self) -> QuestionQuerySet:
        """Questions still served: not retired, by a new version of their notebook or, for
        built-in content, by the build (its wording changed under a new key)."""
        return self.filter(retired_at__isnull=True)

    def visible_to(self, user: User | AnonymousUser | None) -> QuestionQuerySet:
        """Built-in questions for everyone; a notebook's questions for its owner, and for the
        students of a classroom one of whose assigned decks holds them (exactly those decks:
        an assigned topic deck does not open the rest of the notebook)."""
        if user is None or not user.is_authenticated:
            return self.filter(notebook__isnull=True)
        assigned = Deck.questions.through.objects.filter(
            deck__notebook__isnull=False,
            deck__assignments__classroom__memberships__student=user,
        ).values("question_id")
        return self.filter(Q(notebook__isnull=True) | Q(notebook__owner=user) | Q(pk__in=assigned))

    def matching(self, text: str) -> QuestionQuerySet:
        """Questions whose prompt or any answer contains `text`, in either language (case
        folded by the database: ASCII on SQLite, every script on PostgreSQL)."""
        text = text.strip()
        if not text:
            return self
        in_answers = Answer.objects.filter(
            Q(text__icontains=text) | Q(text_en__icontains=text)
        ).values("question_id")
        return self.filter(
            Q(prompt__icontains=text) | Q(prompt_en__icontains=text) | Q(pk__in=in_answers)
        )

    def with_answers(self) -> QuestionQuerySet:
        # The blueprint rows are tiny: joining them costs nothing and saves a query per card
        # that shows its task statement or domain.
        return self.select_related(
            "topic__domain", "topic__task_statement", "task_statement"
        ).prefetch_related(
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
    task_statement = models.ForeignKey(
        TaskStatement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("task statement"),
        help_text=_(
            "Only when this question tests another task statement of its topic's domain than "
            "the topic's own."
        ),
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
    note_flags = models.JSONField(
        _("reviewer's notes"),
        default=list,
        blank=True,
        help_text=_(
            "Reviewer's notes on the cited lines of the notes, which stay verbatim: a list of "
            "{line, kind, correction, correction_en, url}, kind being fact, outdated or typo."
        ),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    notebook = models.ForeignKey(
        Notebook,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("notebook"),
        help_text=_("Empty for built-in content; set, the card is private to the notebook."),
    )
    retired_at = models.DateTimeField(
        _("retired"),
        null=True,
        blank=True,
        help_text=_(
            "When it stopped being served, its history kept: a new version of its notebook no "
            "longer had its lines, or the build replaced it (built-in) under a new key."
        ),
    )
    source_changed_at = models.DateTimeField(
        _("source changed"),
        null=True,
        blank=True,
        help_text=_("When a new version of its notebook changed its text."),
    )
    previous_text = models.TextField(
        _("source lines before the change"),
        blank=True,
        help_text=_("Shown beside the new lines on the card's next showing after the change."),
    )

    objects = QuestionManager.from_queryset(QuestionQuerySet)()

    class Meta:
        ordering = ["topic__domain__order", "topic__order", "order", "id"]
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

    def clean(self) -> None:
        super().clean()
        domain_id = (
            Topic.objects.filter(pk=self.topic_id).values_list("domain_id", flat=True).first()
            if self.topic_id is not None
            else None
        )
        _check_task_statement(self.task_statement_id, domain_id, "task_statement")

    @property
    def effective_task_statement(self) -> TaskStatement | None:
        """The task statement the question tests: its own if it overrides its topic's."""
        return self.task_statement or self.topic.task_statement

    @property
    def is_choice(self) -> bool:
        return self.kind in rules.CHOICE_KINDS

    @property
    def reviewer_notes(self) -> list[ReviewerNote]:
        """The reviewer's notes on the cited lines, in line order; malformed entries (the
        field is editable in the admin) are left out rather than failing the page."""
        notes = []
        for flag in self.note_flags if isinstance(self.note_flags, list) else []:
            if not isinstance(flag, dict) or not isinstance(flag.get("line"), int):
                continue
            notes.append(
                ReviewerNote(
                    line=flag["line"],
                    kind=str(flag.get("kind", "")),
                    correction=str(flag.get("correction", "")),
                    correction_en=str(flag.get("correction_en", "")),
                    url=str(flag.get("url", "")),
                )
            )
        return sorted(notes, key=lambda note: note.line)

    @property
    def asks_for_service(self) -> bool:
        """A "which service?" card: its topic is its answer, so pages hide the topic (and
        blank the answer's names out of deck and exam titles) until it is answered."""
        return self.origin == QuestionOrigin.WHICH

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

    def in_exam_order(self) -> DeckQuerySet:
        """By the domain they cover, in the blueprint's order; decks that mix domains last."""
        return self.select_related("domain").order_by(
            models.F("domain__order").asc(nulls_last=True), "order", "name"
        )


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
        help_text=_(
            "Empty for built-in decks; the teacher for a teacher's own deck; the learner for the "
            "decks of their notebook."
        ),
    )
    domain = models.ForeignKey(
        Domain,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decks",
        verbose_name=_("domain"),
        help_text=_("The domain a built-in deck covers; empty for a deck that mixes domains."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    notebook = models.ForeignKey(
        Notebook,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="decks",
        verbose_name=_("notebook"),
        help_text=_("Set for the decks made from a notebook (one per topic, one for it all)."),
    )

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


class ReportReason(models.TextChoices):
    WRONG_ANSWER = "wrong_answer", _("The marked answer is wrong")
    UNCLEAR = "unclear", _("The question is unclear")
    OUTDATED = "outdated", _("It is out of date")
    TYPO = "typo", _("Typo or translation error")
    OTHER = "other", _("Something else")


class CardReport(models.Model):
    """A learner telling the admins a card is wrong, and why; staff resolve it in the admin."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="card_reports",
        verbose_name=_("reported by"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="reports", verbose_name=_("question")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    text = models.TextField(_("details"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("reported at"))
    resolved = models.BooleanField(
        _("resolved"),
        default=False,
        help_text=_("Ticked once the card was fixed or the report answered."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("card report")
        verbose_name_plural = _("card reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values), name="cards_cardreport_reason_valid"
            ),
            # One open report per learner and card: a second click adds nothing for the admins.
            models.UniqueConstraint(
                fields=["reporter", "question"],
                condition=Q(resolved=False),
                name="cards_cardreport_unique_open",
            ),
        ]
        indexes = [
            models.Index(fields=["reporter", "created_at"], name="cards_cardreport_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} ({self.reason}) by {self.reporter_id}"
