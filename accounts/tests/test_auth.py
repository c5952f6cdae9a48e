"""Signing up, in and out, passwords and throttling: allauth as saaprep configures it."""

import re
import runpy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse

from accounts.adapter import user_display

User = get_user_model()

NEW_PASSWORD = "a brand new pass phrase 2025"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def login(client: Client, email: str, password: str, **extra: Any) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def without_tokens(html: str, *typed: str) -> str:
    """The page with its CSRF token and whatever the visitor typed blanked out."""
    html = CSRF_INPUT.sub('name="csrfmiddlewaretoken" value=""', html)
    for text in typed:
        html = html.replace(text, "TYPED")
    return html


# Every allauth page renders in the site layout.

ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_inactive",
    "account_email_verification_sent",
]
SIGNED_IN_PAGES = [
    "account_logout",
    "account_change_password",
    "account_email",
    "account_reauthenticate",
]


def assert_in_site_layout(response: Any) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html
    assert 'id="language-select"' in html
    assert html.count("<html") == 1
    assert "style=" not in html
    assert "Menu:" not in html  # allauth's own bare layout is gone


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_public_account_pages_render_in_the_site_layout(client: Client, db: None, name: str):
    assert_in_site_layout(client.get(reverse(name)))


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_account_management_pages_render_in_the_site_layout(client: Client, student, name: str):
    client.force_login(student)
    response = client.get(reverse(name))
    assert_in_site_layout(response)
    assert "学생" not in response.content.decode()
    assert student.shown_name in response.content.decode()


def test_password_set_page_renders_for_a_user_without_a_password(client: Client, student):
    student.set_unusable_password()
    student.save()
    client.force_login(student)
    assert_in_site_layout(client.get(reverse("account_set_password")))


def test_a_bad_reset_link_renders_in_the_site_layout(client: Client, student):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "nope-nope"})
    response = client.get(url)
    assert_in_site_layout(response)
    assert "Bad Token" in response.content.decode()


def test_a_bad_email_confirmation_link_renders_in_the_site_layout(client: Client, db: None):
    response = client.get(reverse("account_confirm_email", kwargs={"key": "nope"}))
    assert_in_site_layout(response)


def test_login_form_uses_the_site_form_style_and_offers_a_reset_link(client: Client, db: None):
    html = client.get(reverse("account_login")).content.decode()
    assert 'class="auth-form card"' in html
    assert '<label for="id_login">' in html
    assert f'href="{reverse("account_reset_password")}"' in html


# Sign up.


@pytest.mark.parametrize(
    ("name", "signed_in", "term"),
    [
        ("account_login", False, "Log in"),
        ("account_signup", False, "Sign up"),
        ("account_logout", True, "Log out"),
    ],
)
def test_english_account_pages_say_one_term_for_each_action(
    client: Client, student, name: str, signed_in: bool, term: str
):
    if signed_in:
        client.force_login(student)
    html = client.get(reverse(name)).content.decode()
    assert f"<h1>{term}</h1>" in html
    for other in ("Sign In", "Sign in", "Sign Up", "Signup", "Sign Out", "sign out"):
        assert other not in html, other


def test_the_login_and_signup_pages_link_to_each_other_keeping_next(client: Client, db: None):
    login = client.get(reverse("account_login") + "?next=/classes/").content.decode()
    assert (
        'No account yet? <a href="/accounts/signup/?next=%2Fclasses%2F">Sign up</a> first.' in login
    )
    signup = client.get(reverse("account_signup") + "?next=/classes/").content.decode()
    assert (
        'Already have an account? <a href="/accounts/login/?next=%2Fclasses%2F">Log in</a>.'
        in signup
    )


def sign_up(client: Client, email: str) -> Any:
    client.get(reverse("account_signup"))
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )


def test_signup_creates_a_user_who_is_in_once_the_address_is_confirmed(
    client: Client, db: None, confirm_email: Any
):
    response = sign_up(client, "new@example.com")

    assert response.redirect_chain == [(reverse("account_email_verification_sent"), 302)]
    user = User.objects.get(email="new@example.com")
    assert user.check_password(NEW_PASSWORD)
    assert signed_in_user_id(client) is None  # not before the address is confirmed

    confirmed = confirm_email(client, "new@example.com")

    assert confirmed.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
    home = client.get(reverse("home"))
    assert user.shown_name in home.content.decode()  # the header names who is signed in


@pytest.mark.parametrize(
    ("debug", "verification"), [("0", "mandatory"), ("1", "optional")], ids=["production", "dev"]
)
def test_email_verification_is_mandatory_in_production_and_optional_for_make_run(
    monkeypatch: pytest.MonkeyPatch, debug: str, verification: str
):
    monkeypatch.setenv("DJANGO_DEBUG", debug)
    monkeypatch.delenv("ACCOUNT_EMAIL_VERIFICATION", raising=False)

    built = runpy.run_path(str(Path(settings.BASE_DIR) / "saaprep" / "settings.py"))

    assert built["ACCOUNT_EMAIL_VERIFICATION"] == verification
    assert built["ACCOUNT_PREVENT_ENUMERATION"] is True


def test_signing_up_with_a_taken_email_answers_exactly_like_a_new_one(
    client: Client, student, password: str
):
    taken = sign_up(Client(HTTP_ACCEPT_LANGUAGE="en"), student.email)
    new = sign_up(Client(HTTP_ACCEPT_LANGUAGE="en"), "new@example.com")

    assert taken.redirect_chain == new.redirect_chain
    assert taken.status_code == new.status_code == 200
    assert without_tokens(taken.content.decode(), student.email) == without_tokens(
        new.content.decode(), "new@example.com"
    )
    # Nothing changed for the owner but an email saying someone tried; they still sign in.
    assert User.objects.filter(email__iexact=student.email).count() == 1
    assert login(client, student.email, password).status_code == 302


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Sh0rt pass!", "too short"),
        ("password1234", "too common"),
        ("192837465564738291", "entirely numeric"),
    ],
)
def test_signup_refuses_weak_passwords(client: Client, db: None, password: str, why: str):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert why in response.content.decode()
    assert 'class="errorlist"' in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()
    assert signed_in_user_id(client) is None


def test_signup_accepts_a_long_passphrase_with_spaces_and_emoji(client: Client, db: None):
    passphrase = "my cat 🐈 naps on the warm keyboard"
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": passphrase, "password2": passphrase},
    )
    assert response.status_code == 302
    assert User.objects.get(email="new@example.com").check_password(passphrase)


def test_signup_with_a_taken_email_in_other_case_creates_no_second_user(client: Client, student):
    client.post(
        reverse("account_signup"),
        {"email": "STUDENT@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert User.objects.filter(email__iexact="student@example.com").count() == 1


# Log in.


def test_login_changes_the_session_key(client: Client, student, password: str):
    before = client.session.session_key  # a session that exists before login
    assert before
    response = login(client, student.email, password)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(student.pk)
    assert client.cookies["sessionid"].value != before


def test_login_with_a_wrong_password_fails_with_a_message(client: Client, student):
    response = login(client, student.email, "not my password at all")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert signed_in_user_id(client) is None


def test_unknown_email_and_wrong_password_get_the_same_answer(client: Client, student):
    wrong = login(client, student.email, "not my password at all")
    unknown = login(client, "nobody@example.com", "not my password at all")
    assert wrong.status_code == unknown.status_code == 200
    assert without_tokens(wrong.content.decode(), student.email) == without_tokens(
        unknown.content.decode(), "nobody@example.com"
    )


def test_login_email_is_case_insensitive(client: Client, student, password: str):
    assert login(client, "Student@Example.COM", password).status_code == 302
    assert signed_in_user_id(client) == str(student.pk)


def test_after_five_wrong_passwords_even_the_right_one_is_refused(
    client: Client, student, other_student, password: str
):
    # Each attempt from a different address: the limit is per account, not per IP.
    for i in range(5):
        response = login(client, student.email, f"wrong guess {i}", REMOTE_ADDR=f"10.0.0.{i}")
        assert "not correct" in response.content.decode()
    response = login(client, student.email, password, REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert signed_in_user_id(client) is None
    # Another account from the same address is not locked out.
    assert login(client, other_student.email, password, REMOTE_ADDR="10.0.0.99").status_code == 302


def test_four_wrong_passwords_do_not_lock_the_account(client: Client, student, password: str):
    for i in range(4):
        login(client, student.email, f"wrong guess {i}")
    assert login(client, student.email, password).status_code == 302


def test_the_31st_login_post_from_one_address_in_a_minute_gets_429(client: Client, db: None):
    statuses = [
        login(client, f"nobody{i}@example.com", "whatever it is").status_code for i in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_an_inactive_user_cannot_log_in(client: Client, student, password: str):
    student.is_active = False
    student.save()
    login(client, student.email, password)
    assert signed_in_user_id(client) is None


# Log out.


def test_logout_by_post_logs_out_and_kills_the_old_session_cookie(
    client: Client, student, password: str
):
    login(client, student.email, password)
    old_cookie = client.cookies["sessionid"].value
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert signed_in_user_id(client) is None

    replay = Client(HTTP_ACCEPT_LANGUAGE="en")
    replay.cookies["sessionid"] = old_cookie
    response = replay.get(reverse("accounts:settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_get_on_logout_asks_for_confirmation_and_stays_logged_in(
    client: Client, student, password: str
):
    login(client, student.email, password)
    response = client.get(reverse("account_logout"))
    assert response.status_code == 200
    assert '<form method="post" action="{}"'.format(reverse("account_logout")) in (
        response.content.decode()
    )
    assert signed_in_user_id(client) == str(student.pk)
    assert client.get(reverse("accounts:settings")).status_code == 200


@pytest.mark.parametrize(
    "backend",
    [
        "classrooms.backends.ModelBackend",
        "classrooms.backends.AuthenticationBackend",
    ],
)
def test_a_deactivated_user_is_out_at_the_next_request(client: Client, student, backend: str):
    client.force_login(student, backend=backend)
    assert client.get(reverse("accounts:settings")).status_code == 200
    User.objects.filter(pk=student.pk).update(is_active=False)
    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_user_deactivated_after_a_real_login_is_out_at_the_next_request(
    client: Client, student, password: str
):
    login(client, student.email, password)
    # Show the "signed in as ..." message once, so the page below is not judged by it.
    assert student.shown_name in client.get(reverse("home")).content.decode()
    User.objects.filter(pk=student.pk).update(is_active=False)
    assert client.get(reverse("accounts:settings")).status_code == 302
    # The session row may live on, but it no longer resolves to a user.
    home = client.get(reverse("home")).content.decode()
    assert student.shown_name not in home
    assert f'href="{reverse("account_login")}"' in home


# Change password.


def test_changing_the_password_needs_the_current_one(client: Client, student, password: str):
    client.force_login(student)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "not the current one",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    student.refresh_from_db()
    assert student.check_password(password)


def test_changing_the_password_with_the_current_one_works(client: Client, student, password: str):
    client.force_login(student)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password(NEW_PASSWORD)


def test_changing_the_password_logs_out_other_sessions(client: Client, student, password: str):
    other_device = Client(HTTP_ACCEPT_LANGUAGE="en")
    login(other_device, student.email, password)
    login(client, student.email, password)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert client.get(reverse("accounts:settings")).status_code == 200  # this one stays in
    assert other_device.get(reverse("accounts:settings")).status_code == 302


# Reset password by email.


def reset_link(message: Any) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_answers_the_same_for_known_and_unknown_emails(
    client: Client, student, mailoutbox: list[Any]
):
    known = client.post(reverse("account_reset_password"), {"email": student.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    assert without_tokens(client.get(known["Location"]).content.decode()) == without_tokens(
        client.get(unknown["Location"]).content.decode()
    )

    to_student = [m for m in mailoutbox if m.to == [student.email]]
    assert len(to_student) == 1
    reset_link(to_student[0])
    # The unknown address is told there is no account; it gets no reset link.
    assert all("/password/reset/key/" not in m.body for m in mailoutbox if m not in to_student)


def test_the_emailed_reset_link_sets_a_new_password(
    client: Client, student, password: str, mailoutbox: list[Any]
):
    client.post(reverse("account_reset_password"), {"email": student.email})
    assert len(mailoutbox) == 1
    # allauth swaps the key in the link for one kept in the session, then redirects.
    response = client.get(reset_link(mailoutbox[0]), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    student.refresh_from_db()
    assert student.check_password(NEW_PASSWORD)
    assert login(Client(), student.email, password).status_code == 200  # the old one is dead
    assert login(Client(), student.email, NEW_PASSWORD).status_code == 302


def test_a_used_reset_link_does_not_work_twice(client: Client, student, mailoutbox: list[Any]):
    client.post(reverse("account_reset_password"), {"email": student.email})
    link = reset_link(mailoutbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = Client(HTTP_ACCEPT_LANGUAGE="en").get(link, follow=True)
    assert "Bad Token" in again.content.decode()


def test_allauth_messages_can_name_users_as_the_header_does(student):
    # Wired by ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display" in settings.
    assert user_display(student) == "학생 김" == student.shown_name
