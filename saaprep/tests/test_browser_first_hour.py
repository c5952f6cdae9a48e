"""Small things a newcomer meets in a real browser: key hints only where there is a keyboard, and
an exam's results that open the question a jump-list number leads to."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from cards.models import Deck
from study import exam_services
from study.models import ExamScope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def bilingual_deck(topic: Any, make_question: Any) -> Deck:
    deck = Deck.objects.create(slug="both-languages", name="두 언어 덱")
    deck.questions.set(
        [
            make_question(
                topic,
                prompt=f"서버 없이 코드를 실행하는 서비스는? {i}",
                prompt_en=f"Which service runs code without servers? {i}",
            )
            for i in range(3)
        ]
    )
    return deck


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    form = page.locator("form:has([name='password'])")
    form.locator("[name='login']").fill(email)
    form.locator("[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()


def test_key_hints_show_with_a_keyboard_and_hide_on_a_phone(
    page: Page, live_server: Any, student: Any, password: str, bilingual_deck: Deck
) -> None:
    log_in(page, live_server.url, student.email, password)
    page.set_viewport_size(DESKTOP)
    page.goto(
        f"{live_server.url}{reverse('study:session', args=[bilingual_deck.slug])}?mode=choice"
    )
    language_hint = page.locator(".study-card summary kbd", has_text="L")
    expect(language_hint).to_be_visible()
    page.set_viewport_size(PHONE)
    expect(language_hint).to_be_hidden()
    expect(page.locator(".study-card kbd").first).to_be_hidden()


def test_a_jump_list_number_opens_its_question(
    page: Page, live_server: Any, student: Any, password: str, bilingual_deck: Deck, blueprint: Any
) -> None:
    exam = exam_services.exam_start(
        user=student,
        scope=ExamScope.DECK,
        deck=bilingual_deck,
        question_count=3,
        timed=False,
        now=timezone.now(),
        seed=1,
    )
    exam_services.exam_submit(user=student, exam=exam, now=timezone.now())
    log_in(page, live_server.url, student.email, password)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}{reverse('study:exam_results', args=[exam.pk])}")
    second = page.locator("#q2 > details")
    expect(second).to_have_js_property("open", False)
    page.locator(".jump-list a", has_text="2").first.click()
    expect(second).to_have_js_property("open", True)
    expect(page.locator("#q1 > details")).to_have_js_property("open", False)
