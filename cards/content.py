"""Turn parsed notes plus their authored `<stem>.exam.yaml` into Django fixture records.

Pure: no ORM and no database. The output is a list of plain dicts in Django's fixture format
with natural keys and no primary keys, so `loaddata` updates rows in place on every reload.
Everything is deterministic: stable ordering, no clock, and the "random" choices of the
generated "which service?" questions are seeded from the question key through SHA-256
(`hash()` is salted per process and would change the output between runs).

Every problem is reported as `file:line: message`; YAML line numbers come from the node marks
kept by a line-aware SafeLoader.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from django.utils.text import slugify

from . import rules
from .notes import Notes, NoteTopic, Problem, SourceError

# Mirrors cards.models.TaskStatement (importing models would tie this module to the ORM);
# a test keeps the two equal.
TASK_STATEMENTS = ("3.1", "3.2", "3.3", "3.4", "3.5")
EXAM_KINDS = (rules.SINGLE, rules.MULTIPLE)
MASK = "＿＿＿"
WHICH_PROMPT = "다음 설명에 해당하는 AWS 서비스는 무엇인가요?\n\n> "
WHICH_PROMPT_EN = "Which AWS service does this describe?\n\n> "
WHICH_DISTRACTORS = 3
KEY_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LINK_RE = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)[^)]*\)")
# Field sizes of cards.models, checked here so a bad source fails the build, not loaddata.
MAX_SLUG = 80
MAX_KEY = 100
MAX_NAME = 120
MAX_URL = 200

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


@dataclass(frozen=True)
class TopicSpec:
    line: int
    heading: str
    slug: str
    slug_line: int
    task_statement: str
    service: str
    mask: tuple[str, ...]
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

    def items(self, data: LineMap, key: str) -> list[tuple[int, Any]]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, LineList):
            self.problem(self.line(data, key), f"{key!r} must be a list")
            return []
        return list(zip(value.item_lines, value, strict=True))


def _read_topic(reader: _Reader, line: int, value: Any) -> TopicSpec | None:
    data = reader.mapping(value, line, "a topic")
    if data is None:
        return None
    text_keys = (
        "heading",
        "slug",
        "service",
        "summary",
        "summary_en",
        "description",
        "description_en",
    )
    reader.keys(data, "topic", (*text_keys, "task_statement", "mask"))
    texts = {key: reader.text(data, key, required=True) for key in text_keys}
    task = data.get("task_statement", "")
    if isinstance(task, float | int) and not isinstance(task, bool):
        task = str(task)  # an unquoted 3.2 is a float in YAML; accept it as the text it shows
    if "task_statement" in data and task not in TASK_STATEMENTS:
        reader.problem(
            reader.line(data, "task_statement"),
            f"task_statement {task!r} is not one of {', '.join(TASK_STATEMENTS)}",
        )
    mask: list[str] = []
    for item_line, item in reader.items(data, "mask"):
        if isinstance(item, str) and item.strip():
            mask.append(item.strip())
        else:
            reader.problem(item_line, "each mask entry must be non-empty text")
    return TopicSpec(
        line=data.line,
        slug_line=reader.line(data, "slug"),
        task_statement=str(task),
        mask=tuple(mask),
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
        ("explanation", "explanation_en"),
    )
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
    )


def parse_exam(text: str, path: str) -> ExamSpec:
    """Parse and shape-check an exam YAML file; cross-checks with the notes come later."""
    problems: list[Problem] = []
    reader = _Reader(path, problems)
    root = reader.mapping(load_yaml(text, path), 1, "the file")
    if root is None:
        raise SourceError(problems)
    reader.keys(root, "the file", ("notes", "domain", "topics"), ("notes_en", "questions"))

    domain = None
    if "domain" in root:
        domain = reader.mapping(root["domain"], reader.line(root, "domain"), "domain")
    name_en = description = description_en = ""
    if domain is not None:
        reader.keys(domain, "domain", ("name_en", "description", "description_en"))
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
    )


# --- Building the records --------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One notes file, its exam file if any, and the name its questions cite."""

    notes: Notes
    exam: ExamSpec | None
    exam_path: str  # where the exam file is or would be, for the hint when it is missing
    source_file: str  # "notes/<filename>", whatever directory the notes were read from


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_link_url(text: str) -> str:
    """The URL of the first Markdown link to an http(s) address, or ""."""
    for match in LINK_RE.finditer(text):
        if match["url"].startswith(("https://", "http://")):
            return match["url"]
    return ""


def mask_text(text: str, masks: Sequence[str]) -> str:
    """Hide the service: links become their (masked) text, then every mask string, longest first.

    Case-insensitive, so "lambda" in running text is hidden as well as "Lambda".
    """
    text = LINK_RE.sub(lambda match: match["text"], text)
    unique = sorted({mask for mask in masks if mask}, key=lambda mask: (-len(mask), mask))
    if not unique:
        return text
    pattern = re.compile("|".join(re.escape(mask) for mask in unique), re.IGNORECASE)
    return pattern.sub(MASK, text)


def which_options(key: str, right: TopicSpec, topics: Sequence[TopicSpec]) -> list[TopicSpec]:
    """The right topic plus up to three others with distinct services, in a seeded order."""

    def rank(label: str) -> Callable[[TopicSpec], str]:
        return lambda topic: sha256(f"{key}|{label}|{topic.service}")

    others: list[TopicSpec] = []
    services = {right.service}
    for topic in sorted(topics, key=rank("pick")):
        if topic.service not in services:
            services.add(topic.service)
            others.append(topic)
    return sorted([right, *others[:WHICH_DISTRACTORS]], key=rank("order"))


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
    source: Source,
    first: int,
    last: int,
) -> Record:
    """A question record; its `order` within the topic is set when the topic is assembled."""
    text = source.notes.source_text(first, last)
    return {
        "model": "cards.question",
        "fields": {
            "key": key,
            "topic": [topic],
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
    *, slug: str, name: str, name_en: str, description: str, description_en: str, order: int
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
            "order": order,
        },
    }


@dataclass
class _Built:
    topics: list[Record]
    questions: list[Record]
    answers: list[Record]
    decks: list[Record]


def _check_source(source: Source) -> list[Problem]:
    """Cross-check the notes with their exam file: topics, slugs, notes_en and citations."""
    notes, exam = source.notes, source.exam
    problems: list[Problem] = []
    if notes.title is None:
        problems.append(Problem(notes.path, 1, "no '# ' title (it names the whole-domain deck)"))
    elif not slugify(notes.title) or len(slugify(notes.title)) > MAX_SLUG:
        problems.append(Problem(notes.path, notes.title_line, "title gives no usable slug"))
    for topic in notes.topics:
        slug = slugify(topic.heading)
        if not slug or len(slug) > MAX_SLUG or len(topic.heading) > MAX_NAME:
            problems.append(
                Problem(notes.path, topic.line, f'heading "{topic.heading}" gives no usable slug')
            )
        if exam is None:
            problems.append(
                Problem(
                    notes.path,
                    topic.line,
                    f'topic "{topic.heading}" has no task statement (add {source.exam_path})',
                )
            )
        for question in topic.questions:
            for answer in question.answers:
                if len(first_link_url(answer.text)) > MAX_URL:
                    problems.append(
                        Problem(notes.path, answer.line, f"link longer than {MAX_URL} characters")
                    )
    if exam is None:
        return problems

    file_name = source.source_file.rsplit("/", 1)[-1]
    if exam.notes != file_name:
        problems.append(
            Problem(exam.path, exam.notes_line, f"notes: {exam.notes!r} should be {file_name!r}")
        )
    specs = {spec.heading: spec for spec in exam.topics}
    headings = {topic.heading: topic for topic in notes.topics}
    for topic in notes.topics:
        spec = specs.get(topic.heading)
        if spec is None:
            problems.append(
                Problem(
                    notes.path, topic.line, f'topic "{topic.heading}" is missing from {exam.path}'
                )
            )
        elif spec.slug != slugify(topic.heading):
            problems.append(
                Problem(
                    exam.path,
                    spec.slug_line,
                    f"slug {spec.slug!r} should be {slugify(topic.heading)!r}",
                )
            )
    for spec in exam.topics:
        if spec.heading not in headings:
            problems.append(
                Problem(
                    exam.path,
                    spec.line,
                    f'topic "{spec.heading}" is not a "## " heading of {notes.path}',
                )
            )

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

    sections = {slugify(topic.heading): topic for topic in notes.topics}
    for authored in exam.questions:
        section = sections.get(authored.topic)
        if section is None or authored.topic not in {spec.slug for spec in exam.topics}:
            problems.append(
                Problem(exam.path, authored.topic_line, f"unknown topic {authored.topic!r}")
            )
            continue
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


def _build_topic(
    source: Source, exam: ExamSpec, topic: NoteTopic, spec: TopicSpec, specs: Sequence[TopicSpec]
) -> tuple[list[Record], list[Record], list[Problem]]:
    """One topic's questions (note, then which, then exam) and their answers."""
    notes = source.notes
    en = exam.notes_en
    slug = spec.slug
    questions: list[Record] = []
    answers: list[Record] = []
    problems: list[Problem] = []

    def add(question: Record, answer_rows: list[Record], place: Problem) -> None:
        question["fields"]["order"] = len(questions) + 1
        flags = [row["fields"]["is_correct"] for row in answer_rows]
        for message in rules.answer_set_errors(question["fields"]["kind"], flags):
            problems.append(Problem(place.path, place.line, message))
        questions.append(question)
        answers.extend(answer_rows)

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

    masks = (*spec.mask, spec.service)
    for note in topic.questions:
        for bullet in note.answers:
            key = f"{slug}-which-{bullet.line}"
            english = en.get(bullet.line, "")
            question = _question(
                key=key,
                topic=slug,
                kind=rules.SINGLE,
                origin="which",
                prompt=WHICH_PROMPT + mask_text(bullet.text, masks),
                prompt_en=WHICH_PROMPT_EN + mask_text(english, masks) if english else "",
                source=source,
                first=bullet.line,
                last=bullet.line,
            )
            rows = []
            for i, option in enumerate(which_options(key, spec, specs), start=1):
                right = option is spec
                rows.append(
                    _answer(
                        key=key,
                        text=option.service,
                        text_en=option.service,
                        is_correct=right,
                        explanation=(
                            f"노트의 {topic.heading} 항목({bullet.line}행)에서 나온 설명입니다."
                            if right
                            else option.summary
                        ),
                        explanation_en=(
                            f"This description comes from the {topic.heading} section of the "
                            f"notes (line {bullet.line})."
                            if right
                            else option.summary_en
                        ),
                        reference_url=first_link_url(bullet.text) if right else "",
                        order=i,
                    )
                )
            add(question, rows, Problem(notes.path, bullet.line, ""))

    for authored in exam.questions:
        if authored.topic != slug:
            continue
        question = _question(
            key=authored.key,
            topic=slug,
            kind=authored.kind,
            origin="exam",
            prompt=authored.prompt,
            prompt_en=authored.prompt_en,
            explanation=authored.explanation,
            explanation_en=authored.explanation_en,
            source=source,
            first=authored.cites[0],
            last=authored.cites[1],
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
        add(question, rows, Problem(exam.path, authored.line, ""))
    return questions, answers, problems


def _build_source(
    source: Source, exam: ExamSpec, title: str, first_order: int
) -> tuple[_Built, list[Problem]]:
    notes = source.notes
    specs = {spec.heading: spec for spec in exam.topics}
    ordered_specs = [specs[topic.heading] for topic in notes.topics]
    built = _Built([], [], [], [])
    problems: list[Problem] = []
    domain = _deck(
        slug=slugify(title),
        name=title,
        name_en=exam.name_en,
        description=exam.description,
        description_en=exam.description_en,
        order=0,
    )
    built.decks.append(domain)
    for position, topic in enumerate(notes.topics):
        spec = ordered_specs[position]
        order = first_order + position
        built.topics.append(
            {
                "model": "cards.topic",
                "fields": {
                    "slug": spec.slug,
                    "name": topic.heading,
                    "task_statement": spec.task_statement,
                    "order": order,
                },
            }
        )
        questions, answers, topic_problems = _build_topic(source, exam, topic, spec, ordered_specs)
        problems.extend(topic_problems)
        deck = _deck(
            slug=spec.slug,
            name=topic.heading,
            name_en=topic.heading,
            description=spec.description,
            description_en=spec.description_en,
            order=order,
        )
        keys = [[question["fields"]["key"]] for question in questions]
        deck["fields"]["questions"] = keys
        domain["fields"]["questions"].extend(keys)
        built.decks.append(deck)
        built.questions.extend(questions)
        built.answers.extend(answers)
    return built, problems


def build_fixture(sources: Sequence[Source]) -> list[Record]:
    """All fixture records for `sources`: topics, questions, answers, then decks.

    Raise SourceError listing every problem; nothing is returned unless everything is valid.
    """
    problems: list[Problem] = []
    checked: list[tuple[Source, ExamSpec, str]] = []
    for source in sources:
        source_problems = _check_source(source)
        problems.extend(source_problems)
        # _check_source reports a missing exam file or title, so both exist when it is content.
        if not source_problems and source.exam is not None and source.notes.title is not None:
            checked.append((source, source.exam, source.notes.title))
    built = _Built([], [], [], [])
    order = 1
    for source, exam, title in checked:
        part, part_problems = _build_source(source, exam, title, order)
        problems.extend(part_problems)
        order += len(source.notes.topics)
        built.topics.extend(part.topics)
        built.questions.extend(part.questions)
        built.answers.extend(part.answers)
        built.decks.extend(part.decks)
    problems.extend(_duplicates(sources))
    if problems:
        raise SourceError(problems)
    return [*built.topics, *built.questions, *built.answers, *built.decks]


def _duplicates(sources: Sequence[Source]) -> list[Problem]:
    """Natural keys used twice, possibly across notes files, reported at the second use."""
    uses: list[tuple[str, str, Problem]] = []
    for source in sources:
        notes, exam = source.notes, source.exam
        if notes.title is not None:
            place = Problem(notes.path, notes.title_line, "")
            uses.append(("deck slug", slugify(notes.title), place))
        for topic in notes.topics:
            slug = slugify(topic.heading)
            uses.append(("topic slug", slug, Problem(notes.path, topic.line, "")))
            uses.append(("deck slug", slug, Problem(notes.path, topic.line, "")))
            for n, question in enumerate(topic.questions, start=1):
                uses.append(("key", f"{slug}-note-{n}", Problem(notes.path, question.line, "")))
                for answer in question.answers:
                    place = Problem(notes.path, answer.line, "")
                    uses.append(("key", f"{slug}-which-{answer.line}", place))
        for authored in exam.questions if exam is not None else ():
            uses.append(("key", authored.key, Problem(source.exam_path, authored.key_line, "")))
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for what, value, place in uses:
        if (what, value) in seen:
            problems.append(Problem(place.path, place.line, f"{what} {value!r} is used twice"))
        seen.add((what, value))
    return problems
