"""What the load benchmark (bench/run) found and fixed, held in place: query counts of the study
loop, figures computed from plain numbers, and the page cache of the progress and results pages.
"""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fsrs import Card, Scheduler, State

from cards.models import Deck
from study import exam_services, progress, selectors
from study.expressions import DaysElapsed
from study.models import Attempt, CardState, ExamScope, Mode, Presentation, ReviewState

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")


@pytest.fixture
def learner(client: Any, student: Any, clock: Any) -> Any:
    client.force_login(student)
    return student


@pytest.fixture
def page_cache(settings: Any) -> None:
    """The page cache as in production, in a memory cache of this test's own."""
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-pages-{id(settings)}",
        },
    }


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The SQL statements sent, without transaction control (tests nest in savepoints)."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]


# A card an hour overdue: stability 4, reviewed five days ago, first studied nine days ago.
DUE = {
    "due": NOW - dt.timedelta(hours=1),
    "stability": 4.0,
    "last_review": NOW - 5 * DAY,
    "first_review": NOW - 9 * DAY,
    "reps": 2,
}


def session_url(deck: Any, mode: str = Mode.FLASHCARD) -> str:
    return reverse("study:session", args=[deck.slug]) + f"?mode={mode}"


# --- The study page and the answer POST ---


@pytest.mark.parametrize("mode", [Mode.FLASHCARD, Mode.CHOICE])
def test_the_study_page_reads_a_due_card_in_six_queries(
    client: Any, learner: Any, deck: Any, mode: str, django_assert_num_queries: Any, make_state: Any
) -> None:
    # Session, user, deck, today's limits with the counts, the due state with its question, topic
    # and answers, the open showing (the first view also inserts it).
    question = deck.questions.filter(kind="single").order_by("order").first()
    make_state(learner, question, **DUE)
    with django_assert_num_queries(7):
        first = client.get(session_url(deck, mode))
    with django_assert_num_queries(6):
        again = client.get(session_url(deck, mode))
    assert first.context["question"] == again.context["question"] == question
    assert first.context["presentation"] == again.context["presentation"]


def test_the_study_page_reads_a_new_card_in_six_queries(
    client: Any, learner: Any, deck: Any, django_assert_num_queries: Any
) -> None:
    client.get(session_url(deck))
    with django_assert_num_queries(6):
        response = client.get(session_url(deck))
    assert response.context["question"] == deck.questions.order_by("order").first()


def test_the_rating_buttons_use_the_state_the_card_was_chosen_by(
    client: Any, learner: Any, deck: Any, make_state: Any
) -> None:
    question = deck.questions.filter(kind="flashcard").first()
    state = make_state(learner, question, CardState.RELEARNING, **DUE)
    response = client.get(session_url(deck))
    assert response.context["question"] == question
    stored = ReviewState.objects.get(pk=state.pk)
    expected = selectors.intervals_for(user=learner, question=question, state=stored, now=NOW)
    shown = {value: interval for value, _label, _key, interval in response.context["ratings"]}
    assert shown == expected
    assert selectors.intervals_for(user=learner, question=question, state=state, now=NOW) == (
        expected
    )


def test_empty_buckets_are_not_searched(
    student: Any, deck: Any, django_assert_num_queries: Any
) -> None:
    # Today's limits with the counts, then the new card with its topic and answers: the learning
    # and review buckets, empty, are not searched.
    with django_assert_num_queries(2):
        queue = selectors.study_queue(user=student, deck=deck, mode=Mode.FLASHCARD, now=NOW)
    assert (queue.counts.learning, queue.counts.review) == (0, 0)
    assert queue.allowance == selectors.daily_allowance(user=student, now=NOW)
    assert queue.card is not None
    assert queue.card.state is None
    assert queue.card.question == deck.questions.order_by("order").first()
    empty = Deck.objects.create(slug="empty", name="Empty")
    with django_assert_num_queries(1):  # the counts alone: every bucket is empty
        assert (
            selectors.study_queue(user=student, deck=empty, mode=Mode.FLASHCARD, now=NOW).card
            is None
        )


@pytest.mark.parametrize("known_card", [False, True])
def test_an_answer_is_recorded_in_eight_statements(
    client: Any, learner: Any, deck: Any, known_card: bool, make_state: Any
) -> None:
    # Session, user; the showing locked with its question and the checks of its deck; the
    # answers; the state; then the Attempt, the state and the showing written: one transaction.
    question = deck.questions.filter(kind="single").order_by("order").first()
    if known_card:
        make_state(learner, question, **DUE)
    client.get(session_url(deck, Mode.CHOICE))
    shown = Presentation.objects.get(user=learner, question=question)
    right = [a.pk for a in question.answers.all() if a.is_correct]
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            reverse("study:answer", args=[deck.slug]), {"token": shown.token, "answer": right}
        )
    assert response.status_code == 303
    assert len(statements(captured)) <= 8, statements(captured)
    state = ReviewState.objects.get(user=learner, question=question)
    assert state.reps == (3 if known_card else 1)
    assert Attempt.objects.get(presentation=shown).correct


def test_an_answer_to_a_deck_no_longer_visible_is_404_and_writes_nothing(
    client: Any, learner: Any, teacher: Any, question: Any
) -> None:
    # Shown while the deck was visible (say, assigned to the learner's class), answered after.
    private = Deck.objects.create(slug="private", name="Private", owner=teacher)
    private.questions.add(question)
    shown = Presentation.objects.create(
        user=learner, question=question, deck=private, mode=Mode.CHOICE, created_at=NOW
    )
    right = [a.pk for a in question.answers.all() if a.is_correct]
    response = client.post(
        reverse("study:answer", args=[private.slug]), {"token": shown.token, "answer": right}
    )
    assert response.status_code == 404
    assert not Attempt.objects.exists()
    assert not ReviewState.objects.exists()


def test_an_answer_posted_to_another_visible_deck_is_refused(
    client: Any, learner: Any, deck: Any, question: Any
) -> None:
    other = Deck.objects.create(slug="other", name="Other")
    other.questions.add(question)
    shown = Presentation.objects.create(
        user=learner, question=question, deck=deck, mode=Mode.CHOICE, created_at=NOW
    )
    response = client.post(
        reverse("study:answer", args=[other.slug]), {"token": shown.token, "answer": [1]}
    )
    assert response.status_code == 400
    assert "This card was shown in another deck." in response.content.decode()
    assert not Attempt.objects.exists()


# --- Figures from plain numbers: fsrs's curve on whole days the database counts ---


@pytest.mark.parametrize("stability", [0.2, 1.0, 3.0, 17.5, 400.0])
@pytest.mark.parametrize("days", [0, 1, 2, 5, 30, 365])
def test_recall_after_is_fsrs_retrievability_exactly(stability: float, days: int) -> None:
    card = Card(state=State.Review, stability=stability, last_review=NOW - days * DAY)
    assert progress.recall_after(stability, days) == Scheduler().get_card_retrievability(
        card, current_datetime=NOW
    )


def test_recall_after_of_a_card_without_memory_is_zero() -> None:
    assert progress.recall_after(None, 3) == 0.0
    assert progress.recall_after(3.0, None) == 0.0
    assert progress.recall_after(3.0, -2) == progress.recall_after(3.0, 0)


@pytest.mark.parametrize(
    "since",
    [
        dt.timedelta(0),
        dt.timedelta(hours=23, minutes=59, seconds=59),
        DAY,
        3 * DAY - dt.timedelta(seconds=1),
        3 * DAY,
        40 * DAY + dt.timedelta(hours=5),
    ],
)
def test_the_database_counts_whole_days_as_fsrs_does(
    student: Any, question: Any, since: dt.timedelta, make_state: Any
) -> None:
    make_state(student, question, **DUE)
    ReviewState.objects.update(last_review=NOW - since)
    days = ReviewState.objects.annotate(days=DaysElapsed("last_review", NOW)).get().days
    assert days == since.days


def test_days_since_nothing_is_nothing(student: Any, question: Any, make_state: Any) -> None:
    make_state(student, question, **DUE)
    ReviewState.objects.update(last_review=None)
    assert ReviewState.objects.annotate(days=DaysElapsed("last_review", NOW)).get().days is None


# --- The page cache: keyed on what each page shows ---


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
        user=learner, scope=ExamScope.DOMAIN, question_count=3, timed=False, now=NOW, seed=1
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
