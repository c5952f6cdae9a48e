"""The help page: public, in Korean and English, one anchor per subject, and linked from where
each subject appears (study counts, rating buttons, leeches, readiness, practice)."""

from typing import Any

import pytest
from django.urls import reverse

from cards.models import Deck

pytestmark = pytest.mark.django_db

HELP = reverse("help")
ANCHORS = ("buckets", "limits", "ratings", "leeches", "readiness", "practice", "suspend")


def test_anyone_reads_it_with_every_anchor(client: Any) -> None:
    response = client.get(HELP)

    assert response.status_code == 200
    html = response.content.decode()
    for anchor in ANCHORS:
        assert f'id="{anchor}"' in html
        assert f'href="#{anchor}"' in html


def test_it_speaks_korean(client: Any) -> None:
    response = client.get(HELP, HTTP_ACCEPT_LANGUAGE="ko")
    html = response.content.decode()
    assert 'lang="ko"' in html
    assert "매일" in html or "하루" in html


def test_it_refuses_post(client: Any) -> None:
    assert client.post(HELP).status_code == 405


def test_every_page_links_to_it_in_the_footer(client: Any) -> None:
    assert HELP.encode() in client.get(reverse("home")).content


def test_the_study_page_links_its_counts_ratings_and_practice(
    client: Any, student: Any, deck: Deck
) -> None:
    client.force_login(student)
    study = client.get(reverse("study:session", args=[deck.slug]) + "?mode=flashcard")
    practice = client.get(reverse("study:session", args=[deck.slug]) + "?practice=1")

    assert f"{HELP}#buckets".encode() in study.content
    assert f"{HELP}#ratings".encode() in study.content
    assert f"{HELP}#practice".encode() in practice.content


def test_progress_links_readiness_and_leeches(client: Any, student: Any, deck: Deck) -> None:
    client.force_login(student)
    progress = client.get(reverse("study:progress"))
    leeches = client.get(reverse("study:leech_session"))

    assert f"{HELP}#readiness".encode() in progress.content
    assert f"{HELP}#leeches".encode() in progress.content
    assert f"{HELP}#leeches".encode() in leeches.content
