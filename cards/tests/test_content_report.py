"""manage.py content_report: every generated question reviewed in one read, with no warnings."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cards.content import build_fixture
from cards.examfiles import exam_files
from cards.management.commands.build_fixtures import load_sources
from cards.report import which_report

NOTES = Path(settings.BASE_DIR) / "notes"
SECOND = Path(settings.BASE_DIR) / "cards" / "tests" / "data" / "design-resilient-architectures.md"


def report(notes_dir: Path) -> str:
    out = StringIO()
    call_command("content_report", str(notes_dir), stdout=out)
    return out.getvalue()


def test_the_seed_report_lists_every_bullet_with_no_warning_on_a_built_question() -> None:
    text = report(NOTES)
    assert "WARNING" not in text
    assert text.rstrip().splitlines()[-1] == (
        "8 questions built, 8 bullets not asked, 0 built questions with warnings"
    )
    # A built question: its masks, and each wrong option with why it was chosen.
    block = text.split("lambda-which-service-8 -> AWS Lambda\n", 1)[1].split("\nnotes/", 1)[0]
    assert "masks: Lambda function, AWS Lambda Layer를" in block
    assert "distractor: AWS Fargate (group choosing-compute; reason from the YAML)" in block
    # A bullet that is not asked says why.
    assert (
        "design-high-performing-architectures.md:36 aws-datasync-which-service-36 -> "
        "AWS DataSync: not built (skipped in the YAML:"
    ) in text
    assert "md:43 aws-fsx-for-lustre-which-service-43" in text
    assert "not built (no name of the answer in the statement: nothing to ask)" in text
    assert "(from the reviewer's corrected wording)" in text


def test_a_second_notes_file_without_yaml_reports_no_warning_either(tmp_path: Path) -> None:
    shutil.copy(SECOND, tmp_path / SECOND.name)
    text = report(tmp_path)
    assert "WARNING" not in text
    assert "5 questions built, 1 bullets not asked, 0 built questions with warnings" in text


def test_both_together_and_every_built_question_is_checked_on_its_records(
    tmp_path: Path,
) -> None:
    notes = tmp_path / "notes"
    shutil.copytree(NOTES, notes, ignore=shutil.ignore_patterns("exam"))
    shutil.copy(SECOND, notes / SECOND.name)
    files = exam_files()
    build = build_fixture(
        load_sources(notes, "notes"), blueprint=files.blueprint, catalog=files.catalog
    )
    items = which_report(build, files.catalog)
    built = [item for item in items if item.entry.built]
    assert len(built) == 13
    assert [item.warnings for item in built] == [()] * 13
    assert all(len(item.entry.distractors) == 3 for item in built)


def test_a_warning_fails_the_command(tmp_path: Path) -> None:
    """A "which" entry whose reason names a service that is not offered is reported."""
    shutil.copytree(NOTES, tmp_path / "notes", ignore=shutil.ignore_patterns("exam"))
    exam = tmp_path / "notes" / "design-high-performing-architectures.exam.yaml"
    text = exam.read_text(encoding="utf-8")
    text = text.replace(
        "  18:\n    why_not:\n",
        "  18:\n    why_not:\n      amazon-kinesis-data-streams:\n"
        '        why: "x"\n        why_en: "x"\n',
        1,
    )
    exam.write_text(text, encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("content_report", str(tmp_path / "notes"), stdout=out)
    assert "WARNING: why_not for amazon-kinesis-data-streams, which is not offered" in (
        out.getvalue()
    )
