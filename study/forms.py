"""Parse what the study pages post. Only shape is checked here; ownership and meaning are the
services' job (they know the showing behind the token)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Rating
from .portability import MAX_IMPORT_BYTES, DataImportError, history_load

MAX_DURATION_MS = 60 * 60 * 1000  # an hour: longer than that, the learner left the tab open
MAX_ID = 2**63 - 1  # BigAutoField


class AnswerIdsField(forms.TypedMultipleChoiceField):
    """Answer ids as ints. Which ids belong to the question is decided against the showing,
    so any positive integer is a valid choice here; anything else is refused."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, empty_value=[], **kwargs)

    def valid_value(self, value: Any) -> bool:
        text = str(value)
        # The length first: int() refuses strings of more than 4,300 digits with a ValueError.
        return (
            text.isascii()
            and text.isdecimal()
            and len(text) <= len(str(MAX_ID))
            and 0 < int(text) <= MAX_ID
        )


class AnswerForm(forms.Form):
    token = forms.CharField(label=_("Card"), max_length=64)
    answer = AnswerIdsField(label=_("Answer"), required=False)
    rating = forms.TypedChoiceField(
        label=_("Rating"), choices=Rating.choices, coerce=int, required=False, empty_value=None
    )
    duration_ms = forms.IntegerField(
        label=_("Time taken"), required=False, min_value=0, max_value=MAX_DURATION_MS
    )


class RegradeForm(forms.Form):
    token = forms.CharField(label=_("Card"), max_length=64)
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(Rating.HARD, _("I guessed")), (Rating.EASY, _("Easy"))],
        coerce=int,
    )


class ImportForm(forms.Form):
    """A data export to load into a fresh account: checked for size and JSON here; its content
    is checked by study.portability.history_import."""

    file = forms.FileField(
        label=_("Export file (JSON)"),
        help_text=_("A file downloaded from “Download my data”, at most 5 MB."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            return history_load(upload.read())
        except DataImportError as error:
            raise forms.ValidationError(error.messages) from error


def first_error(form: forms.Form) -> str:
    """One readable line for the 400 page: the field's label and its first error."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = (field.label or name) if field is not None else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return str(_("The form was incomplete."))


def _retention_choices() -> list[tuple[str, str]]:
    from .planner import RETENTIONS

    return [(f"{value:.2f}", f"{value:.2f}") for value in RETENTIONS]


class PlanApplyForm(forms.Form):
    """A plan the learner applies to their settings: one of the planner's retention choices and
    a number of new cards a day the settings accept."""

    retention = forms.TypedChoiceField(choices=_retention_choices, coerce=str)
    new_per_day = forms.IntegerField(min_value=0, max_value=1000)


class ExamOrderForm(forms.Form):
    """Switch exam-day order on or off."""

    exam_order = forms.ChoiceField(choices=[("on", "on"), ("off", "off")])
