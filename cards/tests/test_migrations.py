"""Moving the content onto the exam blueprint keeps every learner's and teacher's rows.

The database is taken back to the schema before the blueprint (topics carrying a task
statement code), filled there with the rows learners and teachers make, then migrated forward;
every row must come through, linked as before. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cards.models import Deck, Question, Topic
from classrooms.models import Assignment, Membership
from study.models import Attempt, Exam, ExamItem, ReviewState, Showing

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_BLUEPRINT_MIGRATION = ("cards", "0002_blueprint")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

Node = tuple[str, str | None]


def nodes_before(executor: MigrationExecutor, migration: tuple[str, str]) -> list[Node]:
    """For every app, its last migration that does not need `migration` (None: none at all)."""
    graph = executor.loader.graph
    targets: list[Node] = []
    for leaf in graph.leaf_nodes():
        current: tuple[str, str] | None = leaf
        while current is not None and migration in graph.forwards_plan(current):
            parents = [p for p in graph.node_map[current].parents if p[0] == current[0]]
            current = parents[0] if parents else None
        targets.append(current if current is not None else (leaf[0], None))
    return targets


def migrate(targets: list[Node]) -> Apps:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(
        [(app, name) for app, name in targets if name is not None]
    ).apps


def make_history(apps: Apps) -> dict[str, Any]:
    """The rows of a learner, a teacher and their class, made with the old models."""
    User = apps.get_model("accounts", "User")
    Topic = apps.get_model("cards", "Topic")
    Question = apps.get_model("cards", "Question")
    Answer = apps.get_model("cards", "Answer")
    Deck = apps.get_model("cards", "Deck")
    learner = User.objects.create(username="learner", email="learner@example.com")
    teacher = User.objects.create(username="teacher", email="teacher@example.com")
    topics = [
        Topic.objects.create(slug="lambda", name="Lambda", task_statement="3.2", order=1),
        Topic.objects.create(slug="nlb", name="NLB", task_statement="3.4", order=2),
    ]
    questions = []
    for n, topic in enumerate(topics * 2, start=1):
        question = Question.objects.create(
            key=f"{topic.slug}-{n}",
            topic=topic,
            kind="single",
            origin="exam",
            prompt=f"Question {n}",
            source_file="notes/x.md",
            source_first_line=n,
            source_last_line=n,
        )
        Answer.objects.create(question=question, text="right", is_correct=True, order=1)
        Answer.objects.create(question=question, text="wrong", is_correct=False, order=2)
        questions.append(question)
    domain_deck = Deck.objects.create(slug="domain", name="Domain", order=0)
    domain_deck.questions.set(questions)
    topic_deck = Deck.objects.create(slug="lambda", name="Lambda", order=1)
    topic_deck.questions.set([q for q in questions if q.topic_id == topics[0].pk])
    own_deck = Deck.objects.create(slug="mine", name="Teacher's deck", owner=teacher)
    own_deck.questions.set(questions[:2])

    Classroom = apps.get_model("classrooms", "Classroom")
    classroom = Classroom.objects.create(
        name="Class", teacher=teacher, join_code="join-code", created_at=NOW
    )
    apps.get_model("classrooms", "Membership").objects.create(
        classroom=classroom, student=learner, joined_at=NOW
    )
    apps.get_model("classrooms", "Assignment").objects.create(
        classroom=classroom,
        deck=own_deck,
        goal="answer_all",
        assigned_at=NOW,
        due_at=NOW + dt.timedelta(days=7),
    )

    state = apps.get_model("study", "ReviewState").objects.create(
        user=learner,
        question=questions[0],
        state=2,
        step=None,
        stability=12.5,
        difficulty=4.25,
        due=NOW + dt.timedelta(days=9),
        last_review=NOW,
        first_review=NOW - dt.timedelta(days=3),
        reps=4,
        lapses=1,
    )
    showing = apps.get_model("study", "Showing").objects.create(
        user=learner, question=questions[0], deck=topic_deck, mode="choice", created_at=NOW
    )
    exam = apps.get_model("study", "Exam").objects.create(
        user=learner,
        scope="domain",
        title="Domain 3",
        question_count=2,
        timed=False,
        started_at=NOW,
        submitted_at=NOW,
        raw_score=1,
        scaled_score=550,
    )
    items = [
        apps.get_model("study", "ExamItem").objects.create(
            exam=exam, question=question, position=position, option_order=[], correct=position == 1
        )
        for position, question in enumerate(questions[:2], start=1)
    ]
    Attempt = apps.get_model("study", "Attempt")
    Attempt.objects.create(
        user=learner,
        question=questions[0],
        showing=showing,
        mode="choice",
        correct=True,
        rating=3,
        reviewed_at=NOW,
        card_before={"state": 2, "stability": 10.0},
    )
    Attempt.objects.create(
        user=learner,
        question=questions[0],
        exam_item=items[0],
        mode="exam",
        correct=True,
        rating=3,
        reviewed_at=NOW,
    )
    return {"state": state.pk, "exam": exam.pk, "own_deck": own_deck.pk, "teacher": teacher.pk}


def test_learners_and_teachers_rows_survive_the_move_to_the_blueprint() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        old_apps = migrate(nodes_before(executor, FIRST_BLUEPRINT_MIGRATION))
        made = make_history(old_apps)
    finally:
        migrate(list(latest))

    # Every topic under its domain and task statement, read from the committed blueprint.
    placed = {
        topic.slug: (topic.domain.number, getattr(topic.task_statement, "code", None))
        for topic in Topic.objects.select_related("domain", "task_statement")
    }
    assert placed == {"lambda": (3, "3.2"), "nlb": (3, "3.4")}
    domain = Topic.objects.get(slug="lambda").domain
    assert (domain.title_en, domain.weight, domain.certification.code) == (
        "Design High-Performing Architectures",
        24,
        "SAA-C03",
    )
    assert Question.objects.count() == 4
    assert not Question.objects.filter(task_statement__isnull=False).exists()

    # Built-in decks cover the domain of their cards; the teacher's deck is still the teacher's,
    # with its cards, still assigned.
    decks = {deck.slug: deck for deck in Deck.objects.all()}
    assert decks["domain"].domain == domain and decks["lambda"].domain == domain
    own = decks["mine"]
    assert (own.pk, own.owner_id, own.domain_id) == (made["own_deck"], made["teacher"], None)
    assert sorted(own.questions.values_list("key", flat=True)) == ["lambda-1", "nlb-2"]
    assert Assignment.objects.get().deck_id == own.pk
    assert Membership.objects.get().student.username == "learner"

    # The learner's history, untouched.
    state = ReviewState.objects.get(pk=made["state"])
    assert (state.stability, state.difficulty, state.reps, state.lapses) == (12.5, 4.25, 4, 1)
    assert state.due == NOW + dt.timedelta(days=9)
    assert Attempt.objects.count() == 2
    assert Attempt.objects.get(mode="choice").card_before == {"state": 2, "stability": 10.0}
    assert Attempt.objects.get(mode="exam").exam_item == ExamItem.objects.get(position=1)
    assert Showing.objects.get().deck == decks["lambda"]
    exam = Exam.objects.get(pk=made["exam"])
    assert (exam.raw_score, exam.scaled_score, exam.submitted_at) == (1, 550, NOW)
    # An exam on "the whole domain" names the domain its questions come from.
    assert (exam.scope, exam.domain, exam.title) == ("domain", domain, "Domain 3")
    assert list(exam.items.values_list("position", "correct")) == [(1, True), (2, False)]
