"""Suspensions and card reports in the learner's data: exported (both), imported (suspensions),
kept by a history reset, deleted with the account, and named on both confirmation pages."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from cards import services as card_services
from cards.models import CardReport, Deck, ReportReason
from cards.tests.test_notebooks import make_notebook
from classrooms import services as classroom_services
from study import history, portability, services
from study.models import Suspension

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture
def flagged(student: Any, deck: Deck) -> Any:
    """The student suspended two cards and reported one."""
    first, second, third, *_ = deck.questions.order_by("pk")
    services.suspension_create(user=student, question=first, now=NOW - 2 * DAY)
    services.suspension_create(user=student, question=second, now=NOW - DAY)
    card_services.card_report_create(
        user=student, question=third, reason=ReportReason.WRONG_ANSWER, text="B is right", now=NOW
    )
    return student


def test_the_export_holds_suspensions_and_reports(flagged: Any, deck: Deck) -> None:
    document = portability.history_export(user=flagged, now=NOW)

    first, second, third, *_ = deck.questions.order_by("pk")
    assert document["suspensions"] == [
        {"question": first.key, "suspended_at": (NOW - 2 * DAY).isoformat()},
        {"question": second.key, "suspended_at": (NOW - DAY).isoformat()},
    ]
    assert document["card_reports"] == [
        {
            "question": third.key,
            "reason": "wrong_answer",
            "text": "B is right",
            "reported_at": NOW.isoformat(),
            "resolved": False,
        }
    ]


def test_the_export_holds_only_the_learners_own(
    flagged: Any, other_student: Any, deck: Deck
) -> None:
    document = portability.history_export(user=other_student, now=NOW)
    assert document["suspensions"] == [] and document["card_reports"] == []


def test_suspensions_are_imported_and_reports_are_not(
    flagged: Any, other_student: Any, deck: Deck
) -> None:
    document = portability.history_export(user=flagged, now=NOW)

    counts = portability.history_import(user=other_student, document=document, now=NOW)

    assert counts.suspensions == 2
    imported = Suspension.objects.filter(user=other_student).order_by("created_at")
    assert [(s.question_id, s.created_at) for s in imported] == list(
        Suspension.objects.filter(user=flagged)
        .order_by("created_at")
        .values_list("question_id", "created_at")
    )
    assert not CardReport.objects.filter(reporter=other_student).exists()


def test_an_older_export_without_suspensions_still_imports(
    flagged: Any, other_student: Any
) -> None:
    document = portability.history_export(user=flagged, now=NOW)
    del document["suspensions"], document["card_reports"]

    counts = portability.history_import(user=other_student, document=document, now=NOW)

    assert counts.suspensions == 0


def test_a_card_already_suspended_in_the_fresh_account_is_kept_once(
    flagged: Any, other_student: Any, deck: Deck
) -> None:
    first = deck.questions.order_by("pk")[0]
    services.suspension_create(user=other_student, question=first, now=NOW)
    document = portability.history_export(user=flagged, now=NOW)

    portability.history_import(user=other_student, document=document, now=NOW)

    assert Suspension.objects.filter(user=other_student).count() == 2
    assert Suspension.objects.get(user=other_student, question=first).created_at == NOW


@pytest.mark.parametrize(
    ("suspensions", "message"),
    [
        ("all of them", "suspensions: must be a list"),
        ([{"question": "no-such-card", "suspended_at": NOW.isoformat()}], "no-such-card"),
        ([{"question": 7, "suspended_at": NOW.isoformat()}], "suspensions[0].question"),
        ([{"question": "k"}], "suspensions[0].suspended_at: is missing"),
        (
            [{"question": "k", "suspended_at": (NOW + 30 * DAY).isoformat()}],
            "suspensions[0].suspended_at",
        ),
    ],
)
def test_a_bad_suspension_is_named_and_nothing_is_written(
    flagged: Any, other_student: Any, suspensions: Any, message: str
) -> None:
    document = portability.history_export(user=flagged, now=NOW)
    document["suspensions"] = suspensions

    with pytest.raises(portability.DataImportError) as refused:
        portability.history_import(user=other_student, document=document, now=NOW)

    assert message in " ".join(refused.value.messages)
    assert not Suspension.objects.filter(user=other_student).exists()


def test_the_same_card_twice_is_refused(flagged: Any, other_student: Any) -> None:
    document = portability.history_export(user=flagged, now=NOW)
    document["suspensions"].append(document["suspensions"][0])

    with pytest.raises(portability.DataImportError) as refused:
        portability.history_import(user=other_student, document=document, now=NOW)

    assert "appears twice" in " ".join(refused.value.messages)


def test_a_history_reset_keeps_suspensions_and_reports(flagged: Any) -> None:
    history.history_reset(user=flagged, now=NOW)

    assert history.card_flags(flagged) == history.CardFlags(suspensions=2, reports=1)


def test_deleting_the_account_deletes_them(flagged: Any, other_student: Any, deck: Deck) -> None:
    services.suspension_create(
        user=other_student, question=deck.questions.order_by("pk")[0], now=NOW
    )

    classroom_services.account_delete(user=flagged, now=NOW)

    assert not CardReport.objects.exists()
    assert list(Suspension.objects.values_list("user_id", flat=True)) == [other_student.pk]


def test_the_reset_page_says_they_stay(client: Any, flagged: Any) -> None:
    client.force_login(flagged)
    page = client.get(reverse("settings_history_reset")).content.decode()
    assert "The 2 cards you suspended stay suspended." in page
    assert "The 1 report you sent the admins stays with them." in page


def test_the_delete_page_says_they_go(client: Any, flagged: Any) -> None:
    client.force_login(flagged)
    page = client.get(reverse("settings_account_delete")).content.decode()
    assert "2 cards you suspended" in page
    assert "1 report you sent the admins about a card" in page


def test_pages_without_any_say_nothing_of_them(client: Any, student: Any) -> None:
    client.force_login(student)
    assert b"data-flags" not in client.get(reverse("settings_history_reset")).content
    assert b"data-flags" not in client.get(reverse("settings_account_delete")).content


def test_a_suspended_notebook_card_follows_its_notebook(student: Any, other_student: Any) -> None:
    notebook = make_notebook(student)
    card = notebook.questions.order_by("pk")[0]
    services.suspension_create(user=student, question=card, now=NOW)
    document = portability.history_export(user=student, now=NOW)

    portability.history_import(user=other_student, document=document, now=NOW)

    suspended = Suspension.objects.select_related("question__notebook").get(user=other_student)
    assert suspended.question.notebook is not None
    assert suspended.question.notebook.owner == other_student
    assert suspended.question.prompt == card.prompt
