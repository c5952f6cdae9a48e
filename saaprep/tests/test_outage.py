"""A database outage answers 503 with the site's own page; any other failure stays a 500."""

from typing import Any

import pytest
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.template import loader
from django.test import Client
from django.urls import reverse

from cards.models import Deck
from study.models import Attempt, Showing

from .conftest import database_failing
from .test_site import assert_security_headers

OUTAGE_TEXT = "temporarily unavailable"


@pytest.fixture
def quiet_client(client: Client, settings: Any) -> Client:
    """Answers errors as production does: the error page, not the exception."""
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


def assert_outage_page(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert OUTAGE_TEXT in html
    assert "Nothing you sent was half-saved" in html
    assert 'class="site-header"' in html
    assert "server closed the connection" not in html  # no internals shown
    assert_security_headers(response)


def test_the_503_page_renders_without_a_request_or_database() -> None:
    # No `db` fixture: pytest-django fails the test if rendering touches the database.
    html = loader.get_template("503.html").render()

    assert OUTAGE_TEXT in html
    assert 'class="site-header"' in html
    assert "/static/css/site.css" in html


def test_an_anonymous_page_during_an_outage_gets_the_503_page(
    quiet_client: Client, deck: Deck, database_down: None
) -> None:
    assert_outage_page(quiet_client.get(deck.get_absolute_url()))


def test_the_home_page_during_an_outage_gets_the_503_page(
    quiet_client: Client, db: None, database_down: None
) -> None:
    assert_outage_page(quiet_client.get(reverse("home")))


def test_a_signed_in_learner_whose_session_cannot_load_gets_the_503_page(
    quiet_client: Client, student: Any, deck: Deck
) -> None:
    # The session is read in middleware (the user's language), before any view runs.
    quiet_client.force_login(student)
    with database_failing():
        response = quiet_client.get(reverse("study:session", args=[deck.slug]))

    assert_outage_page(response)
    # Not signed out by the outage: the session cookie is neither deleted nor replaced.
    assert "sessionid" not in response.cookies


def test_an_answer_posted_during_an_outage_gets_the_503_page_and_records_nothing(
    quiet_client: Client, student: Any, deck: Deck
) -> None:
    quiet_client.force_login(student)
    quiet_client.get(reverse("study:session", args=[deck.slug]))
    showing = Showing.objects.get(user=student)
    with database_failing():
        response = quiet_client.post(
            reverse("study:answer", args=[deck.slug]), {"token": showing.token, "rating": 3}
        )

    assert_outage_page(response)
    assert not Attempt.objects.exists()
    showing.refresh_from_db()
    assert showing.answered_at is None


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("could not connect to server: Connection refused"),
        InterfaceError("connection already closed"),
    ],
)
def test_every_kind_of_lost_connection_gets_the_503_page(
    quiet_client: Client, deck: Deck, failure: Exception
) -> None:
    url = deck.get_absolute_url()
    with database_failing(failure):
        assert_outage_page(quiet_client.get(url))


def test_an_error_raised_while_handling_a_lost_connection_gets_the_503_page(
    quiet_client: Client, deck: Deck, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail_twice(*args: Any, **kwargs: Any) -> Any:
        try:
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError:
            raise RuntimeError("cleanup failed on the dead connection") from None

    monkeypatch.setattr("cards.views.get_object_or_404", fail_twice)

    # `from None` hides the cause from tracebacks, but the context still records it.
    assert_outage_page(quiet_client.get(deck.get_absolute_url()))


@pytest.mark.parametrize(
    "failure", [IntegrityError("duplicate key"), DataError("value too long"), KeyError("bug")]
)
def test_other_errors_stay_500s(
    quiet_client: Client, deck: Deck, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    def explode(*args: Any, **kwargs: Any) -> Any:
        raise failure

    monkeypatch.setattr("cards.views.get_object_or_404", explode)

    response = quiet_client.get(deck.get_absolute_url())

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong on our side" in response.content.decode()


def test_healthz_still_answers_503_in_plain_text(
    quiet_client: Client, db: None, database_down: None
) -> None:
    response = quiet_client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
