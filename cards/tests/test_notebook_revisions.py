"""A new version of a notebook: cards matched by their text, progress kept; deleting a notebook;
teachers assigning a notebook's decks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cards import services
from cards.models import Deck, Notebook, NotebookVersion, Question, Topic
from cards.notebooks import NotebookRefused, notebook_revision_draft
from cards.revisions import Card, match_cards
from cards.tests.factories import ensure_blueprint
from classrooms import services as classroom_services
from classrooms.goals import Goal
from classrooms.models import Assignment
from study.models import Attempt, CardState, Mode, ReviewState

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=7)

# Every answer bullet names its service, so each makes a "which service?" card.
BASE = """# Design Resilient Architectures

## Amazon SQS
* How do you decouple the web tier from the order processing tier?
    > * Put the orders on an [Amazon SQS](https://docs.aws.amazon.com/sqs/) queue.
    * > An SQS FIFO queue keeps the order and processes each message exactly once.

## Amazon Route 53
* How do you fail over to another Region?
    > * Use a Route 53 failover routing policy with health checks.
"""

SQS_SECTION = BASE[BASE.index("## Amazon SQS") : BASE.index("## Amazon Route 53")]
ROUTE53_SECTION = BASE[BASE.index("## Amazon Route 53") :]
HEAD = "# Design Resilient Architectures\n\n"
LAMBDA_SECTION = """
## AWS Lambda
* How do you run code without managing servers?
    > * Use AWS Lambda functions.
"""


def edited(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert old in text
        return text.replace(old, new)

    return change


# (case, how the notes change, kept, changed, new, retired)
CASES: list[tuple[str, Callable[[str], str], int, int, int, int]] = [
    ("unchanged", lambda text: text, 5, 0, 0, 0),
    ("moved lines", lambda text: HEAD + "\n\n" + ROUTE53_SECTION + "\n" + SQS_SECTION, 5, 0, 0, 0),
    (
        "edited answer",
        edited("keeps the order and processes each message exactly once", "keeps the order"),
        3,
        2,
        0,
        0,
    ),
    (
        "edited question",
        edited("How do you decouple the web tier", "How do you decouple the front end"),
        4,
        1,
        0,
        0,
    ),
    (
        "deleted bullet",
        edited(
            "    * > An SQS FIFO queue keeps the order and processes each message exactly once.\n",
            "",
        ),
        3,
        1,
        0,
        1,
    ),
    ("added topic", lambda text: text + LAMBDA_SECTION, 5, 0, 2, 0),
    ("renamed topic", edited("## Amazon SQS", "## SQS queues"), 5, 0, 0, 0),
]


@pytest.fixture
def notebook(student: Any) -> Notebook:
    ensure_blueprint()
    return services.notebook_create(user=student, title="Mine", text=BASE, now=NOW)


def studied(user: Any, notebook: Notebook) -> dict[int, tuple[float | None, Any]]:
    """Give every card of the notebook a review state and an attempt; return them by card."""
    for question in Question.objects.filter(notebook=notebook):
        ReviewState.objects.create(
            user=user,
            question=question,
            state=CardState.REVIEW,
            stability=3.0,
            difficulty=5.0,
            due=NOW + dt.timedelta(days=3),
            last_review=NOW,
            first_review=NOW,
            reps=1,
        )
        Attempt.objects.create(
            user=user,
            question=question,
            mode=Mode.FLASHCARD,
            chosen_answer_ids=[],
            correct=True,
            rating=3,
            reviewed_at=NOW,
            duration_ms=1000,
        )
    return {
        state.question_id: (state.stability, state.due)
        for state in ReviewState.objects.filter(user=user)
    }


@pytest.mark.parametrize(("case", "change", "kept", "changed", "new", "retired"), CASES)
def test_a_new_version_keeps_progress(
    student: Any,
    notebook: Notebook,
    case: str,
    change: Callable[[str], str],
    kept: int,
    changed: int,
    new: int,
    retired: int,
) -> None:
    before = studied(student, notebook)
    preview = notebook_revision_draft(notebook=notebook, text=change(BASE))
    assert preview.ok and preview.revision is not None
    expected = {"kept": kept, "changed": changed, "new": new, "retired": retired}
    assert preview.revision.counts == expected, case

    revision = services.notebook_revise(notebook=notebook, text=change(BASE), now=LATER)

    assert revision.counts == expected
    assert notebook.versions.count() == 2
    cards = Question.objects.filter(notebook=notebook)
    matched = [old for old, _new in (*revision.plan.kept, *revision.plan.changed)]
    # Every kept or changed card is the same row, with its state and attempts untouched.
    assert {
        state.question_id: (state.stability, state.due)
        for state in ReviewState.objects.filter(user=student, question__in=matched)
    } == {pk: before[pk] for pk in matched}
    assert Attempt.objects.filter(user=student).count() == len(before)
    assert cards.filter(source_changed_at=LATER).count() == changed
    assert cards.filter(retired_at=LATER).count() == retired
    assert cards.filter(retired_at__isnull=True).count() == kept + changed + new
    # Retired cards leave the decks; the rest are in the notebook's deck.
    whole = notebook.decks.get(slug=f"nb{notebook.pk}")
    assert set(whole.questions.values_list("pk", flat=True)) == set(
        cards.filter(retired_at__isnull=True).values_list("pk", flat=True)
    )
    # Citations point at the new lines.
    new_text = change(BASE)
    for question in cards.filter(retired_at__isnull=True):
        lines = new_text.splitlines()[question.source_first_line - 1 : question.source_last_line]
        assert "\n".join(line.rstrip() for line in lines) == question.source_text


def test_a_renamed_topic_keeps_its_row_and_deck(student: Any, notebook: Notebook) -> None:
    topic = notebook.topics.get(name="Amazon SQS")
    deck = Deck.objects.get(slug=topic.slug)
    services.notebook_revise(
        notebook=notebook, text=BASE.replace("## Amazon SQS", "## SQS queues"), now=LATER
    )
    topic.refresh_from_db()
    assert topic.name == "SQS queues"
    assert Deck.objects.get(slug=topic.slug).pk == deck.pk
    assert notebook.topics.count() == 2


def test_an_added_topic_gets_its_deck(student: Any, notebook: Notebook) -> None:
    services.notebook_revise(notebook=notebook, text=BASE + LAMBDA_SECTION, now=LATER)
    lambda_topic = Topic.objects.get(notebook=notebook, name="AWS Lambda")
    # Its note card; its "which service?" card is in the notebook's deck, never in the deck
    # named after its answer.
    assert Deck.objects.get(slug=lambda_topic.slug).questions.count() == 1


def test_a_changed_card_shows_its_old_and_new_lines_once(
    client: Client, student: Any, notebook: Notebook
) -> None:
    question = Question.objects.get(notebook=notebook, origin="note", topic__name="Amazon SQS")
    ReviewState.objects.create(
        user=student,
        question=question,
        state=CardState.REVIEW,
        stability=3.0,
        difficulty=5.0,
        due=NOW,
        last_review=NOW - dt.timedelta(days=3),
        first_review=NOW - dt.timedelta(days=3),
        reps=1,
    )
    services.notebook_revise(
        notebook=notebook,
        text=BASE.replace("How do you decouple the web tier", "How do you decouple the UI"),
        now=LATER,
    )
    question.refresh_from_db()
    assert "How do you decouple the web tier" in question.previous_text
    assert "How do you decouple the UI" in question.source_text
    client.force_login(student)
    deck = Deck.objects.get(slug=question.topic.slug)
    page = client.get(reverse("study:session", args=[deck.slug]), {"mode": "flashcard"})
    text = page.content.decode()
    assert "Source changed" in text and "decouple the web tier" in text
    # Once answered after the change, the notice is gone.
    ReviewState.objects.filter(user=student, question=question).update(
        last_review=LATER + dt.timedelta(minutes=1)
    )
    page = client.get(reverse("study:session", args=[deck.slug]), {"mode": "flashcard"})
    assert "Source changed" not in page.content.decode()


def test_retired_cards_are_not_served_but_keep_their_history(
    student: Any, notebook: Notebook
) -> None:
    studied(student, notebook)
    services.notebook_revise(notebook=notebook, text=HEAD + SQS_SECTION, now=LATER)
    retired = Question.objects.filter(notebook=notebook, retired_at__isnull=False)
    # The Route 53 note card and its "which service?" card; the SQS cards stay (their wrong
    # options come from the catalog, not from the other topics of the file).
    assert retired.count() == 2
    assert not Deck.questions.through.objects.filter(question__in=retired).exists()
    assert ReviewState.objects.filter(question__in=retired).count() == retired.count()
    assert Attempt.objects.filter(question__in=retired).count() == retired.count()


def test_errors_in_a_new_version_save_nothing(student: Any, notebook: Notebook) -> None:
    with pytest.raises(NotebookRefused):
        services.notebook_revise(notebook=notebook, text="## no domain\n* q\n  > * a\n", now=LATER)
    assert notebook.versions.count() == 1


def test_a_preview_of_an_older_version_is_refused(student: Any, notebook: Notebook) -> None:
    services.notebook_revise(
        notebook=notebook, text=BASE + LAMBDA_SECTION, base_version=1, now=LATER
    )
    with pytest.raises(NotebookRefused):
        services.notebook_revise(notebook=notebook, text=BASE, base_version=1, now=LATER)
    assert notebook.versions.count() == 2


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # Two identical note questions: paired first with first.
        (["a|x", "a|x"], ["a|x", "a|x"], (2, 0, 0, 0)),
        (["a|x"], ["b|y"], (0, 0, 1, 1)),
        (["a|x"], ["a|y"], (0, 1, 0, 0)),
        (["a|x"], ["b|x"], (0, 1, 0, 0)),
        ([], ["a|x"], (0, 0, 1, 0)),
        (["a|x"], [], (0, 0, 0, 1)),
    ],
)
def test_matching_note_questions(
    old: list[str], new: list[str], expected: tuple[int, int, int, int]
) -> None:
    def cards(specs: list[str]) -> list[Card]:
        return [
            Card(i, "note", spec.split("|")[0], (spec.split("|")[1],), "", i * 3 + 1, i * 3 + 2)
            for i, spec in enumerate(specs)
        ]

    plan = match_cards(cards(old), cards(new))
    assert (len(plan.kept), len(plan.changed), len(plan.new), len(plan.retired)) == expected


# --- Pages ---


def test_reupload_preview_lists_what_changes_then_saves(
    client: Client, student: Any, notebook: Notebook
) -> None:
    client.force_login(student)
    text = BASE.replace("processes each message exactly once", "never loses one") + LAMBDA_SECTION
    preview = client.post(reverse("cards:notebook_revise", args=[notebook.pk]), {"text": text})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "1 kept, 1 changed, 1 new, 0 retired" in page  # the learner's questions
    assert "2 kept, 1 changed, 1 new, 0 retired" in page  # the generated ones
    assert "Before" in page and "never loses one" in page
    token = page.split('name="draft" value="')[1].split('"')[0]
    response = client.post(
        reverse("cards:notebook_revise_confirm", args=[notebook.pk]), {"draft": token}
    )
    assert response.status_code == 303
    assert notebook.versions.count() == 2
    download = client.get(reverse("cards:notebook_version_download", args=[notebook.pk, 2]))
    assert download.content.decode() == text
    assert client.get(notebook.get_absolute_url()).content.decode().count("Version ") >= 2


@pytest.mark.parametrize("viewer", ["other_student", "other_teacher"])
def test_others_cannot_revise_or_delete(
    client: Client, request: Any, notebook: Notebook, viewer: str
) -> None:
    client.force_login(request.getfixturevalue(viewer))
    for name in ("cards:notebook_revise", "cards:notebook_delete"):
        assert client.post(reverse(name, args=[notebook.pk]), {"text": BASE}).status_code == 404
    assert (
        client.post(reverse("cards:notebook_revise_confirm", args=[notebook.pk])).status_code == 404
    )
    assert Notebook.objects.filter(pk=notebook.pk).exists()
    assert notebook.versions.count() == 1


def test_a_token_for_another_notebook_is_refused(
    client: Client, student: Any, notebook: Notebook
) -> None:
    second = services.notebook_create(user=student, title="Second", text=BASE, now=NOW)
    client.force_login(student)
    preview = client.post(reverse("cards:notebook_revise", args=[second.pk]), {"text": BASE})
    token = preview.content.decode().split('name="draft" value="')[1].split('"')[0]
    url = reverse("cards:notebook_revise_confirm", args=[notebook.pk])
    assert client.post(url, {"draft": token}).status_code == 400
    assert notebook.versions.count() == 1


def test_wrong_methods(client: Client, student: Any, notebook: Notebook) -> None:
    client.force_login(student)
    assert client.get(reverse("cards:notebook_revise", args=[notebook.pk])).status_code == 405
    url = reverse("cards:notebook_revise_confirm", args=[notebook.pk])
    assert client.get(url).status_code == 405
    assert client.put(reverse("cards:notebook_delete", args=[notebook.pk])).status_code == 405


def test_delete_asks_then_removes_the_cards_and_their_history(
    client: Client, student: Any, notebook: Notebook
) -> None:
    studied(student, notebook)
    client.force_login(student)
    url = reverse("cards:notebook_delete", args=[notebook.pk])
    page = client.get(url)
    assert page.status_code == 200 and "5 cards" in page.content.decode()
    assert "1 version<" in page.content.decode()  # one version: no "1 versions"
    assert Notebook.objects.exists()
    response = client.post(url)
    assert response.status_code == 303
    assert not Notebook.objects.exists()
    assert not NotebookVersion.objects.exists()
    assert not Question.objects.filter(notebook__isnull=False).exists()
    assert not Topic.objects.filter(slug__startswith="nb").exists()
    assert not ReviewState.objects.exists() and not Attempt.objects.exists()


def test_a_teacher_assigns_a_notebook_deck_and_cannot_delete_it_while_assigned(
    client: Client, teacher: Any, student: Any
) -> None:
    ensure_blueprint()
    notebook = services.notebook_create(user=teacher, title="Class notes", text=BASE, now=NOW)
    deck = notebook.decks.get(name="Amazon SQS")
    classroom = classroom_services.classroom_create(teacher=teacher, name="Class", now=NOW)
    classroom_services.membership_join(classroom=classroom, student=student, now=NOW)
    client.force_login(teacher)
    response = client.post(
        reverse("classrooms:assignment_create", args=[classroom.pk]),
        {"deck": deck.pk, "goal": Goal.ANSWER_ALL, "due_at": "2099-01-01T00:00"},
    )
    assert response.status_code in (302, 303)
    assert Assignment.objects.filter(classroom=classroom, deck=deck).exists()

    response = client.post(reverse("cards:notebook_delete", args=[notebook.pk]))
    assert response.status_code == 409
    assert "Delete the assignment first" in response.content.decode()
    assert Notebook.objects.filter(pk=notebook.pk).exists()

    client.force_login(student)
    assert client.get(reverse("cards:deck_detail", args=[deck.slug])).status_code == 200
    # A student of the class studies the deck; the notebook itself is not theirs to change.
    for name in ("cards:notebook_revise", "cards:notebook_delete", "cards:notebook_detail"):
        assert client.post(reverse(name, args=[notebook.pk]), {"text": BASE}).status_code in (
            404,
            405,
        )
    assert client.get(reverse("cards:notebook_delete", args=[notebook.pk])).status_code == 404
    assert notebook.versions.count() == 1


def test_another_teacher_cannot_assign_someone_elses_notebook_deck(
    client: Client, teacher: Any, other_teacher: Any
) -> None:
    ensure_blueprint()
    notebook = services.notebook_create(user=teacher, title="Class notes", text=BASE, now=NOW)
    deck = notebook.decks.get(name="Amazon SQS")
    classroom = classroom_services.classroom_create(teacher=other_teacher, name="Other", now=NOW)
    client.force_login(other_teacher)
    client.post(
        reverse("classrooms:assignment_create", args=[classroom.pk]),
        {"deck": deck.pk, "goal": Goal.ANSWER_ALL, "due_at": "2099-01-01T00:00"},
    )
    assert not Assignment.objects.filter(deck=deck).exists()
