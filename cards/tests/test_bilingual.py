"""Cards in two languages: which wording shows first, the toggle to the other, on every page
that shows a card; and the committed content has the English exam wording of every question."""

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cards.bilingual import CardText, card_text, card_texts, first_language
from cards.models import Answer, Deck, Question, Topic

KO_PROMPT = "서버 없이 코드를 실행하는 서비스는 무엇인가?"
EN_PROMPT = "Which service runs code without provisioning servers?"
KO_WHY = "Lambda는 서버를 관리하지 않고 코드를 실행한다."
EN_WHY = "Lambda runs code without servers to manage."
# (Korean, English) option texts: a service name reads the same in both languages.
OPTIONS = [
    ("AWS Lambda", "AWS Lambda", True),
    ("EC2 인스턴스를 직접 관리한다", "Manage Amazon EC2 instances yourself", False),
    ("S3 버킷에 코드를 저장한다", "Store the code in an Amazon S3 bucket", False),
]


# Which wording comes first -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("korean", "english", "first", "expected"),
    [
        ("람다", "Lambda", "ko", CardText("람다", "ko", "Lambda", "en")),
        ("람다", "Lambda", "en", CardText("Lambda", "en", "람다", "ko")),
        # An empty wording falls back to the other, with nothing behind a toggle.
        ("람다", "", "en", CardText("람다", "ko", "", "ko")),
        ("람다", "  ", "en", CardText("람다", "ko", "", "ko")),
        ("", "Lambda", "ko", CardText("Lambda", "en", "", "en")),
        ("람다", "", "ko", CardText("람다", "ko", "", "en")),
        # The same words in both languages (a service name): no toggle.
        ("AWS Lambda", "AWS Lambda", "ko", CardText("AWS Lambda", "ko", "", "en")),
        ("AWS Lambda", "AWS Lambda", "en", CardText("AWS Lambda", "en", "", "ko")),
        ("AWS  Lambda\n", " AWS Lambda", "en", CardText("AWS Lambda", "en", "", "ko")),
        ("", "", "ko", CardText("", "en", "", "en")),
        # An unknown or regional language code reads as Korean or English.
        ("람다", "Lambda", "en-us", CardText("Lambda", "en", "람다", "ko")),
        ("람다", "Lambda", "fr", CardText("람다", "ko", "Lambda", "en")),
    ],
)
def test_card_text_picks_the_first_language_and_the_toggle(
    korean: str, english: str, first: str, expected: CardText
) -> None:
    assert card_text(korean, english, first) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ko", "ko"), ("en", "en"), ("en-gb", "en"), ("EN", "en"), ("", "ko"), (None, "ko")],
)
def test_first_language_reads_settings_and_ui_codes(code: str | None, expected: str) -> None:
    assert first_language(code) == expected


@pytest.mark.parametrize(
    ("first", "label", "second", "second_lang"),
    [("ko", "English", "Lambda", "en"), ("en", "한국어", "람다", "ko")],
)
def test_the_toggle_is_named_in_its_own_language(
    first: str, label: str, second: str, second_lang: str
) -> None:
    text = card_text("람다", "Lambda", first)
    assert (text.other_label, text.second, text.second_lang) == (label, second, second_lang)


def test_a_list_offers_a_toggle_only_when_some_text_differs() -> None:
    services = card_texts([("AWS Lambda", "AWS Lambda"), ("Amazon S3", "Amazon S3")], "ko")
    mixed = card_texts([("AWS Lambda", "AWS Lambda"), ("코드를 저장", "Store code")], "ko")
    assert not services.has_other
    assert mixed.has_other
    # A text the same in both languages is listed as it is, in its own language.
    assert [(t.second, t.second_lang) for t in mixed.texts] == [
        ("AWS Lambda", "ko"),
        ("Store code", "en"),
    ]


# The committed content ---------------------------------------------------------------------------


def test_every_authored_and_generated_question_has_its_english_wording() -> None:
    records = json.loads((Path(settings.BASE_DIR) / "fixtures" / "content.json").read_text())
    questions = {
        record["fields"]["key"]: record["fields"]
        for record in records
        if record["model"] == "cards.question"
    }
    practised = {key for key, q in questions.items() if q["origin"] in ("exam", "which")}
    answers = [
        record["fields"]
        for record in records
        if record["model"] == "cards.answer" and record["fields"]["question"][0] in practised
    ]

    assert {q["origin"] for q in questions.values()} >= {"exam", "which"}
    assert [key for key in practised if not questions[key]["prompt_en"].strip()] == []
    assert len({a["question"][0] for a in answers}) == len(practised)
    assert [a for a in answers if not a["text_en"].strip()] == []


# Pages ------------------------------------------------------------------------------------------


def in_order(html: str, *parts: str) -> bool:
    """Every part is in the page, each after the one before."""
    at = 0
    for part in parts:
        found = html.find(part, at)
        if found == -1:
            return False
        at = found + len(part)
    return True


# Up to where the study pages add a key to the toggle (`data-key="L"`, `<kbd>L</kbd>`).
KO_FIRST_PROMPT = [
    f'class="prompt" lang="ko">{KO_PROMPT}</',
    '<details class="other-language"',
    '<summary lang="en">English',
    f'<p class="prompt" lang="en">{EN_PROMPT}</p>',
]
EN_FIRST_PROMPT = [
    f'class="prompt" lang="en">{EN_PROMPT}</',
    '<details class="other-language"',
    '<summary lang="ko">한국어',
    f'<p class="prompt" lang="ko">{KO_PROMPT}</p>',
]


@pytest.fixture
def bilingual(topic: Topic, make_question: Callable[..., Question]) -> Question:
    """A single-choice question in both languages, its options too (one a service name)."""
    question = make_question(
        topic,
        prompt=KO_PROMPT,
        prompt_en=EN_PROMPT,
        explanation=KO_WHY,
        explanation_en=EN_WHY,
        answers=[(korean, correct) for korean, _, correct in OPTIONS],
    )
    for answer, (_, english, _) in zip(question.answers.order_by("order"), OPTIONS, strict=True):
        answer.text_en = english
        answer.explanation_en = f"why: {english}"
        answer.save(update_fields=["text_en", "explanation_en"])
    return question


@pytest.fixture
def bilingual_deck(bilingual: Question) -> Deck:
    deck = Deck.objects.create(slug="bilingual", name="람다 덱", name_en="Lambda deck")
    deck.questions.set([bilingual])
    return deck


@pytest.fixture
def english_first(student: Any) -> Any:
    student.card_language = "en"
    student.save(update_fields=["card_language"])
    return student


def test_question_page_shows_korean_first_with_an_english_toggle(
    client: Client, student: Any, bilingual: Question
) -> None:
    client.force_login(student)

    html = client.get(bilingual.get_absolute_url()).content.decode()

    assert in_order(html, f'<h1 class="prompt" lang="ko">{KO_PROMPT}</h1>', *KO_FIRST_PROMPT[1:])
    assert in_order(
        html,
        '<span class="answer-text" lang="ko">EC2 인스턴스를 직접 관리한다</span>',
        '<summary lang="en">English</summary>',
        '<span class="answer-text" lang="en">Manage Amazon EC2 instances yourself</span>',
    )
    assert in_order(
        html,
        f'<p class="explanation" lang="ko">{KO_WHY}</p>',
        '<summary lang="en">English</summary>',
        f'<p class="explanation" lang="en">{EN_WHY}</p>',
    )
    assert f"<title>{KO_PROMPT[:59]}" in html


def test_question_page_shows_english_first_to_an_english_first_learner(
    client: Client, english_first: Any, bilingual: Question
) -> None:
    client.force_login(english_first)

    html = client.get(bilingual.get_absolute_url()).content.decode()

    assert in_order(html, f'<h1 class="prompt" lang="en">{EN_PROMPT}</h1>', *EN_FIRST_PROMPT[1:])
    assert in_order(
        html,
        f'<p class="explanation" lang="en">{EN_WHY}</p>',
        '<summary lang="ko">한국어</summary>',
        f'<p class="explanation" lang="ko">{KO_WHY}</p>',
    )
    assert KO_PROMPT not in html.split("<details", 1)[0]


@pytest.mark.parametrize(
    ("accept_language", "expected"), [("ko", KO_FIRST_PROMPT), ("en", EN_FIRST_PROMPT)]
)
def test_a_visitor_reads_cards_in_the_interface_language_first(
    client: Client, bilingual: Question, accept_language: str, expected: list[str]
) -> None:
    html = client.get(
        bilingual.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=accept_language
    ).content.decode()

    assert in_order(html, *expected)


def test_a_service_name_the_same_in_both_languages_has_no_toggle(
    client: Client, student: Any, bilingual: Question
) -> None:
    Answer.objects.filter(question=bilingual).update(explanation="", explanation_en="")
    client.force_login(student)

    html = client.get(bilingual.get_absolute_url()).content.decode()

    lambda_item = html.split('lang="ko">AWS Lambda</span>', 1)[1].split("</li>", 1)[0]
    assert "<details" not in lambda_item
    # The other two options differ in English, and so do the prompt and the explanation.
    assert html.count('<details class="other-language">') == 4


def test_a_note_question_without_english_shows_korean_to_everyone_without_a_toggle(
    client: Client, english_first: Any, topic: Topic, make_question: Callable[..., Question]
) -> None:
    note = make_question(topic, kind="flashcard", prompt="람다 동시성 한도는?", origin="note")
    Answer.objects.filter(question=note).update(text="리전당 1,000", explanation="")
    client.force_login(english_first)

    html = client.get(note.get_absolute_url()).content.decode()

    assert '<h1 class="prompt" lang="ko">람다 동시성 한도는?</h1>' in html
    assert '<span class="answer-text" lang="ko">리전당 1,000</span>' in html
    assert "other-language" not in html


def test_deck_page_previews_questions_in_the_first_language(
    client: Client, english_first: Any, bilingual_deck: Deck
) -> None:
    client.force_login(english_first)

    html = client.get(bilingual_deck.get_absolute_url()).content.decode()

    assert '<h1 lang="en">Lambda deck</h1>' in html
    assert '<p class="deck-name-other" lang="ko">람다 덱</p>' in html
    assert in_order(
        html,
        f'lang="en">{EN_PROMPT}</a>',
        '<summary lang="ko">한국어</summary>',
        f'<span lang="ko">{KO_PROMPT}</span>',
    )


def study_page(client: Client, deck: Deck, mode: str) -> str:
    response = client.get(reverse("study:session", args=[deck.slug]) + f"?mode={mode}")
    assert response.status_code == 200
    return response.content.decode()


def test_study_choice_card_shows_options_in_the_first_language_and_all_english_behind_one_toggle(
    client: Client, student: Any, bilingual_deck: Deck
) -> None:
    client.force_login(student)

    html = study_page(client, bilingual_deck, "choice")

    assert f'<h2 id="prompt" class="prompt" lang="ko">{KO_PROMPT}</h2>' in html
    # The L key opens it on the study pages (study.js); without JavaScript it is a click.
    toggle = html.split('<details class="other-language" data-key="L">', 1)[1]
    toggle = toggle.split("</details>", 1)[0]
    assert '<summary lang="en">English <kbd>L</kbd></summary>' in toggle
    assert f'<p class="prompt" lang="en">{EN_PROMPT}</p>' in toggle
    # Options listed A, B, C in the page's order, each in English (a service name as it is).
    assert '<ol class="other-items" type="A">' in toggle
    for korean, english, _ in OPTIONS:
        assert english in toggle
        expected = "ko" if korean == english else "en"
        assert f'<li lang="{expected}">{english}</li>' in toggle
    # The option buttons carry the first language only.
    form = html.split('class="answer-form"', 1)[1]
    assert '<span class="option-text" lang="ko">EC2 인스턴스를 직접 관리한다</span>' in form
    assert "Manage Amazon EC2" not in form
    assert html.count('<details class="other-language"') == 1


def test_study_flashcard_shows_english_first_to_an_english_first_learner(
    client: Client, english_first: Any, bilingual_deck: Deck
) -> None:
    client.force_login(english_first)

    html = study_page(client, bilingual_deck, "flashcard")

    assert in_order(
        html, f'<h2 id="prompt" class="prompt" lang="en">{EN_PROMPT}</h2>', *EN_FIRST_PROMPT[1:]
    )
    # The back: the right answer in English first; a service name has nothing to toggle.
    back = html.split('<div class="back">', 1)[1]
    assert '<span class="answer-text" lang="en">AWS Lambda</span>' in back
    assert "other-language" not in back


def test_study_flashcard_back_toggles_its_answers(
    client: Client, student: Any, topic: Topic, make_question: Callable[..., Question]
) -> None:
    card = make_question(
        topic,
        kind="flashcard",
        prompt="람다 한도",
        answers=[("리전당 동시 실행 1,000", True), ("AWS Lambda", True)],
    )
    Answer.objects.filter(question=card, order=1).update(text_en="1,000 concurrent runs a region")
    Answer.objects.filter(question=card, order=2).update(text_en="AWS Lambda")
    deck = Deck.objects.create(slug="cards", name="카드")
    deck.questions.set([card])
    client.force_login(student)

    back = study_page(client, deck, "flashcard").split('<div class="back">', 1)[1]

    assert in_order(
        back,
        '<span class="answer-text" lang="ko">리전당 동시 실행 1,000</span>',
        '<span class="answer-text" lang="ko">AWS Lambda</span>',
        '<details class="other-language" data-key="L">',
        '<summary lang="en">English <kbd>L</kbd></summary>',
        '<ul class="other-items">',
        '<li lang="en">1,000 concurrent runs a region</li>',
        '<li lang="ko">AWS Lambda</li>',
    )


def test_study_result_shows_the_first_language_with_toggles(
    client: Client, english_first: Any, bilingual_deck: Deck
) -> None:
    client.force_login(english_first)
    page = client.get(reverse("study:session", args=[bilingual_deck.slug]) + "?mode=choice")
    token = page.context["showing"].token
    right = Answer.objects.get(question__decks=bilingual_deck, is_correct=True)

    answered = client.post(
        reverse("study:answer", args=[bilingual_deck.slug]), {"token": token, "answer": right.pk}
    )
    html = client.get(answered["Location"]).content.decode()

    assert in_order(html, f'<h1 class="prompt" lang="en">{EN_PROMPT}</h1>', *EN_FIRST_PROMPT[1:])
    assert in_order(
        html,
        '<span class="answer-text" lang="en">Manage Amazon EC2 instances yourself</span>',
        '<summary lang="ko">한국어</summary>',
        '<span class="answer-text" lang="ko">EC2 인스턴스를 직접 관리한다</span>',
    )
    assert in_order(html, f'<p class="explanation" lang="en">{EN_WHY}</p>', KO_WHY)


def test_leech_practice_shows_the_first_language_with_a_toggle(
    client: Client, english_first: Any, bilingual_deck: Deck, bilingual: Question
) -> None:
    from study.models import CardState, ReviewState

    now = timezone.now()
    ReviewState.objects.create(
        user=english_first,
        question=bilingual,
        state=CardState.RELEARNING,
        step=0,
        stability=1.0,
        difficulty=5.0,
        due=now + timedelta(minutes=10),
        last_review=now,
        first_review=now - timedelta(days=30),
        reps=12,
        lapses=8,
    )
    client.force_login(english_first)

    html = client.get(reverse("study:leech_session")).content.decode()

    assert in_order(
        html, f'<h2 id="prompt" class="prompt" lang="en">{EN_PROMPT}</h2>', *EN_FIRST_PROMPT[1:]
    )
    assert '<span class="option-text" lang="en">Manage Amazon EC2 instances yourself</span>' in html
    assert '<li lang="ko">EC2 인스턴스를 직접 관리한다</li>' in html


def start_exam(client: Client) -> str:
    started = client.post(reverse("study:exam_start"), {"scope": "exam", "question_count": 1})
    assert started.status_code == 303
    return str(started["Location"])


@pytest.mark.parametrize(
    ("first", "prompt", "option", "listed"),
    [
        (
            "ko",
            KO_FIRST_PROMPT,
            '<span class="option-text" lang="ko">S3 버킷에 코드를 저장한다</span>',
            '<li lang="en">Store the code in an Amazon S3 bucket</li>',
        ),
        (
            "en",
            EN_FIRST_PROMPT,
            '<span class="option-text" lang="en">Store the code in an Amazon S3 bucket</span>',
            '<li lang="ko">S3 버킷에 코드를 저장한다</li>',
        ),
    ],
)
def test_exam_question_shows_the_learners_first_language_and_the_other_behind_a_toggle(
    client: Client,
    student: Any,
    bilingual: Question,
    first: str,
    prompt: list[str],
    option: str,
    listed: str,
) -> None:
    student.card_language = first
    student.save(update_fields=["card_language"])
    client.force_login(student)

    html = client.get(start_exam(client)).content.decode()

    assert f'<h2 id="prompt" class="prompt" lang="{first}">' in html
    assert in_order(html, *prompt)
    assert in_order(html, listed, "</details>", option)


def test_exam_results_review_shows_the_first_language_with_toggles(
    client: Client, english_first: Any, bilingual: Question
) -> None:
    client.force_login(english_first)
    take_url = start_exam(client)
    exam_pk = int(take_url.split("/exams/", 1)[1].split("/", 1)[0])
    right = Answer.objects.get(question=bilingual, is_correct=True)
    client.post(
        reverse("study:exam_save", args=[exam_pk]),
        {"position": 1, "answer": right.pk, "go": "stay"},
    )
    client.post(reverse("study:exam_submit", args=[exam_pk]))

    html = client.get(reverse("study:exam_results", args=[exam_pk])).content.decode()

    assert in_order(html, f'<p class="prompt" lang="en">{EN_PROMPT}</p>', *EN_FIRST_PROMPT[1:])
    assert in_order(
        html,
        '<span class="answer-text" lang="en">Store the code in an Amazon S3 bucket</span>',
        '<summary lang="ko">한국어</summary>',
        '<span class="answer-text" lang="ko">S3 버킷에 코드를 저장한다</span>',
    )
    assert in_order(html, f'<p class="explanation" lang="en">{EN_WHY}</p>', KO_WHY)


# The admin --------------------------------------------------------------------------------------


def test_admin_edits_both_languages_side_by_side(
    client: Client, admin_user: Any, bilingual: Question, bilingual_deck: Deck
) -> None:
    client.force_login(admin_user)

    question_page = client.get(
        reverse("admin:cards_question_change", args=[bilingual.pk])
    ).content.decode()
    deck_page = client.get(reverse("admin:cards_deck_change", args=[bilingual_deck.pk]))

    # One form row holds a field and its English: Django names the row after both.
    for row in ("field-prompt field-prompt_en", "field-explanation field-explanation_en"):
        assert f'<div class="form-row {row}">' in question_page
    assert 'class="form-row field-text field-text_en"' in question_page
    assert 'class="form-row field-explanation field-explanation_en"' in question_page
    for row in ("field-name field-name_en", "field-description field-description_en"):
        assert f'<div class="form-row {row}">' in deck_page.content.decode()


@pytest.mark.parametrize("words", ["Manage Amazon EC2", "provisioning servers"])
def test_admin_finds_questions_by_their_english_wording(
    client: Client, admin_user: Any, bilingual: Question, words: str
) -> None:
    client.force_login(admin_user)

    response = client.get(reverse("admin:cards_question_changelist"), {"q": words})

    assert list(response.context["cl"].result_list) == [bilingual]
