"""The build_fixtures command: deterministic, atomic, and in step with the committed fixture."""

import json
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

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
        f"Wrote {tmp_path / 'out' / 'content.json'}: 4 domains, 14 task statements, 5 topics, "
        "12 questions, 32 answers, 6 decks"
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


def build_with_warnings(notes_dir: Path, out: Path) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("build_fixtures", str(notes_dir), "--out", str(out), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def records_of(out: Path) -> list[dict[str, Any]]:
    return json.loads((out / "content.json").read_text(encoding="utf-8"))


def test_notes_without_yaml_build_on_their_own(notes_dir: Path, tmp_path: Path) -> None:
    (notes_dir / "domain.exam.yaml").unlink()
    _stdout, warnings = build_with_warnings(notes_dir, tmp_path / "out")
    topics = [r["fields"] for r in records_of(tmp_path / "out") if r["model"] == "cards.topic"]
    # The catalog places each topic: the one task statement its service has in domain 3.
    assert [(t["slug"], t["service"], t["task_statement"]) for t in topics] == [
        ("lambda", "aws-lambda", ["SAA-C03", "3.2"]),
        ("amazon-s3", "amazon-s3", ["SAA-C03", "3.1"]),
        ("ec2", "amazon-ec2", ["SAA-C03", "3.2"]),
        ("aws-fargate", "aws-fargate", ["SAA-C03", "3.2"]),
        ("amazon-efs", "amazon-efs", ["SAA-C03", "3.1"]),
    ]
    assert warnings == ""


# A second domain's notes, plain Markdown with no YAML: three topics of Domain 2 written by the
# team in the way the seed's learner writes (Korean, both answer forms). SQS and Route 53 each
# have one Domain 2 task statement in the catalog; Aurora has none there.
SECOND = Path(__file__).resolve().parent / "data" / "design-resilient-architectures.md"


def test_two_domains_one_with_yaml_one_without_build_one_deterministic_fixture(
    notes_dir: Path, tmp_path: Path
) -> None:
    build(notes_dir, tmp_path / "alone")
    shutil.copy(SECOND, notes_dir / SECOND.name)
    first_out, warnings = build_with_warnings(notes_dir, tmp_path / "one")
    build(notes_dir, tmp_path / "two")
    assert (tmp_path / "one" / "content.json").read_bytes() == (
        tmp_path / "two" / "content.json"
    ).read_bytes()
    assert first_out.strip().endswith(
        ": 4 domains, 14 task statements, 8 topics, 20 questions, 58 answers, 10 decks"
    )

    alone, both = records_of(tmp_path / "alone"), records_of(tmp_path / "one")
    # The new file adds rows; every row of the first file is exactly as it was.
    assert all(record in both for record in alone)
    added = [record["fields"] for record in both if record not in alone]
    topics = [fields for fields in added if "service" in fields]
    assert [(t["name"], t["domain"], t["task_statement"], t["order"]) for t in topics] == [
        ("Amazon SQS", ["SAA-C03", 2], ["SAA-C03", "2.1"], 1),
        ("Amazon Route 53", ["SAA-C03", 2], ["SAA-C03", "2.2"], 2),
        ("Amazon Aurora", ["SAA-C03", 2], None, 3),
    ]
    decks = [f for f in added if "owner" in f]
    assert [(d["slug"], d["domain"]) for d in decks] == [
        ("design-resilient-architectures", ["SAA-C03", 2]),
        ("amazon-sqs", ["SAA-C03", 2]),
        ("amazon-route-53", ["SAA-C03", 2]),
        ("amazon-aurora", ["SAA-C03", 2]),
    ]
    # Three note cards, and one "which?" per bullet that names its service (five of six).
    assert len(decks[0]["questions"]) == 3 + 5
    assert warnings.splitlines() == [
        f'warning: {notes_dir}/design-resilient-architectures.md:15: topic "Amazon Aurora" '
        "names Amazon Aurora, which the catalog puts under no task statement of domain 2: "
        "built in domain 2 without a task statement (give one in "
        f"{notes_dir}/design-resilient-architectures.exam.yaml)"
    ]


def test_the_same_key_in_two_files_is_reported_at_the_second(
    notes_dir: Path, tmp_path: Path
) -> None:
    (notes_dir / "zz.md").write_text(
        "# Design Resilient Architectures\n## Lambda\n* Q\n> * A\n", encoding="utf-8"
    )
    with pytest.raises(CommandError) as info:
        build(notes_dir, tmp_path / "out")
    assert str(info.value).splitlines() == [
        f"{notes_dir}/zz.md:2: topic slug 'lambda' is used twice",
        f"{notes_dir}/zz.md:2: deck slug 'lambda' is used twice",
        f"{notes_dir}/zz.md:3: key 'lambda-note-1' is used twice",
    ]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("", ":1: no '# ' heading naming the SAA-C03 domain"),
        (
            "# Design Fast Architectures\n",
            ':1: "Design Fast Architectures" names no SAA-C03 domain',
        ),
    ],
)
def test_notes_without_a_known_domain_heading_are_refused(
    notes_dir: Path, tmp_path: Path, title: str, expected: str
) -> None:
    (notes_dir / "zz.md").write_text(f"{title}## Amazon SQS\n* Q\n> * A\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        build(notes_dir, tmp_path / "out")
    message = str(info.value)
    assert message.startswith(f"{notes_dir}/zz.md{expected}")
    assert '"Design Resilient Architectures"; "복원력 있는 아키텍처 설계"' in message
    assert not (tmp_path / "out").exists()


def test_a_missing_exam_directory_is_an_error(notes_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"nowhere: expected exactly one \*\.blueprint\.yaml"):
        call_command(
            "build_fixtures",
            str(notes_dir),
            "--exam-dir",
            str(tmp_path / "nowhere"),
            "--out",
            str(tmp_path / "out"),
            stdout=StringIO(),
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
    current = [
        r for r in records if r["model"] == "cards.question" and r["fields"]["retired_at"] is None
    ]
    assert domain.questions.count() == len(current)
