"""The build_fixtures command: deterministic, atomic, and in step with the committed fixture."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from cards.models import Answer, Deck, Question, Topic
from cards.tests.test_content import EXAM, NOTES

COMMITTED = Path(settings.BASE_DIR) / "fixtures" / "content.json"


@pytest.fixture
def notes_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "notes"
    directory.mkdir()
    (directory / "domain.md").write_text(NOTES, encoding="utf-8")
    (directory / "domain.exam.yaml").write_text(EXAM, encoding="utf-8")
    return directory


def build(notes_dir: Path | str, out: Path) -> str:
    stdout = StringIO()
    call_command("build_fixtures", str(notes_dir), "--out", str(out), stdout=stdout)
    return stdout.getvalue()


def test_two_builds_are_byte_identical(notes_dir: Path, tmp_path: Path) -> None:
    build(notes_dir, tmp_path / "one")
    build(notes_dir, tmp_path / "two")
    first = (tmp_path / "one" / "content.json").read_bytes()
    assert first == (tmp_path / "two" / "content.json").read_bytes()
    assert first.endswith(b"]\n")
    assert "＿＿＿".encode() in first  # ensure_ascii=False: Korean and symbols stay readable
    assert sorted(path.name for path in (tmp_path / "one").iterdir()) == ["content.json"]


def test_output_is_a_natural_key_fixture_and_the_summary_counts_it(
    notes_dir: Path, tmp_path: Path
) -> None:
    output = build(notes_dir, tmp_path / "out")
    records = json.loads((tmp_path / "out" / "content.json").read_text(encoding="utf-8"))
    assert all(set(record) == {"model", "fields"} for record in records)
    assert output.strip() == (
        f"Wrote {tmp_path / 'out' / 'content.json'}: 5 topics, 12 questions, 32 answers, 6 decks"
    )


def test_committed_fixture_matches_a_rebuild_of_the_real_notes(tmp_path: Path) -> None:
    """Fails when someone edits notes/ without running `manage.py build_fixtures`."""
    call_command("build_fixtures", "--out", str(tmp_path), stdout=StringIO())
    assert (tmp_path / "content.json").read_bytes() == COMMITTED.read_bytes()


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        (NOTES.replace("    * > Lambda layers", "    Lambda layers"), "domain.md:6: unrecognised"),
        (NOTES.replace("\t> * EFS is an NFS file system.\n", ""), "domain.md:18: question has no"),
    ],
)
def test_bad_notes_write_nothing_and_leave_the_old_file(
    notes_dir: Path, tmp_path: Path, notes: str, expected: str
) -> None:
    (notes_dir / "domain.md").write_text(notes, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "content.json").write_bytes(b"old\n")
    with pytest.raises(CommandError) as info:
        build(notes_dir, out)
    assert f"{notes_dir / expected}" in str(info.value)
    assert (out / "content.json").read_bytes() == b"old\n"
    assert sorted(path.name for path in out.iterdir()) == ["content.json"]


def test_bad_notes_create_no_output(notes_dir: Path, tmp_path: Path) -> None:
    (notes_dir / "domain.md").write_bytes(b"# D\n## T\n* Q\n> * caf\xe9\n")
    with pytest.raises(CommandError, match=r"domain\.md:4: not valid UTF-8"):
        build(notes_dir, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_paths_in_errors_are_shown_as_given(
    notes_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (notes_dir / "domain.md").write_text(NOTES + "oops\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError) as info:
        build("notes/", tmp_path / "out")
    assert str(info.value).startswith("notes/domain.md:20: unrecognised line")


def test_yaml_problem_is_reported_with_its_line(notes_dir: Path, tmp_path: Path) -> None:
    (notes_dir / "domain.exam.yaml").write_text(
        EXAM.replace("topic: lambda\n", "topic: nope\n"), encoding="utf-8"
    )
    with pytest.raises(CommandError) as info:
        build(notes_dir, tmp_path / "out")
    assert str(info.value) == f"{notes_dir}/domain.exam.yaml:17: unknown topic 'nope'"


def test_notes_without_yaml_ask_for_it(notes_dir: Path, tmp_path: Path) -> None:
    (notes_dir / "domain.exam.yaml").unlink()
    with pytest.raises(CommandError) as info:
        build(notes_dir, tmp_path / "out")
    assert str(info.value).splitlines()[0] == (
        f'{notes_dir}/domain.md:3: topic "Lambda" has no task statement '
        f"(add {notes_dir}/domain.exam.yaml)"
    )


def test_yaml_without_notes_and_missing_directory_are_errors(
    notes_dir: Path, tmp_path: Path
) -> None:
    (notes_dir / "stray.exam.yaml").write_text("notes: stray.md\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"stray\.exam\.yaml: no notes file of the same stem"):
        build(notes_dir, tmp_path / "out")
    with pytest.raises(CommandError, match="missing: cannot read"):
        build(tmp_path / "missing", tmp_path / "out")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CommandError, match=r"empty: no \*\.md notes files"):
        build(empty, tmp_path / "out")


@pytest.mark.django_db
def test_committed_fixture_loads_and_reloads_in_place() -> None:
    """Smoke test of the committed fixture: natural keys make a second load update, not add."""

    def counts() -> tuple[int, ...]:
        return (
            Topic.objects.count(),
            Question.objects.count(),
            Answer.objects.count(),
            Deck.objects.count(),
            Deck.questions.through.objects.count(),
        )

    call_command("loaddata", str(COMMITTED), stdout=StringIO())
    first = counts()
    call_command("loaddata", str(COMMITTED), stdout=StringIO())
    assert counts() == first
    records = json.loads(COMMITTED.read_text(encoding="utf-8"))
    expected = [
        sum(1 for record in records if record["model"] == f"cards.{model}")
        for model in ("topic", "question", "answer", "deck")
    ]
    assert list(first[:4]) == expected
    assert Deck.objects.filter(owner__isnull=True).count() == expected[3]
    domain = Deck.objects.get(slug="design-high-performing-architectures")
    assert domain.questions.count() == expected[1]
