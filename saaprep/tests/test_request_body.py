"""No request body over MAX_REQUEST_BODY_BYTES is read: the 413 page, before reading it.

Bodies here come from streams that count what is read and fail the test if more is read than
allowed, so "refused" means "refused unread", whether the body declares its length or is sent
chunked. `bench/faults` sends a real 1 GB body to a live gunicorn and times the refusal.
"""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from saaprep.bodylimit import REFUSED, BodyLimit

pytestmark = pytest.mark.django_db

LIMIT = 1000


class Body(io.RawIOBase):
    """`size` bytes of form data; fails the test if more than `allowed` bytes are read."""

    def __init__(self, size: int, allowed: int) -> None:
        self.left = size
        self.allowed = allowed
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self.left
        part = b"a" * min(size, self.left)
        self.left -= len(part)
        self.read_so_far += len(part)
        assert self.read_so_far <= self.allowed, f"read {self.read_so_far} bytes"
        return part

    def readline(self, size: int | None = -1) -> bytes:
        return self.read(size)


def stream(body: Body) -> dict[str, Any]:
    """The test client's extra environ that makes `body` the request's input."""
    return {"wsgi.input": body}


@pytest.fixture(autouse=True)
def small_limit(settings: Any) -> None:
    settings.MAX_REQUEST_BODY_BYTES = LIMIT


def test_the_default_limit_is_6_mb_above_the_import_limit() -> None:
    # Read from the settings module: this module's autouse fixture lowers the live setting.
    from saaprep import settings as production

    assert production.MAX_REQUEST_BODY_BYTES == 6 * 1024 * 1024 > production.MAX_UPLOAD_BYTES
    # What gunicorn serves (importing it here would run django.setup() a second time).
    wsgi = (Path(django_settings.BASE_DIR) / "saaprep" / "wsgi.py").read_text()
    assert "application = BodyLimit(get_wsgi_application())" in wsgi


# --- Django's side: a declared length over the limit, whatever server passed it on ---


def test_a_declared_body_over_the_limit_gets_the_413_page_unread(client: Client, student) -> None:
    body = Body(LIMIT + 1, allowed=0)
    response = client.post(
        reverse("account_login"),
        {"login": student.email, "password": "whatever"},
        CONTENT_LENGTH=str(LIMIT + 1),
        **stream(body),
    )

    assert response.status_code == 413
    assert response.templates[0].name == "413.html"
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "That was too much to send" in html
    assert "Content-Security-Policy" in response.headers
    assert body.read_so_far == 0


def test_a_body_at_the_limit_is_read(client: Client, student, password: str) -> None:
    form = f"login={student.email}&password={password.replace(' ', '+')}"
    data = form + "&pad=" + "x" * (LIMIT - len(form) - len("&pad="))
    assert len(data) == LIMIT

    response = client.post(
        reverse("account_login"), data, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(student.pk)


def test_the_413_page_speaks_korean(client: Client) -> None:
    response = client.post(
        reverse("account_login"),
        {},
        CONTENT_LENGTH=str(LIMIT + 1),
        HTTP_ACCEPT_LANGUAGE="ko",
        **stream(Body(LIMIT + 1, allowed=0)),
    )

    assert response.status_code == 413
    assert "보낼 수 있는 양보다 많아요" in response.content.decode()


# --- The WSGI side (saaprep/wsgi.py): chunked bodies, and the refusal before Django ---


def environ(body: Any, **extra: Any) -> dict[str, Any]:
    env: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": reverse("account_login"),
        "SERVER_NAME": "localhost",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "HTTP_ACCEPT_LANGUAGE": "en",
        "wsgi.input": body,
        "wsgi.url_scheme": "http",
    }
    setup_testing_defaults(env)
    env.pop("CONTENT_LENGTH", None)
    return env | extra


@pytest.fixture
def site() -> Iterator[BodyLimit]:
    """The application saaprep/wsgi.py serves, called directly as a WSGI server would.

    Like Django's test client, without closing the test's database connection between requests.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield BodyLimit(WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(app: Any, env: dict[str, Any]) -> tuple[str, str]:
    seen: list[str] = []

    def start_response(status: str, headers: list[Any], exc_info: Any = None) -> None:
        seen.append(status)

    result = app(env, start_response)
    try:
        body = b"".join(result).decode()
    finally:
        if hasattr(result, "close"):
            result.close()
    return seen[0], body


def test_a_1_gb_declared_body_is_refused_before_django_reads_a_byte(site: BodyLimit) -> None:
    body = Body(1024**3, allowed=0)

    status, html = call(site, environ(body, CONTENT_LENGTH=str(1024**3)))

    assert status.startswith("413")
    assert "That was too much to send" in html
    assert body.read_so_far == 0


def test_a_chunked_body_over_the_limit_is_read_one_byte_past_it_then_refused(
    site: BodyLimit,
) -> None:
    body = Body(1024**3, allowed=LIMIT + 1)

    status, html = call(
        site, environ(body, HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input_terminated": True})
    )

    assert status.startswith("413")
    assert "That was too much to send" in html
    assert body.read_so_far == LIMIT + 1


def test_a_chunked_body_within_the_limit_reaches_django_with_its_length() -> None:
    seen: dict[str, Any] = {}

    def app(env: dict[str, Any], start_response: Any) -> list[bytes]:
        seen["length"] = env["CONTENT_LENGTH"]
        seen["body"] = env["wsgi.input"].read(int(env["CONTENT_LENGTH"]))
        seen["refused"] = env.get(REFUSED, False)
        start_response("200 OK", [])
        return [b""]

    env = environ(
        io.BytesIO(b"a=1&b=2"), HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input_terminated": True}
    )
    call(BodyLimit(app), env)

    assert seen == {"length": "7", "body": b"a=1&b=2", "refused": False}


def test_a_chunked_body_the_server_cannot_end_is_refused_unread(site: BodyLimit) -> None:
    # The development server passes the raw socket: reading it would wait for a client that is
    # waiting for us.
    body = Body(10, allowed=0)

    status, _html = call(site, environ(body, HTTP_TRANSFER_ENCODING="chunked"))

    assert status.startswith("413")
    assert body.read_so_far == 0


def test_a_body_within_the_limit_passes_through_untouched() -> None:
    seen: dict[str, Any] = {}

    def app(env: dict[str, Any], start_response: Any) -> list[bytes]:
        seen["body"] = env["wsgi.input"].read(int(env["CONTENT_LENGTH"]))
        seen["refused"] = env.get(REFUSED, False)
        start_response("200 OK", [])
        return [b""]

    call(BodyLimit(app), environ(io.BytesIO(b"x" * LIMIT), CONTENT_LENGTH=str(LIMIT)))

    assert seen == {"body": b"x" * LIMIT, "refused": False}
    assert django_settings.MAX_REQUEST_BODY_BYTES == LIMIT
