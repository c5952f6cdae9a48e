"""Admin forms for content: the answer-set rules checked across a question's inline answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Answer, Domain, Question, QuestionKind, ReportReason, Topic

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


class CardSearchForm(forms.Form):
    """The learner's card search, read from the query string: every field may be left empty."""

    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    domain = forms.ModelChoiceField(
        label=_("Domain"),
        queryset=Domain.objects.all(),
        required=False,
        empty_label=_("Any domain"),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("Any topic")
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *QuestionKind.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One read of the topics names both selects; the querysets still validate a choice.
        topics = list(Topic.objects.select_related("domain"))
        domains = {topic.domain_id: topic.domain for topic in topics}
        self.fields["domain"].widget.choices = [
            ("", _("Any domain")),
            *(
                (domain.pk, domain.heading)
                for domain in sorted(domains.values(), key=lambda d: (d.order, d.number))
            ),
        ]
        self.fields["topic"].widget.choices = [
            ("", _("Any topic")),
            *((topic.pk, topic.name) for topic in topics),
        ]


class CardReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Details for the admins"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what should it say, and where did you read that?"),
    )
