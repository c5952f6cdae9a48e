"""A browser that prefers Korean gets the Korean interface; a learner who switches to English
keeps English after logging out and in, and on a new Korean-speaking browser too.

Screenshots go to /tmp/shots/ (outside the repository) for a person to look at.
"""

from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accounts.models import User
from saaprep.tests.test_translations import compiled_messages  # noqa: F401 - session fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for a person to look at, nothing secret
EMAIL = "switcher@example.com"
PASSWORD = "a long passphrase that switches languages"


def korean(message: str) -> str:
    with translation.override("ko"):
        text = translation.gettext(message)
    assert text != message
    return text


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    form = page.locator("form:has([name='password'])")
    form.locator("[name='login']").fill(EMAIL)
    form.locator("[name='password']").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()


@pytest.fixture
def korean_context(browser: Browser) -> Any:
    contexts: list[BrowserContext] = []

    def new() -> Page:
        context = browser.new_context(locale="ko-KR", extra_http_headers={"Accept-Language": "ko"})
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


def test_korean_first_then_english_kept_across_logins_and_browsers(
    live_server: Any, korean_context: Any, confirm_in_browser: Any
) -> None:
    base = live_server.url
    page = korean_context()
    html = page.locator("html")
    header = page.locator(".site-header")

    # A Korean browser: the home page and the login page speak Korean.
    page.goto(f"{base}/")
    expect(html).to_have_attribute("lang", "ko")
    expect(page.locator("h1")).to_have_text(
        korean("Pass SAA-C03 with cards built from your own notes")
    )
    expect(header.get_by_role("link", name=korean("Sign up"))).to_be_visible()
    expect(page.get_by_text("Pass SAA-C03 with cards")).to_have_count(0)
    shot(page, "language-01-home-ko")

    page.goto(f"{base}/accounts/login/")
    expect(html).to_have_attribute("lang", "ko")
    expect(page.locator("h1")).to_have_text(korean("Log in"))
    expect(page.get_by_role("link", name=korean("Forgot your password?"))).to_be_visible()
    shot(page, "language-02-login-ko")

    # Sign up, still in Korean.
    page.goto(f"{base}/accounts/signup/")
    form = page.locator("form:has([name='password1'])")
    form.locator("[name='email']").fill(EMAIL)
    form.locator("[name='password1']").fill(PASSWORD)
    form.locator("[name='password2']").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()
    expect(page).to_have_url(f"{base}/accounts/confirm-email/")  # "check your email"
    confirm_in_browser(page, EMAIL)
    expect(header.get_by_role("button", name=korean("Log out"))).to_be_visible()
    expect(page.locator("h1")).to_have_text(korean("Your decks"))

    # The header switch: English at once, and kept on the account.
    header.locator("select[name='language']").select_option("en")
    with page.expect_navigation():
        header.get_by_role("button", name=korean("Change")).click()
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Your decks")
    assert User.objects.get(email=EMAIL).ui_language == "en"
    shot(page, "language-03-home-en")

    # Log out and in again: still English.
    with page.expect_navigation():
        header.get_by_role("button", name="Log out").click()
    expect(html).to_have_attribute("lang", "en")
    expect(header.get_by_role("link", name="Log in")).to_be_visible()
    log_in(page, base)
    expect(html).to_have_attribute("lang", "en")
    expect(header.get_by_role("button", name="Log out")).to_be_visible()

    # A new Korean browser, without the language cookie: the account keeps English.
    other = korean_context()
    other.goto(f"{base}/")
    expect(other.locator("html")).to_have_attribute("lang", "ko")
    log_in(other, base)
    expect(other.locator("html")).to_have_attribute("lang", "en")
    expect(other.locator("h1")).to_have_text("Your decks")
