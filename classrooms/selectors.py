"""Reads for teaching: students' assignments, rosters, the per-assignment dashboard.

Each function runs a fixed number of queries whatever the number of students, cards or attempts:
per-student figures come from grouped queries, and recall is computed in Python over one query
of review states (fsrs's forgetting curve needs each card's stability and the whole days since
its last review, which the database counts).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    JSONField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)

from accounts.models import User
from cards.models import (
    EFFECTIVE_TASK_STATEMENT,
    Answer,
    Deck,
    Domain,
    Notebook,
    Question,
    TaskStatement,
)
from study import blueprint, planner
from study import selectors as study_selectors
from study.expressions import READABLE_STATE, DaysElapsed, plausible
from study.history import HistoryCounts, history_counts
from study.models import Attempt, ReviewState
from study.services import MAX_DURATION_MS

from .goals import Goal, GoalProgress, Status, elapsed_share, recalled_on_due, status_for
from .models import Assignment, Classroom, Membership

if TYPE_CHECKING:
    from accounts.models import User

DeckQuestion = Deck.questions.through
MOST_MISSED = 10


# --- Memory goals on the due date ---


def _on_due_columns(
    dues: list[dt.datetime], *, now: dt.datetime, last_review: str, user: Any, question: Any
) -> dict[str, Any]:
    """Annotations that tell, for each due moment of `dues`, whether a card counts toward a
    memory goal on that day (goals.recalled_on_due), in the same query as the card's state.

    d<i>: whole days from the last review to due i (the database counts them). For a due
    moment that has passed, also a<i>: whether the card was reviewed after it, and t<i>: the
    card as it stood then, the card_before of the first rescheduled answer after it. That
    subquery runs only for cards reviewed after the due date (the CASE), through the
    (user, question) index of attempts.
    """
    columns: dict[str, Any] = {}
    for i, due in enumerate(dues):
        columns[f"d{i}"] = DaysElapsed(last_review, due)
        if due <= now:
            after = Q(**{f"{last_review}__gt": due})
            first_after = (
                Attempt.objects.filter(
                    user=user, question=question, rescheduled=True, reviewed_at__gt=due
                )
                .order_by("reviewed_at", "pk")
                .values("card_before")[:1]
            )
            columns[f"a{i}"] = ExpressionWrapper(after, output_field=BooleanField())
            columns[f"t{i}"] = Case(
                When(after, then=Subquery(first_after)),
                default=Value(None),
                output_field=JSONField(),
            )
    return columns


def _recalled_on(
    row: dict[str, Any], stability: float | None, dues: list[dt.datetime], now: dt.datetime
) -> list[bool]:
    """For each due moment, whether the card of a row with _on_due_columns counts on it."""
    return [
        recalled_on_due(
            stability=stability,
            elapsed_days=row[f"d{i}"],
            due=due,
            reviewed_after=bool(row.get(f"a{i}")) if due <= now else False,
            card_then=row.get(f"t{i}"),
        )
        for i, due in enumerate(dues)
    ]


# --- A student's own assignments ---


@dataclass(frozen=True)
class StudentAssignment:
    assignment: Assignment
    progress: GoalProgress
    status: Status

    @property
    def is_done(self) -> bool:
        return self.status == Status.DONE


def _assignment_card_facts(
    *, user: User, assignments: list[Assignment], now: dt.datetime
) -> dict[int, tuple[int, int, int]]:
    """(total, answered, recalled) of each assignment for one learner, in one query over the
    decks' cards with the learner's review state and "answered at least once" alongside;
    recalled counts the cards at recall ≥ 0.9 on the assignment's due date."""
    deck_ids = list({a.deck_id for a in assignments})
    dues = sorted({a.due_at for a in assignments if a.goal == Goal.RECALL})
    links: QuerySet[Any] = DeckQuestion.objects.filter(deck_id__in=deck_ids).annotate(
        mine=FilteredRelation(
            "question__review_states", condition=Q(question__review_states__user=user)
        ),
        answered=Exists(Attempt.objects.filter(user=user, question=OuterRef("question_id"))),
        **_on_due_columns(
            dues,
            now=now,
            last_review="mine__last_review",
            user=user,
            question=OuterRef("question_id"),
        ),
    )
    total: Counter[int] = Counter()
    answered: Counter[int] = Counter()
    recalled: Counter[tuple[int, dt.datetime]] = Counter()
    for row in links.values("deck_id", "answered", "mine__stability", *_columns(dues, now)):
        deck_id = row["deck_id"]
        total[deck_id] += 1
        answered[deck_id] += bool(row["answered"])
        for due, counts in zip(
            dues, _recalled_on(row, row["mine__stability"], dues, now), strict=True
        ):
            recalled[deck_id, due] += counts
    return {
        a.pk: (total[a.deck_id], answered[a.deck_id], recalled[a.deck_id, a.due_at])
        for a in assignments
    }


def _columns(dues: list[dt.datetime], now: dt.datetime) -> list[str]:
    """The names _on_due_columns annotates, to select them."""
    names = []
    for i, due in enumerate(dues):
        names.append(f"d{i}")
        if due <= now:
            names += [f"a{i}", f"t{i}"]
    return names


def student_assignments(
    *, user: User, now: dt.datetime, classroom: Classroom | None = None, open_only: bool = False
) -> list[StudentAssignment]:
    """The learner's assignments with their progress, soonest due first (two queries; one when
    there are none).

    `open_only`: what the home page lists — active classrooms only, and a met goal only until
    its due date. Late and missing work stays listed: it can still be studied.
    """
    assignments = Assignment.objects.filter(classroom__memberships__student=user).select_related(
        "deck", "classroom"
    )
    if classroom is not None:
        assignments = assignments.filter(classroom=classroom)
    if open_only:
        assignments = assignments.filter(classroom__archived_at__isnull=True)
    found = list(assignments.order_by("due_at", "pk"))
    if not found:
        return []
    facts = _assignment_card_facts(user=user, assignments=found, now=now)
    result = []
    for assignment in found:
        total, answered, recalled = facts[assignment.pk]
        progress = GoalProgress(
            goal=assignment.goal,
            target_percent=assignment.target_percent,
            total=total,
            answered=answered,
            recalled=recalled,
        )
        status = status_for(progress, start=assignment.assigned_at, due=assignment.due_at, now=now)
        if open_only and status == Status.DONE and assignment.due_at < now:
            continue
        result.append(StudentAssignment(assignment=assignment, progress=progress, status=status))
    return result


def my_memberships(user: User) -> QuerySet[Membership]:
    """The classes the user is enrolled in, with their teacher and assignment counts."""
    return (
        Membership.objects.filter(student=user)
        .select_related("classroom__teacher")
        .annotate(assignment_count=Count("classroom__assignments"))
        .order_by(F("classroom__archived_at").asc(nulls_first=True), "classroom__name", "pk")
    )


# --- A teacher's classrooms ---


def teacher_classrooms(user: User) -> QuerySet[Classroom]:
    """The user's classrooms with student and assignment counts, active ones first."""
    return (
        Classroom.objects.taught_by(user)
        .annotate(
            student_count=Count("memberships", distinct=True),
            assignment_count=Count("assignments", distinct=True),
        )
        .order_by(F("archived_at").asc(nulls_first=True), "name", "pk")
    )


def roster(classroom: Classroom) -> list[Membership]:
    """Students of the class with their latest answer anywhere (`last_activity`), one query.

    Only plausible moments count (study.expressions): a student's row holding year 10000 must
    not break the teacher's page."""
    answered_at = "student__attempts__reviewed_at"
    return list(
        Membership.objects.filter(classroom=classroom)
        .select_related("student")
        .annotate(last_activity=Max(answered_at, filter=plausible(answered_at)))
        .order_by("student__display_name", "student__email", "pk")
    )


def _members(classroom: Classroom) -> QuerySet[Any]:
    return Membership.objects.filter(classroom=classroom).values("student_id")


@dataclass(frozen=True)
class AssignmentSummary:
    assignment: Assignment
    card_count: int
    done: int
    students: int


def classroom_assignments(
    *, classroom: Classroom, student_ids: list[int], now: dt.datetime
) -> list[AssignmentSummary]:
    """Every assignment of the class with how many of its students have met the goal.

    Four queries however many assignments and students: the assignments, their decks' cards,
    the (student, card) pairs answered, and the students' review states for recall goals.
    """
    assignments = list(
        Assignment.objects.filter(classroom=classroom).select_related("deck").order_by("-due_at")
    )
    if not assignments:
        return []
    deck_ids = list({a.deck_id for a in assignments})
    cards: dict[int, set[int]] = defaultdict(set)
    for deck_id, question_id in DeckQuestion.objects.filter(deck_id__in=deck_ids).values_list(
        "deck_id", "question_id"
    ):
        cards[deck_id].add(question_id)
    all_cards = set().union(*cards.values()) if cards else set()
    answered: dict[int, set[int]] = defaultdict(set)
    # (student, due moment) -> the cards at recall >= 0.9 on it.
    recalled: dict[tuple[int, dt.datetime], set[int]] = defaultdict(set)
    dues = sorted({a.due_at for a in assignments if a.goal == Goal.RECALL})
    if student_ids and all_cards:
        pairs = (
            Attempt.objects.filter(user_id__in=student_ids, question_id__in=all_cards)
            .order_by()
            .values_list("user_id", "question_id")
            .distinct()
        )
        for user_id, question_id in pairs:
            answered[user_id].add(question_id)
        if dues:
            states = (
                ReviewState.objects.filter(
                    user_id__in=student_ids, question_id__in=all_cards, stability__isnull=False
                )
                .annotate(
                    **_on_due_columns(
                        dues,
                        now=now,
                        last_review="last_review",
                        user=OuterRef("user_id"),
                        question=OuterRef("question_id"),
                    )
                )
                .values("user_id", "question_id", "stability", *_columns(dues, now))
            )
            for row in states:
                for due, counts in zip(
                    dues, _recalled_on(row, row["stability"], dues, now), strict=True
                ):
                    if counts:
                        recalled[row["user_id"], due].add(row["question_id"])
    summaries = []
    for assignment in assignments:
        deck_cards = cards.get(assignment.deck_id, set())
        done = sum(
            GoalProgress(
                goal=assignment.goal,
                target_percent=assignment.target_percent,
                total=len(deck_cards),
                answered=len(answered[user_id] & deck_cards),
                recalled=len(recalled[user_id, assignment.due_at] & deck_cards),
            ).met
            for user_id in student_ids
        )
        summaries.append(
            AssignmentSummary(
                assignment=assignment,
                card_count=len(deck_cards),
                done=done,
                students=len(student_ids),
            )
        )
    return summaries


# --- The per-assignment dashboard ---


@dataclass(frozen=True)
class StudentRow:
    membership: Membership
    progress: GoalProgress
    status: Status
    attempts: int
    correct: int
    time_ms: int
    last_activity: dt.datetime | None
    # Cards of the deck this student answered before the assignment was set (before joining the
    # class, or earlier in it): their progress counts that study, their activity columns do not.
    answered_before: int = 0
    # A memory goal before its due date: where the student's recent pace leads on that day.
    projection: planner.GoalProjection | None = None

    @property
    def nudge_rank(self) -> tuple[int, float, int]:
        """Students who will miss first, the furthest out of reach first (no number of extra
        minutes found), then by extra minutes and cards short; those on course last."""
        projection = self.projection
        if projection is None or not projection.will_miss:
            return (1, 0.0, 0)
        extra = projection.extra_minutes
        return (0, -(extra if extra is not None else float("inf")), -projection.gap)

    @property
    def student(self) -> User:
        return self.membership.student

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None


@dataclass(frozen=True)
class MissedQuestion:
    question: Question
    wrong: int
    students: int
    top_wrong_answer: Answer | None
    top_wrong_count: int


@dataclass(frozen=True)
class BlueprintRow:
    """The class's answers to the deck's cards of one task statement (or of a domain's unplaced
    cards: `task_statement` None) since the assignment was set."""

    domain: Domain
    task_statement: TaskStatement | None
    cards: int
    answers: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None


@dataclass(frozen=True)
class Dashboard:
    assignment: Assignment
    card_count: int
    elapsed: float
    rows: list[StudentRow]
    status_counts: dict[str, int]
    most_missed: list[MissedQuestion]
    by_task_statement: list[BlueprintRow]

    @property
    def domains(self) -> int:
        return len({row.domain.pk for row in self.by_task_statement})

    @property
    def projected(self) -> bool:
        """Whether the rows carry projections (a memory goal before its due date)."""
        return any(row.projection is not None for row in self.rows)


def _deck_cards(deck_id: int) -> QuerySet[Any]:
    return DeckQuestion.objects.filter(deck_id=deck_id).values("question_id")


# An answer's time as the services store it, at most 24 h: a larger value written elsewhere
# must not swamp a student's figures (or overflow SQLite's sum).
CAPPED_DURATION = Case(
    When(duration_ms__gt=MAX_DURATION_MS, then=Value(MAX_DURATION_MS)),
    default=F("duration_ms"),
    output_field=IntegerField(),
)


def assignment_rows(
    *, assignment: Assignment, card_count: int, now: dt.datetime
) -> list[StudentRow]:
    """One row per student of the class: three queries however many students and cards.

    The page states the one rule: progress counts everything the student knows of the deck's
    cards, however long ago they studied them ("answered" counts any answer ever given to a
    card, the memory goal every review); accuracy, answers, time spent and last activity count
    the answers given since the assignment was set. answered_before says when the two differ.

    A memory goal before its due date also gets each student's projection (planner's
    goal_projection): their cards of the deck simulated with their own settings until the due
    date, at their pace on the deck over the last PACE_DAYS days, and the extra minutes a day
    that would meet the goal. Those rows come first, the students who need a nudge on top.
    """
    projecting = assignment.goal == Goal.RECALL and now < assignment.due_at
    members = list(
        Membership.objects.filter(classroom_id=assignment.classroom_id)
        .select_related("student")
        .order_by("student__display_name", "student__email", "pk")
    )
    cards = _deck_cards(assignment.deck_id)
    since = Q(reviewed_at__gte=assignment.assigned_at)
    activity = {
        row["user_id"]: row
        for row in Attempt.objects.filter(
            user__in=_members(assignment.classroom), question__in=cards
        )
        .order_by()
        .values("user_id")
        .annotate(
            answered=Count("question", distinct=True),
            attempts=Count("pk", filter=since),
            correct=Count("pk", filter=since & Q(correct=True)),
            # Kept to what the services store (24 h an answer) and to plausible moments: no
            # value in one student's rows may break the teacher's page (issue 11).
            time_ms=Sum(CAPPED_DURATION, filter=since),
            last=Max("reviewed_at", filter=since & plausible("reviewed_at")),
            answered_before=Count("question", distinct=True, filter=~since),
            timed=Count("pk", filter=since & Q(duration_ms__gt=0)),
            recent_ms=Sum(
                CAPPED_DURATION, filter=Q(reviewed_at__gte=now - dt.timedelta(days=PACE_DAYS))
            ),
        )
    }
    recalled: Counter[int] = Counter()
    studied: dict[int, list[planner.PlanCard]] = defaultdict(list)
    if assignment.goal == Goal.RECALL:
        dues = [assignment.due_at]
        for row in (
            ReviewState.objects.filter(
                # The projection loads whole states: only those whose moments can be read.
                READABLE_STATE,
                user__in=_members(assignment.classroom),
                question__in=cards,
                stability__isnull=False,
            )
            .annotate(
                **_on_due_columns(
                    dues,
                    now=now,
                    last_review="last_review",
                    user=OuterRef("user_id"),
                    question=OuterRef("question_id"),
                )
            )
            .values(
                "user_id",
                "stability",
                *_columns(dues, now),
                # The whole FSRS state only when it is simulated.
                *(("state", "step", "difficulty", "due", "last_review") if projecting else ()),
            )
        ):
            [counts] = _recalled_on(row, row["stability"], dues, now)
            recalled[row["user_id"]] += counts
            if projecting:
                studied[row["user_id"]].append(
                    planner.PlanCard(
                        key="",
                        state=row["state"],
                        step=row["step"],
                        stability=row["stability"],
                        difficulty=row["difficulty"],
                        due=row["due"],
                        last_review=row["last_review"],
                    )
                )
    rows = []
    for membership in members:
        data = activity.get(membership.student_id, {})
        progress = GoalProgress(
            goal=assignment.goal,
            target_percent=assignment.target_percent,
            total=card_count,
            answered=data.get("answered", 0),
            recalled=recalled.get(membership.student_id, 0),
        )
        rows.append(
            StudentRow(
                membership=membership,
                progress=progress,
                status=status_for(
                    progress, start=assignment.assigned_at, due=assignment.due_at, now=now
                ),
                attempts=data.get("attempts", 0),
                correct=data.get("correct", 0),
                time_ms=data.get("time_ms") or 0,
                last_activity=data.get("last"),
                answered_before=data.get("answered_before", 0),
                projection=(
                    _projection(
                        assignment=assignment,
                        student=membership.student,
                        cards=studied.get(membership.student_id, []),
                        card_count=card_count,
                        activity=data,
                        now=now,
                    )
                    if projecting
                    else None
                ),
            )
        )
    if projecting:
        rows.sort(key=lambda row: row.nudge_rank)  # stable: names stay in order within a rank
    return rows


# The pace a projection assumes: the student's minutes a day on the deck over these last days.
PACE_DAYS = 7
# The extra minutes a day a teacher is told, to the nearest of these steps (rounded up): a
# nudge needs no single-minute precision, and bisecting over 11 steps costs about four
# simulations per student instead of nine (a class of 50 on a 100-card deck: 0.75 s → ~0.3 s).
EXTRA_MINUTES_STEPS = (5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240)


def _projection(
    *,
    assignment: Assignment,
    student: User,
    cards: list[planner.PlanCard],
    card_count: int,
    activity: dict[str, Any],
    now: dt.datetime,
) -> planner.GoalProjection:
    """The student's memory goal projected to the due date (see assignment_rows)."""
    timed = activity.get("timed", 0)
    time_ms = activity.get("time_ms") or 0
    # The mean of the timed answers since the assignment was set, as the grouped query gives
    # it; planner's default until there are enough of them.
    if timed >= planner.MIN_DURATIONS:
        seconds = min(
            max(time_ms / timed / 1000, planner.SECONDS_PER_REVIEW_MIN),
            planner.SECONDS_PER_REVIEW_MAX,
        )
    else:
        seconds = planner.DEFAULT_SECONDS_PER_REVIEW
    return planner.goal_projection(
        cards=cards,
        new_cards=max(0, card_count - len(cards)),
        start=now.astimezone(study_selectors.user_zone(student)),
        due=assignment.due_at,
        target_percent=assignment.target_percent or 100,
        retention=float(student.desired_retention),
        new_per_day=student.new_cards_per_day,
        seconds_per_review=seconds,
        minutes_per_day=(activity.get("recent_ms") or 0) / 60_000 / PACE_DAYS,
        seed=student.pk,
        max_reviews_per_day=student.max_reviews_per_day,
        extra_steps=EXTRA_MINUTES_STEPS,
    )


def most_missed(*, assignment: Assignment, limit: int = MOST_MISSED) -> list[MissedQuestion]:
    """The class's most-missed cards of the deck since the assignment was set, each with the
    wrong option chosen most often. Two queries: the wrong attempts (counted in Python, since
    the chosen answers are a JSON list), then the top questions with their answers."""
    wrong_attempts = Attempt.objects.filter(
        user__in=_members(assignment.classroom),
        question__in=_deck_cards(assignment.deck_id),
        reviewed_at__gte=assignment.assigned_at,
        correct=False,
    ).values_list("question_id", "user_id", "chosen_answer_ids")
    wrong: Counter[int] = Counter()
    who: dict[int, set[int]] = defaultdict(set)
    chosen: dict[int, Counter[int]] = defaultdict(Counter)
    for question_id, user_id, answer_ids in wrong_attempts:
        wrong[question_id] += 1
        who[question_id].add(user_id)
        for answer_id in answer_ids if isinstance(answer_ids, list) else []:
            if isinstance(answer_id, int):
                chosen[question_id][answer_id] += 1
    if not wrong:
        return []
    top = sorted(wrong, key=lambda pk: (-wrong[pk], pk))[:limit]
    questions = {q.pk: q for q in Question.objects.with_answers().filter(pk__in=top)}
    result = []
    for pk in top:
        question = questions.get(pk)
        if question is None:
            continue
        wrong_options = {a.pk: a for a in question.answers.all() if not a.is_correct}
        picks = [
            (n, answer_id) for answer_id, n in chosen[pk].items() if answer_id in wrong_options
        ]
        best = max(picks, key=lambda pick: (pick[0], -pick[1]), default=None)
        result.append(
            MissedQuestion(
                question=question,
                wrong=wrong[pk],
                students=len(who[pk]),
                top_wrong_answer=wrong_options[best[1]] if best else None,
                top_wrong_count=best[0] if best else 0,
            )
        )
    return result


def by_task_statement(*, assignment: Assignment) -> list[BlueprintRow]:
    """The deck's cards and the class's answers to them since the assignment was set, by domain
    and task statement (the one each card tests), in the blueprint's order. Two queries: the
    blueprint, then the cards grouped with their answers counted."""
    since = Q(
        attempts__user__in=_members(assignment.classroom),
        attempts__reviewed_at__gte=assignment.assigned_at,
    )
    groups = (
        Question.objects.filter(pk__in=_deck_cards(assignment.deck_id))
        .annotate(tested=EFFECTIVE_TASK_STATEMENT)
        .order_by()
        .values("topic__domain_id", "tested")
        .annotate(
            cards=Count("pk", distinct=True),
            answered=Count("attempts", filter=since),
            right=Count("attempts", filter=since & Q(attempts__correct=True)),
        )
    )
    guide = blueprint.load()
    if guide is None:
        return []
    domains = {domain.pk: domain for domain in guide.domains}
    statements = {task.pk: task for task in guide.task_statements}
    rows = [
        BlueprintRow(
            domain=domains[row["topic__domain_id"]],
            task_statement=statements.get(row["tested"]),
            cards=row["cards"],
            answers=row["answered"],
            correct=row["right"],
        )
        for row in groups
        if row["topic__domain_id"] in domains
    ]
    order = {task.pk: position for position, task in enumerate(guide.task_statements)}
    return sorted(
        rows,
        key=lambda row: (
            row.domain.order,
            row.domain.number,
            order.get(row.task_statement.pk, len(order)) if row.task_statement else len(order),
        ),
    )


def dashboard(*, assignment: Assignment, card_count: int, now: dt.datetime) -> Dashboard:
    """Everything the teacher's page for one assignment shows (seven or eight queries)."""
    rows = assignment_rows(assignment=assignment, card_count=card_count, now=now)
    counts = Counter(row.status.value for row in rows)
    return Dashboard(
        assignment=assignment,
        card_count=card_count,
        elapsed=elapsed_share(start=assignment.assigned_at, due=assignment.due_at, now=now),
        rows=rows,
        status_counts={status.value: counts.get(status.value, 0) for status in Status},
        most_missed=most_missed(assignment=assignment),
        by_task_statement=by_task_statement(assignment=assignment),
    )


# --- Teachers' decks ---


def teacher_decks(user: User) -> QuerySet[Deck]:
    """The decks the user built, with card and assignment counts (a notebook's decks are on
    the notebook's page)."""
    return (
        Deck.objects.filter(owner=user, notebook__isnull=True)
        .annotate(
            card_count=Count("questions", distinct=True),
            assignment_count=Count("assignments", distinct=True),
        )
        .order_by("name", "pk")
    )


SEARCH_LIMIT = 50


def search_questions(
    *,
    text: str = "",
    topic: Any = None,
    kind: str = "",
    domain: Domain | None = None,
    task_statement: TaskStatement | None = None,
    limit: int = SEARCH_LIMIT,
) -> tuple[list[Question], int]:
    """Built-in questions matching the filters (first `limit`, in deck order) and how many
    match: nobody's notebook is searchable, nor a retired question."""
    questions = Question.objects.active().filter(notebook__isnull=True).select_related("topic")
    if text:
        questions = questions.filter(Q(prompt__icontains=text) | Q(prompt_en__icontains=text))
    if topic is not None:
        questions = questions.filter(topic=topic)
    if kind:
        questions = questions.filter(kind=kind)
    if domain is not None:
        questions = questions.filter(topic__domain=domain)
    if task_statement is not None:
        tested = EFFECTIVE_TASK_STATEMENT
        questions = questions.alias(tested=tested).filter(tested=task_statement.pk)
    questions = questions.order_by("topic__domain__order", "topic__order", "order", "pk")
    found = list(questions[: limit + 1])
    total = len(found) if len(found) <= limit else questions.count()
    return found[:limit], total


# --- A whole account ---


@dataclass(frozen=True)
class AccountFootprint:
    """Everything of one user that deleting their account removes, and what stands in its way."""

    history: HistoryCounts
    memberships: int  # classes the user studies in
    classrooms: int  # classes the user teaches (all empty unless deletion is refused)
    decks: int  # decks the user built as a teacher (a notebook's decks are the notebook's)
    # Classes the user teaches that still have students (with `student_count`): deleting the
    # account would pull the class, its assignments and its decks from under them.
    classes_with_students: tuple[Classroom, ...]
    # The user's decks assigned in another teacher's class (only the admin can arrange that).
    decks_assigned_elsewhere: tuple[Assignment, ...]
    notebooks: int = 0  # the user's notebooks of notes, with their cards and decks

    @property
    def is_blocked(self) -> bool:
        return bool(self.classes_with_students or self.decks_assigned_elsewhere)


def account_footprint(user: User) -> AccountFootprint:
    """What deleting the user's account would remove, and what stops it (nine small queries)."""
    return AccountFootprint(
        history=history_counts(user),
        memberships=Membership.objects.filter(student=user).count(),
        classrooms=Classroom.objects.filter(teacher=user).count(),
        decks=Deck.objects.filter(owner=user, notebook__isnull=True).count(),
        notebooks=Notebook.objects.filter(owner=user).count(),
        classes_with_students=tuple(
            Classroom.objects.taught_by(user)
            .annotate(student_count=Count("memberships"))
            .filter(student_count__gt=0)
            .order_by("name", "pk")
        ),
        decks_assigned_elsewhere=tuple(
            Assignment.objects.filter(deck__owner=user)
            .exclude(classroom__teacher=user)
            .select_related("deck", "classroom")
            .order_by("classroom__name", "pk")
        ),
    )
