"""The admin as a whole: its sections and the styles saaprep adds."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cards.models import Question


@pytest.fixture
def staff(client: Client, admin_user: Any) -> Client:
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
def test_no_two_admin_sections_share_a_title(staff: Client) -> None:
    html = staff.get(reverse("admin:index")).content.decode()
    titles = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', html)
    assert "Users" in titles
    assert "Sign-in email addresses" in titles
    assert len(titles) == len(set(titles)), titles


@pytest.mark.django_db
def test_the_change_form_loads_the_admin_styles(staff: Client, question: Question) -> None:
    url = reverse("admin:cards_question_change", args=[question.pk])
    html = staff.get(url).content.decode()
    assert "css/admin.css" in html
    assert 'class="object-tools"' in html
