"""The study pages through the test client: permissions, the two study flows, bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cards.models import Deck
from cards.tests.factories import make_topic
from study import services
from study.models import Attempt, CardState, Mode, ReviewState, Showing

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client, student):
    client.force_login(student)
    return student


def session_url(deck, mode="flashcard", practice=False):
    url = f"{reverse('study:session', args=[deck.slug])}?mode={mode}"
    return url + "&practice=1" if practice else url


def answer_url(deck):
    return reverse("study:answer", args=[deck.slug])


def result_url(deck, token):
    return reverse("study:result", args=[deck.slug, token])


def show(client, deck, mode="flashcard", practice=False):
    """Open the study page and return the showing it issued."""
    response = client.get(session_url(deck, mode, practice))
    assert response.status_code == 200
    return response.context["showing"]


def correct_ids(showing):
    return [a.pk for a in showing.question.answers.all() if a.is_correct]


def wrong_ids(showing):
    return [a.pk for a in showing.question.answers.all() if not a.is_correct]


def issue_for(user, deck, question, mode="choice", practice=False):
    return services.showing_issue(
        user=user,
        deck=deck,
        question=question,
        mode=mode,
        practice=practice,
        now=timezone.now(),
    )


# Permissions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name", "with_token"),
    [
        ("get", "study:session", False),
        ("post", "study:answer", False),
        ("get", "study:result", True),
        ("post", "study:regrade", False),
    ],
)
def test_anonymous_is_sent_to_login(client, deck, method, name, with_token):
    args = [deck.slug, "sometoken"] if with_token else [deck.slug]
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_progress_is_sent_to_login(client, db):
    response = client.get(reverse("study:progress"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("method", "name", "with_token"),
    [
        ("post", "study:session", False),
        ("get", "study:answer", False),
        ("post", "study:result", True),
        ("get", "study:regrade", False),
    ],
)
def test_wrong_method_gets_405(client, learner, deck, method, name, with_token):
    args = [deck.slug, "sometoken"] if with_token else [deck.slug]
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 405


def test_wrong_method_on_progress_gets_405(client, learner):
    assert client.post(reverse("study:progress")).status_code == 405


def test_outsider_gets_404_for_a_teachers_deck(client, learner, teacher, topic, make_question):
    private = Deck.objects.create(slug="private", name="Private", owner=teacher)
    private.questions.set([make_question(topic)])
    assert client.get(session_url(private)).status_code == 404
    response = client.post(answer_url(private), {"token": "x", "rating": "3"})
    assert response.status_code == 404
    assert not Attempt.objects.exists()


def test_another_learners_result_is_404(client, learner, other_student, deck):
    showing = issue_for(other_student, deck, deck.questions.get(prompt="Question 0"))
    services.attempt_record(
        user=other_student,
        token=showing.token,
        slug=deck.slug,
        answer_ids=correct_ids(showing),
        rating=None,
        duration_ms=None,
        now=timezone.now(),
    )
    assert client.get(result_url(deck, showing.token)).status_code == 404


def test_unknown_token_result_is_404(client, learner, deck):
    assert client.get(result_url(deck, "no-such-token")).status_code == 404


def test_unanswered_token_result_is_404(client, learner, deck):
    showing = show(client, deck)
    assert client.get(result_url(deck, showing.token)).status_code == 404


def test_posting_another_learners_token_is_400_and_writes_nothing(
    client, learner, other_student, deck
):
    showing = issue_for(other_student, deck, deck.questions.get(prompt="Question 0"))
    response = client.post(
        answer_url(deck), {"token": showing.token, "answer": correct_ids(showing)}
    )
    assert response.status_code == 400
    assert response.context["message"]
    assert not Attempt.objects.exists()
    assert not ReviewState.objects.exists()
    showing.refresh_from_db()
    assert showing.answered_at is None


def test_regrading_another_learners_answer_is_400(client, learner, other_student, deck):
    showing = issue_for(other_student, deck, deck.questions.get(prompt="Question 0"))
    attempt = services.attempt_record(
        user=other_student,
        token=showing.token,
        slug=deck.slug,
        answer_ids=correct_ids(showing),
        rating=None,
        duration_ms=None,
        now=timezone.now(),
    )
    response = client.post(
        reverse("study:regrade", args=[deck.slug]), {"token": showing.token, "rating": "4"}
    )
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.rating == 3


# The session page ---------------------------------------------------------------------------------


def test_session_shows_deck_counts_card_and_rating_intervals(client, learner, deck):
    response = client.get(session_url(deck))
    assert response.status_code == 200
    html = response.content.decode()
    showing = response.context["showing"]
    counts = response.context["counts"]
    assert (counts.learning, counts.review, counts.new) == (0, 0, 5)
    assert "Lambda deck" in html
    assert showing.question.prompt in html
    assert f'name="token" value="{showing.token}"' in html
    assert '<details class="reveal" data-key="Space">' in html
    for key in "1234":
        assert f'data-key="{key}"' in html
        assert f"<kbd>{key}</kbd>" in html
    # A new card: Again in a minute, Good in ten (FSRS's default learning steps).
    assert "1 min" in html
    assert "10 min" in html
    assert 'src="/static/js/study.js" defer' in html


def test_reloading_the_session_keeps_the_same_token(client, learner, deck):
    first = show(client, deck, "choice")
    second = show(client, deck, "choice")
    assert first.token == second.token
    assert first.option_order == second.option_order


def test_choice_session_shows_options_in_showing_order_with_letter_keys(client, learner, deck):
    response = client.get(session_url(deck, "choice"))
    html = response.content.decode()
    showing = response.context["showing"]
    assert [a.pk for a in response.context["options"]] == showing.option_order
    for letter, answer_id in zip("ABC", showing.option_order, strict=True):
        assert f'value="{answer_id}" class="option" data-key="{letter}"' in html
        assert f"<kbd>{letter}</kbd>" in html


def test_multiple_response_shows_checkboxes_and_how_many_to_choose(
    client, learner, topic, make_question
):
    deck = Deck.objects.create(slug="multi", name="Multi")
    deck.questions.set(
        [
            make_question(
                topic,
                kind="multiple",
                answers=[("Lambda", True), ("Fargate", True), ("EC2", False), ("S3", False)],
            )
        ]
    )
    response = client.get(session_url(deck, "choice"))
    html = response.content.decode()
    assert response.context["choose"] == 2
    assert "Choose 2." in html
    assert html.count('type="checkbox" name="answer"') == 4
    assert 'data-key="Enter"' in html

    showing = response.context["showing"]
    response = client.post(
        answer_url(deck), {"token": showing.token, "answer": correct_ids(showing)}
    )
    assert response.status_code == 303
    assert Attempt.objects.get().correct is True


def test_unknown_mode_falls_back_to_flashcards(client, learner, deck):
    response = client.get(reverse("study:session", args=[deck.slug]) + "?mode=exam")
    assert response.status_code == 200
    assert response.context["mode"] == Mode.FLASHCARD


# Flows ----------------------------------------------------------------------------------------


def test_flashcard_flow_rates_and_shows_when_the_card_returns(client, learner, deck):
    showing = show(client, deck)
    before = timezone.now()
    response = client.post(
        answer_url(deck), {"token": showing.token, "rating": "3", "duration_ms": "4200"}
    )
    assert response.status_code == 303
    assert response["Location"] == result_url(deck, showing.token)

    attempt = Attempt.objects.get()
    assert (attempt.rating, attempt.correct, attempt.duration_ms) == (3, True, 4200)
    state = ReviewState.objects.get(user=learner, question=showing.question)
    assert state.state == CardState.LEARNING
    assert before + timedelta(minutes=9) < state.due < before + timedelta(minutes=11)

    response = client.get(response["Location"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "in 10 min" in html
    assert f'datetime="{timezone.localtime(state.due).isoformat()}"' in html
    assert "Good" in html
    assert "notes/design-high-performing-architectures.md" in html
    assert 'data-key="Enter Space"' in html
    assert response.context["next_url"] == session_url(deck)


def test_choice_flow_right_answer_is_good_and_offers_regrade(client, learner, deck):
    showing = show(client, deck, "choice")
    response = client.post(
        answer_url(deck), {"token": showing.token, "answer": correct_ids(showing)}
    )
    assert response.status_code == 303
    attempt = Attempt.objects.get()
    assert (attempt.correct, attempt.rating, attempt.mode) == (True, 3, Mode.CHOICE)

    response = client.get(response["Location"])
    html = response.content.decode()
    assert "study-card result is-right" in html
    # Every option's explanation, and the citation.
    for answer in showing.question.answers.all():
        assert f"why: {answer.text}" in html
    assert "lines 5–8" in html
    assert response.context["regrade"] is True
    assert 'name="rating" value="2"' in html
    assert 'name="rating" value="4"' in html


def test_the_regrade_buttons_say_what_each_does_to_the_schedule(client, learner, deck):
    showing = show(client, deck, "choice")
    client.post(answer_url(deck), {"token": showing.token, "answer": correct_ids(showing)})
    response = client.get(result_url(deck, showing.token))
    intervals = response.context["regrade_intervals"]
    assert intervals[2] < intervals[3] < intervals[4]
    html = response.content.decode()
    good_due = ReviewState.objects.get().due
    assert good_due == Attempt.objects.get().reviewed_at + intervals[3]  # what Good gave
    assert "A right answer counts as Good: the card comes back in" in html
    assert "“I guessed” rates it Hard and brings it back sooner" in html
    assert "“Easy” sends it away for" in html


def test_choice_flow_wrong_answer_is_again_and_marks_the_choice(client, learner, deck):
    showing = show(client, deck, "choice")
    wrong = wrong_ids(showing)[0]
    response = client.post(answer_url(deck), {"token": showing.token, "answer": [wrong]})
    assert response.status_code == 303
    attempt = Attempt.objects.get()
    assert (attempt.correct, attempt.rating, attempt.chosen_answer_ids) == (False, 1, [wrong])

    response = client.get(response["Location"])
    html = response.content.decode()
    assert "study-card result is-wrong" in html
    assert "answer wrong chosen" in html
    assert "answer correct" in html
    assert response.context["regrade"] is False
    assert 'action="/decks/lambda-deck/study/regrade/"' not in html


def test_regrade_as_easy_updates_the_rating_and_returns_to_the_result(client, learner, deck):
    showing = show(client, deck, "choice")
    client.post(answer_url(deck), {"token": showing.token, "answer": correct_ids(showing)})
    good_due = ReviewState.objects.get().due

    response = client.post(
        reverse("study:regrade", args=[deck.slug]), {"token": showing.token, "rating": "4"}
    )
    assert response.status_code == 303
    assert response["Location"] == result_url(deck, showing.token)
    assert Attempt.objects.get().rating == 4
    assert ReviewState.objects.get().due > good_due + timedelta(days=1)


@pytest.mark.parametrize("rating", ["3", "1", ""])
def test_regrade_refuses_anything_but_guessed_or_easy(client, learner, deck, rating):
    showing = show(client, deck, "choice")
    client.post(answer_url(deck), {"token": showing.token, "answer": correct_ids(showing)})
    response = client.post(
        reverse("study:regrade", args=[deck.slug]), {"token": showing.token, "rating": rating}
    )
    assert response.status_code == 400
    assert Attempt.objects.get().rating == 3


def test_the_same_answer_twice_records_one_attempt(client, learner, deck):
    showing = show(client, deck, "choice")
    data = {"token": showing.token, "answer": correct_ids(showing)}
    first = client.post(answer_url(deck), data)
    second = client.post(answer_url(deck), data)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"] == result_url(deck, showing.token)
    assert Attempt.objects.count() == 1
    assert ReviewState.objects.get().reps == 1


def test_the_same_rating_twice_records_one_attempt(client, learner, deck):
    showing = show(client, deck)
    first = client.post(answer_url(deck), {"token": showing.token, "rating": "2"})
    second = client.post(answer_url(deck), {"token": showing.token, "rating": "4"})
    assert first["Location"] == second["Location"]
    assert Attempt.objects.get().rating == 2


def test_after_answering_the_next_card_is_shown(client, learner, deck):
    first = show(client, deck)
    client.post(answer_url(deck), {"token": first.token, "rating": "3"})
    response = client.get(session_url(deck))
    assert response.context["showing"].question != first.question
    counts = response.context["counts"]
    assert (counts.learning, counts.new) == (0, 4)


# Bad input ------------------------------------------------------------------------------------


def bad_posts(showing, other_deck_showing):
    return {
        "rating 9": {"token": showing.token, "rating": "9"},
        "non-integer answer id": {"token": showing.token, "answer": ["abc"]},
        "negative answer id": {"token": showing.token, "answer": ["-3"]},
        "unknown answer id": {"token": showing.token, "answer": ["999999"]},
        "missing token": {"answer": correct_ids(showing)},
        "token for another deck": {
            "token": other_deck_showing.token,
            "answer": correct_ids(other_deck_showing),
        },
        "no answer": {"token": showing.token},
        "two answers to a single choice": {
            "token": showing.token,
            "answer": [a.pk for a in showing.question.answers.all()][:2],
        },
        "duration too long": {
            "token": showing.token,
            "answer": correct_ids(showing),
            "duration_ms": "3600001",
        },
    }


@pytest.mark.parametrize(
    "case",
    [
        "rating 9",
        "non-integer answer id",
        "negative answer id",
        "unknown answer id",
        "missing token",
        "token for another deck",
        "no answer",
        "two answers to a single choice",
        "duration too long",
    ],
)
def test_bad_input_is_400_with_a_message_and_writes_nothing(client, learner, deck, case):
    showing = show(client, deck, "choice")
    other_deck = Deck.objects.create(slug="other-deck", name="Other deck")
    other_deck.questions.set(deck.questions.all())
    other = issue_for(learner, other_deck, showing.question)
    data = bad_posts(showing, other)[case]

    response = client.post(answer_url(deck), data)

    assert response.status_code == 400
    message = response.context["message"]
    assert message
    assert str(message) in response.content.decode()
    assert response.context["back_url"] == reverse("study:session", args=[deck.slug])
    assert not Attempt.objects.exists()
    assert not ReviewState.objects.exists()
    assert not Showing.objects.filter(answered_at__isnull=False).exists()


def test_a_flashcard_without_rating_is_400(client, learner, deck):
    showing = show(client, deck)
    response = client.post(answer_url(deck), {"token": showing.token})
    assert response.status_code == 400
    assert not Attempt.objects.exists()


# Practice and the empty state -----------------------------------------------------------------


def test_practice_mode_leaves_the_schedule_unchanged(client, learner, deck):
    showing = show(client, deck, "choice")
    client.post(answer_url(deck), {"token": showing.token, "answer": correct_ids(showing)})
    before = ReviewState.objects.get()

    response = client.get(session_url(deck, "choice", practice=True))
    practice = response.context["showing"]
    assert practice.practice is True
    assert "Practice: your answers are recorded" in response.content.decode()
    # The practised card is one not attempted yet; answer it wrong and then the reviewed one too.
    response = client.post(
        answer_url(deck), {"token": practice.token, "answer": wrong_ids(practice)[:1]}
    )
    assert response.status_code == 303
    assert "did not change" in client.get(response["Location"]).content.decode()
    again = show(client, deck, "choice", practice=True)
    client.post(answer_url(deck), {"token": again.token, "answer": wrong_ids(again)[:1]})

    assert Attempt.objects.filter(rescheduled=False).count() == 2
    assert ReviewState.objects.count() == 1
    after = ReviewState.objects.get()
    assert (after.due, after.reps, after.state, after.stability) == (
        before.due,
        before.reps,
        before.state,
        before.stability,
    )


def test_practice_flashcards_promise_no_interval(client, learner, deck):
    response = client.get(session_url(deck, practice=True))
    assert all(interval is None for *_, interval in response.context["ratings"])
    assert 'class="rating-interval"' not in response.content.decode()


def test_empty_state_says_when_the_next_card_is_due(client, learner, deck):
    learner.new_cards_per_day = 1
    learner.save()
    showing = show(client, deck)
    client.post(answer_url(deck), {"token": showing.token, "rating": "3"})

    response = client.get(session_url(deck))

    assert response.status_code == 200
    assert "study/empty.html" in {t.name for t in response.templates}
    html = response.content.decode()
    assert "Nothing due" in html
    assert "Next card due" in html
    assert "in 10 min" in html
    assert 'href="/decks/lambda-deck/study/?mode=flashcard&amp;practice=1"' in html
    assert f'href="{reverse("home")}"' in html
    assert not Showing.objects.filter(answered_at__isnull=True).exists()


def test_empty_deck_shows_the_empty_state_without_a_next_time(client, learner):
    empty = Deck.objects.create(slug="empty", name="Empty")
    response = client.get(session_url(empty, "choice"))
    assert response.status_code == 200
    assert response.context["next_due"] is None
    assert "Nothing due" in response.content.decode()


# Home and deck pages --------------------------------------------------------------------------


def make_decks(n, topic, make_question):
    questions = [make_question(topic, prompt=f"Q{i}") for i in range(3)]
    for i in range(n):
        extra = Deck.objects.create(slug=f"extra-{i}", name=f"Extra {i}", order=10 + i)
        extra.questions.set(questions)


def test_home_shows_due_counts_and_study_links_for_a_learner(client, learner, deck, clock):
    showing = show(client, deck)
    client.post(answer_url(deck), {"token": showing.token, "rating": "1"})
    # Again: due in a minute. Seen from two minutes later it is a learning card due now.
    clock.shift(timedelta(minutes=2))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    [(row_deck, counts)] = response.context["deck_rows"]
    flashcard_url, choice_url = session_url(deck), session_url(deck, "choice")
    assert choice_url.endswith("?mode=choice")
    assert row_deck == deck
    assert (counts.learning, counts.review, counts.new) == (1, 0, 4)
    assert f'href="{flashcard_url}"' in html
    assert f'href="{choice_url}"' in html
    assert 'class="pill pill-learning"' in html
    assert reverse("study:progress") in html


@pytest.mark.parametrize("extra_decks", [1, 12])
def test_home_query_count_does_not_grow_with_decks(
    client, learner, topic, make_question, django_assert_max_num_queries, extra_decks
):
    make_decks(extra_decks, topic, make_question)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("home"))
    assert len(response.context["deck_rows"]) == extra_decks


def test_home_for_anonymous_visitors_is_the_landing_page(client, deck):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "deck_rows" not in response.context
    html = response.content.decode()
    assert 'class="hero"' in html
    assert "Lambda deck" in html
    assert reverse("study:progress") not in html


def test_deck_page_offers_study_buttons(client, learner, deck):
    html = client.get(deck.get_absolute_url()).content.decode()
    assert "/decks/lambda-deck/study/?mode=flashcard" in html
    assert "/decks/lambda-deck/study/?mode=choice" in html


def test_nav_shows_progress_to_signed_in_learners(client, learner, deck):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("study:progress")}"' in html


def test_topic_and_korean_prompt_render(client, learner, make_question):
    korean = make_topic("s3", "S3 성능", "3.1", order=0)
    deck = Deck.objects.create(slug="korean", name="한국어 덱")
    deck.questions.set(
        [make_question(korean, kind="flashcard", prompt="**S3** 접두사당 요청 한도는?")]
    )
    html = client.get(session_url(deck)).content.decode()
    assert "<strong>S3</strong> 접두사당 요청 한도는?" in html
    assert "한국어 덱" in html


def test_the_study_header_links_the_modes_practice_and_back(client, learner, deck):
    html = client.get(session_url(deck, "choice")).content.decode()
    practice = escape(session_url(deck, "choice", practice=True))

    assert f'<a href="{session_url(deck)}">Flashcards</a>' in html
    assert f'<a href="{session_url(deck, "choice")}" aria-current="page">Choices</a>' in html
    assert f'<a href="{practice}">Practice</a>' in html

    practising = client.get(session_url(deck, "choice", practice=True)).content.decode()
    assert f'<a href="{session_url(deck, "choice")}">Choices</a>' in practising
    assert f'<a href="{practice}" aria-current="page">Practice</a>' in practising
    assert f'<a href="{session_url(deck, "choice")}">Back to scheduled study</a>' in practising


def test_an_empty_deck_offers_practice_in_the_same_mode(client, learner, deck, make_state):
    for question in deck.questions.all():
        make_state(learner, question, due=timezone.now() + timedelta(days=3))
    html = client.get(session_url(deck, "choice")).content.decode()
    assert "Nothing due" in html
    practice = escape(session_url(deck, "choice", practice=True))
    assert f'<a class="button" href="{practice}">Practise anyway</a>' in html


def test_a_flashcard_back_shows_the_reviewers_note_on_its_lines(
    client, learner, topic, make_question
):
    note = {
        "line": 7,
        "kind": "fact",
        "correction": "고친 문장",
        "correction_en": "The corrected line",
        "url": "https://docs.aws.amazon.com/lambda/",
    }
    card = make_question(topic, kind="flashcard", prompt="Card", note_flags=[note])
    deck = Deck.objects.create(slug="flagged", name="Flagged")
    deck.questions.add(card)
    html = client.get(session_url(deck)).content.decode()
    back = html[html.index('<div class="back">') :]
    assert 'class="reviewer-note reviewer-note-fact"' in back
    assert "고친 문장" in back and "The corrected line" in back
