"""Reads for studying: what is due, what comes next, how a learner is doing.

Every function here runs a fixed number of queries, whatever the size of the deck or the history:
counts are aggregates, the next card is one indexed lookup. Per-card figures are read as plain
numbers the database computes (see study.expressions): the study loop and the progress page are
the pages the load benchmark (bench/run) holds to account. The study loop's own reads (limits,
counts, the next card, the open showing) are hand-written SQL in study.queue_sql: through the ORM,
building them cost several times what running them did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Mod, TruncDate
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import User
from cards.models import Certification, Deck, Domain, Question, Topic
from cards.rules import CHOICE_KINDS

from . import blueprint, explain, planner, progress, queue_sql, scheduling
from .expressions import READABLE_STATE, DaysElapsed, plausible
from .models import Attempt, CardState, Mode, Rating, ReviewState, Suspension

LEARNING_STATES = (CardState.LEARNING, CardState.RELEARNING)
ACCURACY_WINDOW = dt.timedelta(days=7)
SHUFFLE_MODULUS = 2_147_483_647  # a prime: 2**31 - 1
SHUFFLE_MULTIPLIER = 1_103_515_245

DeckQuestion = Deck.questions.through


def deck_for_user(user: User, slug: str) -> Deck:
    """The deck with this slug if the user may study it, else 404."""
    deck = get_object_or_404(Deck, slug=slug)
    if not deck_visible(user, deck):
        raise Http404("deck not visible")
    return deck


def deck_visible(user: User, deck: Deck) -> bool:
    """Whether Deck.objects.visible_to(user) holds this deck. Built-in decks and the user's own
    are known without a query; only other decks (assigned to a class) ask the database."""
    if deck.owner_id is None or (user.is_authenticated and deck.owner_id == user.pk):
        return True
    return Deck.objects.visible_to(user).filter(pk=deck.pk).exists()


def user_zone(user: User | AnonymousUser) -> ZoneInfo:
    """The learner's time zone, or the site's when theirs is unknown to this system (or the
    visitor is anonymous, with no time zone at all)."""
    name = getattr(user, "time_zone", "")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class ReadinessDate:
    """The moment readiness is predicted for: the start of the learner's exam day (in their
    time zone) while it is ahead, the current moment on the exam day itself, else
    planner.HORIZON from now. `exam_date` is None when the prediction is on the horizon (no
    date set, or the date has passed: `passed`)."""

    on: dt.datetime
    day: dt.date
    exam_date: dt.date | None
    passed: bool


def readiness_date(user: User, now: dt.datetime) -> ReadinessDate:
    zone = user_zone(user)
    today = progress.local_date(now, zone)
    exam = user.exam_date
    if exam is not None and exam >= today:
        moment = max(now, dt.datetime.combine(exam, dt.time.min, tzinfo=zone))
        return ReadinessDate(on=moment, day=exam, exam_date=exam, passed=False)
    moment = planner.readiness_moment(now=now, exam=None)
    return ReadinessDate(
        on=moment, day=progress.local_date(moment, zone), exam_date=None, passed=exam is not None
    )


def study_day_start(user: User, now: dt.datetime) -> dt.datetime:
    """Midnight at the start of the learner's current day, in their time zone (aware)."""
    zone = user_zone(user)
    local_today = now.astimezone(zone).date()
    return dt.datetime.combine(local_today, dt.time.min, tzinfo=zone)


@dataclass(frozen=True)
class QueueCounts:
    learning: int
    review: int
    new: int

    @property
    def total(self) -> int:
        return self.learning + self.review + self.new


@dataclass(frozen=True)
class DailyAllowance:
    """What today's limits still allow: new cards to start, reviews to do."""

    new: int
    review: int


def kinds_for(mode: str) -> tuple[str, ...] | None:
    """Question kinds a mode can show; None means every kind."""
    return None if mode == Mode.FLASHCARD else CHOICE_KINDS


def _allowance(user: User, started: int, reviewed: int) -> DailyAllowance:
    return DailyAllowance(
        new=max(0, user.new_cards_per_day - started),
        review=max(0, user.max_reviews_per_day - reviewed),
    )


def daily_allowance(*, user: User, now: dt.datetime) -> DailyAllowance:
    """Remaining new cards and reviews for the learner's day, in one query.

    A new card counts once first answered (its ReviewState's first_review); a review counts when a
    rescheduled attempt found the card in the Review state.
    """
    started, reviewed = queue_sql.started_and_reviewed(
        user_id=user.pk, day_start=study_day_start(user, now)
    )
    return _allowance(user, started, reviewed)


def _bucket_counts(
    *, user: User, deck_ids: list[int], kinds: tuple[str, ...] | None, now: dt.datetime
) -> dict[int, QueueCounts]:
    """Uncapped learning/review/new counts per deck, one grouped query over the deck links."""
    rows = queue_sql.bucket_counts(user_id=user.pk, deck_ids=deck_ids, kinds=kinds, now=now)
    return {deck_id: QueueCounts(*counts) for deck_id, counts in rows.items()}


def _capped(counts: QueueCounts, allowance: DailyAllowance) -> QueueCounts:
    return QueueCounts(
        learning=counts.learning,
        review=min(counts.review, allowance.review),
        new=min(counts.new, allowance.new),
    )


def deck_due_counts(
    *, user: User, decks: Iterable[Deck], now: dt.datetime
) -> dict[int, QueueCounts]:
    """Flashcard-mode bucket counts for each deck id, in two queries for any number of decks.

    Each deck is capped by the same daily allowance on its own: the numbers say what studying that
    deck next would offer, they do not add up across decks.
    """
    deck_ids = [deck.pk for deck in decks]
    if not deck_ids:
        return {}
    allowance = daily_allowance(user=user, now=now)
    counts = _bucket_counts(user=user, deck_ids=deck_ids, kinds=None, now=now)
    empty = QueueCounts(0, 0, 0)
    return {pk: _capped(counts.get(pk, empty), allowance) for pk in deck_ids}


def suspended_ids(user: User) -> QuerySet[Any]:
    """Ids of the cards the learner suspended, as a subquery: every read that serves cards
    leaves them out (the study queue's own SQL does the same in study.queue_sql)."""
    return Suspension.objects.filter(user=user).values("question_id")


def _deck_states(*, user: User, deck: Deck, mode: str) -> QuerySet[ReviewState]:
    states = ReviewState.objects.filter(
        user=user,
        question__in=DeckQuestion.objects.filter(deck=deck).values("question_id"),
    ).exclude(question__in=suspended_ids(user))
    kinds = kinds_for(mode)
    if kinds is not None:
        states = states.filter(question__kind__in=kinds)
    return states


def _deck_questions(*, deck: Deck, mode: str) -> QuerySet[Question]:
    questions = Question.objects.filter(
        pk__in=DeckQuestion.objects.filter(deck=deck).values("question_id")
    )
    kinds = kinds_for(mode)
    if kinds is not None:
        questions = questions.filter(kind__in=kinds)
    return questions


def question_with_answers(pk: int) -> Question:
    return Question.objects.with_answers().get(pk=pk)


@dataclass(frozen=True)
class NextCard:
    question: Question  # with its topic and answers loaded
    state: ReviewState | None  # the learner's memory of it; None for a new card (or in practice)


@dataclass(frozen=True)
class StudyQueue:
    """What the study page needs to choose and show a card, read at one moment."""

    allowance: DailyAllowance  # today's limits, still to use
    counts: QueueCounts  # this deck's buckets, within those limits
    card: NextCard | None  # the card to show now; None when nothing is due (or the deck empty)


def study_queue(
    *, user: User, deck: Deck, mode: str, now: dt.datetime, practice: bool = False
) -> StudyQueue:
    """Today's allowance, this deck's capped counts and the card to show now: due (re)learning
    first, then due reviews, then new cards, the last two within today's limits. In `practice`,
    the card is practice_card's instead (seeded by the day), whatever the schedule says.

    Two queries: the limits with the counts in one, then, from the bucket the counts say has a
    card, that card loaded with its state, topic and answers. An empty deck stops after the first.
    """
    started, reviewed, *buckets = queue_sql.day_and_buckets(
        user_id=user.pk,
        deck_id=deck.pk,
        kinds=kinds_for(mode),
        now=now,
        day_start=study_day_start(user, now),
    )
    allowance = _allowance(user, started, reviewed)
    counts = _capped(QueueCounts(*buckets), allowance)
    if practice:
        question = practice_card(user=user, deck=deck, mode=mode, seed=now.toordinal())
        card = NextCard(question=question, state=None) if question is not None else None
    else:
        card = _next_card(user=user, deck=deck, mode=mode, now=now, counts=counts)
    return StudyQueue(allowance=allowance, counts=counts, card=card)


def _next_card(
    *, user: User, deck: Deck, mode: str, now: dt.datetime, counts: QueueCounts
) -> NextCard | None:
    """The first card of the first bucket with a card, searching only buckets the counts (capped
    by today's allowance, read at `now`) say are not empty. An answer posted between the two
    reads can empty a bucket; the search then goes on to the next one."""
    kinds = kinds_for(mode)

    def due(states: tuple[int, ...]) -> NextCard | None:
        found = queue_sql.first_due_card(
            user_id=user.pk, deck_id=deck.pk, kinds=kinds, states=states, now=now
        )
        return NextCard(question=found[1], state=found[0]) if found is not None else None

    # Learning cards are never capped; reviews and new cards only while today's allowance lasts.
    if counts.learning > 0 and (card := due(LEARNING_STATES)) is not None:
        return card
    if counts.review > 0 and (card := due((CardState.REVIEW,))) is not None:
        return card
    if counts.new == 0:
        return None
    new = queue_sql.first_new_card(user_id=user.pk, deck_id=deck.pk, kinds=kinds)
    return NextCard(question=new, state=None) if new is not None else None


def next_due_at(
    *, user: User, deck: Deck, mode: str, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When the learner's earliest scheduled card of this deck falls due.

    With `now`, only cards not yet due count, so a learner whose reviews are capped for today
    is told about the next card that is still to come rather than one already waiting.
    """
    states = _deck_states(user=user, deck=deck, mode=mode)
    if now is not None:
        states = states.filter(due__gt=now)
    due: dt.datetime | None = states.aggregate(first=Min("due"))["first"]
    return due


def _last_attempt(user: User, *, question: OuterRef) -> Subquery:
    """When the learner last answered `question` (a reference to the outer query's question
    id), as a subquery; NULL for a card never answered."""
    return Subquery(
        Attempt.objects.filter(user=user, question=question)
        .order_by()
        .values("question")
        .annotate(last=Max("reviewed_at"))
        .values("last")
    )


def practice_card(*, user: User, deck: Deck, mode: str, seed: int) -> Question | None:
    """Any card of the deck, ignoring the schedule: the least recently attempted one first.

    Cards never attempted come first; ties are broken by a shuffle derived from `seed`, so the
    same seed gives the same card and a new seed a different order.
    """
    # A multiplicative hash of id + seed keeps the shuffle in SQL; the operands stay below 2**31
    # so the product fits a 64-bit integer on every backend.
    shuffle = Mod((F("pk") + seed % SHUFFLE_MODULUS) * SHUFFLE_MULTIPLIER, SHUFFLE_MODULUS)
    question_id = (
        _deck_questions(deck=deck, mode=mode)
        .exclude(pk__in=suspended_ids(user))
        .annotate(last_attempt=_last_attempt(user, question=OuterRef("pk")), shuffle=shuffle)
        .order_by(F("last_attempt").asc(nulls_first=True), "shuffle", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if question_id is None:
        return None
    return question_with_answers(question_id)


def intervals_for(
    *, user: User, question: Question, state: ReviewState | None, now: dt.datetime
) -> dict[int, dt.timedelta]:
    """For each rating 1..4, how long until this card is due again if answered now, from the
    learner's state of it (None: a new card), without a query."""
    card = (
        scheduling.new_card(question.pk, now)
        if state is None
        else scheduling.card_from_state(state)
    )
    return scheduling.preview_intervals(card, now, user.desired_retention)


@dataclass(frozen=True)
class TopicProgress:
    topic: Topic
    total: int
    studied: int
    due_now: int
    attempts_7d: int
    accuracy_7d: float | None


@dataclass(frozen=True)
class ProgressSummary:
    studied: int
    due_now: int
    reviews_today: int
    attempts_7d: int
    accuracy_7d: float | None
    topics: list[TopicProgress]


def _accuracy(correct: int, attempts: int) -> float | None:
    return correct / attempts if attempts else None


def _topics_with_totals(user: User) -> list[Topic]:
    """Topics the learner may see that have questions, in page order, each with its question
    count as `total` (a notebook's topics count only the cards the learner may see; a retired
    card, kept only for its history, is not counted).

    One query; each count is a grouped subquery over the (topic, order) index.
    """
    totals = (
        Question.objects.visible_to(user)
        .active()
        .filter(topic=OuterRef("pk"))
        .order_by()
        .values("topic")
        .annotate(n=Count("topic"))
        .values("n")
    )
    topics = (
        Topic.objects.visible_to(user)
        .select_related("domain", "task_statement__domain")
        .annotate(total=Coalesce(Subquery(totals, output_field=IntegerField()), Value(0)))
        .order_by("domain__order", "order", "name")
    )
    return [topic for topic in topics if topic.total]  # type: ignore[attr-defined]


def _summary(
    *, user: User, now: dt.datetime, topics: list[Topic], states: dict[int, tuple[int, int]]
) -> ProgressSummary:
    """The summary from each topic's (studied, due now) counts, adding the last 7 days'
    accuracy and today's reviews (two queries)."""
    attempts = {
        row["question__topic"]: row
        for row in Attempt.objects.filter(user=user, reviewed_at__gt=now - ACCURACY_WINDOW)
        .order_by()
        .values("question__topic")
        .annotate(n=Count("pk"), correct=Count("pk", filter=Q(correct=True)))
    }
    reviews_today = Attempt.objects.filter(
        user=user, rescheduled=True, reviewed_at__gte=study_day_start(user, now)
    ).count()

    no_attempts = {"n": 0, "correct": 0}
    rows = []
    for topic in topics:
        studied, due_now = states.get(topic.pk, (0, 0))
        attempt_row = attempts.get(topic.pk, no_attempts)
        rows.append(
            TopicProgress(
                topic=topic,
                total=topic.total,  # type: ignore[attr-defined]
                studied=studied,
                due_now=due_now,
                attempts_7d=attempt_row["n"],
                accuracy_7d=_accuracy(attempt_row["correct"], attempt_row["n"]),
            )
        )
    attempts_7d = sum(row["n"] for row in attempts.values())
    correct_7d = sum(row["correct"] for row in attempts.values())
    return ProgressSummary(
        studied=sum(studied for studied, _due in states.values()),
        due_now=sum(due for _studied, due in states.values()),
        reviews_today=reviews_today,
        attempts_7d=attempts_7d,
        accuracy_7d=_accuracy(correct_7d, attempts_7d),
        topics=rows,
    )


# --- The progress page: forecast, heatmap, streak, retention, readiness, leeches. ---


@dataclass(frozen=True)
class GroupReadiness:
    """Readiness of a topic, with its name."""

    key: str
    label: str
    readiness: progress.Readiness


@dataclass(frozen=True)
class StatementReadiness:
    """Readiness of a task statement (or of a domain's unplaced cards); None: no cards yet."""

    key: str
    label: str
    readiness: progress.Readiness | None


@dataclass(frozen=True)
class DomainReadiness:
    """A domain of the exam: its readiness (None: no cards yet) and its task statements'."""

    domain: Domain
    readiness: progress.Readiness | None
    task_statements: list[StatementReadiness]


@dataclass(frozen=True)
class ExamReadinessReport:
    certification: Certification
    readiness: progress.ExamReadiness
    domains: list[DomainReadiness]

    @property
    def domains_with_cards(self) -> int:
        return sum(1 for row in self.domains if row.readiness is not None)


@dataclass(frozen=True)
class Leech:
    question_id: int
    key: str
    prompt: str
    topic_name: str
    lapses: int
    agains: int


@dataclass(frozen=True)
class ProgressReport:
    summary: ProgressSummary
    today: dt.date
    forecast: list[progress.DayCount]
    heatmap: list[progress.DayCount]
    streak: int
    retention: float | None
    retention_reviews: int
    retention_correct: int
    exam: ExamReadinessReport | None  # None before any content is loaded
    readiness_date: ReadinessDate
    topics: list[GroupReadiness]
    leeches: list[Leech]

    @property
    def forecast_total(self) -> int:
        return sum(day.count for day in self.forecast)

    @property
    def heatmap_total(self) -> int:
        return sum(day.count for day in self.heatmap)

    @property
    def heatmap_active_days(self) -> int:
        return sum(1 for day in self.heatmap if day.count)

    @property
    def topic_rows(self) -> list[tuple[TopicProgress, progress.Readiness]]:
        """Each topic's summary row beside its readiness (same topics, same order)."""
        return [
            (row, group.readiness)
            for row, group in zip(self.summary.topics, self.topics, strict=True)
        ]


def latest_attempt_id(user: User) -> int:
    """The id of the learner's latest answer, 0 before the first: a page cached on it shows a
    new answer at once. One lookup at the top of the (user, reviewed_at) index."""
    latest: int | None = (
        Attempt.objects.filter(user=user)
        .order_by("-reviewed_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return latest or 0


def _leech_question_ids(user: User) -> QuerySet[Any]:
    """Ids of the learner's leeches (see progress.is_leech), as a subquery."""
    by_agains = (
        Attempt.objects.filter(user=user, rating=Rating.AGAIN)
        .order_by()
        .values("question")
        .annotate(n=Count("pk"))
        .filter(n__gte=progress.LEECH_AGAINS)
        .values("question")
    )
    by_lapses = ReviewState.objects.filter(user=user, lapses__gte=progress.LEECH_LAPSES).values(
        "question"
    )
    # A suspended card is set aside, leech or not: not listed, counted or offered to practise.
    return (
        Question.objects.filter(Q(pk__in=by_agains) | Q(pk__in=by_lapses))
        .exclude(pk__in=suspended_ids(user))
        .values("pk")
    )


def leeches(*, user: User) -> list[Leech]:
    """The learner's leeches, most often failed first, in one query."""
    agains = (
        Attempt.objects.filter(user=user, question=OuterRef("pk"), rating=Rating.AGAIN)
        .order_by()
        .values("question")
        .annotate(n=Count("pk"))
        .values("n")
    )
    lapses = ReviewState.objects.filter(user=user, question=OuterRef("pk")).values("lapses")[:1]
    rows = (
        Question.objects.filter(pk__in=_leech_question_ids(user))
        .annotate(
            agains=Coalesce(Subquery(agains, output_field=IntegerField()), Value(0)),
            lapses=Coalesce(Subquery(lapses, output_field=IntegerField()), Value(0)),
        )
        .order_by("-agains", "-lapses", "topic__domain__order", "topic__order", "order", "pk")
        .values("pk", "key", "prompt", "topic__name", "agains", "lapses")
    )
    return [
        Leech(
            question_id=row["pk"],
            key=row["key"],
            prompt=row["prompt"],
            topic_name=row["topic__name"],
            lapses=row["lapses"],
            agains=row["agains"],
        )
        for row in rows
    ]


def leech_count(*, user: User) -> int:
    return Question.objects.filter(pk__in=_leech_question_ids(user)).count()


def leech_card(*, user: User) -> tuple[Question, Deck] | None:
    """The next leech to practise, least recently attempted first, with a deck to show it in.

    Only leeches in a deck the learner may still see are offered: the answer is checked against
    that deck like any other. Three queries: the pick, the question with its answers, the deck.
    """
    pick = (
        DeckQuestion.objects.filter(
            question__in=_leech_question_ids(user),
            deck__in=Deck.objects.visible_to(user).values("pk"),
        )
        .annotate(last_attempt=_last_attempt(user, question=OuterRef("question_id")))
        .order_by(
            F("last_attempt").asc(nulls_first=True),
            "question_id",
            "deck__order",
            "deck__name",
            "deck_id",
        )
        .values_list("question_id", "deck_id")
        .first()
    )
    if pick is None:
        return None
    question_id, deck_id = pick
    return question_with_answers(question_id), Deck.objects.get(pk=deck_id)


# The key of the task statement group of a domain's unplaced cards.
UNPLACED = "unplaced"


def _readiness_groups(
    summary: ProgressSummary,
    recalls: dict[tuple[int, int | None], list[float]],
    overrides: list[tuple[int, int, int]],
    guide: blueprint.Blueprint | None,
) -> tuple[ExamReadinessReport | None, list[GroupReadiness]]:
    """Readiness for the whole exam, each domain, each task statement and each topic.

    `recalls` holds the recall of each studied card by (topic, task statement it tests);
    `overrides` the questions that test another task statement than their topic's, as
    (topic, task statement, count). Every domain and task statement of the blueprint is listed,
    those without cards as None ("no cards yet", not 0 %).
    """
    topics = []
    by_domain: dict[int, tuple[list[float], int]] = {}
    by_task: dict[int | None, dict[int, tuple[list[float], int]]] = {}  # task -> domain -> ...

    def add(table: dict[int, tuple[list[float], int]], key: int, more: list[float], n: int) -> None:
        have, total = table.get(key, ([], 0))
        table[key] = (have + more, total + n)

    moved: dict[int, int] = {}  # topic -> its questions that test another task statement
    for topic_id, _task_id, n in overrides:
        moved[topic_id] = moved.get(topic_id, 0) + n
    topic_domain = {row.topic.pk: row.topic.domain_id for row in summary.topics}
    for row in summary.topics:
        topic = row.topic
        mine = [r for (t, _task), group in recalls.items() if t == topic.pk for r in group]
        topics.append(
            GroupReadiness(
                key=topic.slug,
                label=topic.name,
                readiness=progress.readiness(mine, row.total),
            )
        )
        add(by_domain, topic.domain_id, mine, row.total)
        own = recalls.get((topic.pk, topic.task_statement_id), [])
        add(
            by_task.setdefault(topic.task_statement_id, {}),
            topic.domain_id,
            own,
            row.total - moved.get(topic.pk, 0),
        )
    for topic_id, task_id, n in overrides:
        if topic_id in topic_domain:
            add(
                by_task.setdefault(task_id, {}),
                topic_domain[topic_id],
                recalls.get((topic_id, task_id), []),
                n,
            )

    if guide is None:
        return None, topics

    def group(table: dict[int, tuple[list[float], int]], key: int) -> progress.Readiness | None:
        found = table.get(key)
        return progress.readiness(*found) if found is not None and found[1] else None

    domains = []
    for domain in guide.domains:
        statements = [
            StatementReadiness(
                key=task.code,
                label=task.label,
                readiness=group(by_task.get(task.pk, {}), domain.pk),
            )
            for task in guide.statements_of(domain)
        ]
        unplaced = group(by_task.get(None, {}), domain.pk)
        if unplaced is not None:
            statements.append(
                StatementReadiness(
                    key=UNPLACED, label=_("Not placed under a task statement"), readiness=unplaced
                )
            )
        domains.append(
            DomainReadiness(
                domain=domain, readiness=group(by_domain, domain.pk), task_statements=statements
            )
        )
    whole = progress.exam_readiness((row.domain.share, row.readiness) for row in domains)
    return ExamReadinessReport(guide.certification, whole, domains), topics


def progress_report(*, user: User, now: dt.datetime) -> ProgressReport:
    """Everything the progress page shows, in six queries however long the history.

    The topics; one row per studied card (per-topic counts, forecast, readiness); the last 7
    days' accuracy and today's reviews; one row per local day with answers (heatmap, streak,
    30-day retention); the leeches.
    """
    zone = user_zone(user)
    today = progress.local_date(now, zone)
    # Readiness is the recall predicted on the exam day (or the horizon), not now: right after
    # any review, even a failed one, recall now is about 1 and says nothing of mastery.
    on = readiness_date(user, now)

    # One row per studied card, as plain numbers and dates: the database counts the days from
    # the last review to the readiness date and finds the local day each card falls due, so no
    # datetime is loaded.
    recalls: dict[tuple[int, int | None], list[float]] = {}
    counts: dict[int, tuple[int, int]] = {}
    due_days = []
    for topic_id, task_id, stability, elapsed, due_day, is_due in (
        ReviewState.objects.filter(READABLE_STATE, user=user)
        .annotate(
            tested=Coalesce("question__task_statement_id", "question__topic__task_statement_id"),
            elapsed=DaysElapsed("last_review", on.on),
            due_day=TruncDate("due", tzinfo=zone),
            is_due=ExpressionWrapper(Q(due__lte=now), output_field=BooleanField()),
        )
        .values_list("question__topic_id", "tested", "stability", "elapsed", "due_day", "is_due")
    ):
        due_days.append(due_day)
        recalls.setdefault((topic_id, task_id), []).append(
            progress.recall_after(stability, elapsed)
        )
        studied, due_now = counts.get(topic_id, (0, 0))
        counts[topic_id] = (studied + 1, due_now + is_due)
    summary = _summary(user=user, now=now, topics=_topics_with_totals(user), states=counts)
    # Questions that test another task statement than their topic's: few, counted per topic.
    overrides = list(
        Question.objects.filter(task_statement__isnull=False)
        .exclude(task_statement=F("topic__task_statement"))
        .order_by()
        .values_list("topic_id", "task_statement_id")
        .annotate(n=Count("pk"))
    )

    since = now - progress.RETENTION_WINDOW
    in_window = Q(reviewed_at__gt=since, rescheduled=True, state_before=CardState.REVIEW)
    days = (
        Attempt.objects.filter(plausible("reviewed_at"), user=user)
        .annotate(day=TruncDate("reviewed_at", tzinfo=zone))
        .order_by()
        .values("day")
        .annotate(
            n=Count("pk"),
            reviews=Count("pk", filter=in_window),
            right=Count("pk", filter=in_window & Q(correct=True)),
        )
    )
    per_day: dict[dt.date, int] = {}
    retention_reviews = retention_correct = 0
    for row in days:
        per_day[row["day"]] = row["n"]
        retention_reviews += row["reviews"]
        retention_correct += row["right"]

    exam, topics = _readiness_groups(summary, recalls, overrides, blueprint.load())
    return ProgressReport(
        summary=summary,
        today=today,
        forecast=progress.due_forecast_by_day(due_days, today=today),
        heatmap=progress.heatmap_days(per_day, today=today),
        streak=progress.streak(per_day.keys(), today=today),
        retention=progress.share(retention_correct, retention_reviews),
        retention_reviews=retention_reviews,
        retention_correct=retention_correct,
        exam=exam,
        readiness_date=on,
        topics=topics,
        leeches=leeches(user=user),
    )


# --- One card's history, and the cards set aside ---


@dataclass(frozen=True)
class HistoryRow:
    attempt: Attempt
    interval: dt.timedelta | None  # what the answer gave until the next showing; None: practice


@dataclass(frozen=True)
class CardHistory:
    rows: list[HistoryRow]  # newest first
    state: ReviewState | None
    suspended: Suspension | None
    facts: explain.CardFacts


def card_history(*, user: User, question: Question) -> CardHistory:
    """Every answer the learner gave to this card, with the interval each gave, their memory
    state of it and whether they suspended it: three queries, however long the history."""
    attempts = list(
        Attempt.objects.filter(user=user, question=question).order_by("-reviewed_at", "-pk")
    )
    state = ReviewState.objects.filter(user=user, question=question).first()
    suspended = Suspension.objects.filter(user=user, question=question).first()
    rows = [
        HistoryRow(
            attempt=attempt,
            interval=(
                attempt.due_after - attempt.reviewed_at
                if attempt.rescheduled and attempt.due_after is not None
                else None
            ),
        )
        for attempt in attempts
    ]
    last = next((a for a in attempts if a.rescheduled and a.due_after is not None), None)
    facts = explain.CardFacts(
        state=state.state if state is not None else None,
        due=state.due if state is not None else None,
        last_review=state.last_review if state is not None else None,
        stability=state.stability if state is not None else None,
        # The interval is read from the state; the rating only when that answer set it.
        last_rating=(
            last.rating
            if last is not None and state is not None and last.due_after == state.due
            else None
        ),
        suspended=suspended is not None,
    )
    return CardHistory(rows=rows, state=state, suspended=suspended, facts=facts)


def suspended_cards(*, user: User) -> list[Suspension]:
    """The learner's suspended cards, latest first, with each card's topic: one query."""
    return list(
        Suspension.objects.filter(user=user)
        .select_related("question__topic")
        .order_by("-created_at", "-pk")
    )
