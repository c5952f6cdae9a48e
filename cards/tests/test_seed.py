"""Pins what the real notes give, so a parser change that loses or moves a card is caught."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils.text import slugify

from cards.content import build_fixture
from cards.examfiles import exam_files
from cards.management.commands.build_fixtures import load_sources
from cards.notes import Notes, read_notes

NOTES_DIR = Path(settings.BASE_DIR) / "notes"
NOTES_FILE = "design-high-performing-architectures.md"

# (heading, first line of the question, last line, number of answer bullets)
EXPECTED = [
    ("Lambda", 5, 8, 3),
    ("AWS Global Accelerator", 12, 13, 1),
    ("Amazon Redshift", 17, 19, 2),
    ("Network Load Balancer", 23, 24, 1),
    ("EC2", 28, 30, 2),
    ("AWS DataSync", 34, 37, 3),
    ("AWS FSx for Lustre", 41, 45, 4),
]


@pytest.fixture(scope="module")
def notes() -> Notes:
    return read_notes(NOTES_DIR / NOTES_FILE, f"notes/{NOTES_FILE}")


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    files = exam_files()
    return build_fixture(
        load_sources(NOTES_DIR, "notes"), blueprint=files.blueprint, catalog=files.catalog
    ).records


def questions(records: list[dict[str, Any]], origin: str) -> list[dict[str, Any]]:
    return [
        record["fields"]
        for record in records
        if record["model"] == "cards.question" and record["fields"]["origin"] == origin
    ]


def test_real_notes_have_seven_topics_with_one_question_each(notes: Notes) -> None:
    assert notes.title == "Design High-Performing Architectures"
    found = [
        (topic.heading, question.line, question.last_line, len(question.answers))
        for topic in notes.topics
        for question in topic.questions
    ]
    assert found == EXPECTED
    assert sum(len(q.answers) for t in notes.topics for q in t.questions) == 16


def test_real_note_questions_and_answers_in_the_fixture(records: list[dict[str, Any]]) -> None:
    note_questions = questions(records, "note")
    assert [(q["key"], q["source_first_line"], q["source_last_line"]) for q in note_questions] == [
        (f"{slugify(heading)}-note-1", first, last) for heading, first, last, _count in EXPECTED
    ]
    answer_counts = [
        sum(
            1
            for record in records
            if record["model"] == "cards.answer" and record["fields"]["question"] == [q["key"]]
        )
        for q in note_questions
    ]
    assert answer_counts == [3, 1, 2, 1, 2, 3, 4]
    assert sum(1 for record in records if record["model"] == "cards.topic") == 7


def test_which_questions_only_from_bullets_that_make_a_fair_question(
    notes: Notes, records: list[dict[str, Any]]
) -> None:
    """A bullet is asked as "which service?" only when it names its service and is not skipped
    in the YAML; a flagged bullet is asked from its corrected wording."""
    bullets = [
        answer.line for topic in notes.topics for q in topic.questions for answer in q.answers
    ]
    assert len(bullets) == 16
    built = {q["source_first_line"]: q for q in questions(records, "which")}
    assert sorted(built) == [6, 8, 13, 18, 19, 37, 42, 44]
    assert built[19]["key"] == "amazon-redshift-which-service-19"
    assert "외부 테이블" in built[19]["prompt"]  # the reviewer's corrected wording
    assert "Cluster 테이블" not in built[19]["prompt"]


def test_every_note_question_is_extended_by_a_four_option_single_question(
    records: list[dict[str, Any]],
) -> None:
    option_counts: dict[str, int] = {}
    for record in records:
        if record["model"] == "cards.answer":
            key = record["fields"]["question"][0]
            option_counts[key] = option_counts.get(key, 0) + 1
    exam = questions(records, "exam")
    for note in questions(records, "note"):
        extending = [
            q
            for q in exam
            if q["topic"] == note["topic"]
            and q["kind"] == "single"
            and option_counts[q["key"]] == 4
            and q["source_first_line"] <= note["source_last_line"]
            and note["source_first_line"] <= q["source_last_line"]
        ]
        assert extending, f"no 4-option single question extends {note['key']}"
