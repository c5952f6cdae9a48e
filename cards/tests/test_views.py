"""Public deck and question pages."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cards.models import Answer, Deck, Question, Topic


def deck_url(deck: Deck) -> str:
    return reverse("cards:deck_detail", args=[deck.slug])


def question_url(question: Question) -> str:
    return reverse("cards:question_detail", args=[question.pk])


# --- deck page ---


def test_anyone_sees_a_builtin_deck_grouped_by_topic(client: Client, deck: Deck) -> None:
    response = client.get(deck_url(deck))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Lambda deck" in html
    assert "5 cards" in html
    assert html.count('class="card question-row"') == 5
    assert "Question 0" in html and "Card 1" in html
    assert "Task statement 3.2" in html
    for question in deck.questions.all():
        assert question_url(question) in html


def test_deck_page_lists_plain_prompts_without_markup(
    client: Client, topic: Topic, make_question: Callable[..., Question]
) -> None:
    deck = Deck.objects.create(slug="d", name="d")
    deck.questions.add(
        make_question(topic, prompt="[AWS Lambda](https://aws.amazon.com/lambda/)를 <b>사용</b>")
    )

    html = client.get(deck_url(deck)).content.decode()

    assert "AWS Lambda를 &lt;b&gt;사용&lt;/b&gt;" in html
    assert "https://aws.amazon.com/lambda/" not in html


def test_empty_deck_says_so(client: Client, db: None) -> None:
    deck = Deck.objects.create(slug="empty", name="Empty")
    response = client.get(deck_url(deck))
    assert response.status_code == 200
    assert "This deck has no cards yet." in response.content.decode()


def test_teacher_sees_own_deck(client: Client, teacher: Any, deck: Deck) -> None:
    own = Deck.objects.create(slug="mine", name="Mine", owner=teacher)
    client.force_login(teacher)
    assert client.get(deck_url(own)).status_code == 200


@pytest.mark.parametrize("viewer", [None, "other_teacher", "student"])
def test_someone_elses_deck_is_404(
    client: Client, request: pytest.FixtureRequest, teacher: Any, viewer: str | None
) -> None:
    own = Deck.objects.create(slug="mine", name="Mine", owner=teacher)
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    assert client.get(deck_url(own)).status_code == 404


def test_unknown_deck_is_404_in_the_site_layout(client: Client, db: None, settings: Any) -> None:
    settings.DEBUG = False
    response = client.get(reverse("cards:deck_detail", args=["no-such-deck"]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_deck_page_refuses_writes(client: Client, deck: Deck, method: str) -> None:
    assert getattr(client, method)(deck_url(deck)).status_code == 405


def test_deck_page_queries_do_not_grow_with_cards(
    client: Client,
    topic: Topic,
    other_topic: Topic,
    make_question: Callable[..., Question],
    django_assert_max_num_queries: Any,
) -> None:
    small = Deck.objects.create(slug="small", name="Small")
    large = Deck.objects.create(slug="large", name="Large")
    small.questions.set([make_question(topic) for _ in range(3)])
    large.questions.set(
        [make_question(topic) for _ in range(15)]
        + [make_question(other_topic, kind="flashcard") for _ in range(15)]
    )

    for deck, cards in [(small, 3), (large, 30)]:
        with django_assert_max_num_queries(3):
            response = client.get(deck_url(deck))
        assert f"{cards} cards" in response.content.decode()


# --- question page ---


def test_single_choice_page_shows_verdicts_explanations_and_citation(
    client: Client, question: Question
) -> None:
    response = client.get(question_url(question))

    assert response.status_code == 200
    html = response.content.decode()
    assert question.prompt in html
    assert html.count('class="verdict"') == 3
    assert "Correct" in html and "Wrong" in html
    assert "why: Amazon EC2" in html
    assert "notes/design-high-performing-architectures.md, lines 5–8" in html
    assert '<blockquote lang="ko" class="note-source">source line</blockquote>' in html


def test_the_citation_shows_the_note_lines_without_their_markdown(
    client: Client, topic: Topic, make_question: Callable[..., Question]
) -> None:
    question = make_question(
        topic,
        prompt="다음 설명에 해당하는 서비스는?\n\n> ＿＿＿는 코드를 실행",
        source_text="* 질문\n    > * [AWS Lambda](https://aws.amazon.com/lambda/) 답\n    * > 둘째",
    )
    html = client.get(question_url(question)).content.decode()
    assert '<span class="note-line">질문</span>' in html
    assert '">AWS Lambda</a> 답</span>' in html
    assert '<span class="note-quote">둘째</span>' in html
    assert "&gt; *" not in html and "* &gt;" not in html
    title = html[html.index("<title>") : html.index("</title>")]
    assert "&gt;" not in title and "다음 설명에 해당하는 서비스는? ＿＿＿는" in title


def test_flashcard_page_lists_the_note_bullets_without_verdicts(
    client: Client, topic: Topic, make_question: Callable[..., Question]
) -> None:
    card = make_question(
        topic,
        kind="flashcard",
        prompt="Lambda를 백본으로 사용할 때 고려해야 할 사항.",
        answers=[("AWS-owned VPC에서 작동.", True), ("Lambda Layer로 코드 재사용.", True)],
    )

    html = client.get(question_url(card)).content.decode()

    assert "Lambda를 백본으로 사용할 때 고려해야 할 사항." in html
    assert "AWS-owned VPC에서 작동." in html and "Lambda Layer로 코드 재사용." in html
    assert 'class="verdict"' not in html
    assert "Wrong" not in html


def test_single_line_citation(
    client: Client, topic: Topic, make_question: Callable[..., Question]
) -> None:
    card = make_question(topic)
    Question.objects.filter(pk=card.pk).update(source_first_line=7, source_last_line=7)
    html = client.get(question_url(card)).content.decode()
    assert "notes/design-high-performing-architectures.md, line 7<" in html


def test_korean_text_and_english_translation_render_as_is(
    client: Client, question: Question
) -> None:
    Question.objects.filter(pk=question.pk).update(
        prompt="서버 없이 코드를 실행하는 서비스는?", prompt_en="Which service runs code?"
    )
    Answer.objects.filter(question=question, order=1).update(text_en="AWS Lambda (English)")

    response = client.get(question_url(question))

    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    # An English-speaking visitor reads the English first, the Korean behind a toggle.
    assert '<h1 class="prompt" lang="en">Which service runs code?</h1>' in html
    assert '<p class="prompt" lang="ko">서버 없이 코드를 실행하는 서비스는?</p>' in html
    assert '<span class="answer-text" lang="en">AWS Lambda (English)</span>' in html


def test_markdown_links_render_safely_and_markup_is_escaped(
    client: Client, question: Question
) -> None:
    Question.objects.filter(pk=question.pk).update(
        prompt="[Lambda](https://docs.aws.amazon.com/lambda/) <script>alert(1)</script>",
        explanation="[bad](javascript:alert(1)) **중요**",
    )
    Answer.objects.filter(question=question, order=2).update(
        explanation="<img src=x onerror=alert(1)>"
    )

    html = client.get(question_url(question)).content.decode()

    assert (
        '<a href="https://docs.aws.amazon.com/lambda/" rel="noopener noreferrer">Lambda</a>' in html
    )
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert "<strong>중요</strong>" in html
    assert "<img src=x" not in html


def test_reference_links_do_not_leak_the_referrer(client: Client, question: Question) -> None:
    Answer.objects.filter(question=question, order=1).update(
        reference_url="https://docs.aws.amazon.com/lambda/latest/dg/welcome.html"
    )
    html = client.get(question_url(question)).content.decode()
    assert (
        '<a class="reference" href="https://docs.aws.amazon.com/lambda/latest/dg/welcome.html" '
        'rel="noopener noreferrer">'
    ) in html


def test_unknown_question_is_404(client: Client, db: None, settings: Any) -> None:
    settings.DEBUG = False
    response = client.get(reverse("cards:question_detail", args=[999999]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_question_page_refuses_post(client: Client, question: Question) -> None:
    assert client.post(question_url(question)).status_code == 405


def test_question_page_query_count(
    client: Client, question: Question, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):
        assert client.get(question_url(question)).status_code == 200


FLAG: dict[str, Any] = {
    "line": 7,
    "kind": "fact",
    "correction": "VPC 엔드포인트로 NAT 없이 접근합니다.",
    "correction_en": "It reaches AWS services through VPC endpoints without NAT.",
    "url": "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html",
}


def test_a_reviewers_note_sits_beside_the_citation_styled_by_kind(
    client: Client, topic: Topic, make_question: Callable[..., Question], student: Any
) -> None:
    question = make_question(topic, note_flags=[FLAG, {**FLAG, "line": 6, "kind": "typo"}])
    client.force_login(student)  # a learner reads the card language first: Korean by default
    html = client.get(question_url(question)).content.decode()
    citation = html[html.index('<figure class="citation">') :]
    assert citation.index("reviewer-note-typo") < citation.index("reviewer-note-fact")  # by line
    assert "<strong>Reviewer's note</strong>" in citation
    assert FLAG["correction"] in citation and FLAG["correction_en"] in citation
    assert f'href="{FLAG["url"]}"' in citation
    assert "Factual error" in citation and "Typo" in citation


def test_a_malformed_note_flag_edited_in_the_admin_does_not_break_the_page(
    client: Client, topic: Topic, make_question: Callable[..., Question]
) -> None:
    question = make_question(topic, note_flags=[{"kind": "fact"}, "nonsense", FLAG])
    response = client.get(question_url(question))
    assert response.status_code == 200
    assert response.content.decode().count('class="reviewer-note ') == 1
