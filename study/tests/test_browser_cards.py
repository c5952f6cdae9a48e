"""Search, a card's history, suspending and reporting, the help page and a teacher's assignment
edit, in a real browser at phone width: every step with the keyboard and mouse a learner uses,
no JavaScript needed, and every page with data passes the phone-fit and axe checks the site's
page walker applies (saaprep/tests/test_browser_pages.py).

Screenshots go to /tmp/shots/cards/ (outside the repository).
"""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cards.models import CardReport, Deck
from classrooms.models import Assignment
from saaprep.tests.axe import axe_source
from saaprep.tests.test_browser_pages import PHONE, anonymous_context, check, signed_in_context
from saaprep.tests.test_translations import compiled_messages  # noqa: F401 - session fixture
from study.models import Attempt, Mode, Suspension

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/cards")  # noqa: S108 - screenshots for a person to look at


@pytest.fixture
def studied(student: Any, deck: Deck, make_state: Any) -> Any:
    """The student has answered the deck's first card three times, twice the week before."""
    now = timezone.now()
    question = deck.questions.order_by("pk")[0]
    make_state(
        student, question, due=now + dt.timedelta(days=4), last_review=now - dt.timedelta(days=1)
    )
    for days, correct in ((8, True), (5, False), (1, True)):
        Attempt.objects.create(
            user=student,
            question=question,
            mode=Mode.CHOICE,
            correct=correct,
            rating=3 if correct else 1,
            reviewed_at=now - dt.timedelta(days=days),
            due_after=now - dt.timedelta(days=days) + dt.timedelta(days=3),
            duration_ms=7000,
        )
    return question


def context_for(browser: Browser, live_server: Any, user: Any, language: str) -> BrowserContext:
    context = signed_in_context(browser, user, language, live_server.url)
    context.add_init_script(script=axe_source())
    return context


def checked(page: Page, name: str) -> None:
    assert check(page) == [], name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_search_open_the_history_suspend_unsuspend_and_report(
    browser: Browser, live_server: Any, student: Any, deck: Deck, studied: Any, language: str
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("layout and axe do not depend on the database: run once, on SQLite")
    context = context_for(browser, live_server, student, language)
    context.set_extra_http_headers({"Accept-Language": language})
    page = context.new_page()
    page.set_viewport_size(PHONE)
    base = live_server.url

    # Search from the nav, with the GET form and no script of its own.
    page.goto(f"{base}/")
    page.locator("nav.site-nav a[href='/search/']").click()
    page.locator("[name='q']").fill("Question 0")
    page.locator("form[role='search'] [type='submit']").click()
    expect(page.locator("[data-question]")).to_have_count(1)
    checked(page, f"search-{language}")

    # The result opens the card's history: three answers, newest first, and why it is due.
    page.locator(f"[data-question='{studied.pk}'] a").first.click()
    expect(page.locator("[data-attempt]")).to_have_count(3)
    expect(page.locator("[data-why='review']")).to_be_visible()
    checked(page, f"history-{language}")

    # Suspend it: back on the history, which says so; it is listed under Progress.
    page.locator(f"form[action='/questions/{studied.pk}/suspend/'] button").click()
    expect(page.locator("[data-why='suspended']")).to_be_visible()
    assert Suspension.objects.filter(user=student, question=studied).exists()
    page.goto(f"{base}/progress/suspended/")
    expect(page.locator("[data-question]")).to_have_count(1)
    checked(page, f"suspended-{language}")
    page.locator(f"form[action='/questions/{studied.pk}/unsuspend/'] button").click()
    expect(page.locator("[data-question]")).to_have_count(0)
    assert not Suspension.objects.filter(user=student).exists()

    # Report it: the details open, a missing reason is an error on the page, then it is sent.
    page.goto(f"{base}/questions/{studied.pk}/history/")
    page.locator("details.report summary").click()
    page.locator("details.report [type='submit']").click()
    expect(page.locator("details.report .errorlist")).to_be_visible()
    checked(page, f"report-error-{language}")
    page.locator("input[name='reason'][value='wrong_answer']").check()
    page.locator("textarea[name='text']").fill("B is the right answer")
    page.locator("details.report [type='submit']").click()
    expect(page.locator(".report-sent")).to_be_visible()
    report = CardReport.objects.get()
    assert (report.reporter, report.question, report.text) == (
        student,
        studied,
        "B is the right answer",
    )
    context.close()


def test_the_help_page_is_reached_from_the_study_page_and_lands_on_its_anchor(
    browser: Browser, live_server: Any, student: Any, deck: Deck
) -> None:
    context = context_for(browser, live_server, student, "ko")
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/decks/{deck.slug}/study/")
    page.locator("a.help-link[href='/help/#buckets']").click()
    expect(page).to_have_url(f"{live_server.url}/help/#buckets")
    expect(page.locator("#buckets")).to_be_in_viewport()
    if connection.vendor == "sqlite":
        checked(page, "help-ko")
    anonymous = anonymous_context(browser, "en")
    public = anonymous.new_page()
    public.goto(f"{live_server.url}/help/#ratings")
    expect(public.locator("#ratings h2")).to_have_text("The four ratings")
    anonymous.close()
    context.close()


def test_a_teacher_changes_the_due_date_and_goal(
    browser: Browser, live_server: Any, teacher: Any, assignment: Assignment
) -> None:
    context = context_for(browser, live_server, teacher, "en")
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/classrooms/assignments/{assignment.pk}/")
    page.get_by_role("link", name="Change the due date or goal").click()

    # A date in the past is refused with the field's own message; nothing changes.
    page.locator("[name='due_at']").fill("2020-01-01T10:00")
    page.locator("form.assignment-form [type='submit']").click()
    expect(page.locator(".has-errors .errorlist")).to_contain_text("must be in the future")
    if connection.vendor == "sqlite":
        checked(page, "assignment-edit-error")

    page.locator("input[name='goal'][value='recall']").check()
    page.locator("[name='target_percent']").fill("75")
    page.locator("[name='due_at']").fill("2099-06-30T23:59")
    page.locator("form.assignment-form [type='submit']").click()
    expect(page).to_have_url(f"{live_server.url}/classrooms/assignments/{assignment.pk}/")
    changed = Assignment.objects.get(pk=assignment.pk)
    assert (changed.goal, changed.target_percent, changed.due_at.year) == ("recall", 75, 2099)
    context.close()
