"""Answers to a teacher's deck assigned to a class: the deck's visibility is checked with the
showing (study.services.attempt_record), so leaving the class stops the answers at once."""

from typing import Any

import pytest
from django.urls import reverse

from classrooms import services
from study.models import Attempt, Mode, ReviewState, Showing

pytestmark = pytest.mark.django_db


def shown(client: Any, student: Any, assignment: Any) -> Showing:
    deck = assignment.deck
    response = client.get(reverse("study:session", args=[deck.slug]) + f"?mode={Mode.CHOICE}")
    assert response.status_code == 200
    return Showing.objects.get(user=student, deck=deck)


def post_right(client: Any, showing: Showing) -> Any:
    right = [a.pk for a in showing.question.answers.all() if a.is_correct]
    return client.post(
        reverse("study:answer", args=[showing.deck.slug]),
        {"token": showing.token, "answer": right},
    )


def test_a_student_of_the_class_answers_an_assigned_deck(
    client: Any, student: Any, assignment: Any
) -> None:
    client.force_login(student)
    showing = shown(client, student, assignment)
    assert post_right(client, showing).status_code == 303
    assert Attempt.objects.filter(showing=showing, correct=True).exists()


def test_after_leaving_the_class_its_deck_takes_no_answer(
    client: Any, student: Any, assignment: Any, membership: Any
) -> None:
    client.force_login(student)
    showing = shown(client, student, assignment)
    services.membership_end(membership=membership)
    assert post_right(client, showing).status_code == 404
    assert not Attempt.objects.exists()
    assert not ReviewState.objects.exists()
