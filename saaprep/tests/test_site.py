"""Site-wide behaviour: health check, startup errors, security headers, error pages, home."""

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.management import get_commands
from django.template import loader
from django.test import Client
from django.urls import NoReverseMatch, reverse

from cards.models import Deck, Question, Topic
from cards.tests.factories import make_topic

# --- /healthz ---


def test_healthz_is_ok_when_the_database_answers(client: Client, db: None) -> None:
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_fails(
    client: Client, db: None, database_down: None
) -> None:
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_healthz_answers_plain_http_in_production(client: Client, db: None, settings: Any) -> None:
    # The container healthcheck does not speak TLS; every other page is redirected.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("home")).status_code == 301


def test_healthz_answers_head(client: Client, db: None) -> None:
    assert client.head(reverse("healthz")).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_refuses_writes(client: Client, db: None, method: str) -> None:
    assert getattr(client, method)(reverse("healthz")).status_code == 405


# --- settings ---


def test_production_without_a_secret_key_stops_with_a_plain_message() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SECRET_KEY"}
    env |= {"DJANGO_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "saaprep.settings"}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def settings_in_a_fresh_process(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings with this environment and print the database options."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from saaprep import settings; print(settings.DATABASES['default'].get('OPTIONS'))",
        ],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "name", ["DJANGO_CONN_MAX_AGE", "DJANGO_PAGE_CACHE_SECONDS", "DJANGO_DB_PREPARE_THRESHOLD"]
)
def test_a_number_setting_that_is_not_a_number_stops_with_a_plain_message(name: str) -> None:
    result = settings_in_a_fresh_process(
        **{name: "ten", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"}
    )
    assert result.returncode != 0
    assert f"{name} must be a whole number, not 'ten'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("threshold", "expected"), [(None, "5"), ("0", "0"), ("off", "None"), ("OFF", "None")]
)
def test_postgresql_binds_on_the_server_and_prepares_repeated_statements(
    threshold: str | None, expected: str
) -> None:
    env = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused"}
    if threshold is not None:
        env["DJANGO_DB_PREPARE_THRESHOLD"] = threshold
    result = settings_in_a_fresh_process(**env)
    assert result.returncode == 0, result.stderr
    assert "'server_side_binding': True" in result.stdout
    assert f"'prepare_threshold': {expected}" in result.stdout


def test_production_knows_nothing_of_the_benchmark(client: Client, student: Any) -> None:
    """The bench app (bench/settings.py) is never installed here, nor its baseline page routed.
    bench's database tests run before this one (pyproject.toml's testpaths), so it also shows
    that the settings they switch on (bench/tests/conftest.py) do not leak."""
    assert not any(app.startswith("bench") for app in django_settings.INSTALLED_APPS)
    assert django_settings.ROOT_URLCONF == "saaprep.urls"
    assert "bench_seed" not in get_commands()
    with pytest.raises(NoReverseMatch):
        reverse("bench_baseline")
    client.force_login(student)
    assert client.get("/bench/baseline/").status_code == 404


# --- security headers ---


@pytest.fixture
def html_urls(deck: Deck) -> dict[str, str]:
    question = deck.questions.first()
    assert question is not None
    return {
        "home": reverse("home"),
        "deck": deck.get_absolute_url(),
        "question": question.get_absolute_url(),
        "login": reverse("account_login"),
        "not found": "/no-such-page/",
    }


@pytest.mark.parametrize("page", ["home", "deck", "question", "login", "not found"])
def test_html_pages_carry_the_security_headers(
    client: Client, html_urls: dict[str, str], page: str
) -> None:
    response = client.get(html_urls[page])

    assert response["Content-Type"].startswith("text/html")
    assert_security_headers(response)


def assert_security_headers(response: Any) -> None:
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'"):
        assert directive in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"]
    assert response["X-Frame-Options"] == "DENY"


# --- error pages ---


def test_unknown_url_gets_the_404_page_in_the_layout(
    client: Client, db: None, settings: Any
) -> None:
    settings.DEBUG = False
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html
    assert reverse("home") in html


def test_404_page_for_a_signed_in_learner(client: Client, student: Any, settings: Any) -> None:
    settings.DEBUG = False
    client.force_login(student)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("exception", "status", "text"),
    [
        (PermissionDenied, 403, "You are not allowed to do that"),
        (BadRequest, 400, "That request could not be used"),
    ],
)
def test_refusals_get_their_page_in_the_layout(
    client: Client,
    deck: Deck,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    exception: type[Exception],
    status: int,
    text: str,
) -> None:
    settings.DEBUG = False

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise exception("refused")

    monkeypatch.setattr("cards.views.get_object_or_404", refuse)

    response = client.get(deck.get_absolute_url())

    assert response.status_code == status
    html = response.content.decode()
    assert text in html
    assert 'class="site-header"' in html


def test_500_page_renders_without_a_request_or_database() -> None:
    # No `db` fixture: pytest-django fails the test if rendering touches the database.
    html = loader.get_template("500.html").render()

    assert "Something went wrong on our side" in html
    assert 'class="site-header"' in html
    assert "/static/css/site.css" in html


@pytest.fixture
def failing_deck_page(client: Client, deck: Deck, settings: Any) -> Callable[[], Any]:
    settings.DEBUG = False
    client.raise_request_exception = False

    def get() -> Any:
        return client.get(deck.get_absolute_url())

    return get


def test_an_unexpected_error_gets_the_500_page(
    failing_deck_page: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("cards.views.get_object_or_404", explode)

    response = failing_deck_page()

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'class="site-header"' in html
    assert "a bug" not in html
    assert_security_headers(response)


def test_a_database_outage_gets_the_503_page_not_the_500_page(
    failing_deck_page: Callable[[], Any], database_down: None
) -> None:
    # More cases (middleware, POSTs, other database errors) in test_outage.py.
    response = failing_deck_page()

    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode()


# --- home page ---


def test_home_lists_builtin_decks_with_card_counts(
    client: Client, deck: Deck, teacher: Any
) -> None:
    Deck.objects.create(slug="teachers-own", name="Teacher's own deck", owner=teacher)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Lambda deck" in html
    assert deck.get_absolute_url() in html
    assert "5 cards" in html
    assert "Teacher&#x27;s own deck" not in html


def test_home_shows_each_deck_in_the_interface_language(client: Client, deck: Deck) -> None:
    deck.name, deck.name_en = "람다 덱", "Lambda deck"
    deck.description, deck.description_en = "서버리스 카드", "Serverless cards"
    deck.save()
    english = client.get(reverse("home")).content.decode()
    assert "Serverless cards" in english
    assert "서버리스 카드" not in english
    assert '<a href="/decks/' in english and 'lang="en">Lambda deck</a>' in english
    korean = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "서버리스 카드" in korean
    assert "Serverless cards" not in korean


def test_home_for_a_signed_in_learner(client: Client, deck: Deck, student: Any) -> None:
    client.force_login(student)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Lambda deck" in response.content.decode()


def test_home_counts_what_is_due_by_the_wall_clock(
    client: Client, deck: Deck, student: Any, make_state: Callable[..., Any]
) -> None:
    make_state(
        student, deck.questions.order_by("order")[0], due=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    client.force_login(student)

    response = client.get(reverse("home"))

    [(row_deck, counts)] = response.context["deck_rows"]
    assert (row_deck, counts.review) == (deck, 1)


def test_home_says_when_there_are_no_decks(client: Client, db: None) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "No decks yet." in response.content.decode()


def test_home_queries_do_not_grow_with_decks(
    client: Client,
    topic: Topic,
    make_question: Callable[..., Question],
    django_assert_max_num_queries: Any,
) -> None:
    def add_decks(n: int) -> None:
        for _ in range(n):
            deck = Deck.objects.create(slug=f"d{Deck.objects.count()}", name="D")
            deck.questions.set([make_question(topic), make_question(topic)])

    add_decks(3)
    with django_assert_max_num_queries(2):
        client.get(reverse("home"))
    add_decks(27)
    with django_assert_max_num_queries(2):
        assert "2 cards" in client.get(reverse("home")).content.decode()


def test_home_names_a_domain_only_when_the_content_is_all_in_one(
    client: Client, deck: Deck, topic: Topic, make_question: Callable[..., Question]
) -> None:
    Deck.objects.filter(pk=deck.pk).update(domain=topic.domain)
    html = client.get(reverse("home")).content.decode()
    assert "Pass SAA-C03 Domain 3: Design High-Performing Architectures with cards" in html
    assert "study notes on “Design High-Performing Architectures”" in html

    sqs = make_topic("amazon-sqs", "Amazon SQS", "2.1")
    second = Deck.objects.create(slug="sqs", name="SQS deck", domain=sqs.domain)
    second.questions.set([make_question(sqs)])
    html = client.get(reverse("home")).content.decode()
    assert "Pass SAA-C03 with cards built from your own notes" in html
    assert "Domain 3" not in html.split("<h2")[0]  # the tagline; the decks' headings name both
    # The decks come under a heading per domain, in the blueprint's order.
    headings = re.findall(r'<h3 class="deck-group-title">([^<]+)</h3>', html)
    assert headings == [
        "Domain 2: Design Resilient Architectures",
        "Domain 3: Design High-Performing Architectures",
    ]


def test_home_refuses_post(client: Client, db: None) -> None:
    assert client.post(reverse("home")).status_code == 405
