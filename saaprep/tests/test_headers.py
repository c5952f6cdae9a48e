"""Security headers on every HTML page, public and signed-in, and the deployment checklist.

The pages are found by walking the URLconf (test_access's walker), so a new page is covered
without anyone remembering to add it here.
"""

import os
import secrets
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from .conftest import World
from .test_access import NAMED_URLS, OWNED, PUBLIC, STATE_CHANGING
from .test_site import assert_security_headers


def assert_page_headers(name: str, response: Any) -> bool:
    """Check an HTML response's headers; say whether it was an HTML page at all."""
    if not response["Content-Type"].startswith("text/html"):
        return False
    try:
        assert_security_headers(response)
    except AssertionError as error:
        raise AssertionError(f"{name}: {error}") from error
    return True


def test_every_public_page_carries_the_security_headers(client: Client, world: World) -> None:
    # The walker's placeholder ids give 404 pages; real ones give the pages themselves.
    urls = dict(NAMED_URLS)
    urls["cards:deck_detail"] = reverse("cards:deck_detail", args=[world.deck.slug])
    urls["cards:question_detail"] = world.questions[0].get_absolute_url()
    html_pages = [
        name
        for name in sorted(PUBLIC)
        if name in urls and assert_page_headers(name, client.get(urls[name]))
    ]
    assert {"home", "account_login", "account_signup", "account_reset_password"} <= set(html_pages)


@pytest.mark.parametrize("role", ["learner", "teacher"])
def test_every_signed_in_page_carries_the_security_headers(
    client: Client, world: World, role: str
) -> None:
    user = world.learner if role == "learner" else world.teacher
    client.force_login(user)
    checked = []
    for name, placeholder in NAMED_URLS:
        if name.startswith("admin:") or name in STATE_CHANGING or name == "account_logout":
            continue
        owner_role, parameters = OWNED.get(name, (role, lambda w: {}))
        if owner_role != role:
            continue
        url = reverse(name, kwargs=parameters(world)) if name in OWNED else placeholder
        response = client.get(url)
        if response.status_code == 200 and assert_page_headers(name, response):
            checked.append(name)
    expected = (
        {"study:progress", "study:exam_list", "study:session", "accounts:settings"}
        if role == "learner"
        else {"classrooms:classroom_detail", "classrooms:assignment_detail"}
    )
    assert expected <= set(checked), f"pages not reached: {expected - set(checked)}"


@pytest.mark.parametrize(
    ("url", "status"), [("/no-such-page/", 404), ("/classrooms/", 403), ("/exams/1/", 404)]
)
def test_error_pages_carry_the_security_headers(
    client: Client, student: Any, url: str, status: int
) -> None:
    client.force_login(student)
    response = client.get(url)
    assert response.status_code == status
    assert_page_headers(url, response)


def test_the_deployment_checklist_passes_with_production_settings() -> None:
    # What a deployer sets, nothing more: DEBUG off, a secret, hosts. Everything else (HSTS,
    # secure cookies, the SSL redirect) must be right by default.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env |= {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "saaprep.example.com",
        "DJANGO_SETTINGS_MODULE": "saaprep.settings",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
