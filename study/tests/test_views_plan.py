"""The exam-day planner page, applying its plan, and exam-day order in the study queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from cards.models import Question
from study import plan_selectors, planner
from study.models import Attempt, ReviewState

pytestmark = pytest.mark.django_db

PLAN = reverse("study:plan")
APPLY = reverse("study:plan_apply")
ORDER = reverse("study:exam_order")
DAY = dt.timedelta(days=1)


def test_anonymous_is_sent_to_login(client: Client, db) -> None:
    for url in (PLAN, APPLY, ORDER):
        response = client.post(url) if url != PLAN else client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_wrong_methods_are_405(client: Client, student) -> None:
    client.force_login(student)
    assert client.post(PLAN).status_code == 405
    assert client.get(APPLY).status_code == 405
    assert client.get(ORDER).status_code == 405


def test_without_an_exam_date_the_plan_looks_thirty_days_ahead(
    client: Client, student, deck, clock, now
) -> None:
    client.force_login(student)
    html = client.get(PLAN).content.decode()
    horizon = (now + planner.HORIZON).astimezone(plan_selectors.user_zone(student)).date()
    assert f"this plan looks 30 days ahead, to {horizon:%Y-%m-%d}" in html
    assert "a default until you have 20 timed answers" in html
    for retention in planner.RETENTIONS:
        assert f'data-plan-row="{retention:.2f}"' in html
    assert '<svg class="chart plan-recall-chart"' in html
    assert '<title id="plan-recall-title">' in html
    assert '<title id="plan-reviews-title">' in html
    assert 'style="' not in html


def test_the_pick_is_the_argmax_of_the_grid_the_page_shows(
    client: Client, student, other_student, deck, make_state, clock, now
) -> None:
    student.exam_date = (now + 20 * DAY).date()
    student.study_minutes_per_day = 10
    student.save()
    questions = list(deck.questions.order_by("pk"))
    for i, question in enumerate(questions[:3]):
        make_state(student, question, stability=1.0 + i, last_review=now - 2 * DAY, due=now - DAY)
    # Another learner's cards change nothing here.
    for question in questions:
        make_state(other_student, question, stability=50.0, last_review=now, due=now + 50 * DAY)
    client.force_login(student)

    response = client.get(PLAN)

    exam = response.context["exam"]
    assert exam.total == Question.objects.visible_to(student).count()
    assert exam.studied == 3
    best = max(exam.plans, key=planner.plan_rank)
    assert exam.best == best
    html = response.content.decode()
    assert f'data-plan-pick="{best.retention:.2f}:{best.new_per_day}"' in html
    assert f"Planned for your exam on {student.exam_date:%Y-%m-%d}" in html
    # The same inputs give the same plan: seeded, deterministic.
    again = client.get(PLAN).context["exam"]
    assert again.best == best


def test_the_plan_page_reads_a_fixed_number_of_queries(
    client: Client,
    student,
    topic,
    make_question,
    make_state,
    clock,
    now,
    django_assert_max_num_queries,
) -> None:
    client.force_login(student)
    for count in (5, 60):
        for _ in range(count):
            question = make_question(topic)
            make_state(student, question, last_review=now - DAY, due=now + DAY)
        # Session and user, the cache key's latest answer, the blueprint, the states, the
        # unstudied counts, the answer times.
        with django_assert_max_num_queries(7):
            assert client.get(PLAN).status_code == 200


def test_applying_the_plan_changes_the_settings(client: Client, student) -> None:
    client.force_login(student)
    response = client.post(APPLY, {"retention": "0.85", "new_per_day": "37"})
    assert response.status_code == 303
    assert response["Location"] == reverse("accounts:settings")
    student.refresh_from_db()
    assert (student.desired_retention, student.new_cards_per_day) == (Decimal("0.85"), 37)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert 'value="0.85"' in page
    assert 'value="37"' in page


@pytest.mark.parametrize(
    "data",
    [
        {"retention": "0.50", "new_per_day": "10"},
        {"retention": "0.97", "new_per_day": "10"},  # allowed in settings, not a plan choice
        {"retention": "0.90", "new_per_day": "-1"},
        {"retention": "0.90", "new_per_day": "1001"},
        {"retention": "0.90", "new_per_day": "1e9"},
        {"retention": "NaN", "new_per_day": "10"},
        {},
    ],
)
def test_a_bad_plan_changes_nothing(client: Client, student, data) -> None:
    client.force_login(student)
    response = client.post(APPLY, data)
    assert response.status_code == 303
    student.refresh_from_db()
    assert (student.desired_retention, student.new_cards_per_day) == (Decimal("0.90"), 20)


def test_extra_fields_cannot_reach_other_columns(client: Client, student, other_student) -> None:
    client.force_login(student)
    client.post(
        APPLY,
        {"retention": "0.80", "new_per_day": "5", "is_staff": "on", "user": other_student.pk},
    )
    student.refresh_from_db()
    other_student.refresh_from_db()
    assert not student.is_staff
    assert other_student.new_cards_per_day == 20


def test_applying_needs_a_csrf_token(student) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(APPLY, {"retention": "0.85", "new_per_day": "5"}).status_code == 403
    assert client.post(ORDER, {"exam_order": "on"}).status_code == 403


def test_exam_day_order_opens_only_in_the_last_days(client: Client, student, clock, now) -> None:
    client.force_login(student)
    student.exam_date = (now + 30 * DAY).date()
    student.save()
    client.post(ORDER, {"exam_order": "on"})
    student.refresh_from_db()
    assert student.exam_day_order is False
    assert 'data-exam-order="closed"' in client.get(PLAN).content.decode()

    student.exam_date = (now + 3 * DAY).date()
    student.save()
    assert client.post(ORDER, {"exam_order": "on"}).status_code == 303
    student.refresh_from_db()
    assert student.exam_day_order is True
    assert 'data-exam-order="on"' in client.get(PLAN).content.decode()
    client.post(ORDER, {"exam_order": "off"})
    student.refresh_from_db()
    assert student.exam_day_order is False
    client.post(ORDER, {"exam_order": "sideways"})
    student.refresh_from_db()
    assert student.exam_day_order is False


def test_exam_day_order_shows_the_lowest_recall_on_exam_day_first_and_reschedules_it(
    client: Client, student, deck, make_state, clock, now
) -> None:
    student.exam_date = (now + 3 * DAY).date()
    student.exam_day_order = True
    student.save()
    first, second, third, *_ = deck.questions.order_by("pk")
    # Nothing is due; the weakest card on exam day is `second`.
    make_state(student, first, stability=30.0, last_review=now - 2 * DAY, due=now + 20 * DAY)
    make_state(student, second, stability=2.0, last_review=now - 2 * DAY, due=now + 2 * DAY)
    make_state(student, third, stability=8.0, last_review=now - 2 * DAY, due=now + 5 * DAY)
    client.force_login(student)

    response = client.get(reverse("study:session", args=[deck.slug]))

    assert response.context["question"] == second
    assert 'data-exam-order="on"' in response.content.decode()
    showing = response.context["showing"]
    client.post(
        reverse("study:answer", args=[deck.slug]),
        {"token": showing.token, "rating": 3, "duration_ms": 5000},
    )
    attempt = Attempt.objects.get(user=student, question=second)
    assert attempt.rescheduled
    state = ReviewState.objects.get(user=student, question=second)
    assert state.last_review == now
    assert state.due > now + 2 * DAY  # a Good answer moved it on, as fsrs does
    # Answered today: tomorrow's turn; the next weakest comes now.
    assert client.get(reverse("study:session", args=[deck.slug])).context["question"] == third


def test_without_exam_day_order_the_queue_is_unchanged(
    client: Client, student, deck, make_state, clock, now
) -> None:
    student.exam_date = (now + 3 * DAY).date()
    student.save()
    first = deck.questions.order_by("pk").first()
    make_state(student, first, stability=2.0, last_review=now - 2 * DAY, due=now + 2 * DAY)
    client.force_login(student)
    response = client.get(reverse("study:session", args=[deck.slug]))
    assert response.context["question"] != first  # not due: a new card comes instead
    assert response.context["exam_order"] is False


def test_a_cached_plan_is_served_until_an_answer_or_a_setting_changes(
    client: Client, student, deck, page_cache, clock, now, django_assert_max_num_queries
) -> None:
    client.force_login(student)
    first = client.get(PLAN).context["exam"]
    # Session, user and the latest answer: the plan itself comes from the cache.
    with django_assert_max_num_queries(3):
        assert client.get(PLAN).context["exam"] == first
    client.post(APPLY, {"retention": "0.80", "new_per_day": "3"})
    assert "retention 0.80, new cards a day 3" in client.get(PLAN).content.decode()
