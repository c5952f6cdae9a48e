"""manage.py bench_seed: the benchmark's data set, deterministic, consistent, PostgreSQL only.

The generator is pure and tested here on any database; the command itself loads with COPY, so
its full run is tested on PostgreSQL (DATABASE_URL=postgres://...), at scale 0.01.
"""

import datetime as dt
import itertools
import random
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max, Min

from bench.management.commands import bench_seed
from bench.management.commands.bench_seed import (
    EMAIL_DOMAIN,
    Plan,
    QuestionFacts,
    card_history,
    class_of,
    learner_history,
)
from cards.models import Answer, Deck, Question
from cards.rules import answer_set_errors
from classrooms.models import Assignment, Classroom, Membership
from study.models import Attempt, CardState, Exam, ExamItem, ReviewState

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="bench_seed loads with PostgreSQL's COPY"
)


def facts(pk: int = 1, kind: str = "single") -> QuestionFacts:
    right = [pk * 10] if kind == "single" else [pk * 10, pk * 10 + 1]
    wrong = [pk * 10 + 5, pk * 10 + 6]
    return QuestionFacts(
        pk=pk, kind=kind, answer_ids=right + wrong, correct_ids=right, wrong_ids=wrong
    )


@pytest.mark.parametrize(
    ("scale", "learners", "teachers", "topics", "per_topic", "attempts"),
    [(1, 2000, 40, 50, 100, 500), (0.01, 20, 2, 3, 10, 10)],
)
def test_the_plan_is_the_issues_data_set_or_a_tiny_one(
    scale, learners, teachers, topics, per_topic, attempts
):
    plan = Plan.for_scale(scale)
    assert (plan.learners, plan.teachers, plan.topics) == (learners, teachers, topics)
    assert (plan.questions_per_topic, plan.attempts_per_learner) == (per_topic, attempts)
    assert plan.cards_per_learner == max(5, attempts // 2)


def test_full_scale_makes_about_a_million_attempts_and_classes_of_fifty():
    plan = Plan.for_scale(1)
    total = plan.heavy_attempts + plan.attempts_per_learner * (plan.learners - 1)
    assert 990_000 <= total <= 1_010_000
    sizes = Counter(class_of(i, plan.learners, plan.teachers) for i in range(plan.learners))
    assert sorted(sizes) == list(range(plan.teachers))
    assert set(sizes.values()) == {50}


def test_every_learner_is_in_exactly_one_class_whatever_the_counts():
    for learners, teachers in [(20, 2), (21, 4), (2000, 40), (10, 3)]:
        classes = [class_of(i, learners, teachers) for i in range(learners)]
        assert set(classes) == set(range(teachers))
        assert classes == sorted(classes)


@pytest.mark.parametrize("kind", ["single", "multiple"])
def test_answer_sets_are_valid(kind):
    rng = random.Random(1)
    for _ in range(200):
        flags = bench_seed.answer_flags(rng, kind)
        assert len(flags) in (4, 5)
        assert answer_set_errors(kind, flags) == []


def test_a_card_history_chains_and_ends_in_its_review_state():
    times = [NOW.timestamp() - days * 86_400 for days in (300, 200, 100, 50, 10)]
    rows, state = card_history(random.Random(4), user_id=7, question=facts(), times=times)
    assert len(rows) == 5
    # Attempt rows: user, question, mode, rescheduled, chosen, correct, rating, reviewed_at,
    # duration, state_before, due_before, due_after.
    assert rows[0][9:11] == (None, None)  # a new card
    for before, after in itertools.pairwise(rows):
        assert after[9] in CardState.values
        assert after[10] == before[11]  # due before = what the previous answer scheduled
    for row in rows:
        assert row[:2] == (7, 1)
        assert row[5] == (row[6] != 1)  # right unless rated Again
        if row[2] == "choice" and row[5]:
            assert row[4] == "[10]"
    # State row: user, question, state, step, stability, difficulty, due, last review, first
    # review, reps, lapses.
    assert state[:2] == (7, 1)
    assert state[2] in CardState.values
    assert state[6] == rows[-1][11]
    assert (state[7], state[8], state[9]) == (rows[-1][7], rows[0][7], 5)


def test_the_same_seed_gives_the_same_history_and_another_seed_another():
    questions = [facts(pk) for pk in range(1, 41)]

    def history(seed: int):
        return learner_history(
            random.Random(seed),
            user_id=3,
            questions=questions,
            preferred=list(range(10)),
            cards=20,
            attempts=50,
            now=NOW.timestamp(),
        )

    assert history(5) == history(5)
    assert history(5) != history(6)
    attempts, states = history(5)
    assert len(attempts) == 50
    assert len(states) == 20
    assert all(NOW.timestamp() - 366 * 86_400 < _ts(row[7]) < NOW.timestamp() for row in attempts)


def test_a_learner_on_schedule_has_few_overdue_cards():
    questions = [facts(pk) for pk in range(1, 101)]
    _attempts, states = learner_history(
        random.Random(2),
        user_id=3,
        questions=questions,
        preferred=[],
        cards=100,
        attempts=0,
        now=NOW.timestamp(),
        on_schedule=True,
    )
    overdue = sum(_ts(state[6]) <= NOW.timestamp() for state in states)
    assert overdue < 25


def _ts(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).timestamp()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the refusal on SQLite")
def test_it_refuses_sqlite_with_a_clear_message():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("bench_seed", scale=0.01, stdout=StringIO(), stderr=StringIO())
    assert not get_user_model().objects.exists()


def seed(**options):
    out = StringIO()
    call_command(
        "bench_seed", scale=0.01, seed=3, now=NOW, stdout=out, stderr=StringIO(), **options
    )
    return out.getvalue()


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db
def test_the_tiny_seed_makes_a_consistent_data_set():
    plan = Plan.for_scale(0.01)
    assert "Seeded" in seed()

    users = get_user_model().objects.all()
    assert users.count() == plan.learners + plan.teachers
    assert not users.exclude(email__endswith=f"@{EMAIL_DOMAIN}").exists()
    assert users.filter(email="learner0001@bench.invalid").exists()
    # One password hash for all, and it is a real one.
    assert users.values("password").distinct().count() == 1
    some_user = users.first()
    assert some_user is not None
    assert some_user.check_password(bench_seed.PASSWORD)

    assert Question.objects.count() == plan.topics * plan.questions_per_topic
    flags: dict[int, list[bool]] = {}
    for question_id, correct in Answer.objects.values_list("question_id", "is_correct"):
        flags.setdefault(question_id, []).append(correct)
    for question in Question.objects.all():
        assert answer_set_errors(question.kind, flags[question.pk]) == []
    assert Deck.objects.count() == plan.topics + plan.mixed_decks

    # Every learner in exactly one class, every class with its teacher and 2-3 assignments.
    learners = users.filter(email__startswith="learner")
    assert Membership.objects.count() == learners.count()
    assert Membership.objects.values("student").distinct().count() == learners.count()
    assert Classroom.objects.count() == plan.teachers
    per_class = Counter(Assignment.objects.values_list("classroom_id", flat=True))
    assert set(per_class.values()) <= {2, 3}
    assert len(per_class) == plan.teachers

    # Each ReviewState is what its card's last attempt left.
    attempts = Attempt.objects.values("user_id", "question_id").annotate(
        n=Count("pk"), first=Min("reviewed_at"), last=Max("reviewed_at")
    )
    by_card = {(row["user_id"], row["question_id"]): row for row in attempts}
    states = list(ReviewState.objects.all())
    assert len(states) == len(by_card)
    for state in states:
        row = by_card[(state.user_id, state.question_id)]
        assert (state.reps, state.first_review, state.last_review) == (
            row["n"],
            row["first"],
            row["last"],
        )
        last = (
            Attempt.objects.filter(user_id=state.user_id, question_id=state.question_id)
            .order_by("-reviewed_at")
            .first()
        )
        assert last is not None
        assert last.due_after == state.due
    heavy = Attempt.objects.filter(user__email="learner0001@bench.invalid").count()
    assert heavy == plan.heavy_attempts

    # learner0001's exams: one of them submitted with its score.
    exams = Exam.objects.filter(user__email="learner0001@bench.invalid")
    assert exams.count() == 3
    done = exams.filter(submitted_at__isnull=False).order_by("-question_count").first()
    assert done is not None
    items = ExamItem.objects.filter(exam=done)
    assert items.count() == done.question_count
    assert done.raw_score == items.filter(correct=True).count()


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db
def test_seeding_twice_is_refused():
    seed()
    with pytest.raises(CommandError, match="already holds the bench data"):
        seed()


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db
def test_a_database_with_real_users_is_refused_unless_forced(student):
    with pytest.raises(CommandError, match="1 user"):
        seed()
    assert not Attempt.objects.exists()
    seed(force=True)
    assert Attempt.objects.exists()
