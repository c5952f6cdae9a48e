"""Starting over and leaving, in a real browser: a learner deletes their account from the
settings page, and the pages fit a phone and a desktop in Korean and English.

Screenshots go to /tmp/shots/ (outside the repository) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accounts.models import User
from cards.models import Deck, Question
from cards.tests.factories import make_topic
from classrooms import services as classroom_services
from classrooms.goals import Goal
from classrooms.models import Classroom, Membership
from saaprep.tests.test_translations import compiled_messages  # noqa: F401 - session fixture
from study import services as study_services
from study.models import Attempt, Mode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for a person to look at, nothing secret


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"account-{name}.png"), full_page=True)


@pytest.fixture
def school(make_user: Callable[..., Any], make_question: Callable[..., Question]) -> dict[str, Any]:
    """A teacher's class with a learner who has studied its deck."""
    now = timezone.now()
    teacher = make_user("kang@example.com", display_name="강 선생님")
    learner = make_user("minji@example.com", display_name="민지")
    topic = make_topic("perf", "고성능 아키텍처", "3.1")
    questions = [
        make_question(
            topic,
            key=f"card-{order}",
            prompt=f"Lambda 질문 {order}",
            answers=[("AWS Lambda", True), ("Amazon EC2", False)],
            source_first_line=1,
            source_last_line=1,
            order=order,
        )
        for order in range(3)
    ]
    deck = classroom_services.deck_create(owner=teacher, name="1주차", questions=questions)
    classroom = classroom_services.classroom_create(teacher=teacher, name="3학년 1반", now=now)
    classroom_services.membership_join(classroom=classroom, student=learner, now=now)
    classroom_services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.ANSWER_ALL,
        target_percent=None,
        due_at=now + timedelta(days=7),
        now=now,
    )
    for question in questions:
        shown = study_services.showing_issue(
            user=learner, deck=deck, question=question, mode=Mode.CHOICE, practice=False, now=now
        )
        study_services.attempt_record(
            user=learner,
            token=shown.token,
            slug=deck.slug,
            answer_ids=[question.answers.get(is_correct=True).pk],
            rating=None,
            duration_ms=5000,
            now=now,
        )
    return {"teacher": teacher, "learner": learner, "classroom": classroom, "deck": deck}


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Pages in their own contexts, closed before the live server stops."""
    contexts: list[BrowserContext] = []

    def make(*, language: str = "en", width: int = 1280) -> Page:
        context = browser.new_context(
            locale="ko-KR" if language == "ko" else "en-US",
            extra_http_headers={"Accept-Language": language},
            viewport={"width": width, "height": 900},
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_a_learner_deletes_their_account_from_the_settings_page(
    live_server: Any, new_page: Callable[..., Page], school: dict[str, Any], password: str
) -> None:
    base = live_server.url
    page = new_page()
    page.goto(f"{base}/accounts/login/")
    form = page.locator("form:has([name='password'])")
    form.locator("[name='login']").fill("minji@example.com")
    form.locator("[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()

    page.goto(f"{base}/settings/")
    with page.expect_navigation():
        page.get_by_role("link", name="Delete my account").click()
    expect(page.locator("h1")).to_have_text("Delete my account")
    expect(page.get_by_text("3 answers you gave")).to_be_visible()
    expect(page.get_by_text("your place in 1 class")).to_be_visible()
    shot(page, "delete-01-confirm")

    # A wrong password: the page says so and nothing happens.
    page.get_by_label("Your password").fill("not my password at all")
    with page.expect_navigation():
        page.get_by_role("button", name="Delete my account for good").click()
    expect(page.locator(".errorlist")).to_have_text("That is not your password.")
    assert User.objects.filter(email="minji@example.com").exists()
    shot(page, "delete-02-wrong-password")

    page.get_by_label("Your password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Delete my account for good").click()

    assert page.url == f"{base}/"
    expect(page.locator(".message.success")).to_have_text(
        "Your account and everything in it were deleted."
    )
    expect(page.locator(".site-header").get_by_role("link", name="Log in")).to_be_visible()
    shot(page, "delete-03-done")
    assert not User.objects.filter(email="minji@example.com").exists()
    assert not Attempt.objects.exists()
    assert not Membership.objects.exists()
    assert Classroom.objects.filter(pk=school["classroom"].pk).exists()
    assert Deck.objects.filter(pk=school["deck"].pk).exists()


def sign_in(page: Page, base: str, user: Any) -> None:
    """The session of a signed-in test client, handed to the browser."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_account_pages_fit_a_phone_and_a_desktop(
    live_server: Any,
    new_page: Callable[..., Page],
    school: dict[str, Any],
    language: str,
    width: int,
) -> None:
    base = live_server.url
    pages = {
        "learner": ["/settings/", "/settings/reset-history/", "/settings/delete-account/"],
        "teacher": ["/settings/delete-account/"],  # refused: the class has a student
    }
    for role, paths in pages.items():
        page = new_page(language=language, width=width)
        sign_in(page, base, school[role])
        for path in paths:
            page.goto(f"{base}{path}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            # Nothing wider than the window: no sideways scrolling on a phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            name = path.strip("/").replace("/", "-")
            shot(page, f"{language}-{width}-{role}-{name}")
        if role == "teacher":
            expect(page.locator(".refusal")).to_contain_text("3학년 1반")
            expect(page.locator("input[type='password']")).to_have_count(0)
