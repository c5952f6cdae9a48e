"""The exam-day planner in a real browser: a learner sets an exam date in the settings, sees the
plan for that day, applies it in one click and finds the settings changed.

Screenshots of the plan at 1280 and 390 px, in English and in Korean, go to /tmp/shots/plan/
(outside the repository).
"""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect

from saaprep.tests.test_translations import compiled_messages  # noqa: F401 - session fixture
from study.models import CardState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/plan")  # noqa: S108 - screenshots for a person to look at
EMAIL = "planner@example.com"
PASSWORD = "a long passphrase for the planner"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def learner(topic: Any, make_question: Any, make_state: Any) -> Any:
    """A learner with twelve cards of one topic, four of them studied a few days ago."""
    user = get_user_model().objects.create_user(
        username="planner", email=EMAIL, password=PASSWORD, display_name="계획하는 학생"
    )
    # Confirmed, as production requires before signing in.
    EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=True)
    now = timezone.now()
    for i in range(12):
        question = make_question(topic, prompt=f"Planner question {i}")
        if i < 4:
            make_state(
                user,
                question,
                CardState.REVIEW,
                stability=2.0 + i,
                last_review=now - dt.timedelta(days=3),
                due=now + dt.timedelta(days=i),
                reps=2,
            )
    return user


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    form = page.locator("form:has([name='password'])")
    form.locator("[name='login']").fill(EMAIL)
    form.locator("[name='password']").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()


def shots(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_set_an_exam_date_see_the_plan_apply_it_and_see_the_settings_change(
    page: Page, browser: Browser, live_server: Any, learner: Any
) -> None:
    base = live_server.url
    page.set_viewport_size(DESKTOP)
    log_in(page, base)
    exam_day = timezone.localdate() + dt.timedelta(days=21)

    # Settings: an exam date three weeks on, 20 minutes a day.
    page.goto(f"{base}/settings/")
    page.locator("[name='exam_date']").fill(exam_day.isoformat())
    page.locator("[name='study_minutes_per_day']").fill("20")
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".messages")).to_contain_text("Your settings are saved.")

    # Progress says which date readiness is for, and links to the plan.
    page.goto(f"{base}/progress/")
    expect(page.locator(".readiness-note")).to_contain_text(
        f"predicted for your exam on {exam_day.isoformat()}"
    )
    with page.expect_navigation():
        page.get_by_role("link", name="See your exam-day plan").click()

    # The plan: for that day, four retention choices, a pick, two charts with titles.
    expect(page.locator(".plan-date")).to_contain_text(
        f"Planned for your exam on {exam_day.isoformat()}"
    )
    expect(page.locator("tr[data-plan-row]")).to_have_count(4)
    expect(page.locator("svg.plan-recall-chart title").first).to_have_text(
        "Cards expected to be recalled on exam day, by domain"
    )
    expect(page.locator("svg.plan-reviews-chart title").first).to_contain_text(
        "planned over 21 days until the exam"
    )
    pick = page.locator("[data-plan-pick]").get_attribute("data-plan-pick")
    assert pick is not None
    retention, new_per_day = pick.split(":")
    shots(page, "01-plan-en")

    # One click applies it; the settings page shows the new values.
    with page.expect_navigation():
        page.get_by_role("button", name="Apply this plan to my settings").click()
    expect(page).to_have_url(re.compile(r"/settings/$"))
    expect(page.locator(".messages")).to_contain_text(
        f"Your settings now aim at {retention} retention, new cards a day {new_per_day}."
    )
    expect(page.locator("[name='desired_retention']")).to_have_value(retention)
    expect(page.locator("[name='new_cards_per_day']")).to_have_value(new_per_day)
    learner.refresh_from_db()
    assert learner.desired_retention == Decimal(retention)
    assert learner.new_cards_per_day == int(new_per_day)

    # The same plan in Korean.
    context = browser.new_context(locale="ko-KR", extra_http_headers={"Accept-Language": "ko"})
    korean = context.new_page()
    korean.set_viewport_size(DESKTOP)
    log_in(korean, base)
    korean.goto(f"{base}/plan/")
    expect(korean.locator("h1")).to_have_text("시험일 계획")
    expect(korean.get_by_role("button", name="이 계획을 내 설정에 적용하기")).to_be_visible()
    shots(korean, "02-plan-ko")
    context.close()
