"""Compile study notes, and their optional `<stem>.exam.yaml`, into Django fixture records.

Pure: no ORM and no database. The notes' `# ` heading names a domain of the exam blueprint;
each `## ` topic is placed on the blueprint through the service catalog (the service its
heading names, and that service's one task statement in the domain), unless the YAML says
otherwise: the YAML adds authored questions, English wording and overrides, and wins. A topic
that cannot be placed still builds, in its domain, with a warning.

`compile_notes` turns ONE notes text (and YAML text) into records with no file system, so the
same code serves the build (`build_fixtures`, a thin loop over files: `build_fixture`) and
anything that compiles notes at run time. The output is a list of plain dicts in Django's
fixture format with natural keys and no primary keys, so `loaddata` updates rows in place on
every reload. Everything is deterministic: stable ordering, no clock, and the "random" choices
of the generated "which service?" questions are seeded from the question key through SHA-256
(`hash()` is salted per process and would change the output between runs).

Every problem is reported as `file:line: message`; YAML line numbers come from the node marks
kept by a line-aware SafeLoader.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

import yaml
from django.utils.text import slugify

from . import rules
from .blueprint import (
    Blueprint,
    Domain,
    TaskStatement,
    UnknownDomainError,
    domain_titles,
    match_domain_heading,
)
from .catalog import Catalog, Service, match_heading
from .notes import Notes, NoteTopic, Problem, SourceError, parse_notes
from .which import (
    LineOverlay,
    Reason,
    mask_statement,
    named_services,
    option_order,
    pick_distractors,
    visible_names,
)

EXAM_KINDS = (rules.SINGLE, rules.MULTIPLE)
EXAM_SUFFIX = ".exam.yaml"
MASK = "＿＿＿"
WHICH_PROMPT = "다음 설명에 해당하는 AWS 서비스는 무엇입니까?\n\n> "
WHICH_PROMPT_EN = "Which AWS service does this describe?\n\n> "
FLAG_KINDS = ("fact", "outdated", "typo")
KEY_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LINK_RE = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)[^)]*\)")
# Field sizes of cards.models, checked here so a bad source fails the build, not loaddata.
MAX_SLUG = 80
MAX_KEY = 100
MAX_NAME = 120
MAX_URL = 200
# How a topic was put under its task statement.
BY_YAML = "yaml"
BY_CATALOG = "catalog"

Record = dict[str, Any]


# --- YAML with line numbers ----------------------------------------------------------------


class LineMap(dict[Any, Any]):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A YAML sequence that remembers its own line and the line of each item."""

    line: int
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[LineMap]:
    data = LineMap()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data  # yielded first, as SafeLoader does, so aliases to this node resolve
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "found an unhashable key", key_node.start_mark
            )
        if key in data:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_list(loader: _LineLoader, node: yaml.SequenceNode) -> Iterator[LineList]:
    data = LineList()
    data.line = node.start_mark.line + 1
    data.item_lines = []
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.item_lines.append(item.start_mark.line + 1)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


def load_yaml(text: str, path: str) -> Any:
    """Safe-load YAML whose mappings and sequences carry line numbers."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise SourceError([Problem(path, line, problem)]) from exc
    except yaml.YAMLError as exc:
        raise SourceError([Problem(path, 1, str(exc))]) from exc


# --- The authored exam file ------------------------------------------------------------------


# --- The authored exam file ------------------------------------------------------------------


@dataclass(frozen=True)
class TopicSpec:
    """What the YAML says of one topic; every field but the heading may be left out ("")."""

    line: int
    heading: str
    slug: str
    slug_line: int
    task_statement: str  # a code such as the blueprint's, "" when the catalog should decide
    task_statement_line: int
    service: str  # the name offered in "which service?" questions
    mask: tuple[str, ...] | None  # None: the catalog's names of the service
    summary: str
    summary_en: str
    description: str
    description_en: str


@dataclass(frozen=True)
class AnswerSpec:
    line: int
    text: str
    text_en: str
    correct: bool
    why: str
    why_en: str
    url: str


@dataclass(frozen=True)
class QuestionSpec:
    line: int
    key: str
    key_line: int
    topic: str
    topic_line: int
    kind: str
    cites: tuple[int, int]
    cites_line: int
    prompt: str
    prompt_en: str
    explanation: str
    explanation_en: str
    answers: tuple[AnswerSpec, ...]
    # Set when the question tests another task statement of the domain than its topic's.
    task_statement: str = ""
    task_statement_line: int = 0
    # A question whose wording had to change keeps its key and history but is no longer shown
    # from this day ("YYYY-MM-DD"); the corrected wording is a new question with a new key.
    retired: str = ""


@dataclass(frozen=True)
class NoteFlag:
    """A reviewer's note on one line of the notes, which stay verbatim: the line is wrong
    (`fact`), no longer true (`outdated`) or misspelt (`typo`), and how it should read."""

    line: int  # of the notes
    yaml_line: int
    kind: str
    correction: str
    correction_en: str
    url: str

    def record(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "kind": self.kind,
            "correction": self.correction,
            "correction_en": self.correction_en,
            "url": self.url,
        }


@dataclass(frozen=True)
class ExamSpec:
    path: str
    notes: str
    notes_line: int
    name_en: str
    description: str
    description_en: str
    topics: tuple[TopicSpec, ...]
    notes_en: dict[int, str]
    notes_en_lines: dict[int, int]
    questions: tuple[QuestionSpec, ...]
    note_flags: tuple[NoteFlag, ...] = ()
    which: dict[int, LineOverlay] = field(default_factory=dict)  # by note line
    which_lines: dict[int, int] = field(default_factory=dict)  # note line -> its YAML line

    def flags_on(self, first: int, last: int) -> list[NoteFlag]:
        return [flag for flag in self.note_flags if first <= flag.line <= last]


class _Reader:
    """Checks the shape of one YAML mapping, collecting problems instead of stopping."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def mapping(self, value: Any, line: int, what: str) -> LineMap | None:
        if isinstance(value, LineMap):
            return value
        self.problem(line, f"{what} must be a mapping")
        return None

    def keys(
        self, data: LineMap, what: str, required: Sequence[str], optional: Sequence[str] = ()
    ) -> None:
        for key in data:
            if key not in required and key not in optional:
                self.problem(data.key_lines[key], f"unknown key {key!r} in {what}")
        for key in required:
            if key not in data:
                self.problem(data.line, f"{what} has no {key!r}")

    def line(self, data: LineMap, key: str) -> int:
        return data.key_lines.get(key, data.line)

    def text(self, data: LineMap, key: str, *, required: bool = False) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            self.problem(self.line(data, key), f"{key!r} must be text")
            return ""
        value = value.strip()
        if required and key in data and not value:
            self.problem(self.line(data, key), f"{key!r} is empty")
        return value

    def code(self, data: LineMap, key: str) -> str:
        """A task statement code; unquoted, "<n>.<n>" is a float to YAML: take the text it shows."""
        value = data.get(key, "")
        if isinstance(value, float | int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (key in data and not value.strip()):
            self.problem(self.line(data, key), f"{key!r} must be a task statement code")
            return ""
        return value.strip()

    def items(self, data: LineMap, key: str) -> list[tuple[int, Any]]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, LineList):
            self.problem(self.line(data, key), f"{key!r} must be a list")
            return []
        return list(zip(value.item_lines, value, strict=True))


TOPIC_TEXTS = ("slug", "service", "summary", "summary_en", "description", "description_en")


def _read_topic(reader: _Reader, line: int, value: Any) -> TopicSpec | None:
    data = reader.mapping(value, line, "a topic")
    if data is None:
        return None
    reader.keys(data, "topic", ("heading",), (*TOPIC_TEXTS, "task_statement", "mask"))
    texts = {key: reader.text(data, key, required=True) for key in ("heading", *TOPIC_TEXTS)}
    mask: list[str] | None = None
    if "mask" in data:
        mask = []
        for item_line, item in reader.items(data, "mask"):
            if isinstance(item, str) and item.strip():
                mask.append(item.strip())
            else:
                reader.problem(item_line, "each mask entry must be non-empty text")
    return TopicSpec(
        line=data.line,
        slug_line=reader.line(data, "slug"),
        task_statement=reader.code(data, "task_statement"),
        task_statement_line=reader.line(data, "task_statement"),
        mask=tuple(mask) if mask is not None else None,
        **texts,
    )


def _read_answer(reader: _Reader, line: int, value: Any) -> AnswerSpec | None:
    data = reader.mapping(value, line, "an answer")
    if data is None:
        return None
    reader.keys(data, "answer", ("text", "text_en", "correct", "why", "why_en"), ("url",))
    correct = data.get("correct", False)
    if not isinstance(correct, bool):
        reader.problem(reader.line(data, "correct"), "'correct' must be true or false")
        correct = False
    url = reader.text(data, "url")
    if url and not url.startswith(("https://", "http://")):
        reader.problem(reader.line(data, "url"), "'url' must start with https:// or http://")
    if len(url) > MAX_URL:
        reader.problem(reader.line(data, "url"), f"'url' is longer than {MAX_URL} characters")
    return AnswerSpec(
        line=data.line,
        text=reader.text(data, "text", required=True),
        text_en=reader.text(data, "text_en"),
        correct=correct,
        why=reader.text(data, "why"),
        why_en=reader.text(data, "why_en"),
        url=url,
    )


def _read_question(reader: _Reader, line: int, value: Any) -> QuestionSpec | None:
    data = reader.mapping(value, line, "a question")
    if data is None:
        return None
    reader.keys(
        data,
        "question",
        ("key", "topic", "kind", "cites", "prompt", "prompt_en", "answers"),
        ("explanation", "explanation_en", "task_statement", "retired"),
    )
    retired = ""
    if "retired" in data:
        value = data["retired"]
        # YAML reads an unquoted 2026-12-04 as a date; a datetime is a date too, but not one day.
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            retired = value.isoformat()
        else:
            reader.problem(reader.line(data, "retired"), "'retired' must be a date: YYYY-MM-DD")
    key = reader.text(data, "key", required=True)
    if key and (not KEY_RE.fullmatch(key) or len(key) > MAX_KEY):
        reader.problem(
            reader.line(data, "key"),
            f"key {key!r} must be a slug (a-z, 0-9, single hyphens) of at most {MAX_KEY} chars",
        )
    kind = reader.text(data, "kind", required=True)
    if kind and kind not in EXAM_KINDS:
        reader.problem(
            reader.line(data, "kind"), f"kind {kind!r} is not one of {', '.join(EXAM_KINDS)}"
        )
    cites = data.get("cites")
    first = last = 0
    if "cites" in data:
        if (
            isinstance(cites, list)
            and len(cites) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) for n in cites)
        ):
            first, last = cites
            if not 1 <= first <= last:
                reader.problem(
                    reader.line(data, "cites"), f"cites [{first}, {last}]: need 1 <= first <= last"
                )
        else:
            reader.problem(reader.line(data, "cites"), "cites must be [first line, last line]")
    answers = [
        answer
        for item_line, item in reader.items(data, "answers")
        if (answer := _read_answer(reader, item_line, item)) is not None
    ]
    if kind in EXAM_KINDS:
        for message in rules.answer_set_errors(kind, [answer.correct for answer in answers]):
            reader.problem(data.line, f"{key or 'question'}: {message}")
    return QuestionSpec(
        line=data.line,
        key=key,
        key_line=reader.line(data, "key"),
        topic=reader.text(data, "topic", required=True),
        topic_line=reader.line(data, "topic"),
        kind=kind,
        cites=(first, last),
        cites_line=reader.line(data, "cites"),
        prompt=reader.text(data, "prompt", required=True),
        prompt_en=reader.text(data, "prompt_en"),
        explanation=reader.text(data, "explanation"),
        explanation_en=reader.text(data, "explanation_en"),
        answers=tuple(answers),
        task_statement=reader.code(data, "task_statement"),
        task_statement_line=reader.line(data, "task_statement"),
        retired=retired,
    )


def _line_keyed(reader: _Reader, root: LineMap, key: str) -> list[tuple[int, int, Any]]:
    """(note line, YAML line, value) for each entry of a mapping keyed by note line."""
    if key not in root:
        return []
    data = reader.mapping(root[key], reader.line(root, key), key)
    if data is None:
        return []
    entries = []
    for item in data:
        number = int(item) if isinstance(item, str) and item.isdigit() else item
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            reader.problem(data.key_lines[item], f"{key} key {item!r} must be a line number")
            continue
        entries.append((number, data.key_lines[item], data[item]))
    return entries


def _read_flags(reader: _Reader, root: LineMap) -> list[NoteFlag]:
    flags: list[NoteFlag] = []
    for number, line, value in _line_keyed(reader, root, "note_flags"):
        items = (
            list(zip(value.item_lines, value, strict=True))
            if isinstance(value, LineList)
            else [(line, value)]
        )
        for item_line, item in items:
            data = reader.mapping(item, item_line, "a note flag")
            if data is None:
                continue
            reader.keys(data, "note flag", ("kind", "correction", "correction_en", "url"))
            kind = reader.text(data, "kind", required=True)
            if kind and kind not in FLAG_KINDS:
                reader.problem(
                    reader.line(data, "kind"),
                    f"kind {kind!r} is not one of {', '.join(FLAG_KINDS)}",
                )
            url = reader.text(data, "url", required=True)
            if url and not url.startswith("https://"):
                reader.problem(reader.line(data, "url"), "'url' must start with https://")
            flags.append(
                NoteFlag(
                    line=number,
                    yaml_line=data.line,
                    kind=kind,
                    correction=reader.text(data, "correction", required=True),
                    correction_en=reader.text(data, "correction_en", required=True),
                    url=url,
                )
            )
    return flags


def _read_which(reader: _Reader, root: LineMap) -> tuple[dict[int, LineOverlay], dict[int, int]]:
    overlays: dict[int, LineOverlay] = {}
    lines: dict[int, int] = {}
    for number, line, value in _line_keyed(reader, root, "which"):
        data = reader.mapping(value, line, "a which entry")
        if data is None:
            continue
        reader.keys(data, "which entry", (), ("skip", "clues", "also_fits", "why_not"))
        clues: list[tuple[str, str]] = []
        if "clues" in data:
            mapping = reader.mapping(data["clues"], reader.line(data, "clues"), "clues")
            for words, replacement in (mapping or LineMap()).items():
                if not isinstance(words, str) or not words.strip():
                    reader.problem(reader.line(data, "clues"), "each clue must be non-empty text")
                elif replacement is not None and not isinstance(replacement, str):
                    reader.problem(reader.line(data, "clues"), f"clue {words!r}: text expected")
                else:
                    clues.append((words, MASK if replacement is None else replacement))
        also: list[str] = []
        for item_line, item in reader.items(data, "also_fits"):
            if isinstance(item, str) and item.strip():
                also.append(item.strip())
            else:
                reader.problem(item_line, "each also_fits entry must be a service slug")
        why_not: dict[str, Reason] = {}
        if "why_not" in data:
            mapping = reader.mapping(data["why_not"], reader.line(data, "why_not"), "why_not")
            for slug, value in (mapping or LineMap()).items():
                reason = reader.mapping(value, reader.line(data, "why_not"), "a reason")
                if reason is None:
                    continue
                reader.keys(reason, "reason", ("why", "why_en"))
                why_not[str(slug)] = Reason(
                    why=reader.text(reason, "why", required=True),
                    why_en=reader.text(reason, "why_en", required=True),
                )
        overlays[number] = LineOverlay(
            line=number,
            skip=reader.text(data, "skip"),
            clues=tuple(clues),
            also_fits=tuple(also),
            why_not=why_not,
        )
        lines[number] = line
    return overlays, lines


def parse_exam(text: str, path: str) -> ExamSpec:
    """Parse and shape-check an exam YAML file; cross-checks with the notes come later."""
    problems: list[Problem] = []
    reader = _Reader(path, problems)
    root = reader.mapping(load_yaml(text, path), 1, "the file")
    if root is None:
        raise SourceError(problems)
    reader.keys(
        root,
        "the file",
        ("notes",),
        ("domain", "topics", "notes_en", "note_flags", "which", "questions"),
    )

    domain = None
    if "domain" in root:
        domain = reader.mapping(root["domain"], reader.line(root, "domain"), "domain")
    name_en = description = description_en = ""
    if domain is not None:
        reader.keys(domain, "domain", (), ("name_en", "description", "description_en"))
        name_en = reader.text(domain, "name_en", required=True)
        description = reader.text(domain, "description")
        description_en = reader.text(domain, "description_en")
        if len(name_en) > MAX_NAME:
            reader.problem(reader.line(domain, "name_en"), f"longer than {MAX_NAME} characters")

    topics = [
        topic
        for item_line, item in reader.items(root, "topics")
        if (topic := _read_topic(reader, item_line, item)) is not None
    ]
    for attribute in ("heading", "slug"):
        seen: dict[str, int] = {}
        for topic in topics:
            value = getattr(topic, attribute)
            if not value:
                continue
            if value in seen:
                reader.problem(topic.line, f"{attribute} {value!r} repeats line {seen[value]}")
            seen.setdefault(value, topic.line)

    notes_en: dict[int, str] = {}
    notes_en_lines: dict[int, int] = {}
    raw_notes_en = root.get("notes_en")
    en = None
    if raw_notes_en is not None:
        en = reader.mapping(raw_notes_en, reader.line(root, "notes_en"), "notes_en")
    if en is not None:
        for key in en:
            number = int(key) if isinstance(key, str) and key.isdigit() else key
            if not isinstance(number, int) or isinstance(number, bool) or number < 1:
                reader.problem(en.key_lines[key], f"notes_en key {key!r} must be a line number")
                continue
            notes_en[number] = reader.text(en, key, required=True)
            notes_en_lines[number] = en.key_lines[key]

    questions = [
        question
        for item_line, item in reader.items(root, "questions")
        if (question := _read_question(reader, item_line, item)) is not None
    ]
    note_flags = _read_flags(reader, root)
    which, which_lines = _read_which(reader, root)
    notes = reader.text(root, "notes", required=True)
    if problems:
        raise SourceError(sorted(problems, key=lambda problem: problem.line or 0))
    return ExamSpec(
        path=path,
        notes=notes,
        notes_line=reader.line(root, "notes"),
        name_en=name_en,
        description=description,
        description_en=description_en,
        topics=tuple(topics),
        notes_en=notes_en,
        notes_en_lines=notes_en_lines,
        questions=tuple(questions),
        note_flags=tuple(note_flags),
        which=which,
        which_lines=which_lines,
    )


# --- Small pieces ----------------------------------------------------------------------------


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_link_url(text: str) -> str:
    """The URL of the first Markdown link to an http(s) address, or ""."""
    for match in LINK_RE.finditer(text):
        if match["url"].startswith(("https://", "http://")):
            return match["url"]
    return ""


def heading_slug(heading: str) -> str:
    """The slug of a heading: Django's slugify, or, for a heading with no ASCII letter or digit
    (a Korean one), "h-" and a digest of it, so every heading gives a stable, URL-safe slug."""
    return slugify(heading) or f"h-{sha256(heading)[:12]}"


def exam_path_for(notes_path: str) -> str:
    """Where the YAML companion of a notes file is, or would be: `<stem>.exam.yaml` beside it."""
    return notes_path.removesuffix(".md") + EXAM_SUFFIX


def domain_key(domain: Domain, blueprint: Blueprint) -> list[Any]:
    """A domain's natural key in the fixture (cards.Domain.natural_key)."""
    return [blueprint.code, domain.number]


def task_statement_key(task: TaskStatement | None, blueprint: Blueprint) -> list[Any] | None:
    return [blueprint.code, task.code] if task is not None else None


# --- Placing topics on the blueprint ---------------------------------------------------------


@dataclass(frozen=True)
class PlacedTopic:
    """A notes topic with what the build decided about it, from its YAML or the catalog."""

    line: int
    heading: str
    slug: str
    domain: Domain
    task_statement: TaskStatement | None
    placed_by: str  # BY_YAML, BY_CATALOG, or "" when it has no task statement
    service: Service | None  # the catalog's service, when the topic names exactly one
    option: str  # the name offered for it in "which service?" questions
    mask: tuple[str, ...]  # what its "which service?" questions hide
    summary: str
    summary_en: str
    description: str
    description_en: str


def _catalog_service(spec: TopicSpec | None, heading: str, catalog: Catalog) -> Service | None:
    """The service the YAML names for the topic, else the one its heading names, else None."""
    if spec is not None and spec.service:
        named = match_heading(spec.service, catalog).service
        if named is not None:
            return named
    return match_heading(heading, catalog).service


def _unplaced_reason(topic: PlacedTopic, catalog: Catalog) -> str:
    """Why the catalog cannot put a topic under one task statement of its domain."""
    service = topic.service
    if service is None:
        candidates = match_heading(topic.heading, catalog).candidates
        if not candidates:
            return f"names no service of the {catalog.blueprint.code} catalog"
        names = ", ".join(candidate.name for candidate in candidates)
        return f"names several services ({names})"
    tasks = catalog.task_statements_in(service, topic.domain)
    if not tasks:
        where = "no task statement"
    else:
        codes = ", ".join(task.code for task in tasks)
        where = f"{len(tasks)} task statements ({codes})"
    return (
        f"names {service.name}, which the catalog puts under {where} "
        f"of domain {topic.domain.number}"
    )


def place_topic(
    topic: NoteTopic,
    spec: TopicSpec | None,
    domain: Domain,
    catalog: Catalog,
) -> PlacedTopic:
    """Put a topic under a task statement of `domain`: the YAML's, else the catalog's one.

    The YAML's task statement must already be known to belong to `domain` (checked earlier).
    """
    service = _catalog_service(spec, topic.heading, catalog)
    task: TaskStatement | None = None
    placed_by = ""
    if spec is not None and spec.task_statement:
        task = next(t for t in domain.task_statements if t.code == spec.task_statement)
        placed_by = BY_YAML
    elif service is not None and (found := catalog.task_statement_in(service, domain)):
        task, placed_by = found, BY_CATALOG

    option = (spec.service if spec is not None else "") or (
        service.name if service is not None else topic.heading
    )
    if spec is not None and spec.mask is not None:
        mask = (*spec.mask, option)
    else:
        names = service.names if service is not None else ()
        mask = (*names, topic.heading, option)

    def text(attribute: str, fallback: str) -> str:
        given = getattr(spec, attribute) if spec is not None else ""
        return str(given) or fallback

    summary = service.summary if service is not None else ""
    summary_en = service.summary_en if service is not None else ""
    return PlacedTopic(
        line=topic.line,
        heading=topic.heading,
        slug=heading_slug(topic.heading),
        domain=domain,
        task_statement=task,
        placed_by=placed_by,
        service=service,
        option=option,
        mask=mask,
        summary=text("summary", summary),
        summary_en=text("summary_en", summary_en),
        description=text("description", summary),
        description_en=text("description_en", summary_en),
    )


# --- One notes file ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One parsed notes file, its YAML if any, and the domain its `# ` heading names."""

    notes: Notes
    exam: ExamSpec | None
    exam_path: str  # where the YAML is or would be, for the hints that name it
    source_file: str  # the name questions cite: "notes/<filename>" in this repository
    domain: Domain


@dataclass(frozen=True)
class KeyUse:
    """A natural key a file defines, and where: two files must not define the same one."""

    what: str  # "topic slug", "deck slug" or "key"
    value: str
    place: Problem  # file and line, with no message


@dataclass(frozen=True)
class Compiled:
    """What one notes file compiles to. `problems` stop a build; `warnings` do not.

    With problems, `records` and `topics` are empty: nothing of a bad file is ever written.
    """

    path: str
    domain: Domain | None
    topics: tuple[PlacedTopic, ...] = ()
    records: tuple[Record, ...] = ()
    warnings: tuple[Problem, ...] = ()
    problems: tuple[Problem, ...] = ()
    keys: tuple[KeyUse, ...] = field(default=(), repr=False)
    which: tuple[WhichEntry, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def _domain_problem(notes: Notes, blueprint: Blueprint) -> tuple[Domain | None, Problem | None]:
    if notes.title is None:
        listing = "; ".join(f'"{title}"' for title in domain_titles(blueprint))
        message = (
            f"no '# ' heading naming the {blueprint.code} domain of these notes; "
            f"write one before the first topic, one of: {listing}"
        )
        return None, Problem(notes.path, 1, message)
    try:
        return match_domain_heading(notes.title, blueprint), None
    except UnknownDomainError as error:
        return None, Problem(notes.path, notes.title_line, str(error))


def read_source(
    text: str,
    path: str,
    exam_yaml: str | None = None,
    *,
    blueprint: Blueprint,
    exam_path: str | None = None,
    source_file: str | None = None,
) -> tuple[Source | None, list[Problem]]:
    """Parse a notes text and its YAML text and find the domain; None with the problems if not.

    `path` names the notes in problems; `source_file` is what questions cite (default `path`).
    """
    exam_path = exam_path or exam_path_for(path)
    problems: list[Problem] = []
    notes: Notes | None = None
    exam: ExamSpec | None = None
    try:
        notes = parse_notes(text, path)
    except SourceError as error:
        problems.extend(error.problems)
    if exam_yaml is not None:
        try:
            exam = parse_exam(exam_yaml, exam_path)
        except SourceError as error:
            problems.extend(error.problems)
    if notes is None:
        return None, problems
    domain, problem = _domain_problem(notes, blueprint)
    if problem is not None:
        problems.insert(0, problem)
    if domain is None or problems:
        return None, problems
    return Source(notes, exam, exam_path, source_file or path, domain), []


def _check_source(source: Source) -> list[Problem]:
    """Cross-check the notes with their YAML: topics, slugs, task statements, lines, links."""
    notes, exam, domain = source.notes, source.exam, source.domain
    problems: list[Problem] = []
    if notes.title is not None and (
        not heading_slug(notes.title) or len(heading_slug(notes.title)) > MAX_SLUG
    ):
        problems.append(Problem(notes.path, notes.title_line, "title gives no usable slug"))
    for topic in notes.topics:
        slug = heading_slug(topic.heading)
        if not slug or len(slug) > MAX_SLUG or len(topic.heading) > MAX_NAME:
            problems.append(
                Problem(notes.path, topic.line, f'heading "{topic.heading}" gives no usable slug')
            )
        for question in topic.questions:
            for answer in question.answers:
                if len(first_link_url(answer.text)) > MAX_URL:
                    problems.append(
                        Problem(notes.path, answer.line, f"link longer than {MAX_URL} characters")
                    )
    if exam is None:
        return problems

    file_name = PurePath(source.notes.path).name
    if exam.notes != file_name:
        problems.append(
            Problem(exam.path, exam.notes_line, f"notes: {exam.notes!r} should be {file_name!r}")
        )
    headings = {topic.heading: topic for topic in notes.topics}
    codes = [task.code for task in domain.task_statements]

    def in_domain(code: str, line: int) -> None:
        if code and code not in codes:
            problems.append(
                Problem(
                    exam.path,
                    line,
                    f"task_statement {code!r} is not one of domain {domain.number}'s: "
                    + ", ".join(codes),
                )
            )

    for spec in exam.topics:
        heading = headings.get(spec.heading)
        if heading is None:
            problems.append(
                Problem(
                    exam.path,
                    spec.line,
                    f'topic "{spec.heading}" is not a "## " heading of {notes.path}',
                )
            )
        elif spec.slug and spec.slug != heading_slug(heading.heading):
            problems.append(
                Problem(
                    exam.path,
                    spec.slug_line,
                    f"slug {spec.slug!r} should be {heading_slug(heading.heading)!r}",
                )
            )
        in_domain(spec.task_statement, spec.task_statement_line)

    content_lines = {
        line
        for topic in notes.topics
        for question in topic.questions
        for line in (question.line, *(answer.line for answer in question.answers))
    }
    for number, line in sorted(exam.notes_en_lines.items()):
        if number not in content_lines:
            problems.append(
                Problem(
                    exam.path,
                    line,
                    f"notes_en line {number} is not a question or answer line of {notes.path}",
                )
            )

    headings_lines = {topic.line for topic in notes.topics}
    for flag in exam.note_flags:
        if flag.line not in content_lines | headings_lines:
            problems.append(
                Problem(
                    exam.path,
                    flag.yaml_line,
                    f"note_flags line {flag.line} is not a heading, question or answer line "
                    f"of {notes.path}",
                )
            )
    bullet_lines = {
        answer.line
        for topic in notes.topics
        for question in topic.questions
        for answer in question.answers
    }
    for number, line in sorted(exam.which_lines.items()):
        if number not in bullet_lines:
            problems.append(
                Problem(
                    exam.path, line, f"which line {number} is not an answer line of {notes.path}"
                )
            )

    sections = {heading_slug(topic.heading): topic for topic in notes.topics}
    for authored in exam.questions:
        section = sections.get(authored.topic)
        if section is None:
            problems.append(
                Problem(exam.path, authored.topic_line, f"unknown topic {authored.topic!r}")
            )
            continue
        in_domain(authored.task_statement, authored.task_statement_line)
        first, last = authored.cites
        if not section.first_line <= first <= last <= section.last_line:
            problems.append(
                Problem(
                    exam.path,
                    authored.cites_line,
                    f"cites [{first}, {last}] lie outside topic {authored.topic!r} "
                    f"(lines {section.first_line}-{section.last_line} of {notes.path})",
                )
            )
    return problems


def _unplaced_warning(source: Source, topic: PlacedTopic, catalog: Catalog) -> Problem:
    reason = _unplaced_reason(topic, catalog)
    return Problem(
        source.notes.path,
        topic.line,
        f'topic "{topic.heading}" {reason}: built in domain {source.domain.number} without a '
        f"task statement (give one in {source.exam_path})",
    )


def _question(
    *,
    key: str,
    topic: str,
    kind: str,
    origin: str,
    prompt: str,
    prompt_en: str = "",
    explanation: str = "",
    explanation_en: str = "",
    task_statement: list[Any] | None = None,
    source: Source,
    first: int,
    last: int,
    retired: str = "",
) -> Record:
    """A question record; its `order` within the topic is set when the topic is assembled.

    It carries the reviewer's notes on the lines it cites and on its topic's heading, shown
    wherever those lines are.
    """
    text = source.notes.source_text(first, last)
    flags = source.exam.flags_on(first, last) if source.exam is not None else []
    # The topic's heading is shown with every card of the topic: a flag on it goes with them.
    heading = next((t.line for t in source.notes.topics if heading_slug(t.heading) == topic), 0)
    if source.exam is not None and heading and not first <= heading <= last:
        flags = source.exam.flags_on(heading, heading) + flags
    return {
        "model": "cards.question",
        "fields": {
            "key": key,
            "topic": [topic],
            "task_statement": task_statement,
            "kind": kind,
            "origin": origin,
            "prompt": prompt,
            "prompt_en": prompt_en,
            "explanation": explanation,
            "explanation_en": explanation_en,
            "source_file": source.source_file,
            "source_first_line": first,
            "source_last_line": last,
            "source_text": text,
            "source_hash": sha256(text),
            "note_flags": [flag.record() for flag in flags],
            # Midnight UTC of the day the YAML gives: a date, so the build stays clock-free.
            "retired_at": f"{retired}T00:00:00Z" if retired else None,
            "order": 0,
        },
    }


def _answer(
    *,
    key: str,
    text: str,
    text_en: str = "",
    is_correct: bool,
    explanation: str = "",
    explanation_en: str = "",
    reference_url: str = "",
    order: int,
) -> Record:
    return {
        "model": "cards.answer",
        "fields": {
            "question": [key],
            "text": text,
            "text_en": text_en,
            "is_correct": is_correct,
            "explanation": explanation,
            "explanation_en": explanation_en,
            "reference_url": reference_url,
            "order": order,
        },
    }


def _deck(
    *,
    slug: str,
    name: str,
    name_en: str,
    description: str,
    description_en: str,
    domain: list[Any],
    order: int,
) -> Record:
    return {
        "model": "cards.deck",
        "fields": {
            "slug": slug,
            "name": name,
            "name_en": name_en,
            "description": description,
            "description_en": description_en,
            "questions": [],
            "owner": None,
            "domain": domain,
            "order": order,
        },
    }


@dataclass(frozen=True)
class WhichEntry:
    """What the build decided for one answer bullet: a "which service?" question or not, why.

    `content_report` prints these so an author can review the whole bank in one read.
    """

    path: str
    line: int
    key: str
    answer: str  # the option offered as right
    skipped: str = ""  # why no question was built; "" when it was
    from_correction: bool = False  # asked from a reviewer's corrected wording
    masks: tuple[str, ...] = ()
    clues: tuple[str, ...] = ()
    distractors: tuple[tuple[str, str, bool], ...] = ()  # (name, chosen for, reason authored)
    excluded_names: tuple[str, ...] = ()  # services the statement names or also describes
    warnings: tuple[str, ...] = ()

    @property
    def built(self) -> bool:
        return not self.skipped


def which_key(topic_slug: str, line: int) -> str:
    """The key of the "which service?" question of a line.

    "<topic>-which-service-<line>": the questions once keyed "<topic>-which-<line>" were asked
    with the answer on the page and offered other topics as wrong options; their wording and
    options changed, so they keep their key and history and are retired (see
    cards.services.content_seed), and these replace them.
    """
    return f"{topic_slug}-which-service-{line}"


def _corrected(flags: Sequence[NoteFlag]) -> NoteFlag | None:
    """The flag whose wording a question is asked from: a fact or outdated one before a typo."""
    for flag in sorted(flags, key=lambda flag: flag.kind == "typo"):
        if flag.correction:
            return flag
    return None


@dataclass
class _Topic:
    """One topic's records as they are assembled, with what the report needs."""

    questions: list[Record] = field(default_factory=list)
    answers: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    which: list[WhichEntry] = field(default_factory=list)


def _which_question(
    source: Source,
    placed: PlacedTopic,
    line: int,
    text: str,
    catalog: Catalog,
    built: _Topic,
    add: Callable[[Record, list[Record], Problem], None],
) -> None:
    """The "which service?" question of one answer bullet, or the reason there is none."""
    exam = source.exam
    en = exam.notes_en if exam is not None else {}
    key = which_key(placed.slug, line)
    entry = WhichEntry(source.notes.path, line, key, placed.option)
    overlay = (exam.which.get(line) if exam is not None else None) or LineOverlay(line)
    flags = exam.flags_on(line, line) if exam is not None else []
    english = en.get(line, "")
    corrected = _corrected(flags)
    if corrected is not None:
        text, english = corrected.correction, corrected.correction_en
    answer = placed.service

    def skip(reason: str, *warnings: str) -> None:
        built.which.append(replace(entry, skipped=reason, warnings=warnings))

    if overlay.skip:
        return skip(f"skipped in the YAML: {overlay.skip}")
    if flags and corrected is None:
        return skip("flagged line without a corrected wording")
    if answer is None:
        return skip(f"topic {placed.heading!r} names no service of the catalog")
    masked = mask_statement(
        text, answer=answer, catalog=catalog, names=placed.mask, clues=overlay.clues
    )
    masked_en = mask_statement(
        english, answer=answer, catalog=catalog, names=placed.mask, clues=overlay.clues
    )
    entry = replace(
        entry,
        from_correction=corrected is not None,
        masks=masked.names + masked_en.names,
        clues=masked.clues + masked_en.clues,
    )
    if not masked.names:
        return skip("no name of the answer in the statement: nothing to ask")
    left = visible_names(
        masked.text, answer=answer, catalog=catalog, names=placed.mask
    ) + visible_names(masked_en.text, answer=answer, catalog=catalog, names=placed.mask)
    if left:
        return skip("a name of the answer is left visible", f"left visible: {', '.join(left)}")
    unknown = [slug for slug in overlay.also_fits if slug not in catalog.by_slug]
    if unknown:
        where = exam.which_lines.get(line, 0) if exam is not None else 0
        built.problems.append(
            Problem(source.exam_path, where, f"also_fits: {', '.join(unknown)} not in the catalog")
        )
        return None
    named = {s.slug for s in named_services(text, catalog)} | {
        s.slug for s in named_services(english, catalog)
    }
    distractors = pick_distractors(
        key,
        answer,
        catalog,
        line=line,
        answer_name=placed.option,
        excluded=named | set(overlay.also_fits),
        reasons=overlay.why_not,
    )
    if len(distractors) < 3:
        return skip("fewer than three services in the catalog to offer as wrong answers")
    chosen = {d.service.slug for d in distractors}
    unused = sorted(set(overlay.why_not) - chosen)
    entry = replace(
        entry,
        warnings=tuple(f"why_not for {slug}, which is not offered" for slug in unused),
        distractors=tuple((d.service.name, d.chosen_for, d.authored) for d in distractors),
        excluded_names=tuple(
            catalog.service(slug).name for slug in sorted(named | set(overlay.also_fits))
        ),
    )
    built.which.append(entry)

    question = _question(
        key=key,
        topic=placed.slug,
        kind=rules.SINGLE,
        origin="which",
        prompt=WHICH_PROMPT + masked.text,
        prompt_en=WHICH_PROMPT_EN + masked_en.text if english else "",
        source=source,
        first=line,
        last=line,
    )
    wrong = {d.service.name: d for d in distractors}
    heading = placed.heading
    # Why the answer is right: what the service is for, then where the statement comes from.
    right_why = f"{answer.name}: {answer.summary} 이 설명은 노트의 {heading} 항목({line}행)" + (
        "에서 나왔습니다." if corrected is None else "을 검토 메모대로 고친 것입니다."
    )
    right_why_en = (
        f"{answer.name}: {answer.summary_en} The statement is line {line} of the {heading} "
        + (
            "section of the notes."
            if corrected is None
            else "section, as the reviewer's note corrects it."
        )
    )
    rows = []
    for i, label in enumerate(option_order(key, [placed.option, *wrong]), start=1):
        distractor = wrong.get(label)
        rows.append(
            _answer(
                key=key,
                text=label,
                text_en=label,
                is_correct=distractor is None,
                explanation=right_why if distractor is None else distractor.reason.why,
                explanation_en=right_why_en if distractor is None else distractor.reason.why_en,
                reference_url=(
                    (first_link_url(text) or answer.url)
                    if distractor is None
                    else distractor.service.url
                ),
                order=i,
            )
        )
    add(question, rows, Problem(source.notes.path, line, ""))
    return None


def _build_topic(
    source: Source,
    placed: PlacedTopic,
    topic: NoteTopic,
    blueprint: Blueprint,
    catalog: Catalog,
) -> _Topic:
    """One topic's questions (note, then which, then exam), their answers, problems, warnings."""
    notes, exam = source.notes, source.exam
    en = exam.notes_en if exam is not None else {}
    slug = placed.slug
    built = _Topic()

    def add(question: Record, answer_rows: list[Record], place: Problem) -> None:
        question["fields"]["order"] = len(built.questions) + 1
        flags = [row["fields"]["is_correct"] for row in answer_rows]
        for message in rules.answer_set_errors(question["fields"]["kind"], flags):
            built.problems.append(Problem(place.path, place.line, message))
        built.questions.append(question)
        built.answers.extend(answer_rows)

    for n, note in enumerate(topic.questions, start=1):
        key = f"{slug}-note-{n}"
        question = _question(
            key=key,
            topic=slug,
            kind=rules.FLASHCARD,
            origin="note",
            prompt=note.text,
            prompt_en=en.get(note.line, ""),
            source=source,
            first=note.line,
            last=note.last_line,
        )
        rows = [
            _answer(
                key=key,
                text=answer.text,
                text_en=en.get(answer.line, ""),
                is_correct=True,
                reference_url=first_link_url(answer.text),
                order=i,
            )
            for i, answer in enumerate(note.answers, start=1)
        ]
        add(question, rows, Problem(notes.path, note.line, ""))

    for note in topic.questions:
        for bullet in note.answers:
            _which_question(source, placed, bullet.line, bullet.text, catalog, built, add)

    for authored in exam.questions if exam is not None else ():
        if authored.topic != slug:
            continue
        override = next(
            (t for t in source.domain.task_statements if t.code == authored.task_statement), None
        )
        question = _question(
            key=authored.key,
            topic=slug,
            kind=authored.kind,
            origin="exam",
            prompt=authored.prompt,
            prompt_en=authored.prompt_en,
            explanation=authored.explanation,
            explanation_en=authored.explanation_en,
            task_statement=task_statement_key(override, blueprint),
            source=source,
            first=authored.cites[0],
            last=authored.cites[1],
            retired=authored.retired,
        )
        rows = [
            _answer(
                key=authored.key,
                text=answer.text,
                text_en=answer.text_en,
                is_correct=answer.correct,
                explanation=answer.why,
                explanation_en=answer.why_en,
                reference_url=answer.url,
                order=i,
            )
            for i, answer in enumerate(authored.answers, start=1)
        ]
        add(question, rows, Problem(source.exam_path, authored.line, ""))
    return built


def _key_uses(source: Source) -> list[KeyUse]:
    """Every natural key the file defines, where it is defined."""
    notes, exam = source.notes, source.exam
    uses: list[KeyUse] = []
    if notes.title is not None:
        uses.append(
            KeyUse(
                "deck slug", heading_slug(notes.title), Problem(notes.path, notes.title_line, "")
            )
        )
    for topic in notes.topics:
        slug = heading_slug(topic.heading)
        place = Problem(notes.path, topic.line, "")
        uses.append(KeyUse("topic slug", slug, place))
        uses.append(KeyUse("deck slug", slug, place))
        for n, question in enumerate(topic.questions, start=1):
            uses.append(KeyUse("key", f"{slug}-note-{n}", Problem(notes.path, question.line, "")))
            for answer in question.answers:
                uses.append(
                    KeyUse(
                        "key", which_key(slug, answer.line), Problem(notes.path, answer.line, "")
                    )
                )
    for authored in exam.questions if exam is not None else ():
        uses.append(KeyUse("key", authored.key, Problem(source.exam_path, authored.key_line, "")))
    return uses


def duplicate_keys(uses: Iterable[KeyUse]) -> list[Problem]:
    """Natural keys used twice, possibly across files, reported at the second use."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for use in uses:
        if (use.what, use.value) in seen:
            problems.append(
                Problem(use.place.path, use.place.line, f"{use.what} {use.value!r} is used twice")
            )
        seen.add((use.what, use.value))
    return problems


def compile_source(
    source: Source, *, blueprint: Blueprint, catalog: Catalog, first_order: int = 1
) -> Compiled:
    """Records for one parsed notes file: its topics, questions, answers and decks.

    Its topics take the orders `first_order`, `first_order + 1`, ... within their domain.
    """
    notes, exam, domain = source.notes, source.exam, source.domain
    path = notes.path
    problems = _check_source(source)
    keys = _key_uses(source)
    problems += duplicate_keys(keys)
    if problems:
        return Compiled(path, domain, problems=tuple(problems), keys=tuple(keys))

    specs = {spec.heading: spec for spec in exam.topics} if exam is not None else {}
    placed = [
        place_topic(topic, specs.get(topic.heading), domain, catalog) for topic in notes.topics
    ]
    warnings = [
        _unplaced_warning(source, topic, catalog) for topic in placed if not topic.placed_by
    ]
    domain_ref = domain_key(domain, blueprint)
    title = notes.title or ""
    topic_records: list[Record] = []
    questions: list[Record] = []
    answers: list[Record] = []
    which: list[WhichEntry] = []
    whole = _deck(
        slug=heading_slug(title),
        name=title,
        name_en=(exam.name_en if exam is not None else "") or domain.title_en,
        description=exam.description if exam is not None else "",
        description_en=exam.description_en if exam is not None else "",
        domain=domain_ref,
        order=0,
    )
    decks = [whole]
    for position, (topic, plan) in enumerate(zip(notes.topics, placed, strict=True)):
        order = first_order + position
        topic_records.append(
            {
                "model": "cards.topic",
                "fields": {
                    "slug": plan.slug,
                    "name": topic.heading,
                    "domain": domain_ref,
                    "task_statement": task_statement_key(plan.task_statement, blueprint),
                    "service": plan.service.slug if plan.service is not None else "",
                    "order": order,
                },
            }
        )
        built = _build_topic(source, plan, topic, blueprint, catalog)
        problems.extend(built.problems)
        warnings.extend(built.warnings)
        which.extend(built.which)
        deck = _deck(
            slug=plan.slug,
            name=topic.heading,
            name_en=topic.heading,
            description=plan.description,
            description_en=plan.description_en,
            domain=domain_ref,
            order=order,
        )
        # A deck named after a service must not hold the questions whose answer it names: the
        # "which service?" questions go only to the deck of the whole domain, which mixes
        # services. A retired question is kept for its history but is in no deck.
        current = [q["fields"] for q in built.questions if q["fields"]["retired_at"] is None]
        deck["fields"]["questions"] = [[q["key"]] for q in current if q["origin"] != "which"]
        whole["fields"]["questions"].extend([q["key"]] for q in current)
        decks.append(deck)
        questions.extend(built.questions)
        answers.extend(built.answers)
    warnings.sort(key=lambda warning: warning.line or 0)
    if problems:
        return Compiled(
            path, domain, problems=tuple(problems), warnings=tuple(warnings), keys=tuple(keys)
        )
    return Compiled(
        path,
        domain,
        topics=tuple(placed),
        records=(*topic_records, *questions, *answers, *decks),
        warnings=tuple(warnings),
        keys=tuple(keys),
        which=tuple(which),
    )


def compile_notes(
    text: str,
    path: str,
    exam_yaml: str | None = None,
    *,
    blueprint: Blueprint,
    catalog: Catalog,
    exam_path: str | None = None,
    source_file: str | None = None,
    first_order: int = 1,
) -> Compiled:
    """Compile one notes text, with the text of its YAML companion if it has one.

    `path` names the notes in problems and warnings, `exam_path` the YAML (default: the
    `<stem>.exam.yaml` beside `path`), `source_file` is the file questions cite (default
    `path`). Nothing is read from disk; nothing is raised for bad notes: the problems are in
    the result, and a result with problems has no records.
    """
    source, problems = read_source(
        text,
        path,
        exam_yaml,
        blueprint=blueprint,
        exam_path=exam_path,
        source_file=source_file,
    )
    if source is None:
        return Compiled(path, None, problems=tuple(problems))
    return compile_source(source, blueprint=blueprint, catalog=catalog, first_order=first_order)


# --- The whole build ---------------------------------------------------------------------------


def blueprint_records(blueprint: Blueprint) -> list[Record]:
    """The exam, its domains and their task statements as fixture records."""
    records: list[Record] = [
        {
            "model": "cards.certification",
            "fields": {
                "code": blueprint.code,
                "name": blueprint.name,
                "name_en": blueprint.name_en,
                "guide_version": blueprint.guide_version,
                "question_count": blueprint.questions,
                "scored_questions": blueprint.scored_questions,
                "unscored_questions": blueprint.unscored_questions,
                "minutes": blueprint.minutes,
                "passing_score": blueprint.passing_score,
                "score_min": blueprint.score_min,
                "score_max": blueprint.score_max,
            },
        }
    ]
    for domain in blueprint.domains:
        records.append(
            {
                "model": "cards.domain",
                "fields": {
                    "certification": [blueprint.code],
                    "number": domain.number,
                    "title": domain.title,
                    "title_en": domain.title_en,
                    "weight": domain.weight,
                    "order": domain.order,
                },
            }
        )
    for task in blueprint.task_statements:
        records.append(
            {
                "model": "cards.taskstatement",
                "fields": {
                    "domain": [blueprint.code, task.domain],
                    "code": task.code,
                    "title": task.title,
                    "title_en": task.title_en,
                    "order": task.order,
                },
            }
        )
    return records


@dataclass(frozen=True)
class NotesFile:
    """A notes file as read from disk, before anything is parsed."""

    path: str  # shown in problems
    text: str
    source_file: str  # cited by questions: "notes/<filename>"
    exam_path: str
    exam_text: str | None  # None: no YAML companion


@dataclass(frozen=True)
class Build:
    records: list[Record]
    warnings: tuple[Problem, ...]
    which: tuple[WhichEntry, ...] = ()


def build_fixture(files: Sequence[NotesFile], *, blueprint: Blueprint, catalog: Catalog) -> Build:
    """All fixture records: the blueprint, then every file's topics, questions, answers, decks.

    Files are compiled in the order given; within a domain, a file's topics follow those of the
    files before it. Raise SourceError listing every problem of every file: nothing is returned
    unless everything is valid.
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    compiled: list[Compiled] = []
    defined: dict[tuple[str, str], int] = {}  # each natural key -> the file that defined it
    placed_in: dict[int, int] = {}  # topics so far, per domain number
    for index, notes_file in enumerate(files):
        source, source_problems = read_source(
            notes_file.text,
            notes_file.path,
            notes_file.exam_text,
            blueprint=blueprint,
            exam_path=notes_file.exam_path,
            source_file=notes_file.source_file,
        )
        if source is None:
            problems.extend(source_problems)
            continue
        first = placed_in.get(source.domain.number, 0) + 1
        result = compile_source(source, blueprint=blueprint, catalog=catalog, first_order=first)
        placed_in[source.domain.number] = first - 1 + len(source.notes.topics)
        problems.extend(result.problems)
        warnings.extend(result.warnings)
        compiled.append(result)
        # A file's own repeats were reported when it was compiled; these are across files.
        for use in result.keys:
            owner = defined.setdefault((use.what, use.value), index)
            if owner != index:
                problems.append(
                    Problem(
                        use.place.path, use.place.line, f"{use.what} {use.value!r} is used twice"
                    )
                )
    if problems:
        raise SourceError(problems)
    by_model: dict[str, list[Record]] = {}
    for result in compiled:
        for record in result.records:
            by_model.setdefault(record["model"], []).append(record)
    records = blueprint_records(blueprint)
    for model in ("cards.topic", "cards.question", "cards.answer", "cards.deck"):
        records.extend(by_model.get(model, []))
    which = tuple(entry for result in compiled for entry in result.which)
    return Build(records=records, warnings=tuple(warnings), which=which)
