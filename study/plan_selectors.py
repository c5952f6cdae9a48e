"""Reads for the exam-day planner: a learner's cards as the planner takes them, the plan, and the
exam-day order of the study queue.

The planner itself (study.planner) is pure; this module turns rows into its plain values in a
fixed number of queries, whatever the number of cards: the learner's states, the cards they may
see counted per domain, their recent answer times, and the blueprint.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, FloatField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext

from accounts.models import User
from cards.models import Deck, Domain, Question

from . import blueprint, planner, progress
from .expressions import DaysElapsed
from .models import ReviewState
from .selectors import (
    NextCard,
    ReadinessDate,
    question_with_answers,
    readiness_date,
    study_day_start,
    suspended_ids,
    user_zone,
)

# Answer times are measured over the learner's latest answers, so the plan follows their pace.
TIMED_ANSWERS = 200
# The key of the cards of no domain of the blueprint (a notebook's own topics).
OTHER = "other"


@dataclass(frozen=True)
class PlanGroup:
    key: str
    label: str


@dataclass(frozen=True)
class PlanInputs:
    """What the planner needs of one learner, read once."""

    cards: list[planner.PlanCard]
    new_cards: dict[str, int]  # unstudied cards per group key
    review_time: planner.ReviewTime
    groups: list[PlanGroup]  # in blueprint order, then OTHER when it has cards


def _group_key(domain_id: int | None, domains: dict[int, Domain]) -> str:
    return str(domain_id) if domain_id in domains else OTHER


def plan_inputs(*, user: User) -> PlanInputs:
    """The learner's studied cards (with their FSRS state), the cards they may see and have not
    studied, per domain, and their seconds per review: four queries."""
    guide = blueprint.load()
    domains = {domain.pk: domain for domain in guide.domains} if guide else {}
    cards = [
        planner.PlanCard(
            key=_group_key(domain_id, domains),
            state=state,
            step=step,
            stability=stability,
            difficulty=difficulty,
            due=due,
            last_review=last_review,
        )
        for domain_id, state, step, stability, difficulty, due, last_review in (
            ReviewState.objects.filter(user=user)
            .order_by("pk")
            .values_list(
                "question__topic__domain_id",
                "state",
                "step",
                "stability",
                "difficulty",
                "due",
                "last_review",
            )
        )
    ]
    new_cards: dict[str, int] = {}
    for row in (
        Question.objects.visible_to(user)
        .exclude(review_states__user=user)
        .order_by()
        .values("topic__domain_id")
        .annotate(n=Count("pk"))
    ):
        key = _group_key(row["topic__domain_id"], domains)
        new_cards[key] = new_cards.get(key, 0) + row["n"]
    durations = (
        user.attempts.filter(duration_ms__isnull=False)
        .order_by("-reviewed_at")
        .values_list("duration_ms", flat=True)[:TIMED_ANSWERS]
    )
    groups = [PlanGroup(str(domain.pk), domain.heading) for domain in domains.values()]
    if any(card.key == OTHER for card in cards) or new_cards.get(OTHER):
        groups.append(PlanGroup(OTHER, _other_label()))
    return PlanInputs(
        cards=cards,
        new_cards=new_cards,
        review_time=planner.seconds_per_review(list(durations)),
        groups=groups,
    )


def _other_label() -> str:
    return gettext("Your own notebooks")


@dataclass(frozen=True)
class GroupOutlook:
    """One domain's cards and how many the recommended plan expects recalled on exam day."""

    group: PlanGroup
    total: int
    expected: float
    today: float  # expected recalled on exam day if nothing more were studied

    @property
    def share(self) -> float:
        return self.expected / self.total if self.total else 0.0

    @property
    def today_share(self) -> float:
        return self.today / self.total if self.total else 0.0


@dataclass(frozen=True)
class ExamPlan:
    """The planner page: the date, the learner's pace, every plan of the grid, the pick. Plain
    values only (no cards, no rows), so the page can keep it in the cache."""

    on: ReadinessDate
    review_time: planner.ReviewTime
    minutes_per_day: int
    studied: int
    total: int
    plans: tuple[planner.Plan, ...]  # the whole grid
    best: planner.Plan | None
    by_retention: list[planner.Plan]  # the best plan of each retention choice
    outlook: list[GroupOutlook]
    exam_order_open: bool


def exam_plan(*, user: User, now: dt.datetime) -> ExamPlan:
    """Simulate every retention and new-cards-a-day choice from now to the exam (or the
    horizon) and pick the plan that recalls most on exam day within the learner's minutes."""
    on = readiness_date(user, now)
    inputs = plan_inputs(user=user)
    zone = user_zone(user)
    recommendation = planner.recommend(
        cards=inputs.cards,
        new_cards=inputs.new_cards,
        start=now.astimezone(zone),
        end=on.on,
        minutes_per_day=user.study_minutes_per_day,
        seconds_per_review=inputs.review_time.seconds,
        seed=user.pk,
        max_reviews_per_day=user.max_reviews_per_day,
    )
    by_retention: dict[float, planner.Plan] = {}
    for plan in recommendation.plans:
        held = by_retention.get(plan.retention)
        if held is None or planner.plan_rank(plan) > planner.plan_rank(held):
            by_retention[plan.retention] = plan
    now_by_key: dict[str, float] = {}
    totals: dict[str, int] = dict(inputs.new_cards)
    for card in inputs.cards:
        totals[card.key] = totals.get(card.key, 0) + 1
        now_by_key[card.key] = now_by_key.get(card.key, 0.0) + planner.predicted_recall(
            stability=card.stability, last_review=card.last_review, on=on.on
        )
    best = recommendation.best
    outlook = [
        GroupOutlook(
            group=group,
            total=totals[group.key],
            expected=best.expected_by_key.get(group.key, 0.0) if best else 0.0,
            today=now_by_key.get(group.key, 0.0),
        )
        for group in inputs.groups
        if totals.get(group.key)
    ]
    return ExamPlan(
        on=on,
        review_time=inputs.review_time,
        minutes_per_day=user.study_minutes_per_day,
        studied=len(inputs.cards),
        total=sum(totals.values()),
        plans=recommendation.plans,
        best=best,
        by_retention=[by_retention[key] for key in sorted(by_retention)],
        outlook=outlook,
        exam_order_open=exam_order_open(user=user, now=now),
    )


# --- Exam-day order ---


def exam_order_open(*, user: User, now: dt.datetime) -> bool:
    """Whether exam-day order may be switched on: an exam date in the last EXAM_ORDER_DAYS."""
    if user.exam_date is None:
        return False
    today = progress.local_date(now, user_zone(user))
    return planner.exam_order_open(today=today, exam_on=user.exam_date)


def exam_order_active(*, user: User, now: dt.datetime) -> bool:
    return user.exam_day_order and exam_order_open(user=user, now=now)


def exam_order_card(
    *, user: User, deck: Deck, kinds: tuple[str, ...] | None, now: dt.datetime
) -> NextCard | None:
    """In exam-day order: the deck's studied card with the lowest predicted recall on the exam
    day, whatever its due date (planner.exam_day_order's rule, in the database). Cards answered
    since the start of the learner's day wait for tomorrow, so one weak card is not shown over
    and over; the answer is recorded and rescheduled like any other. Two queries."""
    exam = readiness_date(user, now).on
    states = ReviewState.objects.filter(
        user=user,
        question__in=Deck.questions.through.objects.filter(deck=deck).values("question_id"),
    ).filter(Q(last_review__isnull=True) | Q(last_review__lt=study_day_start(user, now)))
    # A suspended card is set aside in exam-day order too.
    states = states.exclude(question__in=suspended_ids(user))
    if kinds is not None:
        states = states.filter(question__kind__in=kinds)
    # Recall on a day falls as (days since the last review) / stability grows, so the lowest
    # recall is the highest ratio; a card without a memory state (recall 0) comes first.
    pick = (
        states.annotate(
            ratio=Cast(DaysElapsed("last_review", exam), FloatField()) / F("stability"),
        )
        .order_by(F("ratio").desc(nulls_first=True), "pk")
        .first()
    )
    if pick is None:
        return None
    return NextCard(question=question_with_answers(pick.question_id), state=pick)
