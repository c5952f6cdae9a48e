"""Resetting one's study history and deleting one's account, under /settings/.

Each page says exactly what goes (GET), then acts on a POST carrying the current password. As
every protected view: the owner, another user (no id in the URL; a planted `user` field changes
nothing), anonymous visitors (login page), other methods (405), a wrong password and a missing
CSRF token (nothing written).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from classrooms import services as classroom_services
from classrooms.models import Classroom, Membership
from study.models import Attempt, CardState, Exam, Mode, ReviewState, Showing

from .conftest import World, snapshot

User = get_user_model()
RESET = reverse("settings_history_reset")
DELETE = reverse("settings_account_delete")
BOTH = [RESET, DELETE]


def signed_in(client: Client) -> Any:
    return client.session.get(SESSION_KEY)


def history_of(user: Any) -> dict[str, int]:
    return {
        "attempts": Attempt.objects.filter(user=user).count(),
        "review_states": ReviewState.objects.filter(user=user).count(),
        "exams": Exam.objects.filter(user=user).count(),
        "card_showings": Showing.objects.filter(user=user).count(),
    }


# --- Who may use the pages ---


@pytest.mark.parametrize("url", BOTH)
def test_anonymous_visitors_are_sent_to_log_in(client: Client, db: None, url: str) -> None:
    for response in (client.get(url), client.post(url, {"password": "x"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("url", BOTH)
def test_other_methods_are_405(client: Client, world: World, url: str, method: str) -> None:
    client.force_login(world.learner)
    before = snapshot()
    assert getattr(client, method)(url).status_code == 405
    assert snapshot() == before


@pytest.mark.parametrize("url", BOTH)
def test_a_post_without_a_csrf_token_is_403_and_writes_nothing(
    world: World, password: str, url: str
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.learner)
    before = snapshot()
    assert client.post(url, {"password": password}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("url", BOTH)
@pytest.mark.parametrize("given", ["wrong password here", ""])
def test_a_wrong_or_missing_password_rerenders_with_an_error_and_writes_nothing(
    client: Client, world: World, url: str, given: str
) -> None:
    client.force_login(world.learner)
    before = snapshot()

    response = client.post(url, {"password": given})

    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert snapshot() == before
    assert signed_in(client) == str(world.learner.pk)


@pytest.mark.parametrize("url", BOTH)
def test_a_planted_user_field_acts_on_the_signed_in_user_only(
    client: Client, world: World, other_student: Any, password: str, url: str
) -> None:
    # The other user has a class and a history of their own, which must survive untouched.
    now = timezone.now()
    classroom_services.membership_join(classroom=world.classroom, student=other_student, now=now)
    question = world.questions[0]
    ReviewState.objects.create(
        user=other_student, question=question, state=CardState.REVIEW, due=now, first_review=now
    )
    Attempt.objects.create(
        user=other_student,
        question=question,
        mode=Mode.CHOICE,
        correct=True,
        rating=3,
        reviewed_at=now,
    )
    theirs = history_of(other_student)
    client.force_login(world.learner)

    response = client.post(
        url,
        {
            "password": password,
            "user": other_student.pk,
            "pk": other_student.pk,
            "id": other_student.pk,
        },
    )

    assert response.status_code == 303
    assert history_of(other_student) == theirs
    other_student.refresh_from_db()
    assert other_student.history_reset_at is None
    assert Membership.objects.filter(student=other_student).exists()


def test_after_five_wrong_passwords_even_the_right_one_is_refused(
    client: Client, world: World, password: str
) -> None:
    # The same throttle as the log-in form's: a borrowed session cannot try passwords freely.
    client.force_login(world.learner)
    for _ in range(5):
        client.post(DELETE, {"password": "not it"})
    before = snapshot()

    response = client.post(DELETE, {"password": password})

    assert response.status_code == 200
    assert "Too many" in response.content.decode()
    assert snapshot() == before


# --- Reset my study history ---


def test_the_reset_page_says_what_goes_with_counts(client: Client, world: World) -> None:
    client.force_login(world.learner)
    counts = history_of(world.learner)

    response = client.get(RESET)

    html = response.content.decode()
    assert response.status_code == 200
    # Singular or plural, each count is shown.
    assert f"{counts['attempts']} answers you gave" in html
    assert f"the memory state of {counts['review_states']} card" in html
    assert f"{counts['exams']} practice exam" in html
    assert f"{counts['card_showings']} card showing" in html
    assert 'type="password"' in html and 'autocomplete="current-password"' in html
    assert "csrfmiddlewaretoken" in html


def test_the_right_password_resets_the_history_and_keeps_the_rest(
    client: Client, world: World, password: str
) -> None:
    learner = world.learner
    client.force_login(learner)
    settings_before = User.objects.filter(pk=learner.pk).values("desired_retention", "time_zone")[0]

    response = client.post(RESET, {"password": password})

    assert response.status_code == 303
    assert response["Location"] == reverse("study:progress")
    assert history_of(learner) == dict.fromkeys(history_of(learner), 0)
    assert User.objects.filter(pk=learner.pk).values("desired_retention", "time_zone")[0] == (
        settings_before
    )
    assert Membership.objects.filter(student=learner, classroom=world.classroom).exists()
    assert signed_in(client) == str(learner.pk)  # still signed in


def test_after_a_reset_the_progress_page_shows_a_fresh_start(
    client: Client, world: World, password: str, page_cache: None
) -> None:
    client.force_login(world.learner)
    before = client.get(reverse("study:progress")).content.decode()  # now in the page cache
    assert 'data-stat="studied">0<' not in before

    response = client.post(RESET, {"password": password}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("study:progress")
    assert "Your study history was reset." in html
    assert 'data-stat="studied">0<' in html
    assert 'data-stat="streak">0 days<' in html


def test_a_cached_progress_page_without_answers_is_not_served_after_a_reset(
    client: Client, student: Any, question: Any, password: str, page_cache: None
) -> None:
    # Card states without a single answer (as an import may leave them): the page's cache key,
    # the latest answer, is 0 before and after the reset; the reset time tells the copies apart.
    now = timezone.now()
    ReviewState.objects.create(
        user=student, question=question, state=CardState.REVIEW, due=now, first_review=now
    )
    client.force_login(student)
    assert 'data-stat="studied">1<' in client.get(reverse("study:progress")).content.decode()

    client.post(RESET, {"password": password})

    assert 'data-stat="studied">0<' in client.get(reverse("study:progress")).content.decode()


# --- Delete my account ---


def test_the_delete_page_says_what_goes_with_counts(client: Client, world: World) -> None:
    client.force_login(world.learner)
    counts = history_of(world.learner)

    response = client.get(DELETE)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"{counts['attempts']} answers you gave" in html
    assert "your place in 1 class: its teacher will no longer see you" in html
    assert "classes you teach" not in html  # a learner who teaches nothing
    assert 'type="password"' in html


def test_the_right_password_deletes_the_account_and_signs_out(
    client: Client, world: World, password: str
) -> None:
    learner_pk = world.learner.pk
    client.force_login(world.learner)

    response = client.post(DELETE, {"password": password}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 303)]
    assert "Your account and everything in it were deleted." in response.content.decode()
    assert signed_in(client) is None
    assert not User.objects.filter(pk=learner_pk).exists()
    assert not Membership.objects.filter(student_id=learner_pk).exists()
    assert history_of(learner_pk) == dict.fromkeys(history_of(learner_pk), 0)
    # The class and its teacher are as they were.
    assert Classroom.objects.filter(pk=world.classroom.pk, teacher=world.teacher).exists()
    # The old session is dead.
    assert client.get(reverse("accounts:settings")).status_code == 302


def test_a_teacher_with_students_is_shown_the_classes_and_cannot_delete(
    client: Client, world: World, password: str
) -> None:
    client.force_login(world.teacher)

    page = client.get(DELETE)
    before = snapshot()
    refused = client.post(DELETE, {"password": password})

    for response in (page, refused):
        html = response.content.decode()
        assert response.status_code == 200
        assert "Your account cannot be deleted while you teach students." in html
        assert f'href="{world.classroom.get_absolute_url()}">Class A</a> · 1 student' in html
        assert f'href="{reverse("classrooms:classroom_list")}"' in html
        assert 'type="password"' not in html
    assert snapshot() == before
    assert signed_in(client) == str(world.teacher.pk)


def test_a_teacher_whose_classes_are_empty_can_delete_with_them(
    client: Client, world: World, password: str
) -> None:
    Membership.objects.filter(classroom=world.classroom).delete()
    client.force_login(world.teacher)
    html = client.get(DELETE).content.decode()
    assert "1 class you teach, with its assignments (it has no students)" in html
    assert "1 deck you built" in html

    response = client.post(DELETE, {"password": password})

    assert response.status_code == 303
    assert not User.objects.filter(pk=world.teacher.pk).exists()
    assert not Classroom.objects.filter(pk=world.classroom.pk).exists()
    # The former student's own answers on the teacher's cards stay theirs.
    assert Attempt.objects.filter(user=world.learner).exists()


# --- The settings page links both ---


@pytest.mark.parametrize(
    ("language", "reset", "delete"),
    [
        ("en", "Reset my study history", "Delete my account"),
        ("ko", "학습 기록 초기화", "계정 삭제"),
    ],
)
def test_the_settings_page_links_both_in_each_language(
    client: Client, student: Any, language: str, reset: str, delete: str
) -> None:
    student.ui_language = language
    student.save(update_fields=["ui_language"])
    client.force_login(student)

    html = client.get(reverse("accounts:settings")).content.decode()

    assert f'<a class="danger-link" href="{RESET}">{reset}</a>' in html
    assert f'<a class="danger-link" href="{DELETE}">{delete}</a>' in html
