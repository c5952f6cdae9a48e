"""Parse the markdown study notes into topics, flashcard questions and their answers.

Pure: no ORM and no Django, so the format is pinned by table tests and the fixture builder
(`cards/content.py`) is the only consumer. The format, one construct per line:

    # Domain title                     (at most one, before the first topic)
    ## Topic heading                   (each is a Topic)
    * Question text                    (no indentation: a flashcard question)
        > * Answer text                (either answer form, any indentation, even none)
        * > Answer text

Blank lines are ignored. Every problem is reported as `file:line: message`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

QUESTION_RE = re.compile(r"\*[ \t]+(?P<text>[^>\s].*)")
ANSWER_RES = (
    re.compile(r"[ \t]*>[ \t]*\*[ \t]+(?P<text>\S.*)"),  # > * text
    re.compile(r"[ \t]*\*[ \t]+>[ \t]*(?P<text>\S.*)"),  # * > text
)
EXPECTED_FORMS = (
    "expected '# title', '## topic', '* question' (not indented) "
    "or an answer '> * text' / '* > text'"
)


@dataclass(frozen=True)
class Problem:
    """One located problem in a source file; `line` is None when the whole file is at fault."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class SourceError(Exception):
    """The notes or the authored YAML cannot be turned into content; carries every problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class NoteAnswer:
    line: int
    text: str


@dataclass(frozen=True)
class NoteQuestion:
    line: int
    text: str
    answers: tuple[NoteAnswer, ...]

    @property
    def last_line(self) -> int:
        return self.answers[-1].line if self.answers else self.line


@dataclass(frozen=True)
class NoteTopic:
    line: int
    heading: str
    questions: tuple[NoteQuestion, ...]

    @property
    def first_line(self) -> int:
        """First line of the topic's content (its first question)."""
        return self.questions[0].line if self.questions else self.line

    @property
    def last_line(self) -> int:
        """Last line of the topic's content (its last answer)."""
        return self.questions[-1].last_line if self.questions else self.line


@dataclass(frozen=True)
class Notes:
    path: str
    title: str | None
    title_line: int | None
    topics: tuple[NoteTopic, ...]
    # Normalised lines (no line endings, trailing whitespace stripped); lines[0] is line 1.
    lines: tuple[str, ...]

    def source_text(self, first: int, last: int) -> str:
        """The lines `first`..`last` (1-based, inclusive) joined by newlines."""
        return "\n".join(self.lines[first - 1 : last])


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF or a lone CR, and strip trailing whitespace from every line."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = normalised.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start another
    return [line.rstrip() for line in lines]


def decode_utf8(data: bytes, path: str) -> str:
    """Decode UTF-8 (a leading BOM is dropped), naming the line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")
        line = before.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        raise SourceError([Problem(path, line, "not valid UTF-8")]) from exc
    return text.removeprefix("\ufeff")


def read_notes(file: Path, path: str) -> Notes:
    """Read and parse the notes file `file`, reporting problems against the name `path`."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise SourceError([Problem(path, None, f"cannot read: {exc.strerror or exc}")]) from exc
    return parse_notes(decode_utf8(data, path), path)


@dataclass
class _OpenQuestion:
    line: int
    text: str
    answers: list[NoteAnswer]


@dataclass
class _OpenTopic:
    line: int
    heading: str
    questions: list[_OpenQuestion]


def _answer_text(line: str) -> str | None:
    for pattern in ANSWER_RES:
        match = pattern.fullmatch(line)
        if match:
            return match["text"]
    return None


def bullet_text(line: str) -> str:
    """The text of an answer bullet line (either form), or the line itself stripped."""
    text = _answer_text(line)
    return text if text is not None else line.strip()


def parse_notes(text: str, path: str) -> Notes:
    """Parse notes text; raise SourceError listing every problem found, in line order."""
    lines = split_lines(text.removeprefix("\ufeff"))
    problems: list[Problem] = []
    title: str | None = None
    title_line: int | None = None
    topics: list[_OpenTopic] = []

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.startswith("## ") or line == "##":
            heading = line[2:].strip()
            if not heading:
                problems.append(Problem(path, number, "'## ' heading has no text"))
            topics.append(_OpenTopic(number, heading, []))
        elif line.startswith("# ") or line == "#":
            if not line[1:].strip():
                problems.append(Problem(path, number, "'# ' title has no text"))
            elif title_line is not None:
                problems.append(
                    Problem(path, number, f"second '# ' title (the first is on line {title_line})")
                )
            elif topics:
                problems.append(
                    Problem(path, number, "the '# ' title must come before the first '## ' topic")
                )
            else:
                title, title_line = line[1:].strip(), number
        elif match := QUESTION_RE.fullmatch(line):
            if not topics:
                problems.append(Problem(path, number, "question before any '## ' heading"))
                continue
            topics[-1].questions.append(_OpenQuestion(number, match["text"], []))
        elif (answer := _answer_text(line)) is not None:
            if not topics:
                problems.append(Problem(path, number, "answer before any '## ' heading"))
            elif not topics[-1].questions:
                problems.append(Problem(path, number, "answer before any question in its topic"))
            else:
                topics[-1].questions[-1].answers.append(NoteAnswer(number, answer))
        else:
            problems.append(Problem(path, number, f"unrecognised line: {EXPECTED_FORMS}"))

    if title_line is None and not topics and not problems:
        problems.append(Problem(path, 1, "file is empty"))
    elif not topics and not problems:
        problems.append(Problem(path, title_line or 1, "no '## ' topic headings"))
    for topic in topics:
        if not topic.questions:
            problems.append(Problem(path, topic.line, "heading has no questions"))
        for question in topic.questions:
            if not question.answers:
                problems.append(Problem(path, question.line, "question has no answers"))
    if problems:
        raise SourceError(sorted(problems, key=lambda problem: problem.line or 0))

    return Notes(
        path=path,
        title=title,
        title_line=title_line,
        topics=tuple(
            NoteTopic(
                topic.line,
                topic.heading,
                tuple(NoteQuestion(q.line, q.text, tuple(q.answers)) for q in topic.questions),
            )
            for topic in topics
        ),
        lines=tuple(lines),
    )
