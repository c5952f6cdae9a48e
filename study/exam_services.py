"""Writes for practice exams: starting one, saving each choice as it is made, submitting.

Every write takes the Exam row's lock first, then (at submission) the learner's ReviewStates, the
same order the study services use. So a save that arrives while the exam is being submitted
waits, then finds it submitted and is refused; submitting twice finds the first submission.
The deadline is checked here, against the `now` the caller passes in: the browser's clock only
decorates the page.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from cards.models import (
    EFFECTIVE_TASK_STATEMENT,
    Answer,
    Certification,
    Deck,
    Domain,
    Question,
    QuestionKind,
    QuestionOrigin,
    TaskStatement,
    Topic,
)
from cards.rules import CHOICE_KINDS

from . import blueprint, exams, scheduling
from .models import Attempt, Exam, ExamItem, ExamScope, Mode
from .services import review_state_apply


class ExamError(Exception):
    """A request the exam pages refuse with a 400 and this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ExamTimeUp(ExamError):
    """The answer came after the deadline: refused, and the exam has been submitted."""


def exam_questions(
    *,
    user: User,
    scope: str,
    topic: Topic | None = None,
    deck: Deck | None = None,
    domain: Domain | None = None,
    task_statement: TaskStatement | None = None,
) -> QuerySet[Question]:
    """The choice questions the user may see that an exam of this scope draws from (flashcards
    never go into exams)."""
    questions = Question.objects.visible_to(user).active().filter(kind__in=CHOICE_KINDS)
    if scope == ExamScope.EXAM:
        return questions
    if scope == ExamScope.DOMAIN:
        if domain is None:
            raise ExamError(_("Choose a domain."))
        return questions.filter(topic__domain=domain)
    if scope == ExamScope.TASK_STATEMENT:
        if task_statement is None:
            raise ExamError(_("Choose a task statement."))
        return questions.alias(tested=EFFECTIVE_TASK_STATEMENT).filter(tested=task_statement.pk)
    if scope == ExamScope.TOPIC:
        if topic is None:
            raise ExamError(_("Choose a topic."))
        return questions.filter(topic=topic).exclude(origin=QuestionOrigin.WHICH)
    if scope == ExamScope.DECK:
        if deck is None or not Deck.objects.visible_to(user).filter(pk=deck.pk).exists():
            raise ExamError(_("Choose one of your decks."))
        return questions.filter(decks=deck)
    raise ExamError(_("Choose what the exam should cover."))


def _title(
    scope: str,
    *,
    certification: Certification,
    topic: Topic | None,
    deck: Deck | None,
    domain: Domain | None,
    task_statement: TaskStatement | None,
) -> str:
    if scope == ExamScope.TOPIC and topic is not None:
        return topic.name
    if scope == ExamScope.DECK and deck is not None:
        return deck.name
    if scope == ExamScope.DOMAIN and domain is not None:
        return domain.heading
    if scope == ExamScope.TASK_STATEMENT and task_statement is not None:
        return task_statement.label
    return _("%(exam)s: the whole exam") % {"exam": certification.code}


def _blueprint() -> blueprint.Blueprint:
    guide = blueprint.load()
    if guide is None:
        raise ExamError(_("There are no choice questions to make an exam from here yet."))
    return guide


@transaction.atomic
def exam_start(
    *,
    user: User,
    scope: str,
    topic: Topic | None = None,
    deck: Deck | None = None,
    domain: Domain | None = None,
    task_statement: TaskStatement | None = None,
    question_count: int | None,
    timed: bool,
    now: dt.datetime,
    seed: int | None = None,
) -> Exam:
    """Draw the questions and shuffle each one's options, once, for a new exam.

    `question_count` None means a full exam (the blueprint's number of questions) if the scope
    has enough. A whole-exam mock takes each domain's share of them by the guide's weights, as
    far as the bank allows (see blueprint.whole_exam_plan). The same `seed` over the same
    questions gives the same exam, so tests (and a re-run) can rely on it.
    """
    guide = _blueprint()
    fmt = guide.format
    pool = exam_questions(
        user=user,
        scope=scope,
        topic=topic,
        deck=deck,
        domain=domain,
        task_statement=task_statement,
    )
    available = list(pool.values_list("pk", "topic__domain_id"))
    if not available:
        raise ExamError(_("There are no choice questions to make an exam from here yet."))
    count = (
        exams.default_question_count(len(available), fmt)
        if question_count is None
        else question_count
    )
    if not 1 <= count <= fmt.questions:
        raise ExamError(_("An exam has between 1 and %(max)d questions.") % {"max": fmt.questions})
    if count > len(available):
        raise ExamError(
            ngettext(
                "Only %(n)d question is available here: choose %(n)d.",
                "Only %(n)d questions are available here: choose %(n)d or fewer.",
                len(available),
            )
            % {"n": len(available)}
        )
    rng = random.Random(seed if seed is not None else secrets.randbits(64))  # noqa: S311 - not security
    if scope == ExamScope.EXAM:
        pools: dict[int, list[int]] = {}
        for pk, domain_id in available:
            pools.setdefault(domain_id, []).append(pk)
        plan = blueprint.whole_exam_plan(guide, {pk: len(ids) for pk, ids in pools.items()}, count)
        chosen = exams.draw_by_domain(
            [pools.get(row.domain.pk, []) for row in plan.rows],
            [row.count for row in plan.rows],
            rng,
        )
        count = len(chosen)
    else:
        chosen = exams.pick_questions((pk for pk, _domain in available), count, rng)
    answer_ids: dict[int, list[int]] = {pk: [] for pk in chosen}
    for question_id, answer_id in (
        Answer.objects.filter(question_id__in=chosen)
        .order_by("question_id", "order", "pk")
        .values_list("question_id", "pk")
    ):
        answer_ids[question_id].append(answer_id)

    exam = Exam.objects.create(
        user=user,
        scope=scope,
        topic=topic if scope == ExamScope.TOPIC else None,
        deck=deck if scope == ExamScope.DECK else None,
        domain=domain if scope == ExamScope.DOMAIN else None,
        task_statement=task_statement if scope == ExamScope.TASK_STATEMENT else None,
        title=_title(
            scope,
            certification=guide.certification,
            topic=topic,
            deck=deck,
            domain=domain,
            task_statement=task_statement,
        ),
        question_count=count,
        timed=timed,
        started_at=now,
        deadline=exams.deadline_for(now, count, fmt) if timed else None,
    )
    ExamItem.objects.bulk_create(
        ExamItem(
            exam=exam,
            question_id=question_id,
            position=position,
            option_order=exams.shuffled(answer_ids[question_id], rng),
        )
        for position, question_id in enumerate(chosen, start=1)
    )
    return exam


def _locked_exam(*, user: User, exam: Exam) -> Exam:
    locked = Exam.objects.select_for_update().filter(pk=exam.pk, user=user).first()
    if locked is None:  # the views fetch through the user's exams; this is the second fence
        raise ExamError(_("This exam is not yours."))
    return locked


def _chosen_ids(*, question_id: int, kind: str, answer_ids: list[int]) -> list[int]:
    """The choice as stored: sorted ids, all of this question, at most one for a single choice."""
    chosen = set(answer_ids)
    if not chosen:
        return []
    valid = set(Answer.objects.filter(question_id=question_id).values_list("pk", flat=True))
    if not chosen <= valid:
        raise ExamError(_("That answer does not belong to this question."))
    if kind == QuestionKind.SINGLE and len(chosen) != 1:
        raise ExamError(_("Choose exactly one answer."))
    return sorted(chosen)


def exam_answer_save(
    *,
    user: User,
    exam: Exam,
    position: int,
    answer_ids: list[int],
    flagged: bool,
    now: dt.datetime,
) -> ExamItem:
    """Save the learner's current choice (and review flag) for the question at `position`.

    An empty choice clears the answer: the form always carries the whole current state of the
    question, so the last save wins. After the deadline nothing is saved: the exam is submitted
    as it stands and ExamTimeUp raised, after that submission has committed.
    """
    with transaction.atomic():
        locked = _locked_exam(user=user, exam=exam)
        if locked.submitted_at is not None:
            raise ExamError(_("This exam has been submitted: its answers can no longer change."))
        if not exams.is_over(locked.deadline, now):
            item = (
                ExamItem.objects.select_related("question")
                .filter(exam=locked, position=position)
                .first()
            )
            if item is None:
                raise ExamError(_("This exam has no question %(n)d.") % {"n": position})
            chosen = _chosen_ids(
                question_id=item.question_id, kind=item.question.kind, answer_ids=answer_ids
            )
            item.chosen_answer_ids = chosen
            item.answered_at = now if chosen else None
            item.flagged = flagged
            item.save(update_fields=["chosen_answer_ids", "answered_at", "flagged"])
            return item
        _submit(user=user, exam=locked, now=now)
    raise ExamTimeUp(
        _(
            "Time is up: this answer arrived after the deadline and was not saved. "
            "Your exam has been submitted with the answers saved before it."
        )
    )


def _submit(*, user: User, exam: Exam, now: dt.datetime) -> None:
    """Grade every item, feed each answered one to FSRS once, and record the score."""
    items = list(
        ExamItem.objects.filter(exam=exam)
        .select_related("question__topic__domain")
        .prefetch_related(Prefetch("question__answers", queryset=Answer.objects.order_by("pk")))
        .order_by("position")
    )
    # Belt and braces: the exam lock and submitted_at already stop a second pass, and the
    # OneToOne on Attempt.exam_item is the database's own guarantee.
    fed = set(
        Attempt.objects.filter(exam_item__in=[item.pk for item in items]).values_list(
            "exam_item_id", flat=True
        )
    )
    attempts = []
    raw = 0
    for item in items:
        answers = list(item.question.answers.all())
        existing = {answer.pk for answer in answers}
        chosen = {pk for pk in item.chosen_answer_ids or [] if pk in existing}
        correct = scheduling.is_exact_choice(chosen, {a.pk for a in answers if a.is_correct})
        item.correct = correct
        raw += correct
        if not chosen or item.pk in fed:
            continue  # an unanswered question is not an attempt: nothing was recalled
        rating = scheduling.grade_choice(correct)
        applied = review_state_apply(user=user, question=item.question, rating=rating, now=now)
        attempts.append(
            Attempt(
                user=user,
                question=item.question,
                exam_item=item,
                mode=Mode.EXAM,
                rescheduled=True,
                chosen_answer_ids=sorted(chosen),
                correct=correct,
                rating=rating,
                reviewed_at=now,
                state_before=applied.state_before,
                due_before=applied.due_before,
                due_after=applied.due_after,
                card_before=applied.card_before,
            )
        )
    ExamItem.objects.bulk_update(items, ["correct"])
    Attempt.objects.bulk_create(attempts)
    exam.submitted_at = now
    exam.raw_score = raw
    fmt = _blueprint().format
    parts = blueprint.domain_scores(
        (item.question.topic.domain, bool(item.correct)) for item in items
    )
    exam.scaled_score = exams.scaled_score(parts, fmt) if items else fmt.score_min
    exam.save(update_fields=["submitted_at", "raw_score", "scaled_score"])


@transaction.atomic
def exam_submit(*, user: User, exam: Exam, now: dt.datetime) -> Exam:
    """Submit the exam (before or after its deadline). Submitting again changes nothing."""
    locked = _locked_exam(user=user, exam=exam)
    if locked.submitted_at is None:
        _submit(user=user, exam=locked, now=now)
    return locked


def exam_close_if_over(*, user: User, exam: Exam, now: dt.datetime) -> Exam:
    """Submit an exam whose time has run out; any other exam is returned as it is.

    The pages call this when they are loaded, so an exam left open past its deadline is
    submitted the next time the learner comes back to it.
    """
    if exam.submitted_at is None and exams.is_over(exam.deadline, now):
        return exam_submit(user=user, exam=exam, now=now)
    return exam
