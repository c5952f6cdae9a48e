"""The learner's card search: only the cards of decks they can see, filtered, paginated,
escaped, as a GET form; as the owner, an outsider, anonymous and with the wrong method."""

from typing import Any

import pytest
from django.urls import reverse

from cards.models import Deck, Question
from cards.tests.test_notebooks import make_notebook
from cards.views import SEARCH_PAGE_SIZE

pytestmark = pytest.mark.django_db

URL = reverse("cards:search")


@pytest.fixture
def learner(client: Any, student: Any) -> Any:
    client.force_login(student)
    return student


def found(response: Any) -> list[Question]:
    return list(response.context["page"].object_list)


def test_the_empty_form_searches_nothing(client: Any, learner: Any, deck: Deck) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["page"] is None


def test_words_match_prompts_and_answers_in_either_language(
    client: Any, learner: Any, topic: Any, make_question: Any
) -> None:
    by_prompt = make_question(
        topic, prompt="큐로 주문 처리를 분리하는 방법", prompt_en="Decouple orders"
    )
    by_answer = make_question(
        topic, prompt="Other", answers=[("Amazon SQS", "SQS queue", True)], kind="flashcard"
    )
    by_english = make_question(topic, prompt="영어", prompt_en="Use a FIFO queue")
    neither = make_question(topic, prompt="Nothing here")
    deck = Deck.objects.create(slug="built-in", name="Built in")
    deck.questions.set([by_prompt, by_answer, by_english, neither])

    assert found(client.get(URL, {"q": "주문"})) == [by_prompt]
    assert set(found(client.get(URL, {"q": "queue"}))) == {by_answer, by_english}
    assert found(client.get(URL, {"q": "decouple"})) == [by_prompt]


def test_filters_by_domain_topic_and_kind(
    client: Any, learner: Any, deck: Deck, topic: Any, other_topic: Any, make_question: Any
) -> None:
    elsewhere = make_question(other_topic, prompt="Accelerate", kind="flashcard")
    deck.questions.add(elsewhere)

    assert found(client.get(URL, {"topic": other_topic.pk})) == [elsewhere]
    assert found(client.get(URL, {"domain": other_topic.domain_id, "kind": "flashcard"})) == [
        q
        for q in deck.questions.order_by("topic__order", "order")
        if q.topic.domain_id == other_topic.domain_id and q.kind == "flashcard"
    ]
    flashcards = found(client.get(URL, {"kind": "flashcard"}))
    assert flashcards and all(q.kind == "flashcard" for q in flashcards)


def test_an_outsider_does_not_find_the_cards_of_someone_elses_notebook(
    client: Any, student: Any, other_student: Any
) -> None:
    notebook = make_notebook(student)
    client.force_login(other_student)
    response = client.get(URL, {"q": "idempotent"})
    assert found(response) == []
    assert b"No card matches" in response.content

    client.force_login(student)
    mine = found(client.get(URL, {"q": "idempotent"}))
    assert mine and all(question.notebook_id == notebook.pk for question in mine)


def test_a_student_of_the_class_finds_the_teachers_cards(
    client: Any, student: Any, assignment: Any, teacher_deck: Deck
) -> None:
    client.force_login(student)
    assert set(found(client.get(URL, {"q": "Teacher Q"}))) == set(teacher_deck.questions.all())


def test_results_link_to_the_cards_history_and_are_escaped(
    client: Any, learner: Any, topic: Any, make_question: Any
) -> None:
    question = make_question(topic, prompt="<script>alert(1)</script> Lambda")
    Deck.objects.create(slug="d", name="D").questions.add(question)

    response = client.get(URL, {"q": "Lambda"})

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert reverse("study:card_history", args=[question.pk]) in html


def test_results_are_paginated_and_keep_the_filters(
    client: Any, learner: Any, topic: Any, make_question: Any, django_assert_max_num_queries: Any
) -> None:
    questions = [make_question(topic, prompt=f"Paged {i}") for i in range(SEARCH_PAGE_SIZE + 3)]
    Deck.objects.create(slug="big", name="Big").questions.set(questions)

    with django_assert_max_num_queries(6):
        first = client.get(URL, {"q": "Paged"})
    second = client.get(URL, {"q": "Paged", "page": "2"})

    assert len(found(first)) == SEARCH_PAGE_SIZE
    assert len(found(second)) == 3
    assert "?q=Paged&amp;page=2" in first.content.decode()
    assert first.context["page"].paginator.count == SEARCH_PAGE_SIZE + 3


@pytest.mark.parametrize(
    "params",
    [
        {"page": "999"},
        {"page": "-1"},
        {"page": "x" * 5000},
        {"topic": "not-a-number"},
        {"topic": "99999999999999999999999"},
        {"domain": "0"},
        {"kind": "essay"},
        {"q": "x" * 500},
        {"q": "\x00"},
    ],
)
def test_bad_input_never_gives_a_server_error(
    client: Any, learner: Any, deck: Deck, params: dict[str, str]
) -> None:
    assert client.get(URL, {"q": "Question", **params}).status_code == 200


def test_anonymous_is_sent_to_log_in(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_search_refuses_post(client: Any, learner: Any) -> None:
    assert client.post(URL).status_code == 405


def test_the_nav_links_to_search_for_signed_in_users(client: Any, learner: Any) -> None:
    assert URL.encode() in client.get(reverse("home")).content
