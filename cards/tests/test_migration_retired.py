"""Adding reviewer's notes and retirement keeps every row, and retires the old "which?" cards.

The database is taken back to the schema before 0009, filled with a learner's history on an old
"<topic>-which-<line>" card, then migrated forward: the card and its history are still there,
retired and out of every deck; the other cards are untouched. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User
from cards.models import Deck, Question
from cards.tests.test_migrations import migrate, nodes_before
from study.models import Attempt

pytestmark = pytest.mark.django_db(transaction=True)

MIGRATION = ("cards", "0009_question_note_flags")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def make_cards(apps: Apps) -> None:
    Certification = apps.get_model("cards", "Certification")
    certification = Certification.objects.create(
        code="SAA-C03",
        name="exam",
        name_en="exam",
        question_count=65,
        scored_questions=50,
        unscored_questions=15,
        minutes=130,
        passing_score=720,
        score_min=100,
        score_max=1000,
    )
    domain = apps.get_model("cards", "Domain").objects.create(
        certification=certification, number=3, title="d", title_en="d", weight=24
    )
    topic = apps.get_model("cards", "Topic").objects.create(
        slug="lambda", name="Lambda", domain=domain
    )
    Question = apps.get_model("cards", "Question")
    questions = {}
    for key, origin in (
        ("lambda-which-6", "which"),
        ("lambda-which-service-6", "which"),
        ("lambda-exam-1", "exam"),
        ("lambda-which-7", "admin"),
    ):
        questions[key] = Question.objects.create(
            key=key,
            topic=topic,
            kind="single",
            origin=origin,
            prompt=key,
            source_file="notes/x.md",
            source_first_line=6,
            source_last_line=6,
        )
    deck = apps.get_model("cards", "Deck").objects.create(slug="domain", name="Domain")
    deck.questions.set(questions.values())
    learner = apps.get_model("accounts", "User").objects.create(
        username="learner", email="learner@example.com"
    )
    apps.get_model("study", "Attempt").objects.create(
        user=learner,
        question=questions["lambda-which-6"],
        mode="choice",
        correct=True,
        rating=3,
        reviewed_at=NOW,
    )


def test_old_which_cards_are_retired_with_their_history_and_the_rest_untouched() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        make_cards(migrate(nodes_before(executor, MIGRATION)))
    finally:
        migrate(list(latest))

    retired = {q.key: q.retired_at is not None for q in Question.objects.all()}
    assert retired == {
        "lambda-which-6": True,
        "lambda-which-service-6": False,
        "lambda-exam-1": False,
        "lambda-which-7": False,  # written in the admin: not the build's to retire
    }
    assert all(flags == [] for flags in Question.objects.values_list("note_flags", flat=True))
    assert sorted(Deck.objects.get(slug="domain").questions.values_list("key", flat=True)) == [
        "lambda-exam-1",
        "lambda-which-7",
        "lambda-which-service-6",
    ]
    learner = User.objects.get(username="learner")
    assert Attempt.objects.filter(user=learner, question__key="lambda-which-6").count() == 1
