"""Parse what the exam pages post. Shape only: ownership, the deadline and which answers belong
to which question are the exam services' job."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cards.models import Deck, Topic

from . import exam_selectors, exams
from .forms import AnswerIdsField
from .models import ExamScope

MAX_POSITION = 32767  # PositiveSmallIntegerField
GO_WORDS = ("next", "prev", "stay", "finish")


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.choice_count})"


class DeckChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.choice_count})"


class ExamStartForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Questions from"),
        choices=ExamScope.choices,
        initial=ExamScope.DOMAIN,
        widget=forms.RadioSelect,
    )
    topic = TopicChoiceField(
        label=_("Topic"), queryset=Topic.objects.none(), required=False, empty_label=None
    )
    deck = DeckChoiceField(
        label=_("Deck"), queryset=Deck.objects.none(), required=False, empty_label=None
    )
    question_count = forms.IntegerField(
        label=_("Number of questions"),
        required=False,
        min_value=1,
        max_value=exams.FULL_EXAM_QUESTIONS,
        help_text=_("Leave empty for a full exam: 65 questions, or all there are if fewer."),
    )
    timed = forms.BooleanField(
        label=_("Timed"),
        required=False,
        initial=True,
        help_text=_("Two minutes per question, as in the real exam: 130 minutes for 65."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topic_field = self.fields["topic"]
        deck_field = self.fields["deck"]
        assert isinstance(topic_field, forms.ModelChoiceField)  # noqa: S101 - declared above
        assert isinstance(deck_field, forms.ModelChoiceField)  # noqa: S101 - declared above
        topic_field.queryset = exam_selectors.topics_for_exams()
        deck_field.queryset = exam_selectors.decks_for_exams(user)
        # Read each list once: the page shows the counts and the selects from the same rows;
        # validating a posted id asks the same querysets again.
        self.topic_options: list[Any] = list(topic_field.queryset)  # annotated: choice_count
        self.deck_options: list[Any] = list(deck_field.queryset)
        topic_field.widget.choices = [
            (topic.pk, topic_field.label_from_instance(topic)) for topic in self.topic_options
        ]
        deck_field.widget.choices = [
            (deck.pk, deck_field.label_from_instance(deck)) for deck in self.deck_options
        ]
        self.domain_count = sum(topic.choice_count for topic in self.topic_options)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope == ExamScope.TOPIC and data.get("topic") is None:
            self.add_error("topic", _("Choose a topic."))
        if scope == ExamScope.DECK and data.get("deck") is None:
            self.add_error("deck", _("Choose a deck."))
        return data


class ExamSaveForm(forms.Form):
    position = forms.IntegerField(label=_("Question"), min_value=1, max_value=MAX_POSITION)
    answer = AnswerIdsField(label=_("Answer"), required=False)
    flagged = forms.BooleanField(label=_("Flag for review"), required=False)
    go = forms.CharField(label=_("Go to"), required=False, max_length=8)

    def clean_go(self) -> str:
        """Where to go after saving: next, prev, stay, finish, or a question number."""
        value = (self.cleaned_data.get("go") or "stay").strip()
        if value in GO_WORDS:
            return value
        if value.isascii() and value.isdecimal() and 1 <= int(value) <= MAX_POSITION:
            return value
        raise forms.ValidationError(_("Unknown destination."))
