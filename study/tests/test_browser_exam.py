"""A learner in a real browser takes a five-question timed exam: each choice is saved the moment
it is made, a reload keeps everything, an answer after the (simulated) deadline is refused and the
exam submitted, and the results break the score down by topic and task statement.

Screenshots go to /tmp/shots/exams/ (outside the repository) for a person to look at.
"""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import OperationalError
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from cards.models import Answer
from cards.tests.factories import make_topic
from study import exam_services
from study.models import Attempt, Exam, ExamItem, ExamScope, Mode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/exams")  # noqa: S108 - screenshots for a person to look at
EMAIL = "examinee@example.com"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}

# prompt -> (topic slug, kind, [(answer, correct)])
QUESTIONS = {
    "S3 접두사(prefix)당 초당 GET 요청은 최대 몇 건까지 처리되나요?": (
        "storage",
        "single",
        [("5,500건", True), ("3,500건", False), ("1,000건", False), ("10,000건", False)],
    ),
    "DynamoDB 읽기 지연을 줄이는 방법 두 가지를 고르세요.": (
        "database",
        "multiple",
        [
            ("DynamoDB Accelerator(DAX)를 앞에 둔다", True),
            ("최종 일관성 읽기를 쓴다", True),
            ("S3 Transfer Acceleration을 켠다", False),
            ("EBS 볼륨을 gp3로 바꾼다", False),
        ],
    ),
    "Lambda 리전당 기본 동시 실행 한도는?": (
        "compute",
        "single",
        [("1,000", True), ("100", False), ("10,000", False)],
    ),
    "Aurora 읽기 확장에 쓰는 것은?": (
        "database",
        "single",
        [("Aurora 복제본", True), ("다중 AZ 대기 인스턴스", False), ("RDS 프록시", False)],
    ),
    "EC2 Auto Scaling이 조정할 수 있는 것은?": (
        "compute",
        "single",
        [("인스턴스 수", True), ("인스턴스 유형", False), ("EBS 볼륨 크기", False)],
    ),
}
TOPICS = {
    "storage": ("S3 성능", "3.1", 1),
    "compute": ("Lambda와 EC2", "3.2", 2),
    "database": ("데이터베이스", "3.3", 3),
}


@pytest.fixture
def examinee(make_user):
    return make_user(EMAIL, display_name="시험 응시자")


@pytest.fixture
def korean_bank(make_question):
    topics = {
        slug: make_topic(slug, name, code, order=order)
        for slug, (name, code, order) in TOPICS.items()
    }
    for order, (prompt, (slug, kind, answers)) in enumerate(QUESTIONS.items(), start=1):
        make_question(
            topics[slug],
            key=f"exam-{order}",
            kind=kind,
            prompt=prompt,
            answers=answers,
            explanation="노트에서 온 설명입니다.",
            source_first_line=10 * order,
            source_last_line=10 * order + 2,
            source_text=f"* {prompt}",
            order=order,
        )
    return topics


@pytest.fixture
def earlier_exams(examinee, korean_bank):
    """Two exams submitted last week, so the chart on /exams/ has a history."""
    start = timezone.now() - timedelta(days=7)
    for days, right_count in ((0, 2), (2, 4)):
        now = start + timedelta(days=days)
        exam = exam_services.exam_start(
            user=examinee,
            scope=ExamScope.EXAM,
            question_count=5,
            timed=True,
            now=now,
            seed=days,
        )
        for item in ExamItem.objects.filter(exam=exam, position__lte=right_count):
            right = [a.pk for a in item.question.answers.all() if a.is_correct]
            exam_services.exam_answer_save(
                user=examinee,
                exam=exam,
                position=item.position,
                answer_ids=right,
                flagged=False,
                now=now,
            )
        exam_services.exam_submit(user=examinee, exam=exam, now=now + timedelta(minutes=9))


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_until(condition, timeout=5.0):
    """Wait for the live server thread's write to be visible to the test.

    The test's in-memory SQLite database is shared with the server thread, table-locked while
    the server writes: a read that meets the lock is simply tried again.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except OperationalError:
            pass
        assert time.monotonic() < deadline, "timed out waiting for the server"
        time.sleep(0.05)


def current_prompt(page: Page) -> str:
    return page.locator(".exam-question .prompt").inner_text().strip()


def choose(page: Page, *, right: bool) -> list[str]:
    """Click the right answer(s), or one wrong one, of the question on screen."""
    _slug, _kind, answers = QUESTIONS[current_prompt(page)]
    texts = [t for t, ok in answers if ok] if right else [next(t for t, ok in answers if not ok)]
    for text in texts:
        page.locator("label.option", has_text=text).click()
    return texts


def position_of(page: Page) -> int:
    match = re.search(r"[?&]q=(\d+)", page.url)
    assert match is not None
    return int(match.group(1))


def item(exam: Exam, position: int) -> ExamItem:
    return ExamItem.objects.get(exam=exam, position=position)


def chosen_texts(exam: Exam, position: int) -> set[str]:
    ids = item(exam, position).chosen_answer_ids
    return set(Answer.objects.filter(pk__in=ids).values_list("text", flat=True))


def test_take_a_timed_exam_reload_miss_the_deadline_and_read_the_breakdown(
    page: Page, live_server, examinee, password, korean_bank, earlier_exams, time_machine
):
    base = live_server.url
    page.set_viewport_size(DESKTOP)

    page.goto(f"{base}/accounts/login/")
    form = page.locator("form:has([name='password'])")
    form.locator("[name='login']").fill(EMAIL)
    form.locator("[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()

    # Start: the whole domain, five questions, timed (the default).
    page.get_by_role("link", name="Exams").click()
    expect(page.locator(".score-chart-svg")).to_be_visible()
    shot(page, "01-list-desktop")
    start = page.locator("form.exam-start-form")
    expect(start.locator("input[name='timed']")).to_be_checked()
    start.locator("input[name='question_count']").fill("5")
    with page.expect_navigation():
        start.get_by_role("button", name="Start the exam").click()
    exam = Exam.objects.filter(user=examinee, submitted_at__isnull=True).get()
    assert exam.deadline == exam.started_at + timedelta(minutes=10)
    expect(page.locator(".exam-clock .clock-text")).to_have_text(
        re.compile(r"^(10:00|09:5\d) left$")
    )
    expect(page.locator(".nav-item")).to_have_count(5)
    shot(page, "02-question-desktop")

    # Question 1: right. exam.js saves the click at once; the navigator marks it answered.
    expected = {}
    picked = choose(page, right=True)
    expected[1] = True
    expect(page.locator("[data-nav-position='1']")).to_have_class(re.compile("is-answered"))
    wait_until(lambda: chosen_texts(exam, 1) == set(picked))
    expect(page.locator("[data-save-status]")).to_have_text("Saved")

    # Question 2: wrong, and flagged for review.
    with page.expect_navigation():
        page.get_by_role("button", name="Save and next").click()
    assert position_of(page) == 2
    picked = choose(page, right=False)
    expected[2] = False
    page.get_by_label("Flag for review").check()
    expect(page.locator("[data-nav-position='2']")).to_have_class(re.compile("is-flagged"))
    wait_until(lambda: item(exam, 2).flagged and chosen_texts(exam, 2) == set(picked))

    # Question 3 through the navigator: right.
    with page.expect_navigation():
        page.locator("[data-nav-position='3']").click()
    assert position_of(page) == 3
    picked3 = choose(page, right=True)
    expected[3] = True
    wait_until(lambda: chosen_texts(exam, 3) == set(picked3))
    if page.locator("input[type='checkbox'][name='answer']").count():
        shot(page, "03-multiple-desktop")

    # Half-way: reload. Every saved choice and the flag are still there.
    page.reload()
    for text in picked3:
        expect(page.locator("label.option", has_text=text).locator("input")).to_be_checked()
    for position in (1, 2, 3):
        expect(page.locator(f"[data-nav-position='{position}']")).to_have_class(
            re.compile("is-answered")
        )
    expect(page.locator("[data-nav-position='2']")).to_have_class(re.compile("is-flagged"))
    expect(page.locator("[data-answered-count]")).to_have_text("3")
    page.set_viewport_size(PHONE)
    shot(page, "04-question-phone")
    page.set_viewport_size(DESKTOP)

    # Question 4: right, then to the review page.
    with page.expect_navigation():
        page.get_by_role("button", name="Save and next").click()
    picked = choose(page, right=True)
    expected[4] = True
    wait_until(lambda: chosen_texts(exam, 4) == set(picked))
    with page.expect_navigation():
        page.get_by_role("button", name="Review and submit").click()
    expect(page.locator("[data-list='unanswered'] a")).to_have_text(["Question 5"])
    expect(page.locator("[data-list='flagged'] a")).to_have_text(["Question 2"])
    shot(page, "05-confirm-desktop")

    # Question 5 arrives after the deadline: refused, and the exam is submitted.
    with page.expect_navigation():
        page.locator("[data-list='unanswered'] a").first.click()
    assert position_of(page) == 5
    time_machine.move_to(exam.deadline + timedelta(seconds=1), tick=False)
    page.locator("label.option").first.click()
    expected[5] = False  # unanswered
    status = page.locator("[data-save-status]")
    expect(status).to_contain_text("Time is up")
    expect(page.locator("input[name='answer']").first).to_be_disabled()
    expect(page.locator("input[name='answer']:checked")).to_have_count(0)  # shows what was saved
    expect(page.locator(".exam-clock .clock-text")).to_have_text("00:00 left")
    shot(page, "06-refused-desktop")
    assert item(exam, 5).chosen_answer_ids == []
    exam.refresh_from_db()
    assert exam.submitted_at == exam.deadline + timedelta(seconds=1)

    # The submitted exam: its review page now goes straight to the results; so does the link.
    with page.expect_navigation():
        status.get_by_role("link", name="See your results").click()
    expect(page).to_have_url(f"{base}/exams/{exam.pk}/results/")

    # The results: 3 of 5, 100 + 900 × 3/5 = 640, and the breakdown.
    expect(page.locator("[data-stat='raw']")).to_contain_text("3 / 5")
    expect(page.locator("[data-stat='scaled']")).to_contain_text("640")
    expect(page.locator("[data-stat='scaled']")).to_contain_text("Below the 720 pass line")
    expect(page.locator(".score-note")).to_contain_text("100 + (1000 − 100) × correct ÷ total")
    graded = {i.position: i.correct for i in ExamItem.objects.filter(exam=exam)}
    assert graded == expected
    by_topic: dict[str, tuple[int, int]] = {}
    by_task: dict[str, tuple[int, int]] = {}
    items = ExamItem.objects.filter(exam=exam).select_related(
        "question__topic__task_statement", "question__task_statement"
    )
    for i in items:
        task = i.question.effective_task_statement
        assert task is not None
        for table, key in ((by_topic, i.question.topic.name), (by_task, task.code)):
            right_count, total = table.get(key, (0, 0))
            table[key] = (right_count + bool(i.correct), total + 1)
    topic_rows = page.locator("[data-breakdown='topic'] tbody tr")
    expect(topic_rows).to_have_count(len(by_topic))
    for name, (right_count, total) in by_topic.items():
        expect(topic_rows.filter(has_text=name)).to_contain_text(f"{right_count} / {total}")
    task_rows = page.locator("[data-breakdown='task'] tbody tr")
    expect(task_rows).to_have_count(len(by_task))
    for code, (right_count, total) in by_task.items():
        expect(task_rows.filter(has_text=f"{code} ")).to_contain_text(f"{right_count} / {total}")
    expect(page.locator("details.review-item")).to_have_count(5)
    expect(page.locator("details.review-item.is-unanswered")).to_have_count(1)
    # Every question starts closed; one click opens it, on its citation too.
    expect(page.locator("details.review-item[open]")).to_have_count(0)
    page.locator("details.review-item > summary").first.click()
    expect(page.locator("details.review-item[open] .citation").first).to_be_visible()
    shot(page, "07-results-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "08-results-phone")

    # Four answered items fed FSRS once each; the late one did not.
    assert Attempt.objects.filter(user=examinee, mode=Mode.EXAM, exam_item__exam=exam).count() == 4

    # The list: three exams on the chart now.
    page.goto(f"{base}/exams/")
    expect(page.locator(".chart-point")).to_have_count(3)
    expect(page.locator(".exam-history tbody tr")).to_have_count(3)
    shot(page, "09-list-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, "10-list-desktop")
