"""A learner in a real browser: signs up, studies five cards by keyboard alone, comes back a day
later and finds exactly the cards FSRS scheduled within that day.

Screenshots go to /tmp/shots/ (outside the repository) for a person to look at.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cards.models import Deck
from cards.tests.factories import make_topic
from study.models import Attempt, CardState, ReviewState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for a person to look at, nothing secret
EMAIL = "newlearner@example.com"
PASSWORD = "a long passphrase for a new learner"

# (key, kind, prompt, [(answer, correct)]) in deck order.
CARDS = [
    (
        "s3-get",
        "single",
        "S3 접두사(prefix)당 초당 **GET** 요청은 최대 몇 건까지 처리되나요?",
        [("5,500건", True), ("3,500건", False), ("1,000건", False), ("10,000건", False)],
    ),
    (
        "dynamodb-read",
        "multiple",
        "DynamoDB 읽기 지연을 줄이는 방법 두 가지를 고르세요.",
        [
            ("DynamoDB Accelerator(DAX)를 앞에 둔다", True),
            ("강력한 일관성 대신 최종 일관성 읽기를 쓴다", True),
            ("S3 Transfer Acceleration을 켠다", False),
            ("EBS 볼륨을 gp3로 바꾼다", False),
        ],
    ),
    ("lambda-limit", "flashcard", "Lambda 리전당 기본 동시 실행 한도는?", [("1,000", True)]),
    (
        "cloudfront-cache",
        "flashcard",
        "CloudFront가 콘텐츠를 캐시하는 곳은?",
        [("엣지 로케이션", True)],
    ),
    (
        "ga-ips",
        "flashcard",
        "Global Accelerator가 제공하는 고정 IP는?",
        [("애니캐스트 고정 IP 2개", True)],
    ),
]


@pytest.fixture
def site(live_server):
    """The live server; plain HTTP comes from the test environment in pyproject.toml."""
    return live_server


@pytest.fixture
def korean_deck(make_question):
    topic = make_topic("perf", "고성능 아키텍처", "3.1", order=1)
    deck = Deck.objects.create(slug="perf-deck", name="성능 덱", description="브라우저 테스트용 덱")
    deck.questions.set(
        make_question(
            topic,
            key=key,
            kind=kind,
            prompt=prompt,
            answers=answers,
            explanation="노트에서 온 설명입니다.",
            source_first_line=10 * order,
            source_last_line=10 * order + 2,
            source_text=f"* {prompt}",
            order=order,
        )
        for order, (key, kind, prompt, answers) in enumerate(CARDS, start=1)
    )
    return deck


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def press(page: Page, key: str) -> None:
    """Press a key that leads to another page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def key_of(page: Page, answer_text: str) -> str:
    """The letter the page shows for an option (their order is shuffled per showing)."""
    option = page.locator("[data-key]", has_text=answer_text)
    if option.count() == 0:  # checkboxes: the key sits on the input inside the label
        option = page.locator("label.option", has_text=answer_text).locator("input")
    key = option.first.get_attribute("data-key")
    assert key is not None and len(key) == 1
    return key


def prompt_key(page: Page) -> str:
    text = page.locator(".prompt").first.inner_text()
    return next(key for key, _kind, prompt, _a in CARDS if prompt.replace("**", "") == text)


def rate_flashcard(page: Page, rating: str) -> None:
    expect(page.locator("button.rating").first).to_be_hidden()
    page.keyboard.press("Space")
    expect(page.locator("details.reveal")).to_have_attribute("open", "")
    expect(page.locator("button.rating").first).to_be_visible()
    press(page, rating)
    expect(page).to_have_url(re.compile(r"/study/result/"))


def test_sign_up_study_five_cards_by_keyboard_and_come_back_tomorrow(
    page: Page, site, korean_deck, time_machine, confirm_in_browser
):
    base = site.url

    # Sign up through allauth's own page.
    page.goto(f"{base}/accounts/signup/")
    form = page.locator("form:has([name='password1'])")
    form.locator("[name='email']").fill(EMAIL)
    form.locator("[name='password1']").fill(PASSWORD)
    form.locator("[name='password2']").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()
    expect(page).to_have_url(f"{base}/accounts/confirm-email/")  # "check your email"
    confirm_in_browser(page, EMAIL)
    expect(page).to_have_url(f"{base}/")
    expect(page.locator(".study-decks .pill-new strong")).to_have_text("5")
    shot(page, "00-home")

    # Open the deck and start on the choice questions.
    page.locator(".study-decks a", has_text="성능 덱").first.click()
    shot(page, "00-deck")
    page.get_by_role("link", name=re.compile("Study choices")).click()
    expect(page.locator(".pill-new strong")).to_have_text("2")
    expect(page.locator(".prompt")).to_contain_text("S3 접두사(prefix)당 초당 GET 요청")
    shot(page, "01-session-single")

    # 1. Single choice, right: the letter of "5,500건".
    press(page, key_of(page, "5,500건").lower())
    expect(page.locator(".result.is-right")).to_be_visible()
    expect(page.locator(".next-due")).to_contain_text("in 10 min")
    expect(page.locator(".citation")).to_contain_text("lines 10–12")
    shot(page, "02-result-right")

    # 2. Multiple response, only one of the two right answers: wrong, Again.
    press(page, "Enter")
    expect(page.locator(".choose")).to_be_visible()
    letter = key_of(page, "DynamoDB Accelerator(DAX)를 앞에 둔다")
    page.keyboard.press(letter)
    expect(page.locator(f"input[data-key='{letter}']")).to_be_checked()
    page.keyboard.press(letter)  # toggles off ...
    expect(page.locator(f"input[data-key='{letter}']")).not_to_be_checked()
    page.keyboard.press(letter)  # ... and on again
    shot(page, "03-session-multiple")
    press(page, "Enter")
    expect(page.locator(".result.is-wrong")).to_be_visible()
    expect(page.locator(".answer.correct.chosen")).to_have_count(1)
    expect(page.locator(".answer.correct")).to_have_count(2)
    expect(page.locator(".explanation").first).to_be_visible()
    shot(page, "04-result-wrong")

    # Both choice cards are answered and not due yet: the empty state.
    press(page, "Enter")
    expect(page.locator(".empty-state")).to_contain_text("Nothing due")
    expect(page.locator(".empty-state")).to_contain_text("in 1 min")
    shot(page, "05-empty")

    # 3–5. The flashcards, rated Hard, Good and Easy.
    page.locator(".mode-switch a", has_text="Flashcards").click()
    expect(page.locator(".pill-new strong")).to_have_text("3")
    shot(page, "06-session-flashcard-front")
    page.set_viewport_size({"width": 390, "height": 844})
    page.keyboard.press("Space")
    shot(page, "07-session-flashcard-back-phone")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.reload()
    for rating in ("2", "3", "4"):
        rate_flashcard(page, rating)
        if rating == "2":
            shot(page, "08-result-flashcard")
        press(page, "Enter")
    expect(page.locator(".empty-state")).to_contain_text("Nothing due")

    assert Attempt.objects.count() == 5
    ratings = {a.question.key: a.rating for a in Attempt.objects.select_related("question")}
    assert ratings == {
        "s3-get": 3,
        "dynamodb-read": 1,
        "lambda-limit": 2,
        "cloudfront-cache": 3,
        "ga-ips": 4,
    }
    assert all(a.duration_ms is not None and a.duration_ms >= 0 for a in Attempt.objects.all())

    page.goto(f"{base}/progress/")
    expect(page.locator("[data-stat='studied']")).to_have_text("5")
    expect(page.locator("[data-stat='due-now']")).to_have_text("0")
    shot(page, "09-progress")

    # A day later: everything still learning is due; the card rated Easy is days away.
    easy = ReviewState.objects.get(question__key="ga-ips")
    assert easy.state == CardState.REVIEW
    assert easy.due > timezone.now() + timedelta(days=2)
    time_machine.move_to(timezone.now() + timedelta(days=1))

    page.goto(f"{base}/")
    expect(page.locator(".study-decks .pill-learning strong")).to_have_text("4")
    expect(page.locator(".study-decks .pill-new strong")).to_have_text("0")
    page.goto(f"{base}/progress/")
    expect(page.locator("[data-stat='due-now']")).to_have_text("4")

    page.goto(f"{base}/decks/perf-deck/study/?mode=flashcard")
    expect(page.locator(".pill-learning strong")).to_have_text("4")
    seen = []
    for _ in range(4):
        seen.append(prompt_key(page))
        rate_flashcard(page, "3")
        press(page, "Enter")
    assert seen == ["dynamodb-read", "lambda-limit", "s3-get", "cloudfront-cache"]
    expect(page.locator(".empty-state")).to_contain_text("Nothing due")
    shot(page, "10-empty-next-day")
