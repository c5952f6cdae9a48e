"""The interface language: from the browser, switched in the header, kept on the account."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User


def page_lang(response: Any) -> str:
    html = response.content.decode()
    start = html.index('<html lang="') + len('<html lang="')
    return html[start : html.index('"', start)]


@pytest.mark.parametrize(("header", "expected"), [("ko", "ko"), ("en-US,en;q=0.9", "en")])
def test_the_browser_language_picks_the_interface(db: None, header: str, expected: str) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE=header).get(reverse("home"))
    assert page_lang(response) == expected
    assert response["Content-Language"] == expected


def test_the_default_is_korean(db: None) -> None:
    assert page_lang(Client().get(reverse("home"))) == "ko"


def test_switching_as_a_visitor_sets_the_cookie(db: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert page_lang(client.get(reverse("home"))) == "en"


def test_switching_when_signed_in_is_kept_on_the_account(student: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(student)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert User.objects.get(pk=student.pk).ui_language == "en"

    # A new device: no cookie, a Korean browser, and still English once signed in.
    other_device = Client(HTTP_ACCEPT_LANGUAGE="ko")
    other_device.force_login(student)
    assert page_lang(other_device.get(reverse("home"))) == "en"


def test_an_unknown_language_changes_nothing(student: Any) -> None:
    client = Client()
    client.force_login(student)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert User.objects.get(pk=student.pk).ui_language == ""


def test_the_switch_refuses_get(db: None) -> None:
    assert Client().get(reverse("set_language")).status_code == 405


def test_the_settings_page_saves_the_interface_language(student: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(student)
    form = client.get(reverse("accounts:settings")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["ui_language"] = "en"
    assert client.post(reverse("accounts:settings"), data).status_code == 302
    assert User.objects.get(pk=student.pk).ui_language == "en"

    data["ui_language"] = "fr"
    response = client.post(reverse("accounts:settings"), data)
    assert response.status_code == 200
    assert "ui_language" in response.context["form"].errors
    assert User.objects.get(pk=student.pk).ui_language == "en"


@pytest.mark.parametrize(("header", "cards"), [("en-US,en;q=0.9", "en"), ("ko", "ko")])
def test_cards_first_follow_the_interface_language_at_sign_up(
    db: None, header: str, cards: str
) -> None:
    password = "a long passphrase for a new learner"
    response = Client(HTTP_ACCEPT_LANGUAGE=header).post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    assert User.objects.get(email="new@example.com").card_language == cards


def test_signing_up_after_switching_to_english_gives_english_cards(db: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    password = "a long passphrase for a new learner"
    client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": password, "password2": password},
    )
    assert User.objects.get(email="new@example.com").card_language == "en"
