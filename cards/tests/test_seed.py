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


def by_key(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["fields"]["key"]: r["fields"] for r in records if r["model"] == "cards.question"}


def test_the_reviewed_lines_carry_reviewer_notes_with_aws_documentation(
    records: list[dict[str, Any]],
) -> None:
    flagged = {
        flag["line"]: flag for fields in by_key(records).values() for flag in fields["note_flags"]
    }
    # Line 39 is the FSx heading, shown with every card of the topic: they all carry it.
    assert sorted(flagged) == [7, 19, 29, 34, 36, 39, 41, 42, 44, 45]
    fsx = [f for f in by_key(records).values() if f["topic"] == ["aws-fsx-for-lustre"]]
    assert all(any(flag["line"] == 39 for flag in f["note_flags"]) for f in fsx)
    for line in (7, 19, 29, 36):
        assert flagged[line]["kind"] == "fact"
    assert all(f["url"].startswith("https://docs.aws.amazon.com/") for f in flagged.values())
    # An authored question whose key contradicts the line it cites shows the flag beside it.
    lambda_3 = by_key(records)["lambda-exam-3"]
    assert (lambda_3["source_first_line"], lambda_3["source_last_line"]) == (6, 7)
    assert [f["line"] for f in lambda_3["note_flags"]] == [7]


def test_rewritten_questions_retire_the_old_key_and_add_a_new_one(
    records: list[dict[str, Any]],
) -> None:
    questions = by_key(records)
    for old, new in (
        ("ec2-exam-2", "ec2-exam-3"),
        ("aws-global-accelerator-exam-2", "aws-global-accelerator-exam-3"),
        ("amazon-redshift-exam-2", "amazon-redshift-exam-3"),
    ):
        assert questions[old]["retired_at"] is not None
        assert questions[new]["retired_at"] is None
    assert questions["amazon-redshift-exam-3"]["task_statement"] == ["SAA-C03", "3.5"]
    assert questions["ec2-exam-3"]["kind"] == "single"
    for fields in questions.values():
        if fields["origin"] == "exam" and fields["retired_at"] is None:
            assert fields["prompt"].removesuffix(" (2개 선택)").endswith("까?"), fields["key"]
