"""No "which service?" card can be answered from the page around it.

The content is built in the test from the committed notes (and a second notes file without a
YAML companion), loaded, then every generated question is opened the way a learner meets it
before answering: studied in choice mode, practised, practised as a leech, and in an exam. On
each page, everything but the options themselves (title, breadcrumbs, deck and exam titles,
meta line, hidden text, the other language's toggle, attributes) must be free of every name and
alias of the right service, and of its parent service and features, as the catalog knows them.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import serializers
from django.test import Client
from django.urls import reverse

from cards.catalog import Catalog
from cards.content import build_fixture
from cards.examfiles import exam_files
from cards.management.commands.build_fixtures import load_sources
from cards.models import Deck, Domain, Question, QuestionOrigin
from cards.which import visible_names
from study import exam_services
from study.models import CardState, ReviewState, Showing

pytestmark = pytest.mark.django_db

SECOND = Path(settings.BASE_DIR) / "cards" / "tests" / "data" / "design-resilient-architectures.md"
# The options as the learner chooses them, in either language: the only place the answer may be.
OPTIONS_RE = re.compile(
    r'<ol class="(?:options|other-items)"[^>]*>.*?</ol>'
    r'|<fieldset class="exam-options">.*?</fieldset>',
    re.DOTALL,
)


@pytest.fixture
def content(tmp_path: Path) -> list[Question]:
    """The seed notes and a second domain's notes, built and loaded; the current which cards."""
    notes = tmp_path / "notes"
    shutil.copytree(Path(settings.BASE_DIR) / "notes", notes, ignore=shutil.ignore_patterns("exam"))
    shutil.copy(SECOND, notes / SECOND.name)
    files = exam_files()
    build = build_fixture(
        load_sources(notes, "notes"), blueprint=files.blueprint, catalog=files.catalog
    )
    for item in serializers.deserialize("python", build.records, handle_forward_references=True):
        item.save()
    which = list(
        Question.objects.with_answers()
        .select_related("topic")
        .filter(origin=QuestionOrigin.WHICH, retired_at__isnull=True)
    )
    assert len(which) >= 10  # both files: the seed's and the second domain's
    return which


@pytest.fixture
def learner(client: Client, student: Any, frozen: dt.datetime) -> Any:
    # Every new card today; the clock stands still, so an answered card is not due again.
    student.new_cards_per_day = 1000
    student.save(update_fields=["new_cards_per_day"])
    client.force_login(student)
    return student


def giveaways(html: str, question: Question, catalog: Catalog) -> list[str]:
    """Names of the right answer on the page, outside the options."""
    outside = OPTIONS_RE.sub("", html)
    right = [answer.text for answer in question.answers.all() if answer.is_correct]
    service = catalog.by_slug.get(question.topic.service)
    names = [*right, question.topic.name]
    return visible_names(outside, answer=service, catalog=catalog, names=names)


def answer_and_go_on(client: Client, url: str, showing: Showing) -> None:
    first = showing.option_order[0]
    response = client.post(url, {"token": showing.token, "answer": [first], "duration_ms": "1"})
    assert response.status_code == 303


def walk(client: Client, page_url: str, answer_url: str, limit: int) -> dict[str, str]:
    """Open the page, answer the card shown, again until the queue runs dry: key -> page."""
    pages: dict[str, str] = {}
    for _ in range(limit):
        response = client.get(page_url)
        assert response.status_code == 200
        showing = response.context.get("showing")
        if showing is None:
            break
        pages.setdefault(showing.question.key, response.content.decode())
        answer_and_go_on(client, answer_url, showing)
    return pages


def domain_decks() -> list[Deck]:
    return list(Deck.objects.builtin().filter(questions__origin=QuestionOrigin.WHICH).distinct())


def assert_no_giveaways(pages: dict[str, str], which: list[Question]) -> None:
    catalog = exam_files().catalog
    assert {q.key for q in which} <= set(pages), "every which card must have been shown"
    found = {q.key: giveaways(pages[q.key], q, catalog) for q in which}
    assert {key: names for key, names in found.items() if names} == {}


def test_which_cards_live_only_in_decks_that_mix_services(content: list[Question]) -> None:
    for question in content:
        decks = list(question.decks.all())
        assert decks, question.key
        for deck in decks:
            assert deck.slug != question.topic.slug
            assert not giveaways(deck.name, question, exam_files().catalog)


@pytest.mark.parametrize("practice", [False, True], ids=["study", "practice"])
def test_study_and_practice_in_choice_mode_give_nothing_away(
    client: Client, learner: Any, content: list[Question], practice: bool
) -> None:
    pages: dict[str, str] = {}
    for deck in domain_decks():
        url = reverse("study:session", args=[deck.slug]) + "?mode=choice"
        url += "&practice=1" if practice else ""
        limit = deck.questions.count() + 1
        pages |= walk(client, url, reverse("study:answer", args=[deck.slug]), limit)
    assert_no_giveaways(pages, content)


def test_leech_practice_gives_nothing_away(
    client: Client, learner: Any, content: list[Question], frozen: dt.datetime
) -> None:
    for question in content:
        ReviewState.objects.create(
            user=learner,
            question=question,
            state=CardState.RELEARNING,
            due=frozen + dt.timedelta(days=1),
            first_review=frozen - dt.timedelta(days=30),
            reps=20,
            lapses=8,
        )
    url = reverse("study:leech_session") + "?mode=choice"
    pages = walk(client, url, reverse("study:leech_answer"), len(content) + 1)
    assert_no_giveaways(pages, content)


def test_exams_give_nothing_away(
    client: Client, learner: Any, content: list[Question], frozen: dt.datetime
) -> None:
    pages: dict[str, str] = {}
    for domain in Domain.objects.filter(topics__questions__origin=QuestionOrigin.WHICH).distinct():
        pool = exam_services.exam_questions(user=learner, scope="domain", domain=domain)
        exam = exam_services.exam_start(
            user=learner,
            scope="domain",
            domain=domain,
            question_count=pool.count(),
            timed=False,
            now=frozen,
            seed=7,
        )
        for item in exam.items.select_related("question"):
            response = client.get(
                reverse("study:exam_take", args=[exam.pk]) + f"?q={item.position}"
            )
            assert response.status_code == 200
            pages[item.question.key] = response.content.decode()
    assert_no_giveaways(pages, content)


def test_the_check_catches_a_name_left_on_the_page(content: list[Question]) -> None:
    """The check itself: a badge naming the topic, or an alias in a data- attribute, is found."""
    catalog = exam_files().catalog
    question = next(q for q in content if q.topic.slug == "lambda")
    assert giveaways('<p class="meta">Single choice · Lambda</p>', question, catalog)
    assert giveaways('<div data-topic="람다"></div>', question, catalog)
    assert not giveaways('<ol class="options"><li>AWS Lambda</li></ol>', question, catalog)


def test_an_exam_on_one_topic_has_no_which_card_but_a_domain_exam_does(
    learner: Any, content: list[Question]
) -> None:
    """An exam titled by a topic would name the answer of its "which service?" cards."""
    lambda_topic = next(q.topic for q in content if q.topic.slug == "lambda")
    on_topic = exam_services.exam_questions(user=learner, scope="topic", topic=lambda_topic)
    assert on_topic.exists()
    assert not on_topic.filter(origin=QuestionOrigin.WHICH).exists()
    on_domain = exam_services.exam_questions(
        user=learner, scope="domain", domain=lambda_topic.domain
    )
    assert on_domain.filter(origin=QuestionOrigin.WHICH, topic=lambda_topic).exists()
    assert not on_domain.filter(retired_at__isnull=False).exists()
