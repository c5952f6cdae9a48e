"""Rules about a question's answers that span rows: one source for the admin and the importer.

Pure: no ORM, so it is tested as a table and reused wherever answers are assembled.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _

FLASHCARD = "flashcard"
SINGLE = "single"
MULTIPLE = "multiple"


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
