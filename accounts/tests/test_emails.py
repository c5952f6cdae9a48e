"""Every link in every email stands on its own line, in Korean and in English.

Mail programs turn a URL into a link up to the next space: a Korean particle written right after
it ("…/confirm-email/<key>/을 클릭하세요") becomes part of the link and sends the learner to a
404. Each email is sent the way allauth sends it (its adapter, the locmem backend), triggered by
the real request where our settings allow one, and every URL in the body must be a line of its
own; then the link is followed, to show it works.
"""

import re
from pathlib import Path
from typing import Any

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core.context import request_context
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase for this test"
LANGUAGES = ["ko", "en"]
# The closing line of every email, in each language: proof the email is in that language.
THANKS = {"ko": "saaprep을 이용해 주셔서 감사합니다.", "en": "Thank you for using saaprep."}

URL = re.compile(r"https?://\S+")
URL_ON_ITS_OWN_LINE = re.compile(r"(?:\A|\n)[ \t]*(https?://\S+)[ \t]*(?=\n|\Z)")


def links(body: str) -> list[str]:
    """Every URL in the body. Fails unless each one stands alone on its line."""
    anywhere = URL.findall(body)
    alone = URL_ON_ITS_OWN_LINE.findall(body)
    assert alone == anywhere, f"a link shares its line with other text:\n{body}"
    return alone


def path_of(url: str) -> str:
    assert url.startswith("http://testserver/"), url
    return url.removeprefix("http://testserver")


def the_email(language: str, to: str) -> str:
    """The body of the one email sent to this address, its links checked, then its language."""
    sent = [message for message in mail.outbox if message.to == [to]]
    assert len(sent) == 1, [message.subject for message in mail.outbox]
    body = str(sent[0].body)
    links(body)
    assert THANKS[language] in body, body
    return body


def link_to(body: str, path_start: str) -> str:
    found = [url for url in links(body) if path_of(url).startswith(path_start)]
    assert len(found) == 1, body
    return path_of(found[0])


@pytest.fixture
def visitor(language: str) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language)


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def learner(student: Any, language: str) -> Any:
    """The student with a primary, unverified address, speaking `language`."""
    student.ui_language = language
    student.save(update_fields=["ui_language"])
    EmailAddress.objects.filter(user=student).update(verified=False)
    return student


# --- Each email, triggered the real way ---


def test_the_sign_up_confirmation_link_works(visitor: Client, language: str) -> None:
    visitor.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    confirm = link_to(the_email(language, "new@example.com"), "/accounts/confirm-email/")

    assert visitor.get(confirm).status_code == 200
    assert visitor.post(confirm).status_code == 302
    assert EmailAddress.objects.get(email="new@example.com").verified


def test_subjects_name_saaprep_not_the_host(visitor: Client, language: str) -> None:
    visitor.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    (message,) = mail.outbox
    assert message.subject.startswith("[saaprep] ")
    assert "testserver" not in message.subject


def test_a_resent_confirmation_link_works(learner: Any, language: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(learner)

    client.post(reverse("account_email"), {"email": learner.email, "action_send": ""})

    confirm = link_to(the_email(language, learner.email), "/accounts/confirm-email/")
    assert client.post(confirm).status_code == 302
    assert EmailAddress.objects.get(email=learner.email).verified


def test_the_password_reset_link_works(visitor: Client, learner: Any, language: str) -> None:
    visitor.post(reverse("account_reset_password"), {"email": learner.email})

    reset = link_to(the_email(language, learner.email), "/accounts/password/reset/key/")
    form = visitor.get(reset, follow=True)
    assert form.status_code == 200
    visitor.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)


def test_signing_up_with_a_taken_address_mails_a_working_reset_link(
    visitor: Client, learner: Any, language: str
) -> None:
    # With mandatory verification (production's default), sign-up answers the same for a taken
    # address and mails the owner instead, so sign-up reveals no account.
    visitor.post(
        reverse("account_signup"),
        {"email": learner.email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    body = the_email(language, learner.email)
    assert visitor.get(link_to(body, reverse("account_reset_password"))).status_code == 200


def test_a_reset_for_an_unknown_address_mails_a_working_sign_up_link(
    visitor: Client, language: str, settings: Any
) -> None:
    settings.ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True  # off in our settings; on, it must hold too
    visitor.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    body = the_email(language, "nobody@example.com")
    assert visitor.get(link_to(body, reverse("account_signup"))).status_code == 200


def test_a_password_change_notice_links_to_the_reset_page(
    learner: Any, language: str, password: str, settings: Any
) -> None:
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True  # off in our settings; on, it must hold too
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(learner)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    body = the_email(language, learner.email)
    assert client.get(link_to(body, reverse("account_reset_password"))).status_code == 200


# --- Every email allauth can send, through its adapter ---

ALLAUTH_EMAILS = Path(allauth.__file__).parent / "templates" / "account" / "email"
EMAILS = sorted(
    path.name.removesuffix("_message.txt")
    for path in ALLAUTH_EMAILS.glob("*_message.txt")
    if not path.name.startswith("base_")
)


def test_the_list_holds_every_email_we_know_of() -> None:
    assert {
        "email_confirmation",
        "email_confirmation_signup",
        "password_reset_key",
        "account_already_exists",
        "unknown_account",
        "login_code",
        "password_changed",
    } <= set(EMAILS)


@pytest.mark.parametrize("by_code", [False, True])
@pytest.mark.parametrize("name", EMAILS)
def test_every_email_allauth_can_send_keeps_its_links_on_their_own_lines(
    student: Any, language: str, name: str, by_code: bool
) -> None:
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    request.user = student
    context = {
        "user": student,
        "key": "the-key",
        "activate_url": "http://testserver/accounts/confirm-email/the-key/",
        "password_reset_url": "http://testserver/accounts/password/reset/key/1-x/",
        "signup_url": "http://testserver/accounts/signup/",
        "username": "student",
        "from_email": "old@example.com",
        "to_email": student.email,
        "deleted_email": "old@example.com",
        "ip": "192.0.2.1",
        "user_agent": "Mozilla/5.0",
        "timestamp": timezone.now(),
    }
    if by_code:
        context["code"] = "XK4-9QZ"

    with request_context(request), translation.override(language):
        get_adapter(request).send_mail(f"account/email/{name}", "learner@example.com", context)

    body = the_email(language, "learner@example.com")
    found = links(body)
    assert "http://testserver/" in found  # the site's own link closes every email
    for variable in ("activate_url", "password_reset_url", "signup_url"):
        if context[variable] in body:
            assert context[variable] in found
    if by_code and (name.endswith("_code") or name.startswith("email_confirmation")):
        assert "\nXK4-9QZ\n" in body  # a code stands on its own line too
