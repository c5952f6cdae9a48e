from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from study.models import Attempt, CardState, Mode, ReviewState, Showing

NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
MODELS = ["reviewstate", "attempt", "showing"]


@pytest.fixture
def history(student, deck):
    """One shown-and-answered card per question of the deck."""
    for i, question in enumerate(deck.questions.all()):
        shown = Showing.objects.create(
            user=student, deck=deck, question=question, mode=Mode.CHOICE, created_at=NOW
        )
        Attempt.objects.create(
            user=student,
            question=question,
            showing=shown,
            mode=Mode.CHOICE,
            correct=bool(i % 2),
            rating=3 if i % 2 else 1,
            reviewed_at=NOW - timedelta(days=i),
        )
        ReviewState.objects.create(
            user=student,
            question=question,
            state=CardState.LEARNING,
            step=0,
            due=NOW + timedelta(minutes=i),
            first_review=NOW,
        )


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_study_records_with_search_and_filters(client, admin_user, history, model):
    client.force_login(admin_user)
    url = reverse(f"admin:study_{model}_changelist")

    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "student@example.com"}).status_code == 200
    assert client.get(url, {"q": "lambda-t1"}).status_code == 200


def test_admin_filters_attempts_by_mode_and_correctness(client, admin_user, history):
    client.force_login(admin_user)

    response = client.get(
        reverse("admin:study_attempt_changelist"), {"mode__exact": "choice", "correct__exact": "1"}
    )

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


def test_admin_filters_review_states_by_state(client, admin_user, history):
    client.force_login(admin_user)

    response = client.get(reverse("admin:study_reviewstate_changelist"), {"state__exact": "2"})

    assert response.context["cl"].result_count == 0


@pytest.mark.parametrize("model", MODELS)
def test_study_records_are_read_only_in_the_admin(client, admin_user, history, model):
    client.force_login(admin_user)
    obj = {
        "reviewstate": ReviewState.objects.first(),
        "attempt": Attempt.objects.first(),
        "showing": Showing.objects.first(),
    }[model]
    assert obj is not None
    change_url = reverse(f"admin:study_{model}_change", args=[obj.pk])

    page = client.get(change_url)

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.post(change_url, {}).status_code == 403
    assert client.get(reverse(f"admin:study_{model}_add")).status_code == 403
    assert client.get(reverse(f"admin:study_{model}_delete", args=[obj.pk])).status_code == 403


def test_attempt_changelist_query_count_does_not_grow(
    client, admin_user, student, deck, history, django_assert_max_num_queries
):
    client.force_login(admin_user)
    url = reverse("admin:study_attempt_changelist")
    client.get(url)  # warm the session and content-type caches
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    question = deck.questions.first()
    Attempt.objects.bulk_create(
        Attempt(
            user=student,
            question=question,
            mode=Mode.CHOICE,
            correct=True,
            rating=3,
            reviewed_at=NOW - timedelta(hours=i),
        )
        for i in range(40)
    )

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
