"""A learner brings their own notes in a real browser: pastes two topics, sees the preview with
its one warning, saves, studies three cards, edits one bullet and adds a question, uploads the
new version, sees "1 changed, 1 new", and finds the cards they studied scheduled as before.

Screenshots go to /tmp/shots/ (outside the repository) for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from cards.models import Notebook, Question
from cards.tests.factories import ensure_blueprint
from study.models import ReviewState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for a person to look at, nothing secret

NOTES = """# Design Resilient Architectures

## Amazon SQS
* How do you decouple the web tier from the order processing tier?
    > * Put the orders on an Amazon SQS queue.
    > * A FIFO queue keeps the order.

## Study habits
* What helps me remember the services?
    > * Writing my own notes every week.
"""

EDITED = NOTES.replace(
    "A FIFO queue keeps the order.", "A FIFO queue keeps the order and drops duplicates."
).replace(
    "## Study habits",
    "* What does a dead-letter queue hold?\n    > * Messages that failed too often.\n\n"
    "## Study habits",
)


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, user: Any, base: str) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])


def test_paste_notes_study_them_edit_and_upload_again(
    page: Page, live_server: Any, student: Any
) -> None:
    ensure_blueprint()
    base = live_server.url
    sign_in(page, student, base)
    page.set_extra_http_headers({"Accept-Language": "en"})

    # Paste two topics and preview: one warning (a topic that names no service), quoted.
    page.goto(f"{base}/notebooks/new/")
    page.locator("textarea[name='text']").fill(NOTES)
    page.locator("input[name='title']").fill("Week 1")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-summary")).to_contain_text("1 warning")
    expect(page.locator(".problem-list.warnings li")).to_have_count(1)
    expect(page.locator(".problem-list.warnings")).to_contain_text("Line 8")
    expect(page.locator(".problem-list.warnings pre")).to_have_text("## Study habits")
    expect(page.locator(".topic-preview")).to_have_count(2)
    shot(page, "notebook-01-preview")
    assert not Notebook.objects.exists()

    with page.expect_navigation():
        page.get_by_role("button", name="Save this notebook").click()
    notebook = Notebook.objects.get(owner=student)
    expect(page).to_have_url(f"{base}{notebook.get_absolute_url()}")
    shot(page, "notebook-02-saved")

    # Study three cards of the whole notebook's deck, by keyboard: reveal, Good, next.
    # Waits for the study page to load: a key pressed before its deferred script runs is lost.
    with page.expect_navigation():
        page.locator(".deck-list li", has_text="Week 1").get_by_role(
            "link", name="Study flashcards"
        ).click()
    for _ in range(3):
        expect(page.locator("button.rating").first).to_be_hidden()  # answer not shown yet
        page.keyboard.press("Space")
        expect(page.locator("button.rating").first).to_be_visible()
        with page.expect_navigation():
            page.keyboard.press("3")
        expect(page).to_have_url(re.compile(r"/study/result/"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
    studied = {
        state.question_id: (state.due, state.stability, state.reps)
        for state in ReviewState.objects.filter(user=student)
    }
    assert len(studied) == 3

    # Edit one answer bullet, add a question, and upload the new version.
    page.goto(f"{base}{notebook.get_absolute_url()}")
    page.locator("textarea[name='text']").fill(EDITED)
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    expect(page.locator("#revision-notes")).to_contain_text("1 changed, 1 new")
    shot(page, "notebook-03-revision-preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Save this version").click()
    expect(page.locator(".version-list li")).to_have_count(2)
    shot(page, "notebook-04-two-versions")

    # Every card studied is still the same card, scheduled exactly as before.
    assert {
        state.question_id: (state.due, state.stability, state.reps)
        for state in ReviewState.objects.filter(user=student)
    } == studied
    assert not Question.objects.filter(pk__in=studied, retired_at__isnull=False).exists()
