"""Every page at phone width (390 px), in Korean and in English, with data in every table:
nothing scrolls sideways except a marked scroll container, every focusable element shows its
focus, and axe-core finds no serious or critical WCAG 2.2 AA violation.

The pages come from the URL walker of test_access (every named URL), with the objects of a
lived-in world: a learner and a teacher with long names and emails, a class of several students,
weeks of answers, a leech, open and finished exams. A new page is visited without anyone adding
it here; a new URL naming an object is visited with that object once test_access's OWNED table
says whose it is (until then with a placeholder, which shows the not-found page).

Screenshots of a few pages go to /tmp/shots/ (outside the repository) for a person to look at.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, Response, ViewportSize
from playwright.sync_api import Error as PlaywrightError

from cards.models import Answer, Deck, Question
from cards.tests.factories import make_topic
from classrooms import services as classroom_services
from study.models import Attempt, Mode

from .axe import WCAG_AA_TAGS, axe_source
from .conftest import World
from .test_access import OWNED, PARAMS, PUBLIC, STATE_CHANGING, _url_parameters
from .test_translations import compiled_messages  # noqa: F401 - session fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for a person to look at, nothing secret
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}

# Not pages: files, redirects and endpoints with no HTML of their own.
NOT_PAGES = {
    "healthz",
    "set_language",
    "classrooms:assignment_csv",
    "study:data_export_csv",
    "study:data_export_json",
    "cards:notebook_version_download",
}
# Public pages a signed-in user sees differently: visited both signed out and as the learner.
PUBLIC_SIGNED_IN_TOO = {"home", "cards:deck_detail", "cards:question_detail"}

LONG_NAME = "김수한무거북이와두루미삼천갑자동방삭치치카포사리사리센타워리워리세브리깡"
LONG_EMAIL = "kim.suhanmu.turtle.and.crane.three.thousand@long-school-name.example.ac.kr"
PUBLIC_DECK = "resilient"
TEACHER_NAME = "Alexandra Konstantinopoulou-Vanderbilt 선생님"

# In the page: every element that scrolls sideways (its content wider than its box) and is not
# a marked scroll container (role=region, a name, reachable by Tab) or inside one, and every
# marked container that scrolls without its visible cue (the shadows of site.css's gradients).
OVERFLOW_JS = """() => {
  const region = '[role="region"][tabindex="0"]';
  const marked = `${region}[aria-label], ${region}[aria-labelledby]`;
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    found.push(`the page: ${root.scrollWidth}px wide in a ${root.clientWidth}px window`);
  }
  for (const box of document.querySelectorAll(marked)) {
    if (box.scrollWidth <= box.clientWidth + 1) continue;
    if (!getComputedStyle(box).backgroundImage.includes('gradient')) {
      found.push(`${box.className} scrolls with no visible cue (give it .table-scroll)`);
    }
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (el instanceof SVGElement || el.closest(marked)) continue;
    if (el.clientWidth === 0 || el.scrollWidth <= el.clientWidth + 1) continue;
    if (el.matches('input, textarea, select')) continue;  // a field scrolls its own text
    const style = getComputedStyle(el);
    if (style.clip !== 'auto' || style.clipPath !== 'none') continue;  // visually hidden text
    if (style.textOverflow === 'ellipsis') continue;  // cut on purpose, with a visible cue
    const classes = String(el.className).trim().split(/\\s+/).filter(Boolean);
    const name = [el.tagName.toLowerCase(), ...classes].join('.');
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
    found.push(`${name} (${el.scrollWidth}px in ${el.clientWidth}px): ${text}`);
  }
  return found;
}"""

# Every focusable control, focused from the keyboard's modality, must show an outline or ring.
FOCUS_JS = """() => {
  const selector = [
    'a[href]', 'button', 'input:not([type="hidden"])', 'select', 'textarea', 'summary',
    '[tabindex]:not([tabindex="-1"])',
  ].join(', ');
  const hidden = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.closest('[hidden], details:not([open]) > :not(summary)')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    el.focus({preventScroll: true});
    if (document.activeElement !== el) continue;
    const ringed = [el, el.closest('label')].filter(Boolean).some((node) => {
      const style = getComputedStyle(node);
      const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
      return outlined || style.boxShadow !== 'none';
    });
    if (!el.matches(':focus-visible') || !ringed) {
      const label = el.textContent || el.getAttribute('aria-label') || el.name || '';
      hidden.push(`${el.tagName.toLowerCase()}: ${label.trim().slice(0, 40)}`);
    }
  }
  if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
  return hidden;
}"""

AXE_JS = """async (tags) => {
  const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
  const results = await axe.run(document, options);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
      return `${v.id} (${v.impact}): ${v.help}; ${where}`;
    });
}"""


@dataclass
class Visit:
    who: str  # "anonymous", "learner" or "teacher"
    name: str
    url: str


def lived_in(world: World, make_user: Callable[..., Any], make_state: Callable[..., Any]) -> None:
    """The world, with long names and emails, a class of several students, weeks of answers
    across topics of every domain, and a leech: every table and chart has rows to show."""
    learner = world.learner
    learner.display_name = LONG_NAME
    learner.email = LONG_EMAIL
    learner.save()
    world.teacher.display_name = TEACHER_NAME
    world.teacher.save()
    now = timezone.now()
    for i, name in enumerate(["Bartholomew Featherstonehaugh-Cholmondeley", "이서연", ""]):
        student = make_user(f"student.number.{i}.with.a.long.address@school-example.ac.kr")
        student.display_name = name
        student.save()
        classroom_services.membership_join(classroom=world.classroom, student=student, now=now)
    public = Deck.objects.create(
        slug=PUBLIC_DECK, name="Resilient architectures", name_en="Resilient architectures"
    )
    topics = [
        make_topic("elb", "Elastic Load Balancing and Auto Scaling groups", "2.1", order=10),
        make_topic("kms", "AWS Key Management Service (AWS KMS) 키 정책", "1.3", order=11),
        make_topic("s3-tiers", "Amazon S3 스토리지 클래스와 수명 주기 정책", "4.1", order=12),
    ]
    for t, topic in enumerate(topics):
        for q in range(3):
            question = Question.objects.create(
                topic=topic,
                kind="single",
                key=f"{topic.slug}-{q}",
                prompt=f"{topic.name}: question {q}",
                source_file="notes/x.md",
                source_first_line=1,
                source_last_line=1,
                source_text="* line",
                order=q,
            )
            Answer.objects.bulk_create(
                Answer(question=question, text=text, is_correct=i == 0, order=i)
                for i, text in enumerate(["Amazon CloudFront", "AWS Global Accelerator"])
            )
            world.deck.questions.add(question)
            public.questions.add(question)
            days = 3 + 17 * t + 5 * q
            make_state(
                learner,
                question,
                due=now + dt.timedelta(days=q - 1),
                last_review=now - dt.timedelta(days=days),
                reps=3,
                lapses=9 if (t, q) == (0, 0) else 0,
            )
            for back in range(0, days, 4):
                Attempt.objects.create(
                    user=learner,
                    question=question,
                    mode=Mode.CHOICE,
                    chosen_answer_ids=[],
                    correct=back % 3 != 0,
                    rating=3,
                    reviewed_at=now - dt.timedelta(days=back, hours=t),
                    duration_ms=8000,
                )


def visits(world: World) -> list[Visit]:
    """Every page of the walker, with the world's objects, as who may see it (a learner's
    page that answers 403 is a teacher's: the test visits it again as the teacher)."""
    question = world.questions[0]
    not_owned: dict[str, dict[str, Any]] = {
        "cards:deck_detail": {"slug": PUBLIC_DECK},
        "cards:question_detail": {"pk": question.pk},
        "classrooms:join": {"code": world.classroom.join_code},
    }
    found: list[Visit] = []
    for name, groups in sorted(_url_parameters().items()):
        if name.startswith("admin:") or name in NOT_PAGES or name in STATE_CHANGING:
            continue
        if name in OWNED and name not in not_owned:
            who, kwargs_of = OWNED[name]
            kwargs = kwargs_of(world)
        else:
            who = "learner"
            kwargs = not_owned.get(name) or {group: PARAMS[group] for group in groups}
        url = reverse(name, kwargs=kwargs)
        if name in PUBLIC:
            found.append(Visit("anonymous", name, url))
            if name in PUBLIC_SIGNED_IN_TOO:
                found.append(Visit("learner", name, url))
        else:
            found.append(Visit(who, name, url))
    # Pages no URL name gives: choices (the study page opens on flashcards) and the site's 404.
    session = reverse("study:session", args=[world.deck.slug])
    found.append(Visit("learner", "study:session (choices)", f"{session}?mode=choice"))
    found.append(Visit("anonymous", "page not found", "/no-such-page/"))
    return found


def signed_in_context(browser: Browser, user: Any, language: str, base: str) -> BrowserContext:
    user.ui_language = language
    user.save(update_fields=["ui_language"])
    client = Client()
    client.force_login(user)
    context = anonymous_context(browser, language)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return context


def anonymous_context(browser: Browser, language: str) -> BrowserContext:
    return browser.new_context(
        locale="ko-KR" if language == "ko" else "en-US",
        extra_http_headers={"Accept-Language": language},
        viewport=PHONE,
    )


def check(page: Page) -> list[str]:
    """The problems of the page now in `page` (axe-core is already in it: an init script)."""
    problems = [f"scrolls sideways: {found}" for found in page.evaluate(OVERFLOW_JS)]
    page.keyboard.press("Shift+Tab")  # the keyboard's modality, as a keyboard user has it
    problems += [f"no visible focus: {found}" for found in page.evaluate(FOCUS_JS)]
    problems += [f"axe: {found}" for found in page.evaluate(AXE_JS, WCAG_AA_TAGS)]
    return problems


def goto(page: Page, url: str, name: str) -> Response:
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            raise AssertionError(f"{name} is a download, not a page: add it to NOT_PAGES") from None
        raise
    assert response is not None
    return response


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"pages-{name}.png"), full_page=True)


# A few pages to look at, at phone and desktop width.
SHOT_PAGES = {
    "classrooms:classroom_detail",
    "classrooms:assignment_detail",
    "study:progress",
    "study:exam_list",
    "study:exam_results",
}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_page_fits_a_phone_and_passes_axe(
    browser: Browser,
    live_server: Any,
    world: World,
    make_user: Callable[..., Any],
    make_state: Callable[..., Any],
    language: str,
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("layout and axe do not depend on the database: run once, on SQLite")
    axe = axe_source()
    lived_in(world, make_user, make_state)
    base = live_server.url
    contexts = {
        "anonymous": anonymous_context(browser, language),
        "learner": signed_in_context(browser, world.learner, language, base),
        "teacher": signed_in_context(browser, world.teacher, language, base),
    }
    for context in contexts.values():
        # In every page before its own scripts: the CSP does not apply, and axe is parsed
        # faster than by evaluating it again after each load.
        context.add_init_script(script=axe)
    pages = {who: context.new_page() for who, context in contexts.items()}
    problems: list[str] = []
    seen = visits(world)
    try:
        for visit in seen:
            page = pages[visit.who]
            response = goto(page, base + visit.url, visit.name)
            if response.status == 403 and visit.who == "learner":
                # A teacher's page the walker cannot tell apart: the teacher sees it.
                visit.who = "teacher"
                page = pages[visit.who]
                response = goto(page, base + visit.url, visit.name)
            if response.status >= 500:
                problems.append(f"{visit.name} as {visit.who}: answered {response.status}")
                continue
            assert page.locator("html").get_attribute("lang") == language, visit.name
            problems += [
                f"{visit.name} as {visit.who} ({language}): {problem}" for problem in check(page)
            ]
            if visit.name in SHOT_PAGES:
                shot(page, f"{visit.name.replace(':', '-')}-{language}-390")
                page.set_viewport_size(DESKTOP)
                problems += [
                    f"{visit.name} as {visit.who} ({language}, 1280 px): scrolls sideways: {found}"
                    for found in page.evaluate(OVERFLOW_JS)
                ]
                shot(page, f"{visit.name.replace(':', '-')}-{language}-1280")
                page.set_viewport_size(PHONE)
    finally:
        for context in contexts.values():
            context.close()
    assert len(seen) > 30
    assert not problems, "\n".join(problems)


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focus is on an element matching `selector`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_card_answered_with_the_keyboard_alone_announces_its_result(
    browser: Browser, live_server: Any, world: World
) -> None:
    """The first Tab shows the skip link; Tab to an option, Enter: the result page's live region
    gets the verdict after the page has loaded (so a screen reader announces it), and Tab then
    Enter go on to the next card."""
    base = live_server.url
    context = signed_in_context(browser, world.learner, "en", base)
    try:
        page = context.new_page()
        page.goto(f"{base}{reverse('study:session', args=[world.deck.slug])}?mode=choice")
        # The first Tab shows the skip link, on screen.
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        assert skip.evaluate("(el) => el === document.activeElement")
        box = skip.bounding_box()
        assert box is not None and box["x"] >= 0 and box["y"] >= 0
        tab_to(page, "button.option")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        verdict = page.locator("#verdict")
        assert verdict.get_attribute("role") == "status"
        assert verdict.get_attribute("aria-live") == "polite"
        page.wait_for_selector("#verdict[data-announced]")
        text = verdict.inner_text()
        assert text in ("Correct", "Not quite")
        assert page.title().startswith(text)
        tab_to(page, "a.next-card")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/result/" not in page.url
    finally:
        context.close()


@pytest.mark.parametrize("language", ["ko", "en"])
def test_forms_showing_their_errors_fit_a_phone_and_pass_axe(
    browser: Browser, live_server: Any, student: Any, language: str
) -> None:
    """A wrong password and a sign-up with mismatched passwords, submitted from the keyboard:
    the errors are tied to their fields and the pages pass the same checks."""
    base = live_server.url
    context = anonymous_context(browser, language)
    context.add_init_script(script=axe_source())
    problems: list[str] = []
    try:
        page = context.new_page()
        page.goto(f"{base}{reverse('account_login')}")
        page.locator("[name='login']").fill(student.email)
        page.locator("[name='password']").fill("not the password at all")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator(".errorlist").count() > 0
        problems += [f"login: {problem}" for problem in check(page)]

        page.goto(f"{base}{reverse('account_signup')}")
        page.locator("[name='email']").fill("someone.new@example.com")
        page.locator("[name='password1']").fill("a long passphrase for someone new")
        page.locator("[name='password2']").fill("a different long passphrase")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        invalid = page.locator("[aria-invalid='true']")
        assert invalid.count() > 0
        for field in invalid.all():
            described = (field.get_attribute("aria-describedby") or "").split()
            assert any(page.locator(f"#{id_}.errorlist").count() for id_ in described)
        problems += [f"signup: {problem}" for problem in check(page)]
    finally:
        context.close()
    assert not problems, "\n".join(problems)
