"""Suspending a card: the study queue, practice and leeches skip it, in as many queries as
before; the pages to suspend, unsuspend and list, for the owner, an outsider, anonymous."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from cards.models import Deck
from cards.tests.test_notebooks import make_notebook
from study import selectors, services
from study.models import Attempt, CardState, Mode, Rating, ReviewState, Suspension

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def session_url(deck: Deck, mode: str = Mode.FLASHCARD, practice: bool = False) -> str:
    return (
        reverse("study:session", args=[deck.slug])
        + f"?mode={mode}"
        + ("&practice=1" if practice else "")
    )


def ordered(deck: Deck) -> list[Any]:
    return list(deck.questions.order_by("topic__order", "order", "pk"))


@pytest.fixture
def learner(client: Any, student: Any, clock: Any) -> Any:
    client.force_login(student)
    return student


# --- The queue ---


def test_a_suspended_new_card_is_not_counted_nor_served(student: Any, deck: Deck) -> None:
    first, second = ordered(deck)[:2]
    services.suspension_create(user=student, question=first, now=NOW)

    queue = selectors.study_queue(user=student, deck=deck, mode=Mode.FLASHCARD, now=NOW)

    assert queue.counts.new == 4
    assert queue.card is not None and queue.card.question == second


@pytest.mark.parametrize("state", [CardState.REVIEW, CardState.LEARNING, CardState.RELEARNING])
def test_a_suspended_due_card_is_not_counted_nor_served(
    student: Any, deck: Deck, make_state: Any, state: int
) -> None:
    first, second = ordered(deck)[:2]
    make_state(student, first, state, due=NOW - DAY)
    make_state(student, second, state, due=NOW - DAY + dt.timedelta(minutes=1))
    services.suspension_create(user=student, question=first, now=NOW)

    queue = selectors.study_queue(user=student, deck=deck, mode=Mode.FLASHCARD, now=NOW)

    bucket = "review" if state == CardState.REVIEW else "learning"
    assert getattr(queue.counts, bucket) == 1
    assert queue.card is not None and queue.card.question == second


def test_deck_counts_on_the_home_page_leave_suspended_cards_out(
    student: Any, deck: Deck, make_state: Any
) -> None:
    first = ordered(deck)[0]
    make_state(student, first, due=NOW - DAY)
    services.suspension_create(user=student, question=first, now=NOW)

    counts = selectors.deck_due_counts(user=student, decks=[deck], now=NOW)[deck.pk]

    assert (counts.learning, counts.review, counts.new) == (0, 0, 4)


def test_another_learners_suspension_changes_nothing_for_me(
    student: Any, other_student: Any, deck: Deck
) -> None:
    services.suspension_create(user=other_student, question=ordered(deck)[0], now=NOW)

    queue = selectors.study_queue(user=student, deck=deck, mode=Mode.FLASHCARD, now=NOW)

    assert queue.counts.new == 5
    assert queue.card is not None and queue.card.question == ordered(deck)[0]


def test_a_deck_with_every_card_suspended_is_empty_and_names_no_next_due(
    student: Any, deck: Deck, make_state: Any
) -> None:
    for question in ordered(deck):
        make_state(student, question, due=NOW + DAY)
        services.suspension_create(user=student, question=question, now=NOW)

    queue = selectors.study_queue(user=student, deck=deck, mode=Mode.FLASHCARD, now=NOW)

    assert queue.card is None
    assert selectors.next_due_at(user=student, deck=deck, mode=Mode.FLASHCARD, now=NOW) is None


def test_practice_skips_suspended_cards(student: Any, deck: Deck) -> None:
    questions = ordered(deck)
    for question in questions[:-1]:
        services.suspension_create(user=student, question=question, now=NOW)

    for seed in range(5):
        picked = selectors.practice_card(user=student, deck=deck, mode=Mode.FLASHCARD, seed=seed)
        assert picked == questions[-1]


def test_a_suspended_leech_is_not_listed_counted_or_offered(
    student: Any, deck: Deck, make_state: Any
) -> None:
    leech = ordered(deck)[0]
    make_state(student, leech, due=NOW + DAY, lapses=8)
    assert selectors.leech_count(user=student) == 1

    services.suspension_create(user=student, question=leech, now=NOW)

    assert selectors.leech_count(user=student) == 0
    assert selectors.leeches(user=student) == []
    assert selectors.leech_card(user=student) is None


def test_unsuspending_serves_the_card_again_when_it_is_due(
    student: Any, deck: Deck, make_state: Any
) -> None:
    first = ordered(deck)[0]
    make_state(student, first, due=NOW - DAY)
    services.suspension_create(user=student, question=first, now=NOW)

    assert services.suspension_delete(user=student, question=first) is True
    assert services.suspension_delete(user=student, question=first) is False

    queue = selectors.study_queue(user=student, deck=deck, mode=Mode.FLASHCARD, now=NOW)
    assert queue.card is not None and queue.card.question == first


def test_suspending_twice_keeps_the_first_suspension(student: Any, question: Any) -> None:
    first = services.suspension_create(user=student, question=question, now=NOW)
    again = services.suspension_create(user=student, question=question, now=NOW + DAY)

    assert again.pk == first.pk
    assert again.created_at == NOW
    assert Suspension.objects.count() == 1


def test_suspending_keeps_the_memory_state(student: Any, question: Any, make_state: Any) -> None:
    state = make_state(student, question, due=NOW + DAY, stability=7.0)

    services.suspension_create(user=student, question=question, now=NOW)
    services.suspension_delete(user=student, question=question)

    kept = ReviewState.objects.get(pk=state.pk)
    assert (kept.due, kept.stability) == (state.due, state.stability)


# The same query counts as study/tests/test_queries_study.py pins, with a suspended card in the
# deck: the suspension is an anti-join inside the same statements, never a query of its own.


@pytest.mark.parametrize("mode", [Mode.FLASHCARD, Mode.CHOICE])
def test_the_study_page_still_reads_a_due_card_in_six_queries(
    client: Any,
    learner: Any,
    deck: Deck,
    mode: str,
    make_state: Any,
    django_assert_num_queries: Any,
) -> None:
    singles = list(deck.questions.filter(kind="single").order_by("order"))
    make_state(learner, singles[0], due=NOW - dt.timedelta(hours=2))
    make_state(learner, singles[1], due=NOW - dt.timedelta(hours=1))
    services.suspension_create(user=learner, question=singles[0], now=NOW)

    client.get(session_url(deck, mode))
    with django_assert_num_queries(6):
        response = client.get(session_url(deck, mode))

    assert response.context["question"] == singles[1]


def test_the_study_page_still_reads_a_new_card_in_six_queries(
    client: Any, learner: Any, deck: Deck, django_assert_num_queries: Any
) -> None:
    first, second = ordered(deck)[:2]
    services.suspension_create(user=learner, question=first, now=NOW)

    client.get(session_url(deck))
    with django_assert_num_queries(6):
        response = client.get(session_url(deck))

    assert response.context["question"] == second


# --- The pages ---


def test_the_owner_suspends_a_card_and_is_sent_back(client: Any, learner: Any, deck: Deck) -> None:
    question = ordered(deck)[0]
    back = reverse("study:card_history", args=[question.pk])

    response = client.post(reverse("study:card_suspend", args=[question.pk]), {"next": back})

    assert response.status_code == 303
    assert response["Location"] == back
    assert Suspension.objects.filter(user=learner, question=question).exists()


def test_suspend_ignores_a_next_url_on_another_site(client: Any, learner: Any, deck: Deck) -> None:
    question = ordered(deck)[0]

    response = client.post(
        reverse("study:card_suspend", args=[question.pk]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("study:card_history", args=[question.pk])


@pytest.mark.parametrize("suspended", [False, True])
def test_a_body_with_too_many_fields_is_a_400_that_changes_nothing(
    client: Any, learner: Any, deck: Deck, suspended: bool
) -> None:
    # Found by the fuzz test: the redirect target was read after the write.
    question = ordered(deck)[0]
    if suspended:
        services.suspension_create(user=learner, question=question, now=NOW)
    name = "study:card_unsuspend" if suspended else "study:card_suspend"

    response = client.post(reverse(name, args=[question.pk]), {"next": ["x"] * 2000})

    assert response.status_code == 400
    assert Suspension.objects.filter(user=learner, question=question).exists() is suspended


def test_an_outsider_cannot_suspend_a_card_they_cannot_see(
    client: Any, student: Any, other_student: Any
) -> None:
    private = make_notebook(student).questions.first()
    assert private is not None
    client.force_login(other_student)

    response = client.post(reverse("study:card_suspend", args=[private.pk]))

    assert response.status_code == 404
    assert not Suspension.objects.exists()


def test_anonymous_is_sent_to_log_in(client: Any, question: Any, deck: Deck) -> None:
    question = ordered(deck)[0]
    for name in ("study:card_suspend", "study:card_unsuspend"):
        response = client.post(reverse(name, args=[question.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    response = client.get(reverse("study:suspended_list"))
    assert response["Location"].startswith(reverse("account_login"))


def test_suspend_and_unsuspend_refuse_get(client: Any, learner: Any, deck: Deck) -> None:
    question = ordered(deck)[0]
    assert client.get(reverse("study:card_suspend", args=[question.pk])).status_code == 405
    assert client.get(reverse("study:card_unsuspend", args=[question.pk])).status_code == 405
    assert client.post(reverse("study:suspended_list")).status_code == 405


def test_unsuspend_only_touches_the_learners_own_suspension(
    client: Any, learner: Any, other_student: Any, deck: Deck
) -> None:
    question = ordered(deck)[0]
    services.suspension_create(user=other_student, question=question, now=NOW)

    response = client.post(reverse("study:card_unsuspend", args=[question.pk]))

    assert response.status_code == 404
    assert Suspension.objects.filter(user=other_student).exists()


def test_the_owner_lists_and_unsuspends(
    client: Any, learner: Any, deck: Deck, django_assert_max_num_queries: Any
) -> None:
    questions = ordered(deck)
    for question in questions:
        services.suspension_create(user=learner, question=question, now=NOW)

    with django_assert_max_num_queries(4):
        page = client.get(reverse("study:suspended_list"))
    assert page.status_code == 200
    assert page.content.count(b'data-question="') == len(questions)

    response = client.post(reverse("study:card_unsuspend", args=[questions[0].pk]))
    assert response.status_code == 303
    assert response["Location"] == reverse("study:suspended_list")
    assert Suspension.objects.filter(user=learner).count() == len(questions) - 1


def test_the_list_shows_only_the_learners_own_suspensions(
    client: Any, learner: Any, other_student: Any, deck: Deck
) -> None:
    services.suspension_create(user=other_student, question=ordered(deck)[0], now=NOW)

    page = client.get(reverse("study:suspended_list"))

    assert b'data-question="' not in page.content
    assert b"No suspended cards" in page.content


def test_a_suspended_card_the_learner_answered_keeps_its_attempts(
    student: Any, question: Any, record: Any
) -> None:
    record(student, question, at=NOW - DAY)
    services.suspension_create(user=student, question=question, now=NOW)
    assert Attempt.objects.filter(user=student, question=question, rating=Rating.GOOD).exists()


def test_card_writes_are_rate_limited_per_user(
    client: Any, learner: Any, other_student: Any, deck: Deck, settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "card_flag": "2/m/user"}
    question = ordered(deck)[0]
    suspend = reverse("study:card_suspend", args=[question.pk])
    unsuspend = reverse("study:card_unsuspend", args=[question.pk])

    statuses = [client.post(suspend).status_code, client.post(unsuspend).status_code]
    statuses.append(client.post(suspend).status_code)

    assert statuses == [303, 303, 429]
    assert not Suspension.objects.filter(user=learner).exists()
    client.force_login(other_student)
    assert client.post(suspend).status_code == 303


def test_exam_day_order_skips_a_suspended_card(
    client: Any, learner: Any, deck: Deck, make_state: Any, now: dt.datetime
) -> None:
    learner.exam_date = (now + 3 * DAY).date()
    learner.exam_day_order = True
    learner.save()
    first, second, third, *_ = deck.questions.order_by("pk")
    make_state(learner, first, stability=30.0, last_review=now - 2 * DAY, due=now + 20 * DAY)
    make_state(learner, second, stability=2.0, last_review=now - 2 * DAY, due=now + 2 * DAY)
    make_state(learner, third, stability=8.0, last_review=now - 2 * DAY, due=now + 5 * DAY)
    services.suspension_create(user=learner, question=second, now=now)

    response = client.get(reverse("study:session", args=[deck.slug]))

    assert response.context["question"] == third
