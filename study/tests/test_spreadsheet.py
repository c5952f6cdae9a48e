"""Every CSV saaprep writes opens in a spreadsheet as text, never as a formula."""

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cards.models import Deck, Question
from study import services
from study.models import Mode
from study.spreadsheet import FORMULA_STARTS, csv_safe

NOW = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+82 10", "'+82 10"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("김학생", "김학생"),
        ("a=b", "a=b"),
        ("", ""),
        (42, 42),
        (-3, -3),
        (None, None),
    ],
)
def test_csv_safe(value: object, cell: object) -> None:
    assert csv_safe(value) == cell


@pytest.fixture
def now() -> datetime:
    """The moment `clock` stops at for these tests."""
    return NOW


def formula_cells(raw: bytes) -> list[str]:
    """Every cell of the file's data rows that a spreadsheet would run."""
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    return [cell for row in rows[1:] for cell in row if cell.startswith(FORMULA_STARTS)]


@pytest.mark.django_db
def test_the_learners_answers_csv_quotes_every_admin_written_cell(
    client: Client, student: Any, deck: Deck, clock: Any
) -> None:
    question = deck.questions.filter(kind="single").order_by("pk").first()
    assert isinstance(question, Question)
    # A key is a slug, and a slug may start with a hyphen; topic and prompt are free text.
    question.key = "-2+3-cmd"
    question.prompt = "@SUM(1+1)*cmd|' /C calc'!A0"
    question.save()
    question.topic.name = '=HYPERLINK("http://evil.example/","Lambda")'
    question.topic.save()
    showing = services.showing_issue(
        user=student, deck=deck, question=question, mode=Mode.CHOICE, practice=False, now=NOW
    )
    right = list(question.answers.filter(is_correct=True).values_list("pk", flat=True))
    services.attempt_record(
        user=student,
        token=showing.token,
        slug=deck.slug,
        answer_ids=right,
        rating=None,
        duration_ms=1000,
        now=NOW,
    )
    client.force_login(student)

    response: Any = client.get(reverse("study:data_export_csv"))
    raw = b"".join(response.streaming_content)

    assert formula_cells(raw) == []
    row = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))[1]
    assert row[1:5] == [
        "'-2+3-cmd",
        "3.2",
        '\'=HYPERLINK("http://evil.example/","Lambda")',
        "'@SUM(1+1)*cmd|' /C calc'!A0",
    ]
