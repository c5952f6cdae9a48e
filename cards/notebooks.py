"""A learner's own notes, compiled in the browser by the compiler that builds the fixture.

`notebook_draft` turns an upload (bytes or pasted text) into a `Draft`: what the preview page
shows and what `cards.services.notebook_create` saves. There is no second parser: the notes go
through `cards.content.compile_notes`, exactly as `build_fixtures` compiles `notes/*.md`, against
the same blueprint and service catalog (`cards.examfiles.exam_files`). Its records carry the
compiler's natural keys; the service gives them keys of the notebook's own when it saves them.

Limits (settings, documented in the README) and bad bytes are refused here with a message the
learner can act on, before anything is compiled or saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .content import Compiled, compile_notes
from .examfiles import exam_files
from .models import Domain, Notebook, Question, TaskStatement, in_ui_language
from .notes import Problem, SourceError, bullet_text, decode_utf8, split_lines
from .revisions import NOTE, Card, Plan, match_cards

if TYPE_CHECKING:
    from accounts.models import User

# Notebook topics follow the built-in ones of their domain on every page that lists topics.
FIRST_TOPIC_ORDER = 1000
# A NUL byte never occurs in text: its presence marks a binary file (a PDF, an image, a .docx).
BINARY_MARK = b"\x00"


class NotebookRefused(Exception):
    """The upload cannot become a notebook; `message` says why, for the learner."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def too_large() -> NotebookRefused:
    return NotebookRefused(
        _("The notes are larger than %(size)s bytes, the most one notebook may hold.")
        % {"size": f"{settings.NOTEBOOK_MAX_BYTES:,}"}
    )


def notes_text(data: bytes) -> str:
    """The text of uploaded bytes, or NotebookRefused: too large, binary, not UTF-8, empty."""
    if len(data) > settings.NOTEBOOK_MAX_BYTES:
        raise too_large()
    if BINARY_MARK in data:
        raise NotebookRefused(
            _("This is not a text file. Upload Markdown notes saved as plain text (.md).")
        )
    try:
        text = decode_utf8(data, "notes")
    except SourceError as error:
        line = error.problems[0].line or 1
        raise NotebookRefused(
            _("The notes are not UTF-8 text (the first bad byte is on line %(line)d).")
            % {"line": line}
        ) from error
    if not text.strip():
        raise NotebookRefused(_("The notes are empty."))
    return text


@dataclass(frozen=True)
class Located:
    """A warning or an error of the compiler, with the line it is about, quoted."""

    line: int | None
    message: str
    quoted: str


@dataclass(frozen=True)
class PreviewAnswer:
    line: int
    text: str
    correct: bool = True


@dataclass(frozen=True)
class PreviewQuestion:
    line: int
    prompt: str
    answers: tuple[PreviewAnswer, ...]


@dataclass(frozen=True)
class PreviewTopic:
    line: int
    heading: str
    domain: str
    task_statement: str  # "" when the catalog could not place it
    notes: tuple[PreviewQuestion, ...]
    generated: tuple[PreviewQuestion, ...]


@dataclass(frozen=True)
class Change:
    """A card whose notes changed: its lines before and after."""

    before: str
    after: str


@dataclass(frozen=True)
class Revision:
    """What a new version does to the notebook's cards, for the preview and the save."""

    plan: Plan
    changes: tuple[Change, ...]
    new: tuple[str, ...]  # prompts of the new cards
    retired: tuple[str, ...]  # prompts of the retired cards
    # The learner's own questions, which are what they edit, apart from the generated ones.
    note_counts: dict[str, int] = field(default_factory=dict)
    generated_counts: dict[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "kept": len(self.plan.kept),
            "changed": len(self.plan.changed),
            "new": len(self.plan.new),
            "retired": len(self.plan.retired),
        }


@dataclass(frozen=True)
class Draft:
    """A compiled upload: saved by notebook_create (or notebook_revise, with its `revision`)
    only when it has no errors."""

    title: str
    text: str
    compiled: Compiled
    errors: tuple[Located, ...]
    warnings: tuple[Located, ...]
    topics: tuple[PreviewTopic, ...] = field(default=())
    revision: Revision | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def card_count(self) -> int:
        return sum(1 for record in self.compiled.records if record["model"] == "cards.question")


# The build's hint to give a task statement in the notes' YAML companion: a notebook has none.
YAML_HINT_RE = re.compile(r" \(give one in [^)]*\.exam\.yaml\)$")


def _located(problems: tuple[Problem, ...], lines: list[str]) -> tuple[Located, ...]:
    def quote(line: int | None) -> str:
        return lines[line - 1] if line is not None and 1 <= line <= len(lines) else ""

    return tuple(Located(p.line, YAML_HINT_RE.sub("", p.message), quote(p.line)) for p in problems)


def _preview(compiled: Compiled) -> tuple[PreviewTopic, ...]:
    """What the compiled records will create, topic by topic, for the preview page."""
    domains = {domain.number: domain for domain in Domain.objects.select_related("certification")}
    tasks = {task.code: task for task in TaskStatement.objects.all()}
    answers: dict[str, list[PreviewAnswer]] = {}
    questions: dict[str, list[tuple[str, PreviewQuestion]]] = {}
    for record in compiled.records:
        fields: dict[str, Any] = record["fields"]
        if record["model"] == "cards.answer":
            answers.setdefault(fields["question"][0], []).append(
                PreviewAnswer(0, fields["text"], fields["is_correct"])
            )
    for record in compiled.records:
        fields = record["fields"]
        if record["model"] == "cards.question":
            key = fields["key"]
            questions.setdefault(fields["topic"][0], []).append(
                (
                    fields["origin"],
                    PreviewQuestion(
                        fields["source_first_line"], fields["prompt"], tuple(answers.get(key, ()))
                    ),
                )
            )
    topics = []
    for placed in compiled.topics:
        domain = domains.get(placed.domain.number)
        task = tasks.get(placed.task_statement.code) if placed.task_statement else None
        made = questions.get(placed.slug, [])
        topics.append(
            PreviewTopic(
                line=placed.line,
                heading=placed.heading,
                domain=domain.heading
                if domain is not None
                else in_ui_language(placed.domain.title, placed.domain.title_en),
                task_statement=task.label if task is not None else "",
                notes=tuple(q for origin, q in made if origin == "note"),
                generated=tuple(q for origin, q in made if origin != "note"),
            )
        )
    return tuple(topics)


def _limit_errors(
    user: User, draft_cards: int, *, new_notebook: bool, replacing: Notebook | None = None
) -> list[Located]:
    errors = []
    if new_notebook:
        most = settings.NOTEBOOK_MAX_PER_USER
        if Notebook.objects.filter(owner=user).count() >= most:
            errors.append(
                Located(
                    None,
                    _("You already have %(count)d notebooks, the most one learner may keep.")
                    % {"count": most},
                    "",
                )
            )
    most_cards = settings.NOTEBOOK_MAX_CARDS_PER_USER
    held = Question.objects.active().filter(notebook__owner=user)
    if replacing is not None:
        held = held.exclude(notebook=replacing)  # the new version replaces its cards
    existing = held.count()
    if existing + draft_cards > most_cards:
        errors.append(
            Located(
                None,
                _(
                    "These notes make %(new)d cards and your notebooks hold %(old)d: together more "
                    "than the %(most)d cards one learner may keep."
                )
                % {"new": draft_cards, "old": existing, "most": most_cards},
                "",
            )
        )
    return errors


def compile_text(text: str, name: str) -> Compiled:
    """The compiler's result for one notebook text (no database): the benchmark's unit too."""
    exam = exam_files()
    return compile_notes(
        text,
        name,
        blueprint=exam.blueprint,
        catalog=exam.catalog,
        first_order=FIRST_TOPIC_ORDER,
    )


def notebook_draft(*, user: User, title: str, text: str) -> Draft:
    """Compile the text of a new notebook and check the learner's limits; nothing is saved."""
    compiled = compile_text(text, title or "notes")
    if not title:
        title = (
            in_ui_language(compiled.domain.title, compiled.domain.title_en)
            if compiled.domain is not None
            else _("My notes")
        )
    lines = split_lines(text.removeprefix("\ufeff"))
    errors = list(_located(compiled.problems, lines))
    errors += _limit_errors(
        user, sum(1 for r in compiled.records if r["model"] == "cards.question"), new_notebook=True
    )
    return Draft(
        title=title,
        text=text,
        compiled=compiled,
        errors=tuple(errors),
        warnings=_located(compiled.warnings, lines),
        topics=_preview(compiled) if compiled.ok else (),
    )


def question_cards(records: tuple[dict[str, Any], ...]) -> list[Card]:
    """The compiled questions as matching sees them; `ref` is the index among the questions."""
    answers: dict[str, list[str]] = {}
    for record in records:
        if record["model"] == "cards.answer":
            answers.setdefault(record["fields"]["question"][0], []).append(record["fields"]["text"])
    questions = [record["fields"] for record in records if record["model"] == "cards.question"]
    return [
        Card(
            ref=index,
            origin=fields["origin"],
            prompt=fields["prompt"],
            answers=tuple(answers.get(fields["key"], ())) if fields["origin"] == NOTE else (),
            bullet="" if fields["origin"] == NOTE else bullet_text(fields["source_text"]),
            first_line=fields["source_first_line"],
            last_line=fields["source_last_line"],
        )
        for index, fields in enumerate(questions)
    ]


def stored_cards(notebook: Notebook) -> dict[int, Question]:
    """The notebook's cards still served, with their answers, by id (two queries)."""
    return {
        question.pk: question
        for question in Question.objects.active()
        .filter(notebook=notebook)
        .prefetch_related("answers")
        .order_by("pk")
    }


def _stored_card(question: Question) -> Card:
    note = question.origin == NOTE
    return Card(
        ref=question.pk,
        origin=question.origin,
        prompt=question.prompt,
        answers=tuple(a.text for a in sorted(question.answers.all(), key=lambda a: a.order))
        if note
        else (),
        bullet="" if note else bullet_text(question.source_text),
        first_line=question.source_first_line,
        last_line=question.source_last_line,
    )


def revision_of(notebook: Notebook, compiled: Compiled) -> Revision:
    """How the compiled new version maps onto the notebook's cards."""
    stored = stored_cards(notebook)
    news = [r["fields"] for r in compiled.records if r["model"] == "cards.question"]
    plan = match_cards([_stored_card(q) for q in stored.values()], question_cards(compiled.records))

    def counts(note: bool) -> dict[str, int]:
        def mine(origin: str) -> bool:
            return (origin == NOTE) == note

        return {
            "kept": sum(mine(news[new]["origin"]) for _old, new in plan.kept),
            "changed": sum(mine(news[new]["origin"]) for _old, new in plan.changed),
            "new": sum(mine(news[new]["origin"]) for new in plan.new),
            "retired": sum(mine(stored[old].origin) for old in plan.retired),
        }

    return Revision(
        note_counts=counts(True),
        generated_counts=counts(False),
        plan=plan,
        changes=tuple(
            Change(stored[old].source_text, news[new]["source_text"])
            for old, new in plan.changed
            if stored[old].origin == NOTE
        ),
        new=tuple(news[index]["prompt"] for index in plan.new),
        retired=tuple(stored[old].prompt for old in plan.retired),
    )


def notebook_revision_draft(*, notebook: Notebook, text: str) -> Draft:
    """Compile a new version of the notebook and match its cards; nothing is saved."""
    compiled = compile_text(text, notebook.title)
    lines = split_lines(text.removeprefix("\ufeff"))
    errors = list(_located(compiled.problems, lines))
    cards = sum(1 for r in compiled.records if r["model"] == "cards.question")
    errors += _limit_errors(notebook.owner, cards, new_notebook=False, replacing=notebook)
    return Draft(
        title=notebook.title,
        text=text,
        compiled=compiled,
        errors=tuple(errors),
        warnings=_located(compiled.warnings, lines),
        topics=_preview(compiled) if compiled.ok else (),
        revision=revision_of(notebook, compiled) if compiled.ok else None,
    )
