"""The settings page: a learner edits their own display name and study settings."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from accounts.forms import SettingsForm, time_zone_choices

User = get_user_model()
URL = reverse("accounts:settings")
SETTINGS_FIELDS = SettingsForm.Meta.fields

VALID = {
    "display_name": "Kim Haneul",
    "desired_retention": "0.93",
    "new_cards_per_day": "35",
    "max_reviews_per_day": "400",
    "study_minutes_per_day": "45",
    "time_zone": "Europe/Berlin",
    "card_language": "en",
}


def saved(user: Any) -> dict[str, Any]:
    """Every column of the user's row as the database has it."""
    return model_to_dict(User.objects.get(pk=user.pk))


def test_owner_sees_their_settings(client: Client, student):
    client.force_login(student)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="학생 김"' in html
    assert 'value="0.90"' in html
    assert '<option value="Asia/Seoul" selected>' in html
    assert 'step="0.01"' in html
    assert f'href="{reverse("account_change_password")}"' in html
    assert f'href="{reverse("account_email")}"' in html


def test_new_users_get_the_documented_defaults(db: None):
    user = User.objects.create_user(username="fresh", email="fresh@example.com")
    assert user.desired_retention == Decimal("0.90")
    assert user.new_cards_per_day == 20
    assert user.max_reviews_per_day == 200
    assert user.time_zone == "Asia/Seoul"
    assert user.card_language == "ko"


def test_a_valid_post_saves_and_redirects_with_a_message(client: Client, student):
    client.force_login(student)
    response = client.post(URL, VALID)
    assert response.status_code == 302
    assert response["Location"] == URL
    student.refresh_from_db()
    assert student.display_name == "Kim Haneul"
    assert student.desired_retention == Decimal("0.93")
    assert student.new_cards_per_day == 35
    assert student.max_reviews_per_day == 400
    assert student.time_zone == "Europe/Berlin"
    assert student.card_language == "en"
    page = client.get(URL).content.decode()
    assert "Your settings are saved." in page
    assert "Kim Haneul" in page  # the header shows the new name


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("desired_retention", "0.80"),
        ("desired_retention", "0.97"),
        ("new_cards_per_day", "0"),
        ("new_cards_per_day", "1000"),
        ("max_reviews_per_day", "1"),
        ("max_reviews_per_day", "10000"),
        ("display_name", ""),
        ("time_zone", "UTC"),
        ("study_minutes_per_day", "1"),
        ("study_minutes_per_day", "1440"),
    ],
)
def test_boundary_values_are_accepted(client: Client, student, field: str, value: str):
    client.force_login(student)
    assert client.post(URL, {**VALID, field: value}).status_code == 302
    assert str(saved(student)[field]) == value


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desired_retention", "0.5", "greater than or equal to 0.80"),
        ("desired_retention", "0.79", "greater than or equal to 0.80"),
        ("desired_retention", "0.99", "less than or equal to 0.97"),
        ("desired_retention", "0.905", "no more than 2 decimal places"),
        ("desired_retention", "abc", "Enter a number."),
        ("desired_retention", "", "This field is required."),
        ("new_cards_per_day", "-1", "greater than or equal to 0"),
        ("new_cards_per_day", "1001", "less than or equal to 1000"),
        ("new_cards_per_day", "2.5", "Enter a whole number."),
        ("max_reviews_per_day", "0", "greater than or equal to 1"),
        ("max_reviews_per_day", "10001", "less than or equal to 10000"),
        ("time_zone", "Mars/Olympus_Mons", "Select a valid choice."),
        ("time_zone", "", "This field is required."),
        ("card_language", "fr", "Select a valid choice."),
        ("display_name", "x" * 81, "at most 80 characters"),
        ("study_minutes_per_day", "0", "greater than or equal to 1"),
        ("study_minutes_per_day", "1441", "less than or equal to 1440"),
        ("study_minutes_per_day", "", "This field is required."),
        ("exam_date", "2026-02-30", "Enter a valid date."),
        ("exam_date", "9999-12-31", "within a year before today"),
        ("exam_date", "2020-01-01", "within a year before today"),
    ],
)
def test_invalid_input_re_renders_with_errors_and_saves_nothing(
    client: Client, student, field: str, value: str, message: str
):
    client.force_login(student)
    before = saved(student)
    response = client.post(URL, {**VALID, field: value})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'class="errorlist"' in html
    assert "Nothing was saved." in html
    assert saved(student) == before


def test_a_failed_save_does_not_show_the_unsaved_name_in_the_header(client: Client, student):
    client.force_login(student)
    response = client.post(URL, {**VALID, "display_name": "Not Saved", "desired_retention": "2"})
    html = response.content.decode()
    header = html.split("</header>")[0]
    assert "학생 김" in header
    assert "Not Saved" not in header
    assert 'value="Not Saved"' in html  # the form keeps what was typed


def test_extra_fields_in_the_post_are_ignored(client: Client, student, other_student):
    client.force_login(student)
    before = saved(student)
    response = client.post(
        URL,
        {
            **VALID,
            "is_staff": "on",
            "is_superuser": "on",
            "is_active": "",
            "email": "taken-over@example.com",
            "username": "root",
            "user": str(other_student.pk),
            "id": str(other_student.pk),
            "password": "plain text",
        },
    )
    assert response.status_code == 302
    after = saved(student)
    for column in ("is_staff", "is_superuser", "is_active", "email", "username", "password"):
        assert after[column] == before[column]
    assert after["display_name"] == "Kim Haneul"
    assert saved(other_student)["display_name"] == "Other Student"


def test_saving_touches_only_the_settings_columns(client: Client, student):
    client.force_login(student)
    stale_copy = User.objects.get(pk=student.pk)
    User.objects.filter(pk=student.pk).update(first_name="Changed elsewhere")
    client.post(URL, VALID)
    assert saved(student)["first_name"] == "Changed elsewhere"
    assert stale_copy.first_name == ""


def test_anonymous_is_sent_to_login(client: Client, db: None):
    for response in (client.get(URL), client.post(URL, VALID)):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={URL}"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(client: Client, student, method: str):
    client.force_login(student)
    before = saved(student)
    assert getattr(client, method)(URL).status_code == 405
    assert saved(student) == before


def test_post_without_csrf_token_is_refused(student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    before = saved(student)
    assert client.post(URL, VALID).status_code == 403
    assert saved(student) == before


def test_time_zone_choices_are_every_known_zone_sorted() -> None:
    values = [value for value, _label in time_zone_choices()]
    assert values == sorted(values)
    assert {"Asia/Seoul", "UTC", "America/New_York"} <= set(values)
    assert ("America/New_York", "America/New York") in time_zone_choices()


def test_the_form_lists_only_learner_settings() -> None:
    assert set(SETTINGS_FIELDS) == {
        "display_name",
        "desired_retention",
        "new_cards_per_day",
        "max_reviews_per_day",
        "exam_date",
        "study_minutes_per_day",
        "time_zone",
        "ui_language",
        "card_language",
    }


@time_machine.travel(dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC), tick=False)
def test_an_exam_date_is_saved_and_can_be_cleared(client: Client, student):
    client.force_login(student)
    assert client.post(URL, {**VALID, "exam_date": "2027-01-15"}).status_code == 302
    student.refresh_from_db()
    assert student.exam_date == dt.date(2027, 1, 15)
    assert student.study_minutes_per_day == 45
    assert 'value="2027-01-15"' in client.get(URL).content.decode()
    assert client.post(URL, {**VALID, "exam_date": ""}).status_code == 302
    student.refresh_from_db()
    assert student.exam_date is None


@pytest.mark.django_db
def test_the_minutes_constraint_holds_in_the_database(student):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=student.pk).update(study_minutes_per_day=0)
