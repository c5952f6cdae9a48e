"""Walk every named URL: a new URL fails here until someone classifies it.

Anonymous visitors get the login page (or 403/405) everywhere except the explicit public list;
state-changing URLs refuse GET (405) and refuse a POST without a CSRF token (403).
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Reachable without signing in: content pages and the account entrance.
PUBLIC = {
    "home",
    "healthz",
    "set_language",
    "cards:deck_detail",
    "cards:question_detail",
    "account_login",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_confirm_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_logout",
    "account_reauthenticate",
    "admin:login",
    "admin:logout",
}

# Change data: POST only, CSRF required.
STATE_CHANGING = {
    "study:answer",
    "study:regrade",
    "study:leech_answer",
    "study:data_import",
    "study:exam_start",
    "study:exam_save",
    "study:exam_submit",
    "classrooms:classroom_rename",
    "classrooms:classroom_archive",
    "classrooms:classroom_rotate_code",
    "classrooms:student_remove",
    "classrooms:assignment_delete",
    "classrooms:deck_edit",
    "classrooms:deck_add",
    "classrooms:deck_remove",
    "classrooms:class_leave",
}

# Placeholder values for URL parameters, by name.
PARAMS = {
    "slug": "no-such-deck",
    "pk": 999999,
    "token": "not-a-token",
    "key": "not-a-key",
    "uidb36": "zz",
    "app_label": "cards",
    "object_id": "999999",
    "content_type_id": "1",
    "model_name": "question",
    "url": "x",
    "id": "999999",
    "code": "not-a-join-code",
    "student_id": 999999,
}


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _named_urls() -> list[tuple[str, str]]:
    urls: dict[str, str] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name in urls:
            continue
        regex = pattern.pattern.regex.pattern
        groups = re.findall(r"\(\?P<(\w+)>", regex)
        if name.startswith("admin:") and "app_label" in groups and "model_name" not in groups:
            kwargs: dict[str, Any] = {"app_label": "cards"}
        else:
            kwargs = {group: PARAMS[group] for group in groups}
        try:
            urls[name] = reverse(name, kwargs=kwargs)
        except Exception:  # noqa: S112 - admin's catch-all patterns take values we cannot guess
            continue
    return sorted(urls.items())


NAMED_URLS = _named_urls()


def test_the_walker_finds_the_app_urls() -> None:
    names = {name for name, _ in NAMED_URLS}
    assert {"home", "study:session", "accounts:settings", "admin:index"} <= names
    assert names >= PUBLIC, f"public list names URLs that no longer exist: {PUBLIC - names}"
    assert names >= STATE_CHANGING


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), [u for u in NAMED_URLS if u[0] not in PUBLIC])
def test_anonymous_get_is_sent_to_login_or_refused(client: Client, name: str, url: str) -> None:
    response = client.get(url)
    if response.status_code == 302:
        login = "/admin/login/" if name.startswith("admin:") else reverse("account_login")
        assert response["Location"].startswith(login), f"{name} redirects elsewhere"
    else:
        assert response.status_code in (403, 405), f"{name} answered {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), [u for u in NAMED_URLS if u[0] in PUBLIC])
def test_public_pages_answer_without_a_server_error(client: Client, name: str, url: str) -> None:
    response = client.get(url)
    assert response.status_code < 500, f"{name} answered {response.status_code}"


@pytest.mark.parametrize("name", sorted(STATE_CHANGING))
def test_state_changing_urls_refuse_get(client: Client, student: Any, name: str) -> None:
    client.force_login(student)
    url = dict(NAMED_URLS)[name]
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("name", sorted(STATE_CHANGING))
def test_state_changing_urls_refuse_post_without_csrf(student: Any, name: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    url = dict(NAMED_URLS)[name]
    assert client.post(url, {}).status_code == 403
