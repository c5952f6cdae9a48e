"""A cohort end to end in a real browser: a teacher creates a class, a new student signs up
through the join link, the teacher assigns a deck, the student studies it, and the teacher sees
that progress and downloads the CSV. Teacher and student use separate browser contexts.

Screenshots go to /tmp/shots/ (outside the repository) for a person to look at.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from cards.models import Deck
from cards.tests.factories import make_topic
from classrooms.models import Assignment, Membership
from study.models import Attempt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for a person to look at, nothing secret
STUDENT_EMAIL = "minji@example.com"
STUDENT_PASSWORD = "a long passphrase for a new learner"

CARDS = [
    ("Lambda 리전당 기본 동시 실행 한도는?", "1,000"),
    ("CloudFront가 콘텐츠를 캐시하는 곳은?", "엣지 로케이션"),
    ("Global Accelerator가 제공하는 고정 IP는?", "애니캐스트 고정 IP 2개"),
]


@pytest.fixture
def cohort_deck(make_question):
    topic = make_topic("perf", "고성능 아키텍처", "3.1", order=1)
    deck = Deck.objects.create(slug="perf-deck", name="성능 덱")
    deck.questions.set(
        make_question(
            topic,
            key=f"card-{order}",
            kind="flashcard",
            prompt=prompt,
            answers=[(back, True)],
            source_first_line=order,
            source_last_line=order,
            order=order,
        )
        for order, (prompt, back) in enumerate(CARDS, start=1)
    )
    return deck


@pytest.fixture
def lee(make_user):
    return make_user("lee@example.com", teacher=True, display_name="이 선생님")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"classrooms-{name}.png"), full_page=True)


@pytest.fixture
def two_people(browser: Browser, live_server):
    """A teacher's and a student's browser, each with its own cookies. English wording for the
    assertions; the Korean names and cards stay Korean. Closed before the live server stops,
    so no request is left half-open."""
    contexts = [browser.new_context(locale="en-US", accept_downloads=True) for _ in range(2)]
    yield [context.new_page() for context in contexts]
    for context in contexts:
        context.close()


def submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).first.click()


def test_a_cohort_end_to_end(
    two_people, live_server, cohort_deck, lee, password, tmp_path, confirm_in_browser
):
    base = live_server.url
    teacher, student = two_people

    # The teacher signs in and creates a class.
    teacher.goto(f"{base}/accounts/login/?next=/classrooms/")
    teacher.locator("[name='login']").fill("lee@example.com")
    teacher.locator("[name='password']").fill(password)
    submit(teacher, "Log in")
    expect(teacher).to_have_url(f"{base}/classrooms/")
    expect(teacher.locator(".site-nav")).to_contain_text("Classrooms")
    teacher.get_by_role("link", name="New class").click()
    teacher.locator("[name='name']").fill("3학년 1반")
    submit(teacher, "Create class")
    expect(teacher.locator("h1")).to_have_text("3학년 1반")
    join_url = teacher.locator(".join-url").input_value()
    assert re.fullmatch(rf"{re.escape(base)}/join/[\w-]{{8,}}/", join_url)
    # copy.js shows the copy button; a click says what happened (copied, or copy by hand).
    copy = teacher.get_by_role("button", name="Copy the link")
    expect(copy).to_be_visible()
    copy.click()
    expect(teacher.locator("#join-url-status")).not_to_be_empty()

    # A new student opens the link: who invites them, and a way in that comes back here.
    student.goto(join_url)
    expect(student.locator("main")).to_contain_text("이 선생님 invites you to the class 3학년 1반")
    student.locator("main").get_by_role("link", name="Sign up", exact=True).click()
    form = student.locator("form:has([name='password1'])")
    form.locator("[name='email']").fill(STUDENT_EMAIL)
    form.locator("[name='password1']").fill(STUDENT_PASSWORD)
    form.locator("[name='password2']").fill(STUDENT_PASSWORD)
    with student.expect_navigation():
        form.locator("[type='submit']").first.click()
    expect(student).to_have_url(f"{base}/accounts/confirm-email/")  # "check your email"
    confirm_in_browser(student, STUDENT_EMAIL)  # the link in that email, then back to the class
    expect(student).to_have_url(join_url)
    submit(student, "Join the class")
    expect(student.locator("h1")).to_have_text("3학년 1반")
    expect(student.locator(".site-nav")).to_contain_text("My classes")
    assert Membership.objects.get().student.email == STUDENT_EMAIL

    # The teacher sees the student and assigns the deck, due in a week.
    teacher.reload()
    expect(teacher.locator(".roster")).to_contain_text(STUDENT_EMAIL)
    teacher.get_by_role("link", name="Assign a deck").click()
    teacher.locator("[name='deck']").select_option(label="성능 덱 (3)")
    teacher.get_by_label("Answer every card at least once").check()
    due = timezone.localtime(timezone.now() + timedelta(days=7))
    teacher.locator("[name='due_at']").fill(due.strftime("%Y-%m-%dT%H:%M"))
    submit(teacher, "Assign")
    assignment = Assignment.objects.get()
    expect(teacher).to_have_url(f"{base}/classrooms/assignments/{assignment.pk}/")
    expect(teacher.locator("[data-student] [data-progress]")).to_have_text("0%")

    # The student finds it on the home page and studies two of the three cards.
    student.goto(f"{base}/")
    card = student.locator(".assignment").first
    expect(card).to_contain_text("성능 덱")
    expect(card).to_contain_text("0 of 3 cards answered")
    shot(student, "01-student-home-before")
    with student.expect_navigation():
        card.get_by_role("link", name="Study this deck").click()
    for rating in ("rating-3", "rating-1"):
        student.locator("details.reveal > summary").click()
        with student.expect_navigation():
            student.locator(f"button.{rating}").click()
        with student.expect_navigation():
            student.locator("a.next-card").click()
    assert Attempt.objects.count() == 2
    student.goto(f"{base}/")
    expect(student.locator(".assignment").first).to_contain_text("2 of 3 cards answered")
    shot(student, "02-student-home-after")

    # The teacher sees exactly that progress, and downloads the table.
    teacher.reload()
    row = teacher.locator("tr[data-student]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(STUDENT_EMAIL)
    expect(row.locator("[data-progress]")).to_have_text("66%")
    expect(row).to_contain_text("2 / 3")
    expect(row).to_contain_text("50%")  # one of two right
    expect(teacher.locator(".most-missed")).to_contain_text("CloudFront")
    shot(teacher, "03-teacher-dashboard")
    with teacher.expect_download() as download_info:
        teacher.get_by_role("link", name="Download CSV").click()
    path = tmp_path / "students.csv"
    download_info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert STUDENT_EMAIL in text
    assert ",66,2,3,50,2," in text  # done and total cards: two numbers, not "2/3"

    # The teacher's class page shows the completion count.
    teacher.goto(f"{base}/classrooms/{assignment.classroom_id}/")
    expect(teacher.locator("[data-completion]")).to_have_text("0 / 1")
    shot(teacher, "04-teacher-classroom")
