"""Redis is an accelerator, never a single point of failure.

The caches here are the ones `saaprep/settings.py` builds when REDIS_URL is set (the file is
evaluated again with that variable), pointed at a port where nothing listens: Redis is down.
Sign-in, sign-up and password reset still answer, and still count failures toward the lockout
in the shared database cache; the heavy pages render uncached; the outage is logged once. With
a throwaway `redis-server` of the test's own (skipped where there is none; CI installs it),
the page cache fills again once Redis is back, without a restart. `bench/faults` shows the same
under a live gunicorn.
"""

import logging
import runpy
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from saaprep import cache as saaprep_cache

pytestmark = pytest.mark.django_db

User = get_user_model()
SETTINGS_FILE = Path(django_settings.BASE_DIR) / "saaprep" / "settings.py"
NEW_PASSWORD = "a brand new pass phrase for redis"


def free_port() -> int:
    """A port nothing listens on (bound for a moment by the OS, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_port() -> int:
    return free_port()


@pytest.fixture
def redis_settings(settings: Any, monkeypatch: pytest.MonkeyPatch, redis_port: int) -> Any:
    """The production caches with REDIS_URL set to `redis_port`; a fresh outage state."""
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{redis_port}/0")
    monkeypatch.delenv("DJANGO_PAGE_CACHE_SECONDS", raising=False)
    built = runpy.run_path(str(SETTINGS_FILE))
    settings.CACHES = built["CACHES"]
    settings.PAGE_CACHE_SECONDS = built["PAGE_CACHE_SECONDS"]
    for name in ("DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS", "DJANGO_REDIS_LOGGER"):
        if name in built:
            setattr(settings, name, built[name])
    saaprep_cache.outage.end()
    yield settings
    saaprep_cache.outage.end()


@pytest.fixture
def redis_down(redis_settings: Any) -> Any:
    """Redis down: nothing listens on `redis_port`."""
    return redis_settings


def login(client: Client, email: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def test_with_redis_set_throttling_counters_stay_in_the_database(redis_down: Any) -> None:
    assert caches["default"].__class__.__name__ == "DatabaseCache"
    assert "django_redis" in redis_down.CACHES["pages"]["BACKEND"]
    assert redis_down.CACHES["pages"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True


def test_sign_in_works_with_redis_down(redis_down: Any, client: Client, student, password) -> None:
    response = login(client, student.email, password)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(student.pk)


def test_sign_up_works_with_redis_down(redis_down: Any, client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert User.objects.filter(email="new@example.com").exists()


def test_password_reset_works_with_redis_down(redis_down: Any, client: Client, student) -> None:
    response = client.post(reverse("account_reset_password"), {"email": student.email})

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[student.email]]


def test_wrong_passwords_still_lock_the_account_with_redis_down(
    redis_down: Any, client: Client, student, password
) -> None:
    for i in range(5):
        wrong = login(client, student.email, f"wrong guess {i}", REMOTE_ADDR=f"10.0.0.{i}")
        assert "not correct" in wrong.content.decode()

    right = login(client, student.email, password, REMOTE_ADDR="10.0.0.9")

    assert right.status_code == 200
    assert "Too many failed login attempts" in right.content.decode()
    assert SESSION_KEY not in client.session
    # The counters are rows of the database cache, which every worker shares.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM saaprep_cache")
        assert cursor.fetchone()[0] > 0


def heavy_pages(world: Any) -> list[tuple[Any, str]]:
    return [
        (world.learner, reverse("study:progress")),
        (world.learner, reverse("study:exam_results", args=[world.submitted_exam.pk])),
        (world.teacher, reverse("classrooms:assignment_detail", args=[world.assignment.pk])),
        (world.teacher, reverse("classrooms:assignment_csv", args=[world.assignment.pk])),
    ]


def test_heavy_pages_render_uncached_with_redis_down(redis_down: Any, world: Any) -> None:
    for user, url in heavy_pages(world):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 200, url
        assert client.get(url).status_code == 200, url  # a second time: still no copy, no error


def test_the_outage_is_logged_once_not_per_request(
    redis_down: Any, world: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    client.force_login(world.learner)

    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert client.get(reverse("study:progress")).status_code == 200

    outage = [r for r in caplog.records if r.name.startswith("saaprep.cache")]
    assert len(outage) == 1, [r.getMessage() for r in outage]
    assert "Redis is unreachable" in outage[0].getMessage()
    assert outage[0].exc_info is None  # one line, not a traceback per request


def test_logging_configured_twice_still_tells_the_outage_once() -> None:
    saaprep_cache.outage.end()
    filters = [saaprep_cache.OncePerOutage(), saaprep_cache.OncePerOutage()]
    records = [
        logging.LogRecord(
            "saaprep.cache.redis", logging.ERROR, __file__, 1, "Exception ignored", (), None
        )
        for _ in range(3)
    ]

    passed = [all(f.filter(record) for f in filters) for record in records]

    assert passed == [True, False, False]
    assert saaprep_cache.outage.end() == 2


# --- A real Redis of the test's own: the cache comes back without a restart ---


class RedisServer:
    """A throwaway redis-server on `port`, nothing saved; never the machine's shared one."""

    def __init__(self, port: int, directory: Path) -> None:
        self.port = port
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command of our own
            [
                str(shutil.which("redis-server")),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def redis_server(redis_port: int, tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server (apt-get install redis-server)")
    server = RedisServer(redis_port, tmp_path)
    yield server
    server.stop()


def copies() -> int:
    """How many page copies Redis holds (django-redis' keys(), beyond Django's cache API)."""
    pages: Any = caches["pages"]
    return len(pages.keys("*"))


def test_the_page_cache_resumes_when_redis_comes_back(
    redis_settings: Any, redis_server: RedisServer, world: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    client.force_login(world.learner)
    progress = reverse("study:progress")

    with caplog.at_level(logging.WARNING):
        assert client.get(progress).status_code == 200  # down: rendered, not kept
        redis_server.start()
        assert client.get(progress).status_code == 200  # back: rendered and kept
        assert copies() == 1
        redis_server.stop()
        assert client.get(progress).status_code == 200  # down again
        redis_server.start()
        assert copies() == 0  # a new, empty Redis
        assert client.get(progress).status_code == 200
        assert copies() == 1

    told = [r.getMessage() for r in caplog.records if r.name.startswith("saaprep.cache")]
    assert [text.split(" ")[2] for text in told] == [
        "unreachable",
        "reachable",
        "unreachable",
        "reachable",
    ], told
