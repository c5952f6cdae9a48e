"""Reads for practice exams: the learner's exams, one question page, the results.

Each function runs a fixed number of queries, whatever the exam's size or the learner's history:
an exam page reads the exam, its item statuses and one question; the results read the items
with their questions and all their answers in two more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from cards.models import (
    EFFECTIVE_TASK_STATEMENT,
    Answer,
    Deck,
    Question,
    QuestionOrigin,
    TaskStatement,
    Topic,
)
from cards.rules import CHOICE_KINDS, option_letter

from . import blueprint, exams, selectors
from .expressions import READABLE_EXAM
from .models import Exam, ExamItem

HISTORY_LIMIT = 50  # exams listed on /exams/
CHART_LIMIT = 30  # exams plotted


def exam_for_user(user: User, pk: int) -> Exam:
    """The learner's own exam, else 404: someone else's exam does not exist for them."""
    return get_object_or_404(Exam.objects.filter(user=user), pk=pk)


@dataclass(frozen=True)
class NavEntry:
    position: int
    answered: bool
    flagged: bool


def exam_navigator(exam: Exam) -> list[NavEntry]:
    """Answered / flagged status of every question of the exam, in order (one query)."""
    return [
        NavEntry(position=position, answered=answered_at is not None, flagged=flagged)
        for position, answered_at, flagged in ExamItem.objects.filter(exam=exam)
        .order_by("position")
        .values_list("position", "answered_at", "flagged")
    ]


def _with_answers() -> Prefetch:
    return Prefetch("question__answers", queryset=Answer.objects.order_by("order", "pk"))


def in_option_order(answers: list[Answer], option_order: list[int]) -> list[Answer]:
    """The answers in the exam's shuffled order; any added since the exam began go last."""
    by_id = {answer.pk: answer for answer in answers}
    ordered = [by_id[pk] for pk in option_order if pk in by_id]
    return ordered + [answer for answer in answers if answer.pk not in set(option_order)]


@dataclass(frozen=True)
class ExamQuestion:
    item: ExamItem
    question: Question
    options: list[Answer]
    chosen: set[int]
    choose: int  # how many answers to choose (the real exam says so for multiple response)


def exam_question(exam: Exam, position: int) -> ExamQuestion | None:
    """The question at `position` with its options in the exam's order (two queries)."""
    item = (
        ExamItem.objects.filter(exam=exam, position=position)
        .select_related("question")
        .prefetch_related(_with_answers())
        .first()
    )
    if item is None:
        return None
    answers = list(item.question.answers.all())
    return ExamQuestion(
        item=item,
        question=item.question,
        options=in_option_order(answers, item.option_order),
        chosen=set(item.chosen_answer_ids or []),
        choose=sum(answer.is_correct for answer in answers),
    )


@dataclass(frozen=True)
class ReviewOption:
    answer: Answer
    letter: str
    chosen: bool


@dataclass(frozen=True)
class ReviewRow:
    item: ExamItem
    question: Question
    options: list[ReviewOption]
    answered: bool
    correct: bool
    chosen_letters: str
    right_letters: str


@dataclass(frozen=True)
class BreakdownRow:
    code: str
    label: str
    correct: int
    total: int
    percent: int


@dataclass(frozen=True)
class ExamResults:
    exam: Exam
    rows: list[ReviewRow]
    total: int
    correct: int
    unanswered: int
    percent: int
    scaled: int
    passed: bool
    by_domain: list[BreakdownRow]
    by_task: list[BreakdownRow]
    by_topic: list[BreakdownRow]

    @property
    def wrong(self) -> int:
        return self.total - self.correct - self.unanswered


def _review_row(item: ExamItem) -> ReviewRow:
    answers = list(item.question.answers.all())
    chosen = set(item.chosen_answer_ids or [])
    options = [
        ReviewOption(answer=answer, letter=option_letter(i), chosen=answer.pk in chosen)
        for i, answer in enumerate(in_option_order(answers, item.option_order))
    ]
    return ReviewRow(
        item=item,
        question=item.question,
        options=options,
        answered=bool(chosen),
        correct=bool(item.correct),
        chosen_letters=", ".join(o.letter for o in options if o.chosen),
        right_letters=", ".join(o.letter for o in options if o.answer.is_correct),
    )


def _code(statement: TaskStatement | None) -> str:
    return statement.code if statement is not None else ""


def _breakdown(
    outcomes: Iterable[tuple[Any, bool]], describe: dict[Any, tuple[str, str]]
) -> list[BreakdownRow]:
    """Rows in the order of `describe` (key -> code, label) for the keys that have answers."""
    tally = exams.tally(outcomes)
    return [
        BreakdownRow(code=code, label=label, correct=t.correct, total=t.total, percent=t.percent)
        for key, (code, label) in describe.items()
        if (t := tally.get(key)) is not None
    ]


def exam_results(exam: Exam, fmt: exams.ExamFormat) -> ExamResults:
    """Score, breakdown by domain, task statement and topic, and every question to review.

    Three queries for any exam size: the items with their questions, topics and blueprint
    rows, then the answers.
    """
    items = list(
        ExamItem.objects.filter(exam=exam)
        .select_related(
            "question__topic__domain",
            "question__topic__task_statement__domain",
            "question__task_statement__domain",
        )
        .prefetch_related(_with_answers())
        .order_by("position")
    )
    rows = [_review_row(item) for item in items]
    total = len(rows)
    correct = sum(row.correct for row in rows)

    topics = sorted(
        {row.question.topic_id: row.question.topic for row in rows}.values(),
        key=lambda topic: (topic.domain.order, topic.order, topic.name),
    )
    by_topic = _breakdown(
        ((row.question.topic_id, row.correct) for row in rows),
        {topic.pk: (_code(topic.task_statement), topic.name) for topic in topics},
    )
    domains = sorted(
        {row.question.topic.domain_id: row.question.topic.domain for row in rows}.values(),
        key=lambda domain: (domain.order, domain.number),
    )
    by_domain = _breakdown(
        ((row.question.topic.domain_id, row.correct) for row in rows),
        {domain.pk: (str(domain.number), domain.heading) for domain in domains},
    )
    tested = [(row, row.question.effective_task_statement) for row in rows]
    statements = sorted(
        {task.pk: task for _row, task in tested if task is not None}.values(),
        key=lambda task: (task.domain.order, task.order, task.code),
    )
    by_task = _breakdown(
        ((task.pk, row.correct) for row, task in tested if task is not None),
        {task.pk: (task.code, task.label) for task in statements},
    )
    scaled = exam.scaled_score
    if scaled is None:  # only reached for a submitted exam, which always has one
        parts = blueprint.domain_scores((row.question.topic.domain, row.correct) for row in rows)
        scaled = exams.scaled_score(parts, fmt) if total else fmt.score_min
    return ExamResults(
        exam=exam,
        rows=rows,
        total=total,
        correct=correct,
        unanswered=sum(not row.answered for row in rows),
        percent=exams.percent(correct, total),
        scaled=scaled,
        passed=exams.passed(scaled, fmt),
        by_domain=by_domain,
        by_task=by_task,
        by_topic=by_topic,
    )


@dataclass(frozen=True)
class ExamListing:
    open: Sequence[Exam]  # with .answered annotated
    past: Sequence[Exam]  # submitted, newest first
    chart: exams.ScoreChart | None
    chart_exams: Sequence[Exam]  # the plotted exams, oldest first


def exam_listing(user: User, fmt: exams.ExamFormat | None) -> ExamListing:
    """The learner's recent exams, open ones first, and the chart of their scores (one query)."""
    recent = list(
        Exam.objects.filter(READABLE_EXAM, user=user)
        .annotate(answered=Count("items", filter=Q(items__answered_at__isnull=False)))
        .order_by("-started_at", "-pk")[:HISTORY_LIMIT]
    )
    open_exams = [exam for exam in recent if exam.submitted_at is None]
    past = [exam for exam in recent if exam.submitted_at is not None]
    plotted = sorted(
        (exam for exam in past[:CHART_LIMIT] if exam.scaled_score is not None),
        key=lambda exam: (exam.submitted_at, exam.pk),
    )
    zone = selectors.user_zone(user)
    dates = [f"{e.submitted_at.astimezone(zone):%m-%d}" for e in plotted if e.submitted_at]
    scores = [exam.scaled_score or 0 for exam in plotted]
    chart = exams.score_chart(scores, dates, fmt=fmt) if plotted and fmt is not None else None
    return ExamListing(open=open_exams, past=past, chart=chart, chart_exams=plotted)


def topics_for_exams(user: User) -> QuerySet[Topic]:
    """Topics the user may see that have current choice questions, in the exam's order, each
    with `choice_count` (what an exam on the topic draws: no "which service?" card, since the
    topic names its answer) and `domain_choice_count` (what it adds to a domain or whole exam)."""
    current = Q(questions__kind__in=CHOICE_KINDS) & Q(questions__retired_at__isnull=True)
    return (
        Topic.objects.visible_to(user)
        .select_related("domain")
        .annotate(
            choice_count=Count(
                "questions", filter=current & ~Q(questions__origin=QuestionOrigin.WHICH)
            ),
            domain_choice_count=Count("questions", filter=current),
        )
        .filter(domain_choice_count__gt=0)
        .order_by("domain__order", "order", "name")
    )


def topics_for_topic_exams(user: User) -> QuerySet[Topic]:
    """The topics an exam on one topic may be made of: those with cards beyond "which
    service?" ones."""
    # The annotation is topics_for_exams'; spelled as a dict, since the type checker cannot
    # follow an annotation across functions.
    return topics_for_exams(user).filter(**{"choice_count__gt": 0})


def task_statement_choice_counts(user: User) -> dict[int, int]:
    """Choice questions the user may see per task statement id, counting each by the one it
    tests (one query)."""
    return {
        row["tested"]: row["n"]
        for row in Question.objects.visible_to(user)
        .active()
        .filter(kind__in=CHOICE_KINDS)
        .annotate(tested=EFFECTIVE_TASK_STATEMENT)
        .filter(tested__isnull=False)
        .order_by()
        .values("tested")
        .annotate(n=Count("pk"))
    }


def decks_for_exams(user: User) -> QuerySet[Deck]:
    """Decks the user can see that have choice questions, each with `choice_count`."""
    return (
        Deck.objects.visible_to(user)
        .annotate(
            choice_count=Count(
                "questions", filter=Q(questions__kind__in=CHOICE_KINDS), distinct=True
            )
        )
        .filter(choice_count__gt=0)
        .order_by("order", "name")
    )
