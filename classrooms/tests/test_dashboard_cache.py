"""The assignment dashboard and its CSV from the page cache: read once per version of the class
(its deck's cards, its roster, its students' latest answer and history resets), fresh as soon as
any of them moves.
"""

import datetime as dt
import random
import re
from typing import Any

import pytest
from django.core.cache import caches
from django.urls import reverse

from classrooms import services
from classrooms.goals import RECALL_THRESHOLD, Goal, is_recalled
from classrooms.models import Assignment, Membership
from study import history, progress

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def as_teacher(client: Any, teacher: Any) -> Any:
    client.force_login(teacher)
    return client


@pytest.fixture
def recall_goal(classroom: Any, membership: Any, teacher_deck: Any, now: dt.datetime) -> Any:
    return services.assignment_create(
        classroom=classroom,
        deck=teacher_deck,
        goal=Goal.RECALL,
        target_percent=50,
        due_at=now + 7 * DAY,
        now=now - 3 * DAY,
    )


def main(response: Any) -> str:
    """The page's content, less the CSRF tokens of its forms (fresh on every response)."""
    html = response.content.decode()
    content = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content)


def test_the_dashboard_is_read_once_then_served_from_the_cache(
    as_teacher: Any,
    recall_goal: Any,
    student: Any,
    record: Any,
    frozen: dt.datetime,
    page_cache: None,
    django_assert_num_queries: Any,
) -> None:
    record(student, recall_goal.deck.questions.first(), at=frozen - DAY)
    url = reverse("classrooms:assignment_detail", args=[recall_goal.pk])
    first = main(as_teacher.get(url))
    # Session, user (with the teacher role), the assignment with its version: nothing else.
    with django_assert_num_queries(3):
        again = main(as_teacher.get(url))
    assert again == first


def test_a_students_answer_shows_at_once(
    as_teacher: Any,
    recall_goal: Any,
    student: Any,
    record: Any,
    frozen: dt.datetime,
    page_cache: None,
) -> None:
    questions = list(recall_goal.deck.questions.order_by("pk"))
    record(student, questions[0], at=frozen - DAY)
    url = reverse("classrooms:assignment_detail", args=[recall_goal.pk])
    before = as_teacher.get(url)
    assert before.context["board"].rows[0].attempts == 1

    record(student, questions[1], at=frozen - dt.timedelta(minutes=1))
    after = as_teacher.get(url)
    assert after.context["board"].rows[0].attempts == 2
    assert main(after) != main(before)


def test_a_new_student_shows_at_once(
    as_teacher: Any,
    recall_goal: Any,
    classroom: Any,
    other_student: Any,
    page_cache: None,
    frozen: dt.datetime,
    enrol: Any,
) -> None:
    url = reverse("classrooms:assignment_detail", args=[recall_goal.pk])
    assert other_student.email not in main(as_teacher.get(url))
    enrol(classroom, other_student)
    assert other_student.email in main(as_teacher.get(url))
    Membership.objects.filter(student=other_student).delete()
    assert other_student.email not in main(as_teacher.get(url))


def test_the_csv_is_cached_on_the_same_version(
    as_teacher: Any,
    recall_goal: Any,
    student: Any,
    record: Any,
    frozen: dt.datetime,
    page_cache: None,
    django_assert_num_queries: Any,
) -> None:
    questions = list(recall_goal.deck.questions.order_by("pk"))
    record(student, questions[0], at=frozen - DAY)
    url = reverse("classrooms:assignment_csv", args=[recall_goal.pk])
    first = as_teacher.get(url).content
    with django_assert_num_queries(3):
        assert as_teacher.get(url).content == first
    record(student, questions[1], at=frozen - dt.timedelta(minutes=1))
    assert as_teacher.get(url).content != first


def test_the_dashboard_cache_key_changes_with_every_preference_the_page_shows(
    as_teacher: Any, teacher: Any, recall_goal: Any, frozen: dt.datetime
) -> None:
    url = reverse("classrooms:assignment_detail", args=[recall_goal.pk])

    def key(language: str = "en") -> str:
        cache_key: str = as_teacher.get(url, HTTP_ACCEPT_LANGUAGE=language).context["cache_key"]
        return cache_key

    first = key()
    assert key() == first
    keys = {first, key("ko")}  # the interface language
    teacher.time_zone = "America/New_York"
    teacher.save()
    keys.add(key())  # the time zone of the dates shown
    teacher.ui_language = "ko"
    teacher.save()
    keys.add(key())  # the interface language the account chose
    assert len(keys) == 4
    assert dashboard_version(recall_goal) in first


def dashboard_version(assignment: Any) -> str:
    """The version the assignment's dashboard is cached under, read afresh."""
    return Assignment.objects.with_dashboard_version().get(pk=assignment.pk).dashboard_version


def student_row(response: Any, student: Any) -> str:
    """The student's row of the dashboard table, as rendered."""
    match = re.search(rf'<tr data-student="{student.pk}".*?</tr>', main(response), re.S)
    assert match, "the student has no row"
    return match.group(0)


def test_a_students_reset_shows_at_once_though_the_latest_answer_is_someone_elses(
    as_teacher: Any,
    recall_goal: Any,
    classroom: Any,
    student: Any,
    other_student: Any,
    record: Any,
    frozen: dt.datetime,
    page_cache: None,
    enrol: Any,
) -> None:
    enrol(classroom, other_student)
    questions = list(recall_goal.deck.questions.order_by("pk"))
    record(student, questions[0], at=frozen - 2 * DAY)
    record(other_student, questions[1], at=frozen - DAY)  # the class's latest answer stays put
    url = reverse("classrooms:assignment_detail", args=[recall_goal.pk])
    csv_url = reverse("classrooms:assignment_csv", args=[recall_goal.pk])
    studied = student_row(as_teacher.get(url), student)
    studied_csv = as_teacher.get(csv_url).content
    version = dashboard_version(recall_goal)

    history.history_reset(user=student, now=frozen)

    assert dashboard_version(recall_goal) != version
    after = student_row(as_teacher.get(url), student)
    after_csv = as_teacher.get(csv_url).content
    caches["pages"].clear()
    assert after == student_row(as_teacher.get(url), student) != studied  # as if never cached
    assert after_csv == as_teacher.get(csv_url).content != studied_csv
    assert "—" in after  # no last activity: a fresh start


def test_a_deleted_student_is_gone_from_the_dashboard_and_its_csv(
    as_teacher: Any,
    recall_goal: Any,
    classroom: Any,
    student: Any,
    other_student: Any,
    record: Any,
    frozen: dt.datetime,
    page_cache: None,
    enrol: Any,
) -> None:
    enrol(classroom, other_student)
    questions = list(recall_goal.deck.questions.order_by("pk"))
    record(student, questions[0], at=frozen - DAY)
    record(other_student, questions[1], at=frozen - 2 * DAY)
    pages = [
        reverse("classrooms:assignment_detail", args=[recall_goal.pk]),
        reverse("classrooms:assignment_csv", args=[recall_goal.pk]),
        reverse("classrooms:classroom_detail", args=[classroom.pk]),
    ]
    for url in pages:
        assert other_student.email in as_teacher.get(url).content.decode()
    email = other_student.email

    services.account_delete(user=other_student, now=frozen)

    for url in pages:
        response = as_teacher.get(url)
        assert response.status_code == 200
        assert email not in response.content.decode()
        assert student.email in response.content.decode()


def test_is_recalled_from_whole_days_decides_as_recall_at_a_moment(now: dt.datetime) -> None:
    rng = random.Random(5)
    for _ in range(300):
        stability = rng.choice([None, 0.3, 1.0, 2.5, 10.0, 45.0, rng.uniform(0.1, 100)])
        days = rng.randint(0, 120)
        last_review = now - days * DAY - dt.timedelta(hours=rng.randint(0, 23))
        recall = progress.retrievability(stability=stability, last_review=last_review, now=now)
        expected = recall >= RECALL_THRESHOLD
        assert is_recalled(stability, (now - last_review).days) is expected
