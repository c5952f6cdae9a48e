"""The progress page: the learner's own numbers, in a query count that does not grow."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cards.models import Deck
from study.models import Attempt, CardState, Mode, ReviewState

pytestmark = pytest.mark.django_db


def study_history(user, questions, *, attempts, now, correct_every=2):
    """ReviewStates for `questions` (half due now) and `attempts` attempts spread over them."""
    ReviewState.objects.bulk_create(
        ReviewState(
            user=user,
            question=question,
            state=CardState.REVIEW,
            step=None,
            stability=3.0,
            difficulty=5.0,
            due=now - timedelta(hours=1) if i % 2 == 0 else now + timedelta(days=2),
            last_review=now - timedelta(days=1),
            first_review=now - timedelta(days=3),
            reps=1,
        )
        for i, question in enumerate(questions)
    )
    Attempt.objects.bulk_create(
        Attempt(
            user=user,
            question=questions[i % len(questions)],
            mode=Mode.CHOICE,
            rescheduled=True,
            correct=i % correct_every == 0,
            rating=3 if i % correct_every == 0 else 1,
            reviewed_at=now - timedelta(minutes=i + 1),
        )
        for i in range(attempts)
    )


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("study:progress"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_post_is_405(client, student):
    client.force_login(student)
    assert client.post(reverse("study:progress")).status_code == 405


def test_a_new_learner_sees_zeros_and_no_accuracy(client, student, deck):
    client.force_login(student)
    response = client.get(reverse("study:progress"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd data-stat="studied">0</dd>' in html
    assert '<dd data-stat="accuracy">— ' in html
    assert "Lambda" in html  # the topic row, with 0 of 5 studied
    assert "0 / 5" in html


def test_the_learner_sees_their_numbers_and_not_anyone_elses(client, student, other_student, deck):
    now = timezone.now()
    questions = list(deck.questions.all())
    study_history(student, questions[:4], attempts=4, now=now)
    study_history(other_student, questions, attempts=30, now=now, correct_every=1)
    client.force_login(student)

    response = client.get(reverse("study:progress"))

    summary = response.context["summary"]
    assert (summary.studied, summary.due_now, summary.attempts_7d) == (4, 2, 4)
    assert summary.accuracy_7d == 0.5
    html = response.content.decode()
    assert '<dd data-stat="studied">4</dd>' in html
    assert '<dd data-stat="due-now">2</dd>' in html
    assert '<dd data-stat="reviews-today">' in html
    assert "50%" in html
    assert "of 4 answers" in html
    assert "4 / 5" in html
    assert '<progress max="100" value="80">' in html


@pytest.mark.parametrize("attempts", [1, 200])
def test_query_count_does_not_grow_with_history(
    client, student, topic, other_topic, make_question, django_assert_max_num_queries, attempts
):
    deck = Deck.objects.create(slug="big", name="Big")
    questions = [make_question(topic) for _ in range(10)] + [
        make_question(other_topic) for _ in range(10)
    ]
    deck.questions.set(questions)
    study_history(student, questions, attempts=attempts, now=timezone.now())
    client.force_login(student)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("study:progress"))

    assert response.status_code == 200
    assert len(response.context["summary"].topics) == 2
    assert response.context["summary"].studied == 20
