"""cards.rules.answer_set_errors as a table: which answer sets each kind of question accepts."""

import pytest
from django.utils import translation

from cards.rules import (
    CHOICE_KINDS,
    FLASHCARD,
    MULTIPLE,
    SINGLE,
    answer_set_errors,
    option_letter,
)

T, F = True, False

FLASHCARD_EMPTY = "A flashcard needs at least one answer."
SINGLE_NO_WRONG = "A single-choice question needs at least one wrong answer."
MULTIPLE_NO_WRONG = "A multiple-response question needs at least one wrong answer."


def single_count(n: int) -> str:
    return f"A single-choice question needs exactly one correct answer (it has {n})."


def multiple_count(n: int) -> str:
    return f"A multiple-response question needs at least two correct answers (it has {n})."


@pytest.mark.parametrize(
    ("kind", "flags", "expected"),
    [
        # A flashcard's answers are note bullets: any number of them, flags do not matter.
        (FLASHCARD, [], [FLASHCARD_EMPTY]),
        (FLASHCARD, [T], []),
        (FLASHCARD, [F], []),
        (FLASHCARD, [T, T, T], []),
        (FLASHCARD, [T, F], []),
        # Single choice: exactly one correct and at least one wrong.
        (SINGLE, [T, F], []),
        (SINGLE, [F, T, F, F], []),
        (SINGLE, [], [single_count(0), SINGLE_NO_WRONG]),
        (SINGLE, [T], [SINGLE_NO_WRONG]),
        (SINGLE, [F], [single_count(0)]),
        (SINGLE, [F, F, F, F], [single_count(0)]),
        (SINGLE, [T, T, F], [single_count(2)]),
        (SINGLE, [T, T], [single_count(2), SINGLE_NO_WRONG]),
        # Multiple response: at least two correct and at least one wrong.
        (MULTIPLE, [T, T, F], []),
        (MULTIPLE, [T, F, T, F, F], []),
        (MULTIPLE, [T, T, T, T, F], []),
        (MULTIPLE, [], [multiple_count(0), MULTIPLE_NO_WRONG]),
        (MULTIPLE, [T, F, F], [multiple_count(1)]),
        (MULTIPLE, [F, F], [multiple_count(0)]),
        (MULTIPLE, [T, T], [MULTIPLE_NO_WRONG]),
        (MULTIPLE, [T], [multiple_count(1), MULTIPLE_NO_WRONG]),
        # Anything else is refused whatever its answers.
        ("essay", [T, F], ["Unknown question kind: essay."]),
        ("", [], ["Unknown question kind: ."]),
    ],
)
def test_answer_set_errors(kind: str, flags: list[bool], expected: list[str]) -> None:
    with translation.override("en"):
        assert answer_set_errors(kind, flags) == expected


def test_flags_may_be_any_sequence() -> None:
    assert answer_set_errors(SINGLE, (True, False)) == []


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (1, "B"), (25, "Z"), (26, "27"), (-1, "0")]
)
def test_options_are_lettered_then_numbered_past_z(index: int, letter: str) -> None:
    assert option_letter(index) == letter


def test_only_single_and_multiple_choice_questions_are_choice_kinds() -> None:
    assert CHOICE_KINDS == (SINGLE, MULTIPLE)
    assert FLASHCARD not in CHOICE_KINDS
