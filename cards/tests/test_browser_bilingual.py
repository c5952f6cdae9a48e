"""A learner in a real browser practises the English exam wording of a Korean card, then puts
English first in the settings and finds the Korean one toggle away.

Screenshots go to /tmp/shots/ (outside the repository) for a person to look at.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from cards.models import Deck, Question
from cards.tests.factories import make_topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for a person to look at, nothing secret
EMAIL = "bilingual@example.com"
KO_PROMPT = "서버를 관리하지 않고 코드를 실행하려면 어떤 서비스를 써야 하는가?"
EN_PROMPT = "Which service should a solutions architect use to run code without managing servers?"
# (Korean, English, correct): a service name is the same in both languages.
OPTIONS = [
    ("AWS Lambda", "AWS Lambda", True),
    ("EC2 인스턴스를 직접 운영한다", "Run Amazon EC2 instances yourself", False),
    ("온프레미스 서버를 증설한다", "Add on-premises servers", False),
]


@pytest.fixture
def bilingual_deck(make_question: Callable[..., Question]) -> Deck:
    topic = make_topic("compute", "Lambda", "3.2", order=1)
    question = make_question(
        topic,
        key="compute-exam-1",
        origin="exam",
        prompt=KO_PROMPT,
        prompt_en=EN_PROMPT,
        answers=OPTIONS,
        explanation="Lambda는 서버 없이 코드를 실행한다.",
        explanation_en="Lambda runs code without servers.",
        source_first_line=5,
        source_last_line=6,
    )
    deck = Deck.objects.create(slug="compute-deck", name="컴퓨팅 덱", name_en="Compute deck")
    deck.questions.set([question])
    return deck


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_learner_opens_the_english_wording_and_then_puts_english_first(
    page: Page, live_server: Any, bilingual_deck: Deck, make_user: Any, password: str
) -> None:
    make_user(EMAIL)
    base = live_server.url
    study_url = f"{base}/decks/{bilingual_deck.slug}/study/?mode=choice"

    # Sign in through the form.
    page.goto(f"{base}/accounts/login/")
    form = page.locator("form:has([name='password'])")
    form.locator("[name='login']").fill(EMAIL)
    form.locator("[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()

    # Korean first: the prompt and the options; the English stays folded away.
    page.goto(study_url)
    card = page.locator(".study-card")
    toggle = card.locator("details.other-language")
    expect(card.locator("h2.prompt")).to_have_text(KO_PROMPT)
    expect(card.locator("h2.prompt")).to_have_attribute("lang", "ko")
    expect(card.locator(".option-text", has_text="EC2 인스턴스를 직접 운영한다")).to_be_visible()
    expect(toggle.locator("summary")).to_contain_text("English")
    expect(toggle.get_by_text(EN_PROMPT)).to_be_hidden()
    shot(page, "bilingual-01-korean-first")

    # The toggle shows the exam wording: the English prompt and the options, lettered.
    toggle.locator("summary").click()
    expect(toggle.locator("p.prompt[lang='en']")).to_have_text(EN_PROMPT)
    expect(toggle.locator("li", has_text="Run Amazon EC2 instances yourself")).to_be_visible()
    expect(card.get_by_text("Run Amazon EC2 instances yourself")).to_have_count(1)
    shot(page, "bilingual-02-english-open")

    # English first, from the settings page.
    page.goto(f"{base}/settings/")
    settings_form = page.locator("form:has([name='card_language'])")
    settings_form.locator("[name='card_language'][value='en']").check()
    with page.expect_navigation():
        settings_form.locator("[type='submit']").first.click()

    page.goto(study_url)
    expect(card.locator("h2.prompt")).to_have_text(EN_PROMPT)
    expect(card.locator("h2.prompt")).to_have_attribute("lang", "en")
    expect(
        card.locator(".option-text", has_text="Run Amazon EC2 instances yourself")
    ).to_be_visible()
    expect(toggle.locator("summary")).to_contain_text("한국어")
    expect(toggle.get_by_text(KO_PROMPT)).to_be_hidden()
    page.keyboard.press("l")  # the study pages' key for the other language
    expect(toggle.locator("p.prompt[lang='ko']")).to_have_text(KO_PROMPT)
    expect(toggle.locator("li", has_text="EC2 인스턴스를 직접 운영한다")).to_be_visible()
    shot(page, "bilingual-03-english-first")
