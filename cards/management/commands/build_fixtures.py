"""Build fixtures/content.json from the exam's data files and the markdown notes.

The exam blueprint and service catalog (`notes/exam/`) and every `notes/*.md`, with its
`<stem>.exam.yaml` where there is one, are compiled by `cards.content`; this command only reads
the files, writes the result and prints the warnings. The database is never touched: the
records are plain dicts, so the build runs anywhere and two runs give byte-identical output.
Load the result with `python manage.py seed_content` or `python manage.py loaddata content`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from contextlib import suppress
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cards.content import EXAM_SUFFIX, NotesFile, build_fixture
from cards.examfiles import EXAM_SUBDIR, load_exam_files
from cards.notes import Problem, SourceError, decode_utf8

OUTPUT_NAME = "content.json"


def _read_text(file: Path, shown: str) -> str:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise SourceError([Problem(shown, None, f"cannot read: {exc.strerror or exc}")]) from exc
    return decode_utf8(data, shown)


def load_sources(notes_dir: Path, shown: str) -> list[NotesFile]:
    """Read every `*.md` in `notes_dir` (sorted) with its `<stem>.exam.yaml` if there is one.

    `shown` is how the directory is named in messages (as the user gave it).
    """
    try:
        names = sorted(entry.name for entry in notes_dir.iterdir() if entry.is_file())
    except OSError as exc:
        raise SourceError([Problem(shown, None, f"cannot read: {exc.strerror or exc}")]) from exc
    notes_names = [name for name in names if name.endswith(".md")]
    problems: list[Problem] = []
    if not notes_names:
        problems.append(Problem(shown, None, "no *.md notes files"))
    for name in names:
        if name.endswith(EXAM_SUFFIX) and name.removesuffix(EXAM_SUFFIX) + ".md" not in names:
            path = str(PurePath(shown) / name)
            problems.append(Problem(path, None, "no notes file of the same stem beside it"))

    files: list[NotesFile] = []
    for name in notes_names:
        exam_name = name.removesuffix(".md") + EXAM_SUFFIX
        path = str(PurePath(shown) / name)
        exam_path = str(PurePath(shown) / exam_name)
        try:
            text = _read_text(notes_dir / name, path)
            exam_text = _read_text(notes_dir / exam_name, exam_path) if exam_name in names else None
        except SourceError as exc:
            problems.extend(exc.problems)
            continue
        files.append(NotesFile(path, text, f"notes/{name}", exam_path, exam_text))
    if problems:
        raise SourceError(problems)
    return files


def write_atomically(directory: Path, name: str, data: bytes) -> None:
    """Replace `directory/name` by `data` in one step: readers see the old or the new file."""
    directory.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the fixture is a shared file
        os.replace(temporary, directory / name)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


class Command(BaseCommand):
    help = (
        "Build fixtures/content.json (the exam blueprint, topics, questions, answers, decks) from "
        "notes/exam/ and the markdown notes, with their optional <stem>.exam.yaml files, without "
        "touching the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "notes_dir", nargs="?", help="Directory of *.md notes (default: notes/)."
        )
        parser.add_argument(
            "--exam-dir",
            help="Directory of the exam blueprint and service catalog (default: notes/exam/).",
        )
        parser.add_argument(
            "--out", help="Directory to write content.json into (default: fixtures/)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base = Path(settings.BASE_DIR)
        notes_arg: str | None = options["notes_dir"]
        exam_arg: str | None = options["exam_dir"]
        out_arg: str | None = options["out"]
        notes_dir = Path(notes_arg) if notes_arg else base / "notes"
        exam_dir = Path(exam_arg) if exam_arg else base / "notes" / EXAM_SUBDIR
        out_dir = Path(out_arg) if out_arg else base / "fixtures"
        out_shown = str(PurePath(out_arg or "fixtures") / OUTPUT_NAME)

        try:
            exam = load_exam_files(exam_dir, exam_arg or f"notes/{EXAM_SUBDIR}")
            build = build_fixture(
                load_sources(notes_dir, notes_arg or "notes"),
                blueprint=exam.blueprint,
                catalog=exam.catalog,
            )
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        records = build.records
        data = (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            write_atomically(out_dir, OUTPUT_NAME, data)
        except OSError as exc:
            raise CommandError(f"{out_shown}: cannot write: {exc.strerror or exc}") from exc

        for warning in build.warnings:
            self.stderr.write(f"warning: {warning}")
        counts = Counter(record["model"] for record in records)
        self.stdout.write(
            f"Wrote {out_shown}: {counts['cards.domain']} domains, "
            f"{counts['cards.taskstatement']} task statements, {counts['cards.topic']} topics, "
            f"{counts['cards.question']} questions, {counts['cards.answer']} answers, "
            f"{counts['cards.deck']} decks"
        )
