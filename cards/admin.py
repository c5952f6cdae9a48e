"""The content admin: staff edit topics, questions with their answers, and decks.

An edited question is checked by the same answer-set rules as the notes importer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .forms import AnswerInlineFormSet, QuestionAdminForm
from .models import (
    Answer,
    CardReport,
    Certification,
    Deck,
    Domain,
    Notebook,
    NotebookVersion,
    Question,
    TaskStatement,
    Topic,
)

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec

# Where an imported question came from: fixed once the question exists.
SOURCE_FIELDS = ("source_file", "source_first_line", "source_last_line", "source_text")


# Korean and English are edited side by side: two boxes this wide fit beside their labels in the
# admin's content column on a laptop screen, and wrap one under the other on a narrow one.
TEXT_COLS = 36


def text_rows(rows: int) -> Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]:
    return {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": rows, "cols": TEXT_COLS})},
        # A reference typed without a scheme is a documentation page: https, as Django 6 will.
        models.URLField: {"assume_scheme": "https"},
    }


# Answers are a sentence or two, prompts a short scenario: keep a whole question on one screen.
COMPACT_TEXT = text_rows(4)
PROSE_TEXT = text_rows(6)


class BlueprintAdmin(admin.ModelAdmin):
    """The exam blueprint is read from notes/exam/ by build_fixtures and kept equal to it by
    seed_content: the admin shows it, and edits belong in that file."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Certification)
class CertificationAdmin(BlueprintAdmin):
    list_display = ("code", "name", "question_count", "minutes", "passing_score", "guide_version")


@admin.register(Domain)
class DomainAdmin(BlueprintAdmin):
    list_display = ("number", "title_en", "title", "weight", "certification")
    list_filter = ("certification",)


@admin.register(TaskStatement)
class TaskStatementAdmin(BlueprintAdmin):
    list_display = ("code", "title_en", "title", "domain")
    list_filter = ("domain",)
    list_select_related = ("domain",)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = (
        "slug",
        "name",
        "domain",
        "task_statement",
        "service",
        "order",
        "question_count",
    )
    list_filter = ("domain", "task_statement")
    list_select_related = ("domain", "task_statement")
    search_fields = ("slug", "name", "service")
    prepopulated_fields = {"slug": ("name",)}
    # Where a learner's topic came from: set by the upload, never moved to another notebook.
    readonly_fields = ("notebook",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description=_("questions"), ordering="question_count")
    def question_count(self, obj: Topic) -> int:
        return obj.question_count  # type: ignore[attr-defined]


class AnswerInline(admin.StackedInline):
    model = Answer
    formset = AnswerInlineFormSet
    formfield_overrides = COMPACT_TEXT
    # Stacked, not tabular: six text boxes in one table row leave each too narrow for a sentence.
    fields = (
        ("text", "text_en"),
        ("explanation", "explanation_en"),
        ("is_correct", "order", "reference_url"),
    )

    def get_extra(self, request: HttpRequest, obj: Question | None = None, **kwargs: Any) -> int:
        # A new question needs a full set of options; an existing one, room for one more.
        return 4 if obj is None else 1


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    inlines = (AnswerInline,)
    formfield_overrides = PROSE_TEXT
    list_display = ("key", "topic", "kind", "origin", "short_prompt", "citation")
    list_filter = ("topic__domain", "topic", "kind", "origin", "topic__task_statement")
    search_fields = ("key", "prompt", "prompt_en", "answers__text", "answers__text_en")
    list_select_related = ("topic",)

    def get_fieldsets(self, request: HttpRequest, obj: Question | None = None) -> _FieldsetSpec:
        source = (
            ("citation_display", "public_page", "source_hash", "notebook") if obj else SOURCE_FIELDS
        )
        return [
            (None, {"fields": ("key", "topic", "task_statement", ("kind", "origin"), "order")}),
            (
                _("Question"),
                {"fields": (("prompt", "prompt_en"), ("explanation", "explanation_en"))},
            ),
            (_("Source in the notes"), {"fields": source}),
        ]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Question | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ()
        # Imported questions are re-matched to their note lines by these fields.
        return ("citation_display", "public_page", "source_hash", "notebook", *SOURCE_FIELDS)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Question | None = None,
    ) -> HttpResponse:
        # An answer-set problem is shown at the foot of a long page; repeat it at the top.
        for inline_formset in context.get("inline_admin_formsets", []):
            for error in inline_formset.formset.non_form_errors():
                messages.error(request, error)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("prompt"), ordering="prompt")
    def short_prompt(self, obj: Question) -> str:
        prompt = " ".join(obj.prompt.split())
        return prompt if len(prompt) <= 80 else prompt[:79] + "…"

    @admin.display(description=_("citation"), ordering="source_first_line")
    def citation(self, obj: Question) -> str:
        return obj.citation

    @admin.display(description=_("citation"))
    def citation_display(self, obj: Question) -> SafeString:
        return format_html(
            "<strong>{}</strong><blockquote>{}</blockquote>",
            obj.citation,
            linebreaksbr(obj.source_text, autoescape=True),
        )

    @admin.display(description=_("public page"))
    def public_page(self, obj: Question) -> SafeString:
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)


class OwnershipFilter(admin.SimpleListFilter):
    title = _("ownership")
    parameter_name = "ownership"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("builtin", _("Built-in")), ("owned", _("A teacher's own"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Deck]) -> QuerySet[Deck]:
        if self.value() == "builtin":
            return queryset.filter(owner__isnull=True)
        if self.value() == "owned":
            return queryset.filter(owner__isnull=False)
        return queryset


@admin.register(Deck)
class DeckAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "owner", "card_count", "order")
    list_filter = (OwnershipFilter,)
    list_select_related = ("owner",)
    search_fields = ("slug", "name", "name_en", "description", "description_en")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("questions",)
    formfield_overrides = PROSE_TEXT
    # A plain id box works without JavaScript, unlike an autocomplete.
    raw_id_fields = ("owner",)
    fields = (
        ("name", "name_en"),
        "slug",
        ("description", "description_en"),
        "owner",
        "notebook",
        "domain",
        "order",
        "questions",
    )
    readonly_fields = ("notebook",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Deck]:
        return Deck.objects.with_card_counts()

    @admin.display(description=_("cards"), ordering="card_count")
    def card_count(self, obj: Deck) -> int:
        return obj.card_count  # type: ignore[attr-defined]


@admin.register(CardReport)
class CardReportAdmin(admin.ModelAdmin):
    """Learners' reports of wrong cards: staff read them, fix the card, and tick "resolved"."""

    list_display = ("question_link", "reason", "short_text", "reporter", "created_at", "resolved")
    list_filter = ("resolved", "reason", "question__topic__domain", "created_at")
    list_editable = ("resolved",)
    list_select_related = ("question", "reporter")
    search_fields = ("question__key", "question__prompt", "text", "reporter__email")
    readonly_fields = ("reporter", "question", "reason", "text", "created_at")
    date_hierarchy = "created_at"
    ordering = ("resolved", "-created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from learners

    @admin.display(description=_("question"), ordering="question__key")
    def question_link(self, obj: CardReport) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:cards_question_change", args=[obj.question_id]),
            obj.question.key,
        )

    @admin.display(description=_("details"))
    def short_text(self, obj: CardReport) -> str:
        return obj.text[:80] + ("…" if len(obj.text) > 80 else "")


class NotebookVersionInline(admin.TabularInline):
    model = NotebookVersion
    # Each version is the Markdown exactly as the learner sent it: evidence, never edited.
    fields = ("number", "created", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notebook)
class NotebookAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "created", "version_count", "card_count")
    list_select_related = ("owner",)
    search_fields = ("title", "owner__email")
    raw_id_fields = ("owner",)
    readonly_fields = ("owner", "created")
    inlines = (NotebookVersionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notebook]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                version_count=Count("versions", distinct=True),
                card_count=Count("questions", distinct=True),
            )
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # notebooks come from uploads, which compile and check the notes

    @admin.display(description=_("versions"), ordering="version_count")
    def version_count(self, obj: Notebook) -> int:
        return obj.version_count  # type: ignore[attr-defined]

    @admin.display(description=_("cards"), ordering="card_count")
    def card_count(self, obj: Notebook) -> int:
        return obj.card_count  # type: ignore[attr-defined]
