"""Admin forms for content: the answer-set rules checked across a question's inline answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Answer, Question, QuestionKind

# Orders an answer holds for an instant while a save reorders its siblings: far above any real
# order, still inside PositiveSmallIntegerField's range on every database.
PARKED_ORDER = 30000


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = (
            "key",
            "topic",
            "task_statement",
            "kind",
            "origin",
            "order",
            "prompt",
            "prompt_en",
            "explanation",
            "explanation_en",
            "source_file",
            "source_first_line",
            "source_last_line",
            "source_text",
            "source_hash",
        )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        first = self.cleaned_data.get("source_first_line")
        last = self.cleaned_data.get("source_last_line")
        # The database refuses this too; say it in words instead of naming a constraint.
        if first is not None and last is not None and last < first:
            self.add_error(
                "source_last_line", _("The last line cannot come before the first line.")
            )
        return cleaned


class AnswerInlineFormSet(forms.BaseInlineFormSet):
    """A question's answers, refused as a whole when they break `cards.rules`."""

    instance: Question

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Number blank answer rows after the existing ones, so adding answers does not start
        # with several rows all at order 0 (which the unique order constraint refuses).
        last = max((answer.order for answer in self.get_queryset()), default=0)
        self.initial_extra = [{"order": last + i} for i in range(1, self.extra + 1)]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return  # the rows' own errors first; counting half-valid rows would mislead
        # ModelAdmin validates the question form before the formsets, so the instance already
        # carries the kind being saved, not the stored one. An invalid kind is the form's error.
        kind = self.instance.kind
        if kind not in QuestionKind.values:
            return
        flags = [
            bool(form.cleaned_data.get("is_correct"))
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        errors = rules.answer_set_errors(kind, flags)
        if errors:
            raise ValidationError(errors)

    def save(self, commit: bool = True) -> list[Answer]:
        if commit:
            self._park_moved_answers()
        return super().save(commit=commit)

    def _park_moved_answers(self) -> None:
        """Move reordered and deleted answers out of the way before rows are saved one by one.

        Otherwise swapping two answers' orders hits the unique order constraint mid-save.
        """
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk is not None
            and ("order" in form.changed_data or form in self.deleted_forms)
        ]
        for offset, pk in enumerate(moving):
            Answer.objects.filter(pk=pk).update(order=PARKED_ORDER + offset)
