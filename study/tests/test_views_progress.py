"""The progress page: the learner's own numbers, in a query count that does not grow."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cards.models import Deck, Question, TaskStatement
from cards.tests.factories import domain_numbered, make_topic
from study import progress, selectors
from study.models import Attempt, CardState, Mode, ReviewState, Showing

pytestmark = pytest.mark.django_db

# Session + user, the cache key (the latest answer), then progress_report: topics, card states,
# the week's answers, today's reviews, answers per day, leeches; and two reads of the content
# that do not grow with it either: the blueprint (domains with their task statements, one query)
# and the questions that test another task statement than their topic's (one grouped query).
PROGRESS_QUERIES = 11


def study_history(user, questions, *, attempts, now, correct_every=2, spacing=timedelta(minutes=1)):
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
            reviewed_at=now - spacing * (i + 1),
            state_before=CardState.REVIEW,
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


@pytest.mark.parametrize("attempts", [10, 2000])
def test_query_count_does_not_grow_with_history(
    client, student, topic, other_topic, make_question, django_assert_max_num_queries, attempts
):
    deck = Deck.objects.create(slug="big", name="Big")
    questions = [make_question(topic) for _ in range(10)] + [
        make_question(other_topic) for _ in range(10)
    ]
    deck.questions.set(questions)
    # Spread over 400 days: one row per day with answers comes back, never one per answer.
    study_history(
        student, questions, attempts=attempts, now=timezone.now(), spacing=timedelta(hours=5)
    )
    client.force_login(student)

    with django_assert_max_num_queries(PROGRESS_QUERIES):
        response = client.get(reverse("study:progress"))

    assert response.status_code == 200
    assert len(response.context["summary"].topics) == 2
    assert response.context["summary"].studied == 20
    report = response.context["report"]
    assert len(report.heatmap) == 365
    # Every other card is answered wrong every time: with 2,000 answers those ten are leeches.
    assert len(report.leeches) == (10 if attempts == 2000 else 0)


# --- Every figure on constructed history: known states and answers in, exact numbers out. ---

NOW = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)  # Monday 12:00 in Seoul
TODAY = date(2025, 3, 10)


@pytest.fixture
def now():
    """The moment `clock` stops at for these tests."""
    return NOW


@pytest.fixture
def history(student, topic, other_topic, make_question, make_state):
    """Six cards in two topics; three studied; sixteen answers spread over 400 days.

    The learner sits the exam today, so readiness is predicted for this very moment and the
    recalls below are the figures it uses (other dates: test_readiness_dates)."""
    student.exam_date = TODAY
    student.save(update_fields=["exam_date"])
    a1, a2, a3, a4 = (make_question(topic, prompt=f"A{i}") for i in range(1, 5))
    b1 = make_question(other_topic, kind="flashcard", prompt="B1")
    b2 = make_question(other_topic, prompt="B2")
    deck = Deck.objects.create(slug="mixed", name="Mixed")
    deck.questions.set([a1, a2, a3, a4, b1, b2])

    studied = {"first_review": NOW - timedelta(days=60), "reps": 3}
    # Recall now: a1 0.9 (5 days at stability 5), a2 0.9 (2 days at 2), b1 1.0 (just seen).
    make_state(
        student,
        a1,
        stability=5.0,
        last_review=NOW - timedelta(days=5),
        due=NOW - timedelta(hours=1),
        **studied,
    )
    make_state(
        student,
        a2,
        stability=2.0,
        last_review=NOW - timedelta(days=2),
        due=NOW + timedelta(days=1),
        **studied,
    )
    make_state(
        student,
        b1,
        CardState.RELEARNING,
        stability=1.0,
        last_review=NOW,
        due=NOW + timedelta(minutes=10),
        lapses=8,
        **studied,
    )

    def answer(question, ago, *, before=CardState.REVIEW, rescheduled=True, correct=True):
        return Attempt(
            user=student,
            question=question,
            mode=Mode.CHOICE,
            rescheduled=rescheduled,
            correct=correct,
            rating=3 if correct else 1,
            reviewed_at=NOW - ago,
            state_before=before,
        )

    Attempt.objects.bulk_create(
        [
            answer(a1, timedelta(hours=1)),  # today, counts for retention
            answer(a2, timedelta(days=1)),  # yesterday, retention
            answer(a1, timedelta(days=2), correct=False),  # retention, wrong
            answer(a2, timedelta(days=5)),  # retention
            answer(b1, timedelta(days=5), before=CardState.LEARNING),  # not a review
            answer(a1, timedelta(days=6), rescheduled=False, correct=False),  # practice
            answer(a1, timedelta(days=31), correct=False),  # outside the 30 days
            *(  # a3: eight wrong practice answers on one day make it a leech
                answer(a3, timedelta(days=40, minutes=i), rescheduled=False, correct=False)
                for i in range(8)
            ),
            answer(b2, timedelta(days=400), before=None),  # before the heatmap's year
        ]
    )
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "b1": b1, "b2": b2, "deck": deck}


def test_report_figures_on_known_history(student, history):
    report = selectors.progress_report(user=student, now=NOW)

    assert report.today == TODAY
    # Forecast: a1 overdue and b1 in ten minutes fall on today, a2 tomorrow.
    assert [day.count for day in report.forecast] == [2, 1] + [0] * 12
    assert report.forecast[0].day == TODAY
    assert report.forecast_total == 3
    # Heatmap: 15 answers on 7 days within the year; the one 400 days ago is left out.
    by_day = {day.day: day.count for day in report.heatmap}
    assert len(report.heatmap) == 365
    assert report.heatmap[-1].day == TODAY
    assert by_day[TODAY] == 1
    assert by_day[TODAY - timedelta(days=40)] == 8
    assert (report.heatmap_total, report.heatmap_active_days) == (15, 7)
    assert report.streak == 3
    # True retention: four reviews of Review cards outside practice in 30 days, three right.
    assert (report.retention_reviews, report.retention_correct) == (4, 3)
    assert report.retention == 0.75
    # Leeches: a3 by eight Again answers, b1 by eight lapses; most Agains first.
    assert [(leech.key, leech.agains, leech.lapses) for leech in report.leeches] == [
        (history["a3"].key, 8, 0),
        (history["b1"].key, 0, 8),
    ]


def test_readiness_on_known_history(student, history):
    report = selectors.progress_report(user=student, now=NOW)

    lambda_topic, accelerator = report.topics
    assert (lambda_topic.readiness.studied, lambda_topic.readiness.total) == (2, 4)
    assert lambda_topic.readiness.mean_recall == pytest.approx(0.9)
    assert lambda_topic.readiness.readiness == pytest.approx(0.45)
    assert (accelerator.readiness.studied, accelerator.readiness.total) == (1, 2)
    assert accelerator.readiness.readiness == pytest.approx(0.5)
    assert report.exam is not None
    exam = report.exam
    # Every domain of the blueprint, in order; only the one with cards has a readiness.
    assert [(row.domain.number, row.readiness is not None) for row in exam.domains] == [
        (1, False),
        (2, False),
        (3, True),
        (4, False),
    ]
    domain = exam.domains[2]
    assert domain.readiness is not None
    assert (domain.readiness.studied, domain.readiness.total) == (3, 6)
    assert domain.readiness.mean_recall == pytest.approx(2.8 / 3)
    assert domain.readiness.readiness == pytest.approx(2.8 / 6)
    statements = {
        row.key: row.readiness.readiness if row.readiness else None
        for row in domain.task_statements
    }
    assert list(statements) == ["3.1", "3.2", "3.3", "3.4", "3.5"]
    assert statements["3.2"] == pytest.approx(0.45)
    assert statements["3.4"] == pytest.approx(0.5)
    assert statements["3.1"] is None  # no cards yet, not 0 %
    # The whole exam: the domain's readiness by its weight; its cards reach 24 % of the exam.
    assert exam.readiness.readiness == pytest.approx(0.24 * 2.8 / 6)
    assert exam.readiness.covered == pytest.approx(0.24)


def cards(group):
    """(studied, total) of a readiness group, None for one with no cards."""
    readiness = group.readiness
    return (readiness.studied, readiness.total) if readiness is not None else None


def test_a_question_counts_under_the_task_statement_it_tests(student, history):
    """A question that tests another task statement than its topic's counts there: its card
    leaves the topic's task statement for the one it names."""
    a1 = history["a1"]  # a Lambda (3.2) card, studied, recall 0.9
    Question.objects.filter(pk=a1.pk).update(task_statement=TaskStatement.objects.get(code="3.5"))

    report = selectors.progress_report(user=student, now=NOW)

    assert report.exam is not None
    statements = {row.key: cards(row) for row in report.exam.domains[2].task_statements}
    assert (statements["3.5"], statements["3.2"]) == ((1, 1), (1, 3))
    topics = {row.key: cards(row) for row in report.topics}
    assert topics["lambda"] == (2, 4)  # still its topic's


def test_a_second_domain_has_its_own_row_and_its_unplaced_cards_a_group(
    student, history, make_question
):
    aurora = make_topic("aurora", "Amazon Aurora", None, domain=domain_numbered(2), order=1)
    make_question(aurora)

    report = selectors.progress_report(user=student, now=NOW)

    assert report.exam is not None
    resilient = report.exam.domains[1]
    assert resilient.readiness == progress.readiness([], 1)  # has cards, none studied: 0 %
    assert [(row.key, row.readiness) for row in resilient.task_statements] == [
        ("2.1", None),
        ("2.2", None),
        ("unplaced", progress.readiness([], 1)),
    ]
    assert report.exam.readiness.covered == pytest.approx(0.26 + 0.24)


def test_days_are_the_learners_own(student, topic, make_question):
    question = make_question(topic)
    # 01:00 on Monday in Seoul, still Sunday in UTC.
    Attempt.objects.create(
        user=student,
        question=question,
        mode=Mode.CHOICE,
        correct=True,
        rating=3,
        reviewed_at=datetime(2025, 3, 9, 16, 0, tzinfo=UTC),
    )

    in_seoul = selectors.progress_report(user=student, now=NOW)
    student.time_zone = "UTC"
    in_utc = selectors.progress_report(user=student, now=NOW)

    assert in_seoul.heatmap[-1].count == 1
    assert in_seoul.streak == 1
    assert (in_utc.heatmap[-1].count, in_utc.heatmap[-2].count) == (0, 1)
    assert in_utc.streak == 1  # yesterday's answer: the streak runs until today is over


def test_a_fresh_learner_has_empty_figures(student, topic, make_question):
    make_question(topic)

    report = selectors.progress_report(user=student, now=NOW)

    assert report.forecast_total == report.heatmap_total == report.streak == 0
    assert report.retention is None
    assert report.leeches == []
    assert report.exam is not None
    assert report.exam.domains[2].readiness == progress.readiness([], 1)
    assert report.exam.readiness.readiness == 0


def test_the_page_shows_the_figures(client, student, other_student, history, clock):
    # Another learner's history must not leak into any figure.
    Attempt.objects.bulk_create(
        Attempt(
            user=other_student,
            question=history["a4"],
            mode=Mode.CHOICE,
            correct=False,
            rating=1,
            reviewed_at=NOW - timedelta(hours=2),
            state_before=CardState.REVIEW,
        )
        for _ in range(9)
    )
    client.force_login(student)

    response = client.get(reverse("study:progress"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd data-stat="retention">75% <span class="meta">of 4 reviews</span>' in html
    assert '<dd data-stat="streak">3 days</dd>' in html
    assert '<title id="forecast-title">3 cards due in the next 14 days</title>' in html
    assert "15 answers on 7 of the last 365 days" in html
    assert 'class="heat heat-4"' in html  # the busiest day, 8 answers
    assert html.count('<rect class="heat heat-') == 365 + 5  # the days, then the key
    assert html.count('<rect class="forecast-bar') == 14
    assert 'style="' not in html  # the CSP forbids inline styles
    assert "by its weight in the exam guide" in html
    assert '<li class="readiness-row is-domain" data-readiness="3">' in html
    assert "Domain 3: Design High-Performing Architectures" in html
    assert "24% of the exam" in html
    assert "47%" in html  # the domain: 2.8 / 6
    assert "11%" in html  # the whole exam: 24 % of 2.8 / 6
    assert "1 of 4 domains with cards" in html
    # The other domains are listed without a figure, and without their task statements.
    assert '<li class="readiness-row is-domain no-cards" data-readiness="1">' in html
    assert html.count("No cards yet") == 3 + 3  # domains 1, 2, 4; task statements 3.1, 3.3, 3.5
    assert 'data-readiness="1:1.1"' not in html
    assert 'data-readiness="lambda">45%</td>' in html
    assert f'data-leech="{history["a3"].key}"' in html
    assert f'data-leech="{history["a4"].key}"' not in html
    assert reverse("study:leech_session") in html
    assert reverse("study:data") in html


def test_heatmap_cells_carry_their_day_and_count(client, student, history, clock):
    client.force_login(student)

    html = client.get(reverse("study:progress")).content.decode()

    assert "<title>March 10, 2025: 1 answer</title>" in html
    assert "<title>Jan. 29, 2025: 8 answers</title>" in html
    assert "<title>March 10, 2025: 2 cards due</title>" in html


def test_the_progress_page_in_korean_renders(client, student, history, clock):
    client.force_login(student)
    response = client.get(reverse("study:progress"), HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    assert "2025년 3월 10일" in response.content.decode()


def test_the_progress_cache_key_changes_with_every_preference_the_page_shows(
    client, student, other_student, history, clock
):
    client.force_login(student)

    def key(language="en"):
        response = client.get(reverse("study:progress"), HTTP_ACCEPT_LANGUAGE=language)
        return response.context["cache_key"]

    first = key()
    assert key() == first
    keys = {first, key("ko")}  # the interface language
    student.time_zone = "America/New_York"
    student.save()
    keys.add(key())  # the time zone the days are counted in
    student.ui_language = "ko"
    student.save()
    keys.add(key())  # the interface language the account chose
    client.force_login(other_student)
    keys.add(key("ko"))  # same settings, another learner
    assert len(keys) == 5


# --- Practising leeches, end to end ---


def test_leech_practice_runs_end_to_end(client, student, history, clock):
    client.force_login(student)
    states_before = list(ReviewState.objects.filter(user=student).values())

    # a3 was last answered 40 days ago, b1 five days ago: the least recent comes first.
    page = client.get(reverse("study:leech_session"))

    assert page.status_code == 200
    assert page.context["question"] == history["a3"]
    assert page.context["leech_count"] == 2
    showing = page.context["showing"]
    assert (showing.practice, showing.mode) == (True, Mode.CHOICE)
    wrong = next(a for a in history["a3"].answers.all() if not a.is_correct)

    answered = client.post(
        reverse("study:leech_answer"), {"token": showing.token, "answer": [wrong.pk]}
    )

    assert answered.status_code == 303
    assert answered["Location"] == reverse("study:leech_result", args=[showing.token])
    result = client.get(answered["Location"])
    assert result.status_code == 200
    assert result.context["next_url"] == reverse("study:leech_session")
    assert "Practice: the schedule of this card did not change." in result.content.decode()
    attempt = Attempt.objects.get(showing=showing)
    assert (attempt.rescheduled, attempt.correct, attempt.rating) == (False, False, 1)

    # Then b1, a flashcard, rated without any interval shown.
    following = client.get(reverse("study:leech_session"))
    assert following.context["question"] == history["b1"]
    assert following.context["mode"] == Mode.FLASHCARD
    token = following.context["showing"].token
    rated = client.post(reverse("study:leech_answer"), {"token": token, "rating": 3})
    assert rated.status_code == 303
    assert client.get(rated["Location"]).status_code == 200
    assert Attempt.objects.get(showing__token=token).rating == 3
    # Practice leaves every schedule as it was.
    assert list(ReviewState.objects.filter(user=student).values()) == states_before


def test_leech_practice_shows_a_choice_leech_with_its_options(client, student, history, clock):
    client.force_login(student)
    Attempt.objects.create(  # b1 answered just now: a3 comes first
        user=student,
        question=history["b1"],
        mode=Mode.FLASHCARD,
        correct=False,
        rating=1,
        reviewed_at=NOW,
        rescheduled=False,
    )

    page = client.get(reverse("study:leech_session"))

    assert page.context["question"] == history["a3"]
    assert page.context["mode"] == Mode.CHOICE
    html = page.content.decode()
    assert f'action="{reverse("study:leech_answer")}"' in html
    assert html.count('name="answer"') == 3


def test_leech_practice_without_leeches_says_so(client, student, clock):
    client.force_login(student)
    response = client.get(reverse("study:leech_session"))
    assert response.status_code == 200
    assert "No leeches to practise" in response.content.decode()


def test_leeches_only_in_a_deck_the_learner_cannot_see_are_not_offered(
    client, student, teacher, history, clock
):
    history["deck"].owner = teacher  # now a teacher's private deck
    history["deck"].save()
    client.force_login(student)
    response = client.get(reverse("study:leech_session"))
    assert "No leeches to practise" in response.content.decode()


def test_leech_answer_refuses_another_learners_token(client, student, other_student, history):
    showing = Showing.objects.create(
        user=other_student,
        question=history["a3"],
        deck=history["deck"],
        mode=Mode.CHOICE,
        practice=True,
        created_at=NOW,
    )
    client.force_login(student)
    answer_id = history["a3"].answers.first().pk

    response = client.post(
        reverse("study:leech_answer"), {"token": showing.token, "answer": [answer_id]}
    )

    assert response.status_code == 400
    assert not Attempt.objects.filter(showing=showing).exists()


def test_leech_answer_refuses_a_scheduled_showing(client, student, history):
    showing = Showing.objects.create(
        user=student,
        question=history["a3"],
        deck=history["deck"],
        mode=Mode.CHOICE,
        practice=False,
        created_at=NOW,
    )
    client.force_login(student)
    answer_id = history["a3"].answers.first().pk
    response = client.post(
        reverse("study:leech_answer"), {"token": showing.token, "answer": [answer_id]}
    )
    assert response.status_code == 400
    assert "This card was not shown to you." in response.content.decode()
    assert not Attempt.objects.filter(showing=showing).exists()


def test_leech_answer_refuses_a_showing_in_a_deck_no_longer_visible(
    client, student, teacher, history
):
    showing = Showing.objects.create(
        user=student,
        question=history["a3"],
        deck=history["deck"],
        mode=Mode.CHOICE,
        practice=True,
        created_at=NOW,
    )
    history["deck"].owner = teacher  # now a teacher's private deck
    history["deck"].save()
    client.force_login(student)
    answer_id = history["a3"].answers.first().pk

    response = client.post(
        reverse("study:leech_answer"), {"token": showing.token, "answer": [answer_id]}
    )

    assert response.status_code == 400
    assert "This card was not shown to you." in response.content.decode()
    assert not Attempt.objects.filter(showing=showing).exists()


def test_leech_answer_with_a_bad_form_is_400(client, student):
    client.force_login(student)
    assert client.post(reverse("study:leech_answer"), {}).status_code == 400


def test_another_learners_leech_result_is_404(client, student, other_student, history):
    showing = Showing.objects.create(
        user=other_student,
        question=history["a3"],
        deck=history["deck"],
        mode=Mode.CHOICE,
        practice=True,
        created_at=NOW,
        answered_at=NOW,
    )
    Attempt.objects.create(
        user=other_student,
        question=history["a3"],
        showing=showing,
        mode=Mode.CHOICE,
        rescheduled=False,
        correct=False,
        rating=1,
        reviewed_at=NOW,
    )
    client.force_login(student)
    url = reverse("study:leech_result", args=[showing.token])
    assert client.get(url).status_code == 404
    client.force_login(other_student)
    assert client.get(url).status_code == 200


def test_an_unanswered_leech_result_is_404(client, student, history):
    showing = Showing.objects.create(
        user=student,
        question=history["a3"],
        deck=history["deck"],
        mode=Mode.CHOICE,
        practice=True,
        created_at=NOW,
    )
    client.force_login(student)
    url = reverse("study:leech_result", args=[showing.token])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "args"),
    [("study:leech_session", []), ("study:leech_result", ["some-token"])],
)
def test_leech_pages_send_anonymous_visitors_to_login(client, db, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("study:leech_session", [], "post"),
        ("study:leech_result", ["some-token"], "post"),
        ("study:leech_answer", [], "get"),
    ],
)
def test_leech_pages_refuse_the_wrong_method(client, student, name, args, method):
    client.force_login(student)
    assert getattr(client, method)(reverse(name, args=args)).status_code == 405


def test_leech_answer_needs_csrf(student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(reverse("study:leech_answer"), {"token": "x"}).status_code == 403


def test_leeches_are_listed_without_the_notes_markdown(
    client, student, topic, make_question, make_state, clock
):
    question = make_question(topic, prompt="다음 설명에 해당하는 서비스는?\n\n> ＿＿＿는 *관리형*")
    make_state(student, question, due=timezone.now() + timedelta(days=1), lapses=9)
    client.force_login(student)
    html = client.get(reverse("study:progress")).content.decode()
    assert "다음 설명에 해당하는 서비스는? ＿＿＿는 관리형" in html
    assert "&gt; ＿＿＿" not in html
