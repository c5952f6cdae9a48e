"""The progress page and the exam results from the page cache: read once per version of what
they show (the learner's latest answer; a submitted exam never changes), per language and card
language, fresh as soon as the version moves.
"""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from study import exam_services
from study.models import Attempt, ExamScope, Mode

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # the now fixture's moment
DAY = dt.timedelta(days=1)
# A card an hour overdue: stability 4, reviewed five days ago, first studied nine days ago.
DUE = {
    "due": NOW - dt.timedelta(hours=1),
    "stability": 4.0,
    "last_review": NOW - 5 * DAY,
    "first_review": NOW - 9 * DAY,
    "reps": 2,
}


@pytest.fixture
def learner(client: Any, student: Any, clock: Any) -> Any:
    client.force_login(student)
    return student


def main(response: Any) -> str:
    """The page's own content: the layout around it carries a fresh CSRF token every time."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def answer_at(user: Any, question: Any, at: dt.datetime) -> Attempt:
    return Attempt.objects.create(
        user=user, question=question, mode=Mode.CHOICE, correct=True, rating=3, reviewed_at=at
    )


def test_progress_is_served_from_the_cache_until_the_next_answer(
    client: Any,
    learner: Any,
    deck: Any,
    page_cache: None,
    django_assert_num_queries: Any,
    make_state: Any,
) -> None:
    question = deck.questions.order_by("order").first()
    make_state(learner, question, **DUE)
    answer_at(learner, question, NOW - DAY)
    url = reverse("study:progress")
    first = main(client.get(url))
    with django_assert_num_queries(3):  # session, user, the latest answer (the cache key)
        again = main(client.get(url))
    assert again == first

    answer_at(learner, question, NOW - dt.timedelta(minutes=5))
    fresh = main(client.get(url))
    assert fresh != first
    assert 'data-stat="reviews-today">1<' in fresh.replace(" ", "")


def test_progress_is_cached_per_learner_and_language(
    client: Any, learner: Any, other_student: Any, deck: Any, page_cache: None, make_state: Any
) -> None:
    question = deck.questions.order_by("order").first()
    make_state(learner, question, **DUE)
    url = reverse("study:progress")
    english = client.get(url).content.decode()
    assert "Your progress" in english
    korean = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "Your progress" not in korean
    client.force_login(other_student)
    other = client.get(url)
    assert other.context["summary"].studied == 0
    assert 'data-stat="studied">0<' in other.content.decode()


def test_exam_results_are_read_once_per_language_and_card_language(
    client: Any,
    learner: Any,
    deck: Any,
    page_cache: None,
    django_assert_num_queries: Any,
) -> None:
    exam = exam_services.exam_start(
        user=learner, scope=ExamScope.EXAM, question_count=3, timed=False, now=NOW, seed=1
    )
    exam_services.exam_submit(user=learner, exam=exam, now=NOW + dt.timedelta(minutes=9))
    url = reverse("study:exam_results", args=[exam.pk])
    first = main(client.get(url))
    with django_assert_num_queries(3):  # session, user, the exam
        again = main(client.get(url))
    assert again == first

    learner.card_language = "en" if learner.card_language == "ko" else "ko"
    learner.save()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert len(captured.captured_queries) > 3  # another copy for the other card language
