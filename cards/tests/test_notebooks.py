"""Learners' notebooks: the upload checks, the draft the preview shows, the one-transaction save,
and who may see a notebook's cards (the cast: owner, other learner, student of an assigned
class, other teacher, anonymous)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError

from cards import services
from cards.models import Answer, Deck, Notebook, NotebookVersion, Question, Topic
from cards.notebooks import NotebookRefused, notebook_draft, notes_text
from cards.tests.factories import ensure_blueprint
from classrooms import services as classroom_services
from classrooms.goals import Goal

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

NOTES = """# Design Resilient Architectures

## Amazon SQS
* How do you decouple the web tier from the order processing tier?
    > * Put the orders on an [Amazon SQS](https://docs.aws.amazon.com/sqs/) queue.
    * > A FIFO queue keeps the order and processes each message exactly once.

## My own thoughts
* What did I learn about retries today?
    > * Retries need idempotent consumers.
"""


def make_notebook(user: Any, text: str = NOTES, title: str = "My notes") -> Notebook:
    ensure_blueprint()
    return services.notebook_create(user=user, title=title, text=text, now=NOW)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\r\n\t", "empty"),
        (b"%PDF-1.7\x00\x01binary", "not a text file"),
        ("# 제목\n".encode("euc-kr"), "not UTF-8"),
        (b"# ok\n\n## t\n* q\n  > * a\n\xff", "line 6"),
        (b"x" * 1_000_001, "larger than"),
    ],
)
def test_bad_bytes_are_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(NotebookRefused) as refused:
        notes_text(data)
    assert message in refused.value.message


def test_text_is_kept_with_its_line_endings_but_without_a_bom() -> None:
    assert notes_text("\ufeff# a\r\n## b\r\n".encode()) == "# a\r\n## b\r\n"


def test_the_size_limit_is_a_setting(settings: Any) -> None:
    settings.NOTEBOOK_MAX_BYTES = 10
    with pytest.raises(NotebookRefused):
        notes_text(b"# 12345678901")
    assert notes_text(b"# 1234567") == "# 1234567"


def test_draft_lists_topics_questions_generated_and_a_warning(student: Any) -> None:
    ensure_blueprint()
    draft = notebook_draft(user=student, title="", text=NOTES)
    assert draft.ok
    assert draft.title == "Design Resilient Architectures"
    assert [topic.heading for topic in draft.topics] == ["Amazon SQS", "My own thoughts"]
    sqs, mine = draft.topics
    assert sqs.task_statement.startswith("2.1")
    assert mine.task_statement == ""  # names no service: "not placed"
    assert [q.prompt for q in sqs.notes] == [
        "How do you decouple the web tier from the order processing tier?"
    ]
    assert len(sqs.notes[0].answers) == 2
    # One "which service?" per answer bullet that names its service: the FIFO bullet does not.
    assert len(sqs.generated) == 1
    assert [(w.line, w.quoted) for w in draft.warnings] == [(8, "## My own thoughts")]
    assert "names no service" in draft.warnings[0].message
    assert "exam.yaml" not in draft.warnings[0].message  # a notebook has no YAML companion
    assert draft.card_count == 3
    assert Topic.objects.filter(notebook__isnull=False).count() == 0  # nothing saved


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("## Lambda\n* q\n  > * a\n", 1, "no '# ' heading"),
        ("# Nonsense domain\n\n## Lambda\n* q\n  > * a\n", 1, "names no"),
        ("# Design Resilient Architectures\n\n## Lambda\n* q without answers\n", 4, "no answers"),
        ("# Design Resilient Architectures\n\n## Lambda\nplain prose\n", 4, "unrecognised"),
    ],
)
def test_errors_carry_their_line_and_the_line_itself(
    student: Any, text: str, line: int, needle: str
) -> None:
    ensure_blueprint()
    draft = notebook_draft(user=student, title="t", text=text)
    assert not draft.ok
    error = next(e for e in draft.errors if needle in e.message)
    assert error.line == line
    assert error.quoted == text.splitlines()[line - 1]


def test_korean_headings_compile(student: Any) -> None:
    notebook = make_notebook(
        student, "# 복원력 있는 아키텍처 설계\n\n## 나의 정리\n* 질문?\n    > * 답.\n"
    )
    topic = notebook.topics.get()
    assert topic.name == "나의 정리"
    assert topic.slug.startswith(f"nb{notebook.pk}-")


def test_create_saves_everything_under_the_notebook(student: Any) -> None:
    notebook = make_notebook(student)
    assert notebook.owner == student
    version = notebook.versions.get()
    assert (version.number, version.text) == (1, NOTES)
    assert notebook.topics.count() == 2
    questions = Question.objects.filter(notebook=notebook)
    assert questions.count() == 3
    assert all(q.key.startswith(f"nb{notebook.pk}-v1-") for q in questions)
    note = questions.get(origin="note", topic__name="Amazon SQS")
    assert (note.source_file, note.source_first_line, note.source_last_line) == ("My notes", 4, 6)
    # The note answers, then four options for the one "which service?" question: the FIFO
    # bullet names no service, and "My own thoughts" names none to ask about.
    assert Answer.objects.filter(question__notebook=notebook).count() == 2 + 1 + 4
    decks = {deck.slug: deck for deck in notebook.decks.all()}
    assert len(decks) == 3  # one for the notebook, one per topic
    whole = decks[f"nb{notebook.pk}"]
    assert (whole.owner, whole.name, whole.questions.count()) == (student, "My notes", 3)
    assert all(deck.owner == student for deck in decks.values())


def test_two_learners_may_upload_the_same_notes(student: Any, other_student: Any) -> None:
    first, second = make_notebook(student), make_notebook(other_student)
    assert Question.objects.filter(notebook=first).count() == 3
    assert Question.objects.filter(notebook=second).count() == 3


def test_create_refuses_notes_with_errors_and_saves_nothing(student: Any) -> None:
    with pytest.raises(NotebookRefused):
        make_notebook(student, "## no domain\n* q\n  > * a\n")
    assert not Notebook.objects.exists()


def test_a_failure_mid_save_leaves_nothing(student: Any, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("boom")

    monkeypatch.setattr(services.Deck.objects, "update_or_create", broken)
    with pytest.raises(NotebookRefused):
        make_notebook(student)
    assert not Notebook.objects.exists()
    assert not NotebookVersion.objects.exists()
    assert not Question.objects.filter(notebook__isnull=False).exists()


def test_notebook_count_limit(student: Any, settings: Any) -> None:
    settings.NOTEBOOK_MAX_PER_USER = 1
    make_notebook(student)
    with pytest.raises(NotebookRefused) as refused:
        make_notebook(student)
    assert "1 notebooks" in refused.value.message
    assert Notebook.objects.count() == 1


def test_card_count_limit_counts_every_notebook(student: Any, settings: Any) -> None:
    settings.NOTEBOOK_MAX_CARDS_PER_USER = 5
    make_notebook(student)  # 3 cards
    draft = notebook_draft(user=student, title="again", text=NOTES)
    assert not draft.ok
    assert "5 cards" in draft.errors[0].message
    with pytest.raises(NotebookRefused):
        make_notebook(student)


# --- Who sees a notebook's cards ---


@pytest.fixture
def shared(student: Any, teacher: Any, other_student: Any) -> dict[str, Any]:
    """The teacher's notebook, its "Amazon SQS" deck assigned to a class `student` is in."""
    notebook = make_notebook(teacher)
    deck = notebook.decks.get(name="Amazon SQS")
    classroom = classroom_services.classroom_create(teacher=teacher, name="Class", now=NOW)
    classroom_services.membership_join(classroom=classroom, student=student, now=NOW)
    classroom_services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.ANSWER_ALL,
        target_percent=None,
        due_at=NOW + dt.timedelta(days=7),
        now=NOW,
    )
    return {"notebook": notebook, "deck": deck}


def visible(user: Any) -> dict[str, int]:
    return {
        "notebooks": Notebook.objects.visible_to(user).count(),
        "topics": Topic.objects.visible_to(user).filter(notebook__isnull=False).count(),
        "questions": Question.objects.visible_to(user).filter(notebook__isnull=False).count(),
        "decks": Deck.objects.visible_to(user).filter(notebook__isnull=False).count(),
    }


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("teacher", {"notebooks": 1, "topics": 2, "questions": 3, "decks": 3}),  # the owner
        # The assigned topic deck holds its note card; a "which service?" card never sits in the
        # deck named after its answer.
        ("student", {"notebooks": 1, "topics": 1, "questions": 1, "decks": 1}),
        ("other_student", {"notebooks": 0, "topics": 0, "questions": 0, "decks": 0}),
        ("other_teacher", {"notebooks": 0, "topics": 0, "questions": 0, "decks": 0}),
        ("anonymous", {"notebooks": 0, "topics": 0, "questions": 0, "decks": 0}),
    ],
)
def test_who_sees_a_notebook(
    request: Any, shared: dict[str, Any], viewer: str, expected: dict[str, int]
) -> None:
    user = AnonymousUser() if viewer == "anonymous" else request.getfixturevalue(viewer)
    assert visible(user) == expected


def test_built_in_content_stays_visible_to_everyone(
    shared: dict[str, Any], question: Question, other_student: Any
) -> None:
    assert Question.objects.visible_to(AnonymousUser()).get() == question
    assert question in Question.objects.visible_to(other_student)
