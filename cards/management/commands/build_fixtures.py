"""Build fixtures/content.json from the markdown notes and their authored exam files.

The database is never touched: the records are plain dicts, so the build runs anywhere and two
runs give byte-identical output. Load the result with `python manage.py loaddata content`.
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

from cards.content import Source, build_fixture, parse_exam
from cards.notes import Problem, SourceError, decode_utf8, read_notes

OUTPUT_NAME = "content.json"
EXAM_SUFFIX = ".exam.yaml"


def load_sources(notes_dir: Path, shown: str) -> list[Source]:
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

    sources: list[Source] = []
    for name in notes_names:
        exam_name = name.removesuffix(".md") + EXAM_SUFFIX
        exam_path = str(PurePath(shown) / exam_name)
        try:
            notes = read_notes(notes_dir / name, str(PurePath(shown) / name))
            exam = None
            if exam_name in names:
                try:
                    data = (notes_dir / exam_name).read_bytes()
                except OSError as exc:
                    message = f"cannot read: {exc.strerror or exc}"
                    raise SourceError([Problem(exam_path, None, message)]) from exc
                exam = parse_exam(decode_utf8(data, exam_path), exam_path)
        except SourceError as exc:
            problems.extend(exc.problems)
            continue
        sources.append(Source(notes, exam, exam_path, source_file=f"notes/{name}"))
    if problems:
        raise SourceError(problems)
    return sources


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
        "Build fixtures/content.json (topics, questions, answers, decks) from the markdown "
        "notes and their <stem>.exam.yaml files, without touching the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "notes_dir", nargs="?", help="Directory of *.md notes (default: notes/)."
        )
        parser.add_argument(
            "--out", help="Directory to write content.json into (default: fixtures/)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base = Path(settings.BASE_DIR)
        notes_arg: str | None = options["notes_dir"]
        out_arg: str | None = options["out"]
        notes_dir = Path(notes_arg) if notes_arg else base / "notes"
        out_dir = Path(out_arg) if out_arg else base / "fixtures"
        out_shown = str(PurePath(out_arg or "fixtures") / OUTPUT_NAME)

        try:
            records = build_fixture(load_sources(notes_dir, notes_arg or "notes"))
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        data = (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            write_atomically(out_dir, OUTPUT_NAME, data)
        except OSError as exc:
            raise CommandError(f"{out_shown}: cannot write: {exc.strerror or exc}") from exc

        counts = Counter(record["model"] for record in records)
        self.stdout.write(
            f"Wrote {out_shown}: {counts['cards.topic']} topics, "
            f"{counts['cards.question']} questions, {counts['cards.answer']} answers, "
            f"{counts['cards.deck']} decks"
        )
