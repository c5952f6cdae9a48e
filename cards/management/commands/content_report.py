"""manage.py content_report [notes_dir]: review every generated "which service?" question.

Reads the same files as build_fixtures and compiles them the same way, writing nothing: for
each answer bullet of the notes, the question built from it (the masks that fired, the wrong
options and why each was chosen) or why none was, and every warning. Exits with status 1 when
a built question has a warning, so CI and authors can rely on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cards.content import build_fixture
from cards.examfiles import EXAM_SUBDIR, load_exam_files
from cards.management.commands.build_fixtures import load_sources
from cards.notes import SourceError
from cards.report import format_report, which_report


class Command(BaseCommand):
    help = (
        'List, for every generated "which service?" question, the masks that fired, the '
        "distractors and why each was chosen, and every warning; write nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "notes_dir", nargs="?", help="Directory of *.md notes (default: notes/)."
        )
        parser.add_argument(
            "--exam-dir",
            help="Directory of the exam blueprint and service catalog (default: notes/exam/).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base = Path(settings.BASE_DIR)
        notes_arg: str | None = options["notes_dir"]
        exam_arg: str | None = options["exam_dir"]
        notes_dir = Path(notes_arg) if notes_arg else base / "notes"
        exam_dir = Path(exam_arg) if exam_arg else base / "notes" / EXAM_SUBDIR
        try:
            exam = load_exam_files(exam_dir, exam_arg or f"notes/{EXAM_SUBDIR}")
            build = build_fixture(
                load_sources(notes_dir, notes_arg or "notes"),
                blueprint=exam.blueprint,
                catalog=exam.catalog,
            )
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        items = which_report(build, exam.catalog)
        self.stdout.write(format_report(build, items), ending="")
        if any(item.warnings for item in items if item.entry.built):
            raise CommandError("some built questions have warnings (see above)")
