"""The notes format, pinned as tables: what parses into what, and every error with its line."""

from pathlib import Path

import pytest

from cards.notes import (
    NoteAnswer,
    NoteQuestion,
    Problem,
    SourceError,
    decode_utf8,
    parse_notes,
    read_notes,
    split_lines,
)

PATH = "notes/x.md"


def only_question(text: str) -> NoteQuestion:
    notes = parse_notes(text, PATH)
    assert len(notes.topics) == 1
    assert len(notes.topics[0].questions) == 1
    return notes.topics[0].questions[0]


def problems_of(text: str) -> list[str]:
    with pytest.raises(SourceError) as info:
        parse_notes(text, PATH)
    return [str(problem) for problem in info.value.problems]


@pytest.mark.parametrize(
    ("answer_line", "text"),
    [
        ("    > * four spaces", "four spaces"),
        ("\t> * a tab", "a tab"),
        ("> * no indentation", "no indentation"),
        ("  >  *   extra spaces", "extra spaces"),
        (">\t*\ttabs between", "tabs between"),
        ("    * > star first", "star first"),
        ("\t* > star first, tab", "star first, tab"),
        ("* > star first, no indentation", "star first, no indentation"),
        ("  * >no space after the quote", "no space after the quote"),
    ],
)
def test_both_answer_forms_with_any_indentation_are_answers(answer_line: str, text: str) -> None:
    question = only_question(f"## Topic\n* Question\n{answer_line}\n")
    assert question.answers == (NoteAnswer(3, text),)


@pytest.mark.parametrize(
    ("text", "question", "answers"),
    [
        ("## T\n* Q\n> * A\n", "Q", ("A",)),
        ("## T\r\n* Q\r\n> * A\r\n> * B\r\n", "Q", ("A", "B")),
        ("## T\r* Q\r> * A\r", "Q", ("A",)),
        ("## T  \n* Q   \n> * A \t\n", "Q", ("A",)),
        ("## T\n* Q\n> * A", "Q", ("A",)),
        ("\ufeff## T\n* Q\n> * A\n", "Q", ("A",)),
        ("## T\n\n   \n* Q\n\t\n> * A\n\n", "Q", ("A",)),
        (
            "## T\n* Use [NLB](https://example.com/nlb) here\n> * [S3](https://s3.test/x) rocks\n",
            "Use [NLB](https://example.com/nlb) here",
            ("[S3](https://s3.test/x) rocks",),
        ),
        ("## T\n* Two  spaces stay\n> * a  b\n", "Two  spaces stay", ("a  b",)),
    ],
)
def test_line_endings_whitespace_and_links(
    text: str, question: str, answers: tuple[str, ...]
) -> None:
    parsed = only_question(text)
    assert parsed.text == question
    assert tuple(answer.text for answer in parsed.answers) == answers


def test_structure_lines_and_title() -> None:
    text = (
        "# Domain\n"  # 1
        "\n"
        "## First\n"  # 3
        "* Q1\n"  # 4
        "    > * A1\n"  # 5
        "\n"
        "    > * A2\n"  # 7
        "* Q2\n"  # 8
        "* > A3\n"  # 9
        "## Second\n"  # 10
        "* Q3\n"  # 11
        "\t* > A4\n"  # 12
    )
    notes = parse_notes(text, PATH)
    assert (notes.title, notes.title_line) == ("Domain", 1)
    assert [(topic.heading, topic.line) for topic in notes.topics] == [
        ("First", 3),
        ("Second", 10),
    ]
    first = notes.topics[0]
    assert [(q.text, q.line, q.last_line) for q in first.questions] == [
        ("Q1", 4, 7),
        ("Q2", 8, 9),
    ]
    assert (first.first_line, first.last_line) == (4, 9)
    assert notes.source_text(4, 7) == "* Q1\n    > * A1\n\n    > * A2"
    assert notes.topics[1].questions[0].answers == (NoteAnswer(12, "A4"),)


def test_title_is_optional() -> None:
    assert parse_notes("## T\n* Q\n> * A\n", PATH).title is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["notes/x.md:1: file is empty"]),
        ("\n  \n\t\n", ["notes/x.md:1: file is empty"]),
        ("# Only a title\n", ["notes/x.md:1: no '## ' topic headings"]),
        ("## T\n* Q\n", ["notes/x.md:2: question has no answers"]),
        ("## T\n* Q1\n* Q2\n> * A\n", ["notes/x.md:2: question has no answers"]),
        ("> * A\n## T\n* Q\n> * B\n", ["notes/x.md:1: answer before any '## ' heading"]),
        ("## T\n\n> * A\n* Q\n> * B\n", ["notes/x.md:3: answer before any question in its topic"]),
        (
            "## T\n* Q\n> * A\n## U\n* > B\n* Q2\n> * C\n",
            ["notes/x.md:5: answer before any question in its topic"],
        ),
        ("## T\n\n## U\n* Q\n> * A\n", ["notes/x.md:1: heading has no questions"]),
        ("## T\n* Q\n> * A\n\n## U\n", ["notes/x.md:5: heading has no questions"]),
        ("* Q\n## T\n* Q2\n> * A\n", ["notes/x.md:1: question before any '## ' heading"]),
        ("##\n* Q\n> * A\n", ["notes/x.md:1: '## ' heading has no text"]),
        ("# \n## T\n* Q\n> * A\n", ["notes/x.md:1: '# ' title has no text"]),
        (
            "# A\n# B\n## T\n* Q\n> * A\n",
            ["notes/x.md:2: second '# ' title (the first is on line 1)"],
        ),
        (
            "## T\n* Q\n> * A\n# Late\n",
            ["notes/x.md:4: the '# ' title must come before the first '## ' topic"],
        ),
        (
            "## T\n* Q\n> * A\n\n2 + 2 = 4\n",
            [
                "notes/x.md:5: unrecognised line: expected '# title', '## topic', "
                "'* question' (not indented) or an answer '> * text' / '* > text'"
            ],
        ),
    ],
)
def test_errors_name_file_and_line(text: str, expected: list[str]) -> None:
    assert problems_of(text) == expected


@pytest.mark.parametrize(
    "line",
    [
        "### Subheading",
        "##No space",
        "- dash bullet",
        "    * indented question without quote",
        "> quote without bullet",
        "> *",
        "*",
        "1. numbered",
    ],
)
def test_other_lines_are_unrecognised(line: str) -> None:
    problems = problems_of(f"## T\n* Q\n> * A\n{line}\n")
    assert len(problems) == 1
    assert problems[0].startswith("notes/x.md:4: unrecognised line: expected")


def test_every_problem_is_reported_in_line_order() -> None:
    text = "## T\n## U\n* Q1\nnonsense\n* Q2\n> * A\n## V\n"
    assert problems_of(text) == [
        "notes/x.md:1: heading has no questions",
        "notes/x.md:3: question has no answers",
        "notes/x.md:4: unrecognised line: expected '# title', '## topic', "
        "'* question' (not indented) or an answer '> * text' / '* > text'",
        "notes/x.md:7: heading has no questions",
    ]


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"\xff## T\n", 1),
        (b"## T\n* Q\n> * caf\xe9\n", 3),
        (b"## T\r\n* Q\r\n> * \xc3\x28\r\n", 3),
        (b"## T\r* Q\r\r> * \x80\r", 4),
        ("## 한국어\n* 질문\n".encode() + b"> * \xed\xa0\x80\n", 3),
    ],
)
def test_non_utf8_bytes_name_their_line(data: bytes, line: int) -> None:
    with pytest.raises(SourceError) as info:
        decode_utf8(data, PATH)
    assert str(info.value) == f"notes/x.md:{line}: not valid UTF-8"


def test_read_notes_reports_unreadable_and_bad_bytes(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        read_notes(tmp_path / "missing.md", "notes/missing.md")
    assert str(info.value) == "notes/missing.md: cannot read: No such file or directory"

    bad = tmp_path / "bad.md"
    bad.write_bytes(b"## T\n* Q\n> * \xff\n")
    with pytest.raises(SourceError) as info:
        read_notes(bad, "notes/bad.md")
    assert str(info.value) == "notes/bad.md:3: not valid UTF-8"

    good = tmp_path / "good.md"
    good.write_bytes("## 토픽\r\n* 질문\r\n    * > 답\r\n".encode())
    assert read_notes(good, "notes/good.md").topics[0].questions[0].answers[0].text == "답"


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", []),
        ("a\n", ["a"]),
        ("a", ["a"]),
        ("a  \r\nb\t\rc\n\n", ["a", "b", "c", ""]),
        ("\n\n", ["", ""]),
    ],
)
def test_split_lines(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines


@pytest.mark.parametrize(
    ("problem", "shown"),
    [
        (Problem("notes/x.md", 3, "bad"), "notes/x.md:3: bad"),
        (Problem("notes/x.md", None, "cannot read: gone"), "notes/x.md: cannot read: gone"),
    ],
)
def test_problem_format(problem: Problem, shown: str) -> None:
    assert str(problem) == shown
