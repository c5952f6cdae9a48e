"""Parse what the exam pages post. Shape only: ownership, the deadline and which answers belong
to which question are the exam services' job."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cards.models import Deck, Domain, TaskStatement, Topic

from . import blueprint, exam_selectors
from .blueprint import Blueprint
from .forms import AnswerIdsField
from .models import ExamScope

MAX_POSITION = 32767  # PositiveSmallIntegerField
GO_WORDS = ("next", "prev", "stay", "finish")


class ExamStartForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Questions from"),
        choices=ExamScope.choices,
        initial=ExamScope.EXAM,
        widget=forms.RadioSelect,
    )
    domain = forms.ModelChoiceField(
        label=_("Domain"), queryset=Domain.objects.none(), required=False, empty_label=None
    )
    task_statement = forms.ModelChoiceField(
        label=_("Task statement"),
        queryset=TaskStatement.objects.none(),
        required=False,
        empty_label=None,
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.none(), required=False, empty_label=None
    )
    deck = forms.ModelChoiceField(
        label=_("Deck"), queryset=Deck.objects.none(), required=False, empty_label=None
    )
    question_count = forms.IntegerField(label=_("Number of questions"), required=False, min_value=1)
    timed = forms.BooleanField(label=_("Timed"), required=False, initial=True)

    def __init__(self, *args: Any, user: User, guide: Blueprint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fmt = guide.format
        count_field = cast(forms.IntegerField, self.fields["question_count"])
        count_field.max_value = fmt.questions
        count_field.validators.append(MaxValueValidator(fmt.questions))
        count_field.widget.attrs["max"] = fmt.questions
        count_field.help_text = _(
            "Leave empty for a full exam: %(n)d questions, or all there are if fewer."
        ) % {"n": fmt.questions}
        self.fields["timed"].help_text = _(
            "%(pace)s minutes per question, as in the real exam: %(minutes)d minutes for %(n)d."
        ) % {
            "pace": f"{float(fmt.minutes_per_question):g}",
            "minutes": fmt.minutes,
            "n": fmt.questions,
        }

        # Read each list once: the page shows the counts and the selects from the same rows;
        # validating a posted id asks the querysets again.
        # Annotated with choice_count (an exam on the topic) and domain_choice_count.
        topics: list[Any] = list(exam_selectors.topics_for_exams(user))
        self.topic_options = [topic for topic in topics if topic.choice_count]
        self.deck_options: list[Any] = list(exam_selectors.decks_for_exams(user))
        per_task = exam_selectors.task_statement_choice_counts(user)
        per_domain: dict[int, int] = {}
        for topic in topics:
            per_domain[topic.domain_id] = (
                per_domain.get(topic.domain_id, 0) + topic.domain_choice_count
            )
        self.whole_count = sum(per_domain.values())
        self.plan = blueprint.whole_exam_plan(guide, per_domain, fmt.questions)
        self.domain_options = [d for d in guide.domains if per_domain.get(d.pk)]
        self.task_options = [t for t in guide.task_statements if per_task.get(t.pk)]

        def field(name: str) -> forms.ModelChoiceField:
            return cast(forms.ModelChoiceField, self.fields[name])

        field("domain").queryset = Domain.objects.filter(certification=guide.certification)
        field("task_statement").queryset = TaskStatement.objects.filter(
            domain__certification=guide.certification
        )
        field("topic").queryset = exam_selectors.topics_for_topic_exams(user)
        field("deck").queryset = exam_selectors.decks_for_exams(user)
        field("domain").widget.choices = [
            (d.pk, f"{d.heading} ({per_domain[d.pk]})") for d in self.domain_options
        ]
        field("task_statement").widget.choices = _grouped(
            (t.domain, t.pk, f"{t.label} ({per_task[t.pk]})") for t in self.task_options
        )
        field("topic").widget.choices = _grouped(
            (topic.domain, topic.pk, f"{topic.name} ({topic.choice_count})")
            for topic in self.topic_options
        )
        field("deck").widget.choices = [
            (deck.pk, f"{deck.name} ({deck.choice_count})") for deck in self.deck_options
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        needs = {
            ExamScope.DOMAIN: ("domain", _("Choose a domain.")),
            ExamScope.TASK_STATEMENT: ("task_statement", _("Choose a task statement.")),
            ExamScope.TOPIC: ("topic", _("Choose a topic.")),
            ExamScope.DECK: ("deck", _("Choose a deck.")),
        }
        if scope in needs:
            name, message = needs[scope]
            # One cause, one message: a choice the field refused has its message already.
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, message)
        return data


def _grouped(rows: Iterable[tuple[Domain, int, str]]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Select options under one heading per domain, in the order given."""
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for domain, value, label in rows:
        groups.setdefault(domain.pk, (domain.heading, []))[1].append((value, label))
    return list(groups.values())


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
