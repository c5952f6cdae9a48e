"""Two domains in a real browser: with a second domain's plain Markdown notes built in beside the
seed, a learner studies a card of the new domain and sees both domains on /progress/, and a
whole-exam practice exam draws from both.

The content is built the way the site's is (build_fixtures over notes/ plus the test's Domain 2
notes, then seed_content), not made in the test. Screenshots of every page on the way, at 1280
and 390 px, in English and in Korean, go to /tmp/shots/domains/ (outside the repository).
"""

import re
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Browser, Page, ViewportSize, expect

from cards.services import content_seed
from cards.tests.test_build_fixtures import SECOND
from saaprep.tests.test_translations import compiled_messages  # noqa: F401 - session fixture
from study.models import Exam, ReviewState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/domains")  # noqa: S108 - screenshots for a person to look at
EMAIL = "twodomains@example.com"
PASSWORD = "a long passphrase for two domains"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def content(tmp_path: Path) -> None:
    """The seed's notes and the test's Domain 2 notes, built and seeded like the site's."""
    notes = tmp_path / "notes"
    notes.mkdir()
    for path in (Path(settings.BASE_DIR) / "notes").iterdir():
        if path.is_file():
            shutil.copy(path, notes / path.name)
    shutil.copy(SECOND, notes / SECOND.name)
    out = tmp_path / "out"
    call_command(
        "build_fixtures", str(notes), "--out", str(out), stdout=StringIO(), stderr=StringIO()
    )
    content_seed(fixture_path=out / "content.json")


@pytest.fixture
def learner(db: None) -> Any:
    user = get_user_model().objects.create_user(
        username="twodomains", email=EMAIL, password=PASSWORD, display_name="두 도메인"
    )
    # Confirmed, as production requires before signing in.
    EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=True)
    return user


def shots(page: Page, name: str, *parts: str) -> None:
    """The page at both widths, then back at the desktop width; and each of `parts` alone (a
    phone's full page is too tall to read as one picture)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        for n, part in enumerate(parts, start=1):
            path = SHOTS / f"{name}-{label}-part{n}.png"
            page.locator(part).first.screenshot(path=str(path))
    page.set_viewport_size(DESKTOP)


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    form = page.locator("form:has([name='password'])")
    form.locator("[name='login']").fill(EMAIL)
    form.locator("[name='password']").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()


def test_study_a_second_domain_see_both_on_progress_and_take_a_whole_exam_of_both(
    page: Page, browser: Browser, live_server: Any, content: None, learner: Any
) -> None:
    base = live_server.url
    page.set_viewport_size(DESKTOP)
    log_in(page, base)

    # Home: the decks under a heading per domain.
    expect(page.locator(".deck-group-title")).to_have_text(
        [
            "Domain 2: Design Resilient Architectures",
            "Domain 3: Design High-Performing Architectures",
        ]
    )
    shots(page, "01-home-en")

    # Study one flashcard of the Domain 2 deck, rated Good.
    page.goto(f"{base}/decks/design-resilient-architectures/study/?mode=flashcard")
    expect(page.locator(".prompt")).to_be_visible()
    page.keyboard.press("Space")
    expect(page.locator("button.rating").first).to_be_visible()
    with page.expect_navigation():
        page.keyboard.press("3")
    expect(page).to_have_url(re.compile(r"/study/result/"))
    studied = ReviewState.objects.select_related("question__topic__domain").get(user=learner)
    assert studied.question.topic.domain.number == 2

    # Progress: both domains with cards have a figure; the others say so instead of 0 %.
    page.goto(f"{base}/progress/")
    resilient = page.locator("li.readiness-row.is-domain[data-readiness='2']")
    fast = page.locator("li.readiness-row.is-domain[data-readiness='3']")
    expect(resilient).to_contain_text("Domain 2: Design Resilient Architectures")
    expect(resilient).to_contain_text("26% of the exam")
    expect(resilient).to_contain_text("1 of 8 cards studied")
    expect(fast).to_contain_text("0 of 29 cards studied")
    for number in ("1", "4"):
        expect(page.locator(f"li.is-domain[data-readiness='{number}']")).to_contain_text(
            "No cards yet"
        )
    expect(page.locator("li[data-readiness='exam']")).to_contain_text("2 of 4 domains with cards")
    expect(page.locator("li[data-readiness='2:2.1']")).to_be_visible()
    expect(page.locator("li[data-readiness='3:3.5']")).to_be_visible()
    shots(page, "02-progress-en", "section[aria-labelledby='readiness-heading']")

    # A whole exam: the start page says what it will hold, then it draws from both domains.
    page.goto(f"{base}/exams/")
    plan = page.locator("[data-plan='whole-exam']")
    expect(plan.locator("tr[data-domain='2'] td").last).to_have_text("5")
    expect(plan.locator("tr[data-domain='3'] td").last).to_have_text("22")
    expect(page.locator(".exam-plan summary")).to_contain_text("27 questions")
    shots(page, "03-exams-en", ".exam-start")
    page.locator("input[name='scope'][value='exam']").check()
    page.locator("input[name='timed']").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Start the exam").click()
    exam = Exam.objects.get(user=learner)
    domains = {
        item.question.topic.domain.number
        for item in exam.items.select_related("question__topic__domain")
    }
    assert (exam.scope, exam.question_count, domains) == ("exam", 27, {2, 3})
    expect(page.locator(".exam-question .prompt").first).to_be_visible()
    shots(page, "04-exam-question-en")

    # Submit at once: the results break the score down by both domains.
    page.goto(f"{base}/exams/{exam.pk}/finish/")
    with page.expect_navigation():
        page.locator("form[action$='/submit/'] button[type='submit']").click()
    expect(page.locator("[data-breakdown='domain'] tbody tr")).to_have_count(2)
    expect(page.locator("[data-breakdown='domain'] tr[data-domain='2']")).to_contain_text("0 / 5")
    shots(
        page, "05-results-en", ".exam-stats", "[data-breakdown='domain']", "[data-breakdown='task']"
    )

    # The same pages in Korean.
    context = browser.new_context(locale="ko-KR", extra_http_headers={"Accept-Language": "ko"})
    korean = context.new_page()
    korean.set_viewport_size(DESKTOP)
    log_in(korean, base)
    expect(korean.locator(".deck-group-title").first).to_have_text(
        "도메인 2: 복원력 있는 아키텍처 설계"
    )
    shots(korean, "06-home-ko", ".hero, .study-home")
    korean.goto(f"{base}/progress/")
    expect(korean.locator("li.is-domain[data-readiness='1']")).to_contain_text("아직 카드가 없어요")
    shots(korean, "07-progress-ko", "section[aria-labelledby='readiness-heading']")
    korean.goto(f"{base}/exams/")
    expect(korean.locator("[data-plan='whole-exam']")).to_contain_text(
        "도메인 3: 고성능 아키텍처 설계"
    )
    shots(korean, "08-exams-ko", ".exam-start")
    korean.goto(f"{base}/exams/{exam.pk}/results/")
    expect(korean.locator("#by-domain")).to_have_text("도메인별")
    shots(korean, "09-results-ko", "[data-breakdown='domain']", "[data-breakdown='task']")
    context.close()
