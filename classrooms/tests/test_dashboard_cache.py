"""The assignment dashboard and its CSV from the page cache: read once per version of the class
(its deck's cards, its roster, its students' latest answer), fresh as soon as any of them moves.
"""

import datetime as dt
import random
import re
from typing import Any

import pytest
from django.urls import reverse

from classrooms import services
from classrooms.goals import RECALL_THRESHOLD, Goal, is_recalled
from classrooms.models import Membership
from study import progress

from .factories import enrol

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def page_cache(settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-dashboard-{id(settings)}",
        },
    }


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
    # Session, user, the teacher role, the assignment with its version: nothing else.
    with django_assert_num_queries(4):
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
    with django_assert_num_queries(4):
        assert as_teacher.get(url).content == first
    record(student, questions[1], at=frozen - dt.timedelta(minutes=1))
    assert as_teacher.get(url).content != first


def test_is_recalled_from_whole_days_decides_as_recall_at_a_moment(now: dt.datetime) -> None:
    rng = random.Random(5)
    for _ in range(300):
        stability = rng.choice([None, 0.3, 1.0, 2.5, 10.0, 45.0, rng.uniform(0.1, 100)])
        days = rng.randint(0, 120)
        last_review = now - days * DAY - dt.timedelta(hours=rng.randint(0, 23))
        recall = progress.retrievability(stability=stability, last_review=last_review, now=now)
        expected = recall >= RECALL_THRESHOLD
        assert is_recalled(stability, (now - last_review).days) is expected
