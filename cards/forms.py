"""Forms for content: the admin's answer-set rules across a question's inline answers, and a
learner's notebook upload."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Answer, Domain, Notebook, Question, QuestionKind, ReportReason, Topic
from .notebooks import NotebookRefused, notes_text, too_large

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


class NotebookUploadForm(forms.Form):
    """Markdown notes as a file or pasted; cleaned to their text (`notes`) and a title.

    The bytes are checked (size, binary, UTF-8, empty) by cards.notebooks.notes_text; what the
    notes say is the compiler's business, shown on the preview.
    """

    title = forms.CharField(
        label=_("Title"),
        max_length=Notebook._meta.get_field("title").max_length,
        required=False,
        help_text=_("Optional: the file's name, or the notes' domain, when left empty."),
    )
    file = forms.FileField(
        label=_("Markdown file (.md)"),
        required=False,
        help_text=_("The same format as the built-in notes; at most 1 MB."),
    )
    text = forms.CharField(
        label=_("Or paste your notes"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        upload = self.cleaned_data.get("file")
        pasted: str = self.cleaned_data.get("text") or ""
        if upload is not None and pasted.strip():
            raise ValidationError(_("Upload a file or paste your notes, not both."))
        if upload is None and not pasted.strip():
            raise ValidationError(_("Upload a Markdown file or paste your notes."))
        try:
            if upload is not None and upload.size > settings.NOTEBOOK_MAX_BYTES:
                raise too_large()
            if upload is not None:
                # Read one byte past the limit: enough to know it is too large.
                data = upload.read(settings.NOTEBOOK_MAX_BYTES + 1)
            else:
                data = pasted.encode("utf-8")
            self.cleaned_data["notes"] = notes_text(data)
        except NotebookRefused as refused:
            raise ValidationError(refused.message) from refused
        title = (self.cleaned_data.get("title") or "").strip()
        if not title and upload is not None:
            title = PurePath(upload.name or "").stem.strip()
        self.cleaned_data["title"] = title[: Notebook._meta.get_field("title").max_length]
        return self.cleaned_data
