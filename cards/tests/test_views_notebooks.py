"""The notebook pages (upload, preview, confirm, notebook, version download) and every page that
can show a notebook's card, as owner, other learner, student of an assigned class, other teacher,
anonymous, and with the wrong method."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cards.models import Notebook, Question, Topic
from cards.tests.factories import ensure_blueprint
from cards.tests.test_notebooks import NOTES, NOW, make_notebook
from cards.views import DRAFT_SALT
from study.models import Exam

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _blueprint(db: None) -> None:
    ensure_blueprint()


def draft_token(response: Any) -> str:
    match = re.search(r'name="draft" value="([^"]+)"', response.content.decode())
    assert match, "no confirm form on the page"
    return match[1]


def login(client: Client, request: Any, viewer: str) -> None:
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))


# --- Upload, preview, confirm ---


def test_upload_page_works_without_javascript(client: Client, student: Any) -> None:
    client.force_login(student)
    page = client.get(reverse("cards:notebook_new")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and "<textarea" in page


def test_pasted_notes_are_previewed_and_nothing_is_saved(client: Client, student: Any) -> None:
    client.force_login(student)
    response = client.post(reverse("cards:notebook_new"), {"title": "Week 1", "text": NOTES})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Amazon SQS" in page and "My own thoughts" in page
    assert "Task statement" in page and "not placed under a task statement" in page
    assert "Line 8" in page and "## My own thoughts" in page  # the warning, quoted
    assert "1 warning" in page and "0 errors" in page
    assert "Put the orders on an" in page  # an answer
    assert "Which AWS service does this describe?" in page or "AWS 서비스" in page
    assert not Notebook.objects.exists()
    assert draft_token(response)


def test_uploaded_file_is_previewed_with_its_name_as_title(client: Client, student: Any) -> None:
    client.force_login(student)
    upload = SimpleUploadedFile("resilience.md", NOTES.encode(), content_type="text/markdown")
    response = client.post(reverse("cards:notebook_new"), {"file": upload})
    assert response.status_code == 200
    assert "Preview: resilience" in response.content.decode()


def test_confirm_saves_and_shows_the_notebook(client: Client, student: Any) -> None:
    client.force_login(student)
    preview = client.post(reverse("cards:notebook_new"), {"title": "Week 1", "text": NOTES})
    response = client.post(reverse("cards:notebook_confirm"), {"draft": draft_token(preview)})
    notebook = Notebook.objects.get()
    assert response.status_code == 303
    assert response["Location"] == notebook.get_absolute_url()
    assert (notebook.owner, notebook.title) == (student, "Week 1")
    page = client.get(notebook.get_absolute_url()).content.decode()
    assert "Amazon SQS" in page and "Version 1" in page
    # Beside the built-in decks on the home page.
    assert "Week 1" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"text": ""}, "Upload a Markdown file or paste your notes."),
        ({"text": "## Lambda\n* q\n  > * a\n"}, "no &#x27;# &#x27; heading"),
        ({"file": b"\x00\x01\x02"}, "not a text file"),
        ({"file": "제목".encode("cp949")}, "not UTF-8"),
        ({"file": b""}, "empty"),
    ],
)
def test_bad_notes_are_refused_with_a_message(
    client: Client, student: Any, data: dict[str, Any], needle: str
) -> None:
    client.force_login(student)
    if "file" in data:
        data = {"file": SimpleUploadedFile("n.md", data["file"])}
    response = client.post(reverse("cards:notebook_new"), data)
    assert response.status_code in (200, 400)
    assert needle in response.content.decode()
    assert 'name="draft"' not in response.content.decode()  # errors block saving
    assert not Notebook.objects.exists()


def test_a_file_over_the_limit_is_refused(client: Client, student: Any, settings: Any) -> None:
    settings.NOTEBOOK_MAX_BYTES = 100
    client.force_login(student)
    upload = SimpleUploadedFile("big.md", NOTES.encode())
    response = client.post(reverse("cards:notebook_new"), {"file": upload})
    assert response.status_code == 400
    assert "larger than 100 bytes" in response.content.decode()


def test_a_tampered_or_foreign_draft_is_refused(
    client: Client, student: Any, other_student: Any
) -> None:
    client.force_login(student)
    assert client.post(reverse("cards:notebook_confirm"), {"draft": "x"}).status_code == 400
    foreign = signing.dumps(
        {"user": other_student.pk, "title": "t", "text": NOTES}, salt=DRAFT_SALT, compress=True
    )
    assert client.post(reverse("cards:notebook_confirm"), {"draft": foreign}).status_code == 400
    assert not Notebook.objects.exists()


def test_confirm_compiles_again_and_refuses_past_the_limits(
    client: Client, student: Any, settings: Any
) -> None:
    client.force_login(student)
    preview = client.post(reverse("cards:notebook_new"), {"text": NOTES})
    settings.NOTEBOOK_MAX_PER_USER = 0
    response = client.post(reverse("cards:notebook_confirm"), {"draft": draft_token(preview)})
    assert response.status_code == 303
    assert response["Location"] == reverse("cards:notebook_new")
    assert not Notebook.objects.exists()


def test_uploads_are_rate_limited_per_user(
    client: Client, student: Any, other_student: Any, settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "notebook_upload": "2/m/user"}
    client.force_login(student)
    url = reverse("cards:notebook_new")
    assert [client.post(url, {"text": NOTES}).status_code for _ in range(3)] == [200, 200, 429]
    client.force_login(other_student)
    assert client.post(url, {"text": NOTES}).status_code == 200


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("cards:notebook_list", "post"),
        ("cards:notebook_new", "put"),
        ("cards:notebook_confirm", "get"),
    ],
)
def test_wrong_method_is_405(client: Client, student: Any, name: str, method: str) -> None:
    client.force_login(student)
    assert getattr(client, method)(reverse(name)).status_code == 405


@pytest.mark.parametrize(
    "name", ["cards:notebook_list", "cards:notebook_new", "cards:notebook_confirm"]
)
def test_anonymous_is_sent_to_log_in(client: Client, name: str) -> None:
    response = client.post(reverse(name), {"text": NOTES})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- One notebook's pages, and every page that can show its cards ---


@pytest.fixture
def shared(teacher: Any, student: Any) -> dict[str, Any]:
    """The teacher's notebook, its "Amazon SQS" deck assigned to a class of `student`."""
    import datetime as dt

    from django.utils import timezone

    from classrooms import services as classroom_services
    from classrooms.goals import Goal

    now = timezone.now()
    notebook = make_notebook(teacher)
    deck = notebook.decks.get(name="Amazon SQS")
    classroom = classroom_services.classroom_create(teacher=teacher, name="Class", now=now)
    classroom_services.membership_join(classroom=classroom, student=student, now=now)
    classroom_services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.ANSWER_ALL,
        target_percent=None,
        due_at=now + dt.timedelta(days=7),
        now=now,
    )
    other = notebook.decks.get(name="My own thoughts")
    return {
        "notebook": notebook,
        "assigned": deck,
        "unassigned": other,
        "assigned_question": deck.questions.first(),
        "unassigned_question": other.questions.first(),
    }


SEES_ALL = {"teacher"}
SEES_ASSIGNED = {"teacher", "student"}
VIEWERS = ["teacher", "student", "other_student", "other_teacher", "anonymous"]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_notebook_page_and_versions_are_the_owners_only(
    client: Client, request: Any, shared: dict[str, Any], viewer: str
) -> None:
    login(client, request, viewer)
    notebook = shared["notebook"]
    detail = client.get(notebook.get_absolute_url())
    download = client.get(reverse("cards:notebook_version_download", args=[notebook.pk, 1]))
    if viewer == "teacher":
        assert detail.status_code == 200
        assert download.status_code == 200
        assert download.content.decode() == NOTES
        assert download["Content-Disposition"].startswith("attachment")
    elif viewer == "anonymous":
        assert detail.status_code == download.status_code == 302
    else:
        assert detail.status_code == download.status_code == 404
    assert client.post(notebook.get_absolute_url()).status_code in (302, 405)


def test_an_unknown_version_is_404(client: Client, shared: dict[str, Any], teacher: Any) -> None:
    client.force_login(teacher)
    url = reverse("cards:notebook_version_download", args=[shared["notebook"].pk, 2])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("which", ["assigned", "unassigned"])
def test_deck_question_and_study_pages(
    client: Client, request: Any, shared: dict[str, Any], viewer: str, which: str
) -> None:
    login(client, request, viewer)
    deck, question = shared[which], shared[f"{which}_question"]
    allowed = viewer in (SEES_ASSIGNED if which == "assigned" else SEES_ALL)
    urls = [
        reverse("cards:deck_detail", args=[deck.slug]),
        reverse("cards:question_detail", args=[question.pk]),
        reverse("study:session", args=[deck.slug]),
    ]
    statuses = [client.get(url).status_code for url in urls]
    if allowed:
        assert statuses == [200, 200, 200]
    elif viewer == "anonymous":
        assert statuses[:2] == [404, 404]
        assert statuses[2] == 302
    else:
        assert statuses == [404, 404, 404]


@pytest.mark.parametrize("viewer", ["teacher", "student", "other_student", "other_teacher"])
def test_progress_and_exam_pages_list_only_what_the_viewer_may_see(
    client: Client, request: Any, shared: dict[str, Any], viewer: str
) -> None:
    login(client, request, viewer)
    progress = client.get(reverse("study:progress")).content.decode()
    exams = client.get(reverse("study:exam_list")).content.decode()
    home = client.get(reverse("home")).content.decode()
    assert ("My own thoughts" in home) == (viewer == "teacher")
    assert ("Amazon SQS" in home) == (viewer in SEES_ASSIGNED)
    # Exams draw choice questions: the notebook's topic decks hold only flashcards (a "which
    # service?" card never sits in the deck named after its answer), so none is offered.
    assert "My own thoughts" not in exams
    assert viewer == "teacher" or shared["notebook"].title not in exams
    assert "My own thoughts" not in progress or viewer == "teacher"


def test_an_exam_of_someone_elses_notebook_topic_is_refused(
    client: Client, shared: dict[str, Any], other_student: Any
) -> None:
    client.force_login(other_student)
    topic = Topic.objects.get(notebook=shared["notebook"], name="Amazon SQS")
    deck = shared["assigned"]
    for data in ({"scope": "topic", "topic": topic.pk}, {"scope": "deck", "deck": deck.pk}):
        response = client.post(reverse("study:exam_start"), data)
        assert response.status_code == 200  # the form again, with its error
    assert not Exam.objects.exists()


def test_the_owner_takes_an_exam_of_their_notebook(
    client: Client, shared: dict[str, Any], teacher: Any
) -> None:
    client.force_login(teacher)
    deck = shared["notebook"].decks.get(slug=f"nb{shared['notebook'].pk}")  # the whole notebook
    response = client.post(
        reverse("study:exam_start"), {"scope": "deck", "deck": deck.pk, "timed": ""}
    )
    assert response.status_code in (302, 303)


def test_an_import_cannot_reach_someone_elses_notebook(
    client: Client, shared: dict[str, Any], other_student: Any
) -> None:
    import json

    question: Question = shared["unassigned_question"]
    document = {
        "format": "saaprep-history",
        "review_states": [{"question": question.key}],
        "attempts": [],
        "exams": [],
    }
    client.force_login(other_student)
    upload = SimpleUploadedFile("x.json", json.dumps(document).encode())
    response = client.post(reverse("study:data_import"), {"file": upload})
    assert response.status_code in (200, 400)
    assert not question.review_states.exists()


def test_teachers_cannot_put_someone_elses_notebook_cards_in_their_decks(
    client: Client, shared: dict[str, Any], other_teacher: Any
) -> None:
    from classrooms import services as classroom_services

    deck = classroom_services.deck_create(owner=other_teacher, name="Mine", questions=[])
    question = shared["unassigned_question"]
    client.force_login(other_teacher)
    client.post(
        reverse("classrooms:deck_add", args=[deck.pk]),
        {"questions": [question.pk], "topics": [question.topic_id]},
    )
    assert not deck.questions.exists()
    search = client.get(reverse("classrooms:deck_detail", args=[deck.pk]), {"q": "retries"})
    assert "learn about retries" not in search.content.decode()


def test_notebook_pages_do_not_query_more_with_more_versions(
    client: Client, student: Any, django_assert_max_num_queries: Any
) -> None:
    from cards import services

    notebook = make_notebook(student)
    for extra in range(3):
        services.notebook_revise(
            notebook=notebook, text=NOTES + f"\n## Topic {extra}\n* q{extra}?\n  > * a.\n", now=NOW
        )
        make_notebook(student, title=f"Other {extra}")
    client.force_login(student)
    with django_assert_max_num_queries(12):
        assert client.get(notebook.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("cards:notebook_list")).status_code == 200


def test_notebook_text_is_escaped_and_links_are_safe(client: Client, student: Any) -> None:
    hostile = (
        "# Design Resilient Architectures\n\n## <script>alert(1)</script> SQS\n"
        "* <img src=x onerror=alert(1)> decouple?\n"
        "    > * [click](javascript:alert(1)) and [docs](https://docs.aws.amazon.com/sqs/)\n"
    )
    client.force_login(student)
    preview = client.post(reverse("cards:notebook_new"), {"text": hostile})
    response = client.post(reverse("cards:notebook_confirm"), {"draft": draft_token(preview)})
    notebook = Notebook.objects.get()
    question = Question.objects.get(notebook=notebook, origin="note")
    pages = [
        preview.content.decode(),
        client.get(response["Location"]).content.decode(),
        client.get(reverse("cards:question_detail", args=[question.pk])).content.decode(),
        client.get(reverse("cards:deck_detail", args=[f"nb{notebook.pk}"])).content.decode(),
    ]
    for page in pages:
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert 'href="javascript:' not in page
    assert 'href="https://docs.aws.amazon.com/sqs/"' in pages[2]
