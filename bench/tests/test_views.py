"""The benchmark's baseline page: a signed-in user's own twenty latest answers, one query."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cards.models import Question
from study.models import Attempt, Mode

pytestmark = pytest.mark.django_db
# Reversed at import, before the bench URLconf is switched on for each test (conftest.py).
URL = reverse("bench_baseline", urlconf="bench.urls")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def answer(user: Any, question: Question, minutes_ago: int) -> Attempt:
    return Attempt.objects.create(
        user=user,
        question=question,
        mode=Mode.CHOICE,
        correct=True,
        rating=3,
        reviewed_at=NOW - dt.timedelta(minutes=minutes_ago),
        duration_ms=5000,
    )


def test_owner_sees_their_twenty_latest_answers_newest_first(
    client: Client, student: Any, question: Question
) -> None:
    for minutes_ago in range(25):
        answer(student, question, minutes_ago)
    client.force_login(student)
    response = client.get(URL)
    assert response.status_code == 200
    shown = response.context["attempts"]
    assert len(shown) == 20
    assert [a.reviewed_at for a in shown] == sorted((a.reviewed_at for a in shown), reverse=True)
    assert shown[0].reviewed_at == NOW
    assert question.key in response.content.decode()


def test_another_users_answers_are_not_shown(
    client: Client, student: Any, other_student: Any, question: Question
) -> None:
    answer(other_student, question, 1)
    client.force_login(student)
    response = client.get(URL)
    assert response.context["attempts"] == []
    assert "No answers yet." in response.content.decode()


def test_the_page_runs_one_query_besides_session_and_user(
    client: Client, student: Any, question: Question, django_assert_num_queries: Any
) -> None:
    for minutes_ago in range(30):
        answer(student, question, minutes_ago)
    client.force_login(student)
    with django_assert_num_queries(3):  # the session, the user, the twenty answers
        assert client.get(URL).status_code == 200


def test_anonymous_visitor_is_sent_to_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_post_is_refused(client: Client, student: Any) -> None:
    client.force_login(student)
    assert client.post(URL).status_code == 405
