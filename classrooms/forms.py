"""Every input the classroom pages accept, parsed and checked here before a service runs."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cards.models import Deck, Domain, Question, QuestionKind, TaskStatement, Topic

from .goals import Goal
from .models import Classroom

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
ID_MAX = 2**63 - 1  # BigAutoField


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Ticked rows by id. An id beyond the id column's range is a wrong choice, not a query:
    SQLite refuses integers past 64 bits with an OverflowError (a 500)."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            digits = str(pk).strip().lstrip("+-")
            # The length first: int() refuses strings of more than 4,300 digits.
            if digits.isdecimal() and (len(digits) > len(str(ID_MAX)) or int(digits) > ID_MAX):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super().clean(value)


class ClassroomForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["name"]
        labels = {"name": _("Class name")}

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("Give the class a name."))
        return name


class ArchiveForm(forms.Form):
    archived = forms.BooleanField(required=False)


class DeckChoiceField(forms.ModelChoiceField):
    """Decks labelled with their card count; the teacher's own marked with a star."""

    def label_from_instance(self, obj: Any) -> str:
        count = getattr(obj, "card_count", None)
        mine = "" if obj.owner_id is None else " ★"
        return f"{obj.name}{mine} ({count})" if count is not None else f"{obj.name}{mine}"


class GoalForm(forms.Form):
    """An assignment's goal and due date: chosen when assigning a deck, changed afterwards."""

    goal = forms.ChoiceField(
        label=_("Goal"), choices=Goal.choices, widget=forms.RadioSelect, initial=Goal.ANSWER_ALL
    )
    target_percent = forms.IntegerField(
        label=_("Share of the deck to remember (%)"),
        min_value=1,
        max_value=100,
        required=False,
        initial=80,
        # xgettext:no-python-format
        help_text=_("For the memory goal: the share of cards at recall ≥ 90% on the due date."),
    )
    due_at = forms.DateTimeField(
        label=_("Due"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("In your time zone."),
    )

    def __init__(self, *args: Any, now: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now

    def clean_due_at(self) -> dt.datetime:
        due: dt.datetime = self.cleaned_data["due_at"]
        if due <= self.now:
            raise forms.ValidationError(_("The due date must be in the future."))
        return due

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # One cause, one message: a share the field refused (101, "abc") has its message already.
        if (
            data.get("goal") == Goal.RECALL
            and data.get("target_percent") is None
            and "target_percent" not in self.errors
        ):
            self.add_error("target_percent", _("Give the share of the deck to remember."))
        if data.get("goal") == Goal.ANSWER_ALL:
            data["target_percent"] = None
        return data


class AssignmentForm(GoalForm):
    deck = DeckChoiceField(
        label=_("Deck"), queryset=Deck.objects.none(), empty_label=_("Choose a deck")
    )
    field_order = ["deck", "goal", "target_percent", "due_at"]

    def __init__(self, *args: Any, decks: Any, now: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, now=now, **kwargs)
        field = cast(DeckChoiceField, self.fields["deck"])
        field.queryset = decks
        # Under a heading per domain (decks that mix domains last), from one read of the decks.
        groups: dict[Any, tuple[str, list[tuple[int, str]]]] = {}
        for deck in decks.in_exam_order():
            heading = str(
                deck.domain.heading if deck.domain is not None else _("Decks across domains")
            )
            groups.setdefault(deck.domain_id, (heading, []))[1].append(
                (deck.pk, field.label_from_instance(deck))
            )
        field.widget.choices = [("", field.empty_label), *groups.values()]

    def clean_deck(self) -> Deck:
        deck: Deck = self.cleaned_data["deck"]
        if getattr(deck, "card_count", 1) == 0:
            raise forms.ValidationError(_("This deck has no cards yet."))
        return deck


class AssignmentEditForm(GoalForm):
    """Change an assignment's goal and due date. A due date already past may stay as it is
    (say, to change only the goal of a finished assignment); a new one must be in the future."""

    def __init__(
        self, *args: Any, current_due: dt.datetime, now: dt.datetime, **kwargs: Any
    ) -> None:
        super().__init__(*args, now=now, **kwargs)
        self.current_due = current_due

    def clean_due_at(self) -> dt.datetime:
        due: dt.datetime = self.cleaned_data["due_at"]
        # The form shows minutes: the unchanged date comes back without its seconds.
        if due == self.current_due.replace(second=0, microsecond=0):
            return self.current_due
        return super().clean_due_at()


class DeckForm(forms.ModelForm):
    """Name and describe a teacher's deck; on creation, whole topics may be added at once."""

    class Meta:
        model = Deck
        fields = ["name", "description"]
        labels = {"name": _("Deck name"), "description": _("Description")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("Give the deck a name."))
        return name


class DeckCreateForm(DeckForm):
    topics = IdsChoiceField(
        label=_("Start with whole topics"),
        # Built-in content only: a notebook's cards stay in the notebook's own decks.
        queryset=Topic.objects.filter(notebook__isnull=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta(DeckForm.Meta):
        pass


class BlueprintChoiceField(forms.ModelChoiceField):
    """A domain or a task statement, named in the interface's language."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class QuestionSearchForm(forms.Form):
    """Filters for finding questions to add (read from the query string)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.filter(notebook__isnull=True),
        required=False,
        empty_label=_("Any topic"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *QuestionKind.choices], required=False
    )
    domain = BlueprintChoiceField(
        label=_("Domain"),
        queryset=Domain.objects.all(),
        required=False,
        empty_label=_("Any domain"),
    )
    task_statement = BlueprintChoiceField(
        label=_("Task statement"),
        queryset=TaskStatement.objects.select_related("domain").order_by(
            "domain__order", "order", "code"
        ),
        required=False,
        empty_label=_("Any task statement"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One read of the blueprint names both selects (the querysets still validate a choice).
        field = cast(forms.ModelChoiceField, self.fields["task_statement"])
        statements = list(field.queryset or [])
        domains = {statement.domain_id: statement.domain for statement in statements}
        self.fields["domain"].widget.choices = [
            ("", _("Any domain")),
            *((domain.pk, domain.heading) for domain in domains.values()),
        ]
        self.fields["task_statement"].widget.choices = [
            ("", _("Any task statement")),
            *((statement.pk, statement.label) for statement in statements),
        ]


class DeckAddForm(forms.Form):
    # Built-in content only: a notebook's cards stay in the notebook's own decks.
    questions = IdsChoiceField(
        queryset=Question.objects.filter(notebook__isnull=True), required=False
    )
    topics = IdsChoiceField(queryset=Topic.objects.filter(notebook__isnull=True), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("questions") and not data.get("topics"):
            raise forms.ValidationError(_("Tick the questions or topics to add."))
        return data


class DeckRemoveForm(forms.Form):
    questions = IdsChoiceField(
        queryset=Question.objects.none(),
        error_messages={"required": _("Tick the cards to remove.")},
    )

    def __init__(self, *args: Any, deck: Deck, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["questions"])
        field.queryset = deck.questions.all()
