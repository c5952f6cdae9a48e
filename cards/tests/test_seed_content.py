"""seed_content inserts what is missing and never overwrites what an admin edited."""

from pathlib import Path
from typing import Any

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from cards.models import Answer, Deck, Question, Topic
from cards.services import content_seed
from cards.tests.factories import ensure_blueprint


def write_fixture(path: Path) -> Path:
    """Serialise the current content the way build_fixtures writes it: natural keys, no pks."""
    objects = [
        *Topic.objects.all(),
        *Question.objects.all(),
        *Answer.objects.all(),
        *Deck.objects.all(),
    ]
    path.write_text(
        serializers.serialize(
            "json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
        ),
        encoding="utf-8",
    )
    return path


def counts() -> tuple[int, int, int, int]:
    return (
        Topic.objects.count(),
        Question.objects.count(),
        Answer.objects.count(),
        Deck.questions.through.objects.count(),
    )


@pytest.fixture
def fixture_file(deck: Deck, tmp_path: Path) -> Path:
    return write_fixture(tmp_path / "content.json")


def test_an_empty_database_gets_everything(fixture_file: Path) -> None:
    before = counts()
    Deck.objects.all().delete()
    Question.objects.all().delete()
    Topic.objects.all().delete()
    report = content_seed(fixture_path=fixture_file)
    assert counts() == before
    assert report.created == {"topic": 1, "question": 5, "answer": 11, "deck": 1}
    assert report.linked == 5


def test_seeding_twice_changes_nothing(fixture_file: Path) -> None:
    before = counts()
    report = content_seed(fixture_path=fixture_file)
    assert counts() == before
    assert not report.created
    assert report.linked == 0


def test_admin_edits_survive_a_reseed(fixture_file: Path, deck: Deck) -> None:
    question = deck.questions.filter(kind="single").first()
    assert question is not None
    Question.objects.filter(pk=question.pk).update(prompt="Edited in the admin")
    Answer.objects.filter(question=question, order=1).update(text="Edited answer")
    Answer.objects.filter(question=question, order=3).delete()

    content_seed(fixture_path=fixture_file)

    question.refresh_from_db()
    assert question.prompt == "Edited in the admin"
    assert list(question.answers.values_list("text", flat=True)) == ["Edited answer", "Amazon EC2"]


def test_a_new_question_arrives_with_its_answers_and_deck(
    tmp_path: Path, deck: Deck, topic: Topic, make_question
) -> None:
    added = make_question(topic, prompt="Added to the notes later")
    deck.questions.add(added)
    path = write_fixture(tmp_path / "content.json")
    added.delete()  # the database has not seen it yet

    report = content_seed(fixture_path=path)

    fresh = Question.objects.get(prompt="Added to the notes later")
    assert fresh.answers.count() == 3
    assert deck.questions.filter(pk=fresh.pk).exists()
    assert report.created == {"question": 1, "answer": 3}
    assert report.linked == 1


def test_the_command_reports_and_refuses_a_missing_file(
    fixture_file: Path, tmp_path: Path, capsys
) -> None:
    call_command("seed_content", str(fixture_file))
    assert "created nothing" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no such fixture file"):
        call_command("seed_content", str(tmp_path / "missing.json"))


def test_a_broken_fixture_writes_nothing(tmp_path: Path, db: None) -> None:
    ensure_blueprint()
    path = tmp_path / "broken.json"
    path.write_text(
        '[{"model": "cards.topic", "fields": {"slug": "t", "name": "T", "domain": ["SAA-C03", 3],'
        ' "task_statement": ["SAA-C03", "3.1"], "order": 1}},'
        ' {"model": "cards.question", "fields": {"bogus": 1}}]',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"broken\.json"):
        call_command("seed_content", str(path))
    assert not Topic.objects.exists()


def test_the_committed_fixture_seeds_a_fresh_database(db: None) -> None:
    report = content_seed(fixture_path=Path("fixtures/content.json"))
    assert report.created["topic"] == 7
    assert Deck.objects.count() == report.created["deck"]
    assert not content_seed(fixture_path=Path("fixtures/content.json")).created


# --- retirement and reviewer's notes follow the fixture ---

COMMITTED = Path(__file__).resolve().parents[2] / "fixtures" / "content.json"


def test_seeding_the_fixture_retires_what_the_build_replaced_and_syncs_reviewer_notes(
    db: None, student: Any, teacher: Any
) -> None:
    import datetime as dt

    from study.models import Attempt

    now = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
    content_seed(fixture_path=COMMITTED, now=now)
    lambda_deck = Deck.objects.get(slug="lambda")
    domain_deck = Deck.objects.get(slug="design-high-performing-architectures")
    # What a database seeded before this build holds: an old-style which card, in the topic
    # deck named after its answer and in a teacher's deck, with a learner's answer; the new
    # which card in that topic deck too; a rewritten question not yet retired, without notes.
    old = Question.objects.create(
        key="lambda-which-6",
        topic=Topic.objects.get(slug="lambda"),
        kind="single",
        origin="which",
        prompt="old",
        source_file="notes/x.md",
        source_first_line=6,
        source_last_line=6,
    )
    Attempt.objects.create(
        user=student, question=old, mode="choice", correct=True, rating=3, reviewed_at=now
    )
    own = Deck.objects.create(slug="mine", name="Mine", owner=teacher)
    own.questions.add(old)
    lambda_deck.questions.add(old, Question.objects.get(key="lambda-which-service-6"))
    Question.objects.filter(key="ec2-exam-2").update(retired_at=None, note_flags=[])
    Question.objects.filter(key="lambda-exam-3").update(note_flags=[])
    ec2_2 = Question.objects.get(key="ec2-exam-2")
    domain_deck.questions.add(ec2_2)

    report = content_seed(fixture_path=COMMITTED, now=now)

    old.refresh_from_db()
    assert old.retired_at == now and old.attempts.count() == 1  # history kept
    assert not old.decks.exists()  # out of every deck, the teacher's too
    assert report.retired == 1
    assert not lambda_deck.questions.filter(origin="which").exists()
    assert Question.objects.get(key="ec2-exam-2").retired_at is not None
    assert not Question.objects.get(key="ec2-exam-2").decks.exists()
    assert [f["line"] for f in Question.objects.get(key="lambda-exam-3").note_flags] == [7]
    assert domain_deck.questions.filter(key="lambda-which-service-6").exists()
