"""Rules about questions and their answers: the kinds, which of them are answered by choosing,
what a kind's answers must look like (one source for the admin and the importer), and how the
options are lettered.

Pure: no ORM, so it is tested as a table and reused wherever answers are assembled.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _

FLASHCARD = "flashcard"
SINGLE = "single"
MULTIPLE = "multiple"
# The kinds answered by choosing among options: choice mode and exams draw only these.
CHOICE_KINDS = (SINGLE, MULTIPLE)
OPTION_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def option_letter(index: int) -> str:
    """The letter of the option at 0-based `index` (A, B, ...); past Z, its number."""
    return OPTION_LETTERS[index] if 0 <= index < len(OPTION_LETTERS) else str(index + 1)


def answer_set_errors(kind: str, correct_flags: Sequence[bool]) -> list[str]:
    """Return readable problems with a question of `kind` having answers flagged `correct_flags`."""
    correct = sum(1 for flag in correct_flags if flag)
    wrong = len(correct_flags) - correct
    errors: list[str] = []
    if kind == FLASHCARD:
        if not correct_flags:
            errors.append(_("A flashcard needs at least one answer."))
    elif kind == SINGLE:
        if correct != 1:
            errors.append(
                _("A single-choice question needs exactly one correct answer (it has %(n)d).")
                % {"n": correct}
            )
        if wrong < 1:
            errors.append(_("A single-choice question needs at least one wrong answer."))
    elif kind == MULTIPLE:
        if correct < 2:
            errors.append(
                _("A multiple-response question needs at least two correct answers (it has %(n)d).")
                % {"n": correct}
            )
        if wrong < 1:
            errors.append(_("A multiple-response question needs at least one wrong answer."))
    else:
        errors.append(_("Unknown question kind: %(kind)s.") % {"kind": kind})
    return errors
