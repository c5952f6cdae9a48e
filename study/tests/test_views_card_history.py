"""A card's history page (every answer, the interval each gave, why it is due) and reporting a
card to the admins, as the owner, an outsider, anonymous and with the wrong method."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from cards import services as card_services
from cards.models import CardReport, Deck, ReportReason
from cards.tests.test_notebooks import make_notebook
from study import services
from study.models import Mode, Rating

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture
def learner(client: Any, student: Any, clock: Any) -> Any:
    client.force_login(student)
    return student


@pytest.fixture
def card(deck: Deck) -> Any:
    return deck.questions.filter(kind="flashcard").order_by("order").first()


def answer(user: Any, deck: Deck, question: Any, rating: int, at: dt.datetime, **kw: Any) -> Any:
    showing = services.showing_issue(
        user=user, deck=deck, question=question, mode=Mode.FLASHCARD, now=at, **kw
    )
    return services.attempt_record(
        user=user,
        token=showing.token,
        slug=deck.slug,
        answer_ids=None,
        rating=rating,
        duration_ms=1000,
        now=at,
    )


def history_url(question: Any) -> str:
    return reverse("study:card_history", args=[question.pk])


def test_the_owner_sees_every_answer_newest_first_with_its_interval(
    client: Any, learner: Any, deck: Deck, card: Any, clock: Any
) -> None:
    answer(learner, deck, card, Rating.GOOD, NOW - 3 * DAY, practice=False)
    answer(learner, deck, card, Rating.AGAIN, NOW - 2 * DAY, practice=True)
    answer(learner, deck, card, Rating.EASY, NOW - DAY, practice=False)

    response = client.get(history_url(card))

    assert response.status_code == 200
    rows = response.context["history"].rows
    assert [row.attempt.rating for row in rows] == [Rating.EASY, Rating.AGAIN, Rating.GOOD]
    assert rows[1].interval is None  # practice: the schedule did not move
    assert rows[0].interval is not None and rows[0].interval > dt.timedelta(0)
    html = response.content.decode()
    assert html.count('data-attempt="') == 3
    assert "Schedule unchanged" in html
    assert response.context["why"].key in ("review", "review_due", "learning")
    assert "(Easy)" in " ".join(response.context["why"].reasons)


def test_a_new_card_says_it_is_new(client: Any, learner: Any, card: Any) -> None:
    response = client.get(history_url(card))

    assert response.context["why"].key == "new"
    assert b"You have not answered this card yet." in response.content


def test_a_suspended_card_says_so_and_offers_unsuspend(
    client: Any, learner: Any, card: Any
) -> None:
    services.suspension_create(user=learner, question=card, now=NOW)

    response = client.get(history_url(card))

    assert response.context["why"].key == "suspended"
    assert reverse("study:card_unsuspend", args=[card.pk]).encode() in response.content


def test_only_the_learners_own_answers_are_listed(
    client: Any, learner: Any, other_student: Any, deck: Deck, card: Any
) -> None:
    answer(other_student, deck, card, Rating.GOOD, NOW - DAY, practice=False)

    response = client.get(history_url(card))

    assert response.context["history"].rows == []


def test_the_page_reads_a_long_history_in_a_fixed_number_of_queries(
    client: Any, learner: Any, deck: Deck, card: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(6):
        answer(learner, deck, card, Rating.GOOD, NOW - (10 - i) * DAY, practice=False)
    # Session, user, the card, answers, state, suspension, open report.
    with django_assert_max_num_queries(7):
        assert client.get(history_url(card)).status_code == 200


@pytest.fixture
def private(student: Any) -> Any:
    """A card of the student's own notebook: nobody else may see it."""
    return make_notebook(student).questions.order_by("pk").first()


def test_an_outsider_gets_404_for_a_card_they_cannot_see(
    client: Any, other_student: Any, private: Any
) -> None:
    client.force_login(other_student)
    assert client.get(history_url(private)).status_code == 404


def test_the_notebooks_owner_sees_its_card(client: Any, student: Any, private: Any) -> None:
    client.force_login(student)
    assert client.get(history_url(private)).status_code == 200


def test_anonymous_is_sent_to_log_in(client: Any, card: Any) -> None:
    response = client.get(history_url(card))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_history_refuses_post(client: Any, learner: Any, card: Any) -> None:
    assert client.post(history_url(card)).status_code == 405


def test_the_result_page_links_to_the_history(
    client: Any, learner: Any, deck: Deck, card: Any
) -> None:
    showing = services.showing_issue(
        user=learner, deck=deck, question=card, mode=Mode.FLASHCARD, practice=False, now=NOW
    )
    client.post(reverse("study:answer", args=[deck.slug]), {"token": showing.token, "rating": "3"})

    result = client.get(reverse("study:result", args=[deck.slug, showing.token]))

    assert history_url(card).encode() in result.content


# --- Reporting ---


def report_url(question: Any) -> str:
    return reverse("study:card_report", args=[question.pk])


def test_the_owner_reports_a_card_with_a_reason(client: Any, learner: Any, card: Any) -> None:
    response = client.post(
        report_url(card), {"reason": ReportReason.WRONG_ANSWER, "text": "  S3 is not it  "}
    )

    assert response.status_code == 303
    assert response["Location"] == history_url(card)
    report = CardReport.objects.get()
    assert (report.reporter, report.question, report.reason, report.text) == (
        learner,
        card,
        ReportReason.WRONG_ANSWER,
        "S3 is not it",
    )
    assert report.created_at == NOW and not report.resolved
    page = client.get(history_url(card))
    assert b"You reported this card" in page.content


def test_reporting_again_updates_the_open_report(client: Any, learner: Any, card: Any) -> None:
    client.post(report_url(card), {"reason": ReportReason.TYPO, "text": "first"})
    client.post(report_url(card), {"reason": ReportReason.OUTDATED, "text": "second"})

    report = CardReport.objects.get()
    assert (report.reason, report.text) == (ReportReason.OUTDATED, "second")


def test_a_resolved_report_lets_the_learner_report_again(
    client: Any, learner: Any, card: Any
) -> None:
    client.post(report_url(card), {"reason": ReportReason.TYPO})
    CardReport.objects.update(resolved=True)

    client.post(report_url(card), {"reason": ReportReason.UNCLEAR})

    assert CardReport.objects.count() == 2


@pytest.mark.parametrize(
    "data",
    [{}, {"reason": "lies"}, {"reason": ReportReason.OTHER, "text": "x" * 2001}],
)
def test_a_bad_report_re_renders_with_no_write(
    client: Any, learner: Any, card: Any, data: dict[str, str]
) -> None:
    response = client.post(report_url(card), data)

    assert response.status_code == 400
    assert response.context["report_form"].errors
    assert not CardReport.objects.exists()


def test_reports_are_capped_per_day(
    client: Any, learner: Any, deck: Deck, make_question: Any, topic: Any, monkeypatch: Any
) -> None:
    questions = [make_question(topic, prompt=f"Extra {i}") for i in range(3)]
    deck.questions.add(*questions)
    monkeypatch.setattr(card_services, "REPORTS_PER_DAY", 2)

    for question in questions[:2]:
        assert client.post(report_url(question), {"reason": "typo"}).status_code == 303
    refused = client.post(report_url(questions[2]), {"reason": "typo"})

    assert refused.status_code == 400
    assert b"try again tomorrow" in refused.content
    assert CardReport.objects.count() == 2


def test_an_outsider_cannot_report_a_card_they_cannot_see(
    client: Any, other_student: Any, private: Any
) -> None:
    client.force_login(other_student)
    response = client.post(report_url(private), {"reason": "typo"})
    assert response.status_code == 404
    assert not CardReport.objects.exists()


def test_report_refuses_get_and_anonymous(client: Any, card: Any, student: Any) -> None:
    response = client.post(report_url(card), {"reason": "typo"})
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(student)
    assert client.get(report_url(card)).status_code == 405
    assert not CardReport.objects.exists()


def test_reports_are_listed_in_the_admin_with_filters(
    client: Any, admin_user: Any, student: Any, card: Any
) -> None:
    card_services.card_report_create(
        user=student, question=card, reason=ReportReason.TYPO, text="<b>typo</b>", now=NOW
    )
    client.force_login(admin_user)

    page = client.get(reverse("admin:cards_cardreport_changelist"))
    filtered = client.get(reverse("admin:cards_cardreport_changelist") + "?reason__exact=typo")

    assert page.status_code == filtered.status_code == 200
    assert b"&lt;b&gt;typo&lt;/b&gt;" in page.content
    assert card.key.encode() in filtered.content
