"""Your data is yours: export as JSON and CSV, import into a fresh account, all or nothing."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from cards import services as card_services
from cards.models import Deck, Notebook, Question, TaskStatement
from cards.tests.test_notebook_revisions import BASE as NOTEBOOK
from cards.tests.test_notebook_revisions import LAMBDA_SECTION as NOTEBOOK_MORE
from study import portability, scheduling, selectors, services
from study.models import (
    Attempt,
    CardState,
    Exam,
    ExamItem,
    ExamScope,
    Mode,
    Rating,
    ReviewState,
    Showing,
)
from study.views import imported_message

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def now():
    """The moment `clock` stops at for these tests."""
    return NOW


def answer(user, deck, question, when, *, right=True, practice=False, rating=None):
    """Show `question` and answer it at `when` through the real services."""
    mode = Mode.CHOICE if question.is_choice else Mode.FLASHCARD
    showing = services.showing_issue(
        user=user, deck=deck, question=question, mode=mode, practice=practice, now=when
    )
    if mode == Mode.CHOICE:
        answers = list(question.answers.all())
        chosen = [a.pk for a in answers if a.is_correct == right][:1]
        return services.attempt_record(
            user=user,
            token=showing.token,
            slug=deck.slug,
            answer_ids=chosen,
            rating=None,
            duration_ms=4200,
            now=when,
        )
    return services.attempt_record(
        user=user,
        token=showing.token,
        slug=deck.slug,
        answer_ids=None,
        rating=rating or (Rating.GOOD if right else Rating.AGAIN),
        duration_ms=None,
        now=when,
    )


def build_history(user, deck):
    """Three weeks of study, a regrade, practice, a leech and a submitted exam."""
    questions = list(deck.questions.order_by("pk"))
    for days_ago in (21, 14, 9, 5, 3, 2, 1, 0):
        when = NOW - timedelta(days=days_ago, hours=1)
        for i, question in enumerate(questions):
            answer(user, deck, question, when + timedelta(minutes=i), right=(i + days_ago) % 3 != 0)
    # A lucky guess re-graded as Hard.
    last = answer(user, deck, questions[0], NOW - timedelta(minutes=5))
    if last.correct and last.showing is not None:
        services.attempt_regrade(user=user, token=last.showing.token, rating=Rating.HARD, now=NOW)
    # Eight wrong practice answers make questions[1] a leech.
    for i in range(8):
        answer(
            user,
            deck,
            questions[1],
            NOW - timedelta(days=30, minutes=i),
            right=False,
            practice=True,
        )
    exam = Exam.objects.create(
        user=user,
        scope=ExamScope.DECK,
        deck=deck,
        title="Practice exam 1",
        question_count=2,
        timed=True,
        started_at=NOW - timedelta(days=4),
        deadline=NOW - timedelta(days=4) + timedelta(minutes=4),
        submitted_at=NOW - timedelta(days=4) + timedelta(minutes=3),
        raw_score=1,
        scaled_score=550,
    )
    for position, question in enumerate(questions[:2], start=1):
        answers = list(question.answers.all())
        item = ExamItem.objects.create(
            exam=exam,
            question=question,
            position=position,
            option_order=[a.pk for a in reversed(answers)],
            chosen_answer_ids=[answers[position - 1].pk],
            answered_at=exam.started_at + timedelta(minutes=position),
            flagged=position == 2,
            correct=position == 1,
        )
    Attempt.objects.create(
        user=user,
        question=questions[1],
        mode=Mode.EXAM,
        rescheduled=False,
        chosen_answer_ids=item.chosen_answer_ids,
        correct=False,
        rating=Rating.AGAIN,
        reviewed_at=exam.submitted_at or NOW,
        exam_item=item,
    )


def export_of(user):
    return portability.history_export(user=user, now=NOW)


def upload(document, name="saaprep.json"):
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    return SimpleUploadedFile(name, raw, content_type="application/json")


def history_rows(user):
    return (
        ReviewState.objects.filter(user=user).count(),
        Attempt.objects.filter(user=user).count(),
        Exam.objects.filter(user=user).count(),
    )


@pytest.fixture
def learner(student, deck):
    student.time_zone = "America/New_York"
    student.desired_retention = Decimal("0.85")
    student.new_cards_per_day = 7
    student.save()
    build_history(student, deck)
    return student


# --- The round trip ---


def test_importing_an_export_reproduces_every_figure(client, learner, other_student, clock):
    document = json.loads(json.dumps(export_of(learner)))  # through real JSON text
    client.force_login(other_student)

    response = client.post(reverse("study:data_import"), {"file": upload(document)})

    assert response.status_code == 303
    assert response["Location"] == reverse("study:progress")
    other_student.refresh_from_db()
    assert other_student.time_zone == "America/New_York"
    assert other_student.desired_retention == Decimal("0.85")
    assert other_student.new_cards_per_day == 7
    assert other_student.display_name == "Other Student"  # identity is not imported
    copied = selectors.progress_report(user=other_student, now=NOW)
    original = selectors.progress_report(user=learner, now=NOW)
    assert copied.summary == original.summary
    assert copied == original
    # The history is not trivial: every figure has something in it.
    assert original.retention_reviews > 0
    assert original.streak == 6  # New York days 4 to 9 March: the exam filled the 5th
    assert original.forecast_total > 0
    assert original.leeches
    assert original.exam is not None and original.exam.readiness.readiness > 0
    # And exporting the copy gives the same file, but for whose account it is.
    copy_export, original_export = export_of(other_student), export_of(learner)
    assert copy_export.pop("account") != original_export.pop("account")
    assert copy_export == original_export


def test_round_trip_restores_notebooks_their_versions_cards_and_progress(learner, other_student):
    notebook = card_services.notebook_create(
        user=learner, title="My notes", text=NOTEBOOK, now=NOW - timedelta(days=10)
    )
    deck = notebook.decks.get(slug=f"nb{notebook.pk}")
    for i, question in enumerate(deck.questions.order_by("pk")):
        answer(learner, deck, question, NOW - timedelta(days=6, minutes=-i), right=i % 2 == 0)
    card_services.notebook_revise(
        notebook=notebook,
        text=NOTEBOOK.replace("## Amazon Route 53", "## Route 53 failover").replace(
            "keeps the order and processes each message exactly once", "keeps the order"
        )
        + NOTEBOOK_MORE,
        now=NOW - timedelta(days=5),
    )
    deck = notebook.decks.get(slug=f"nb{notebook.pk}")
    for i, question in enumerate(deck.questions.order_by("pk")):
        answer(learner, deck, question, NOW - timedelta(days=2, minutes=-i))
    Exam.objects.create(
        user=learner,
        scope=ExamScope.DECK,
        deck=deck,
        title="Notebook exam",
        question_count=1,
        timed=False,
        started_at=NOW - timedelta(days=1),
    )
    document = json.loads(json.dumps(export_of(learner)))
    assert [v["number"] for v in document["notebooks"][0]["versions"]] == [1, 2]

    portability.history_import(user=other_student, document=document, now=NOW)

    copy = Notebook.objects.get(owner=other_student)
    assert (copy.title, copy.created) == (notebook.title, notebook.created)
    assert list(copy.versions.order_by("number").values_list("number", "text", "created")) == list(
        notebook.versions.order_by("number").values_list("number", "text", "created")
    )

    def cards(owner):
        return sorted(
            Question.objects.filter(notebook__owner=owner).values_list(
                "origin", "prompt", "source_first_line", "retired_at", "source_changed_at"
            )
        )

    assert cards(other_student) == cards(learner)
    exam_deck = Exam.objects.get(user=other_student, title="Notebook exam").deck
    assert exam_deck is not None and exam_deck.notebook == copy
    # The copy's export is the original's, but for the account and the notebook's prefix.
    copied = json.dumps(export_of(other_student)["review_states"])
    original = json.dumps(export_of(learner)["review_states"])
    assert re.sub(rf"\bnb{copy.pk}(?=[-\"])", f"nb{notebook.pk}", copied) == original
    copied_attempts = export_of(other_student)["attempts"]
    assert len(copied_attempts) == len(export_of(learner)["attempts"])


def test_a_notebook_whose_notes_do_not_compile_refuses_the_whole_import(learner, other_student):
    card_services.notebook_create(user=learner, title="My notes", text=NOTEBOOK, now=NOW)
    document = export_of(learner)
    document["notebooks"][0]["versions"][0]["text"] = "## no domain heading\n* q\n  > * a\n"

    with pytest.raises(portability.DataImportError):
        portability.history_import(user=other_student, document=document, now=NOW)

    assert history_rows(other_student) == (0, 0, 0)
    assert not Notebook.objects.filter(owner=other_student).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda nb: nb.update(key_prefix="x1"), "key_prefix"),
        (lambda nb: nb["versions"][0].update(number=2), "must be 1"),
        (lambda nb: nb.update(versions=[]), "versions"),
        (lambda nb: nb["versions"][0].update(text=""), "empty"),
    ],
)
def test_a_bad_notebook_record_is_refused(learner, other_student, change, message):
    card_services.notebook_create(user=learner, title="My notes", text=NOTEBOOK, now=NOW)
    document = export_of(learner)
    change(document["notebooks"][0])

    with pytest.raises(portability.DataImportError) as refused:
        portability.history_import(user=other_student, document=document, now=NOW)

    assert message in str(refused.value)
    assert not Notebook.objects.filter(owner=other_student).exists()


def test_round_trip_keeps_exams_items_and_their_attempt(learner, other_student):
    portability.history_import(user=other_student, document=export_of(learner), now=NOW)

    exam = Exam.objects.get(user=other_student)
    original = Exam.objects.get(user=learner)
    assert (exam.title, exam.deck_id, exam.scaled_score, exam.deadline) == (
        original.title,
        original.deck_id,
        original.scaled_score,
        original.deadline,
    )
    items = list(exam.items.values_list("question_id", "position", "option_order", "flagged"))
    assert items == list(
        original.items.values_list("question_id", "position", "option_order", "flagged")
    )
    linked = Attempt.objects.get(user=other_student, exam_item__isnull=False)
    assert linked.exam_item is not None
    assert linked.exam_item.exam == exam
    assert linked.exam_item.position == 2
    assert linked.showing is None


def test_an_exams_domain_and_task_statement_travel_by_number_and_code(learner, other_student):
    exam = Exam.objects.get(user=learner)
    task = TaskStatement.objects.select_related("domain").get(code="3.2")
    Exam.objects.filter(pk=exam.pk).update(
        scope=ExamScope.TASK_STATEMENT, domain=task.domain, task_statement=task
    )
    document = export_of(learner)
    assert (document["exams"][0]["domain"], document["exams"][0]["task_statement"]) == (3, "3.2")

    portability.history_import(user=other_student, document=document, now=NOW)

    copy = Exam.objects.get(user=other_student)
    assert (copy.scope, copy.domain, copy.task_statement) == ("task", task.domain, task)


def test_a_domain_exam_from_an_older_export_gets_the_domain_of_its_questions(
    learner, other_student
):
    Exam.objects.filter(user=learner).update(scope=ExamScope.DOMAIN)
    document = export_of(learner)
    for exam in document["exams"]:  # written before exams named their domain
        del exam["domain"], exam["task_statement"]

    portability.history_import(user=other_student, document=document, now=NOW)

    copy = Exam.objects.get(user=other_student)
    assert copy.domain is not None and copy.domain.number == 3


def test_imported_card_before_names_this_databases_question(learner, other_student):
    portability.history_import(user=other_student, document=export_of(learner), now=NOW)
    for question_id, card in Attempt.objects.filter(
        user=other_student, card_before__isnull=False
    ).values_list("question_id", "card_before"):
        assert card is not None
        assert card["card_id"] == question_id


def test_an_imported_regrade_still_works_from_the_copied_card(learner, other_student, deck):
    """The copied card_before is a real FSRS card: the copy can go on studying."""
    portability.history_import(user=other_student, document=export_of(learner), now=NOW)
    question = deck.questions.order_by("pk")[2]

    attempt = answer(other_student, deck, question, NOW + timedelta(days=1))

    assert attempt.rescheduled
    assert attempt.state_before is not None


# --- The export ---


def test_export_names_questions_and_answers_portably(learner, deck):
    document = export_of(learner)

    assert (document["format"], document["version"]) == ("saaprep-export", 1)
    assert document["settings"]["time_zone"] == "America/New_York"
    assert document["settings"]["desired_retention"] == "0.85"
    keys = {q.key for q in deck.questions.all()}
    assert {row["question"] for row in document["review_states"]} == keys
    assert {row["question"] for row in document["attempts"]} == keys
    choice = next(row for row in document["attempts"] if row["mode"] == "choice")
    assert choice["chosen_answers"] and set(choice["chosen_answers"]) <= {1, 2, 3}
    assert all(
        row["card_before"] is None or "card_id" not in row["card_before"]
        for row in document["attempts"]
    )
    exam = document["exams"][0]
    assert exam["deck"] == deck.slug
    assert [item["option_order"] for item in exam["items"]] == [[3, 2, 1], [3, 2, 1]]
    assert [item["chosen_answers"] for item in exam["items"]] == [[1], [2]]
    linked = [row["exam_item"] for row in document["attempts"] if row["exam_item"]]
    assert linked == [{"exam": 0, "position": 2}]


def test_card_states_and_saved_cards_carry_and_check_every_fsrs_card_field(learner):
    document = export_of(learner)

    assert tuple(portability.CARD_CHECKS) == scheduling.CARD_FIELDS
    assert tuple(portability.STATE_CHECKS) == ("question", *portability.STATE_FIELDS)
    for row in document["review_states"]:
        assert tuple(row) == ("question", *portability.STATE_FIELDS)
    saved = [row["card_before"] for row in document["attempts"] if row["card_before"]]
    assert saved
    assert all(set(scheduling.CARD_FIELDS) <= card.keys() for card in saved)


def test_export_keeps_microseconds(student, question):
    moment = NOW.replace(microsecond=123456)
    Attempt.objects.create(
        user=student,
        question=question,
        mode=Mode.CHOICE,
        correct=True,
        rating=3,
        reviewed_at=moment,
    )
    assert export_of(student)["attempts"][0]["reviewed_at"] == "2025-03-10T03:00:00.123456+00:00"


def test_json_download_is_the_owners_only(client, learner, other_student, deck, clock):
    build_history(other_student, deck)
    other_exam = Exam.objects.get(user=other_student)
    other_exam.title = "Someone else's exam"
    other_exam.save()
    client.force_login(learner)

    response = client.get(reverse("study:data_export_json"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    # The date is the learner's own: 03:00 UTC is still the evening before in New York.
    assert response["Content-Disposition"] == 'attachment; filename="saaprep-2025-03-09.json"'
    document = json.loads(response.content)
    assert document["account"]["email"] == learner.email
    assert len(document["attempts"]) == Attempt.objects.filter(user=learner).count()
    assert [exam["title"] for exam in document["exams"]] == ["Practice exam 1"]
    assert "Someone else" not in response.content.decode()
    assert other_student.email not in response.content.decode()


def test_csv_download_opens_in_a_spreadsheet(client, student, deck, clock):
    question = deck.questions.order_by("pk").first()
    question.prompt = '=HYPERLINK("x") 람다는 무엇인가요?'
    question.save()
    answer(student, deck, question, NOW - timedelta(hours=1))
    client.force_login(student)

    response = client.get(reverse("study:data_export_csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="saaprep-2025-03-10.csv"'
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(portability.CSV_COLUMNS)
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["reviewed_at"] == "2025-03-10T11:00:00+09:00"  # in the learner's zone
    assert row["question"] == question.key
    assert row["topic"] == "Lambda"
    assert row["prompt"] == '\'=HYPERLINK("x") 람다는 무엇인가요?'  # never a formula
    assert (row["mode"], row["practice"], row["correct"], row["rating"]) == (
        "choice",
        "0",
        "1",
        "3",
    )
    assert row["answers_chosen"] == "1"
    assert row["duration_ms"] == "4200"


def test_csv_has_only_the_owners_attempts(client, student, other_student, deck, clock):
    question = deck.questions.order_by("pk").first()
    answer(other_student, deck, question, NOW - timedelta(hours=1))
    client.force_login(student)
    raw = b"".join(client.get(reverse("study:data_export_csv")).streaming_content)
    assert len(raw.decode("utf-8-sig").strip().splitlines()) == 1  # the header alone


def test_the_data_page_offers_downloads_and_the_import_form(client, student):
    client.force_login(student)
    response = client.get(reverse("study:data"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("study:data_export_json") in html
    assert reverse("study:data_export_csv") in html
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html


# --- Refused imports write nothing ---


def test_import_into_an_account_with_history_is_refused(client, learner, student, deck, clock):
    document = export_of(learner)
    before = history_rows(learner)
    client.force_login(learner)

    response = client.post(reverse("study:data_import"), {"file": upload(document)})

    assert response.status_code == 200
    assert "only be imported into a fresh account" in response.content.decode()
    assert history_rows(learner) == before


def test_unknown_questions_are_listed_and_nothing_is_written(client, learner, other_student, clock):
    document = export_of(learner)
    document["review_states"][0]["question"] = "no-such-question"
    document["attempts"][-1]["question"] = "gone-too"
    client.force_login(other_student)

    response = client.post(reverse("study:data_import"), {"file": upload(document)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "These questions do not exist on this site (2): gone-too, no-such-question" in html
    assert "Nothing was imported." in html
    assert history_rows(other_student) == (0, 0, 0)
    other_student.refresh_from_db()
    assert other_student.time_zone == "Asia/Seoul"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "The file is not valid JSON."),
        (b"\xff\xfe\x00garbage", "The file is not valid JSON."),
        (b'{"a":' * 1_500 + b"0" + b"}" * 1_500, "The file is not valid JSON."),  # too deep
        (b"[" * 100_000 + b"]" * 100_000, "far more records than a saaprep export of its size"),
        (b"[]", "This is not a saaprep data export."),
        (b'{"format": "other"}', "This is not a saaprep data export."),
        (b'{"format": "saaprep-export", "version": 99}', "a version of saaprep we cannot read"),
        (b'{"format": "saaprep-export", "version": 1}', "settings: must be an object"),
    ],
)
def test_a_bad_file_is_a_form_error(client, other_student, content, message):
    client.force_login(other_student)

    response = client.post(reverse("study:data_import"), {"file": upload(content)})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert history_rows(other_student) == (0, 0, 0)


def test_a_missing_file_is_a_form_error(client, other_student):
    client.force_login(other_student)
    response = client.post(reverse("study:data_import"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_a_file_over_5_mb_is_refused(client, other_student):
    client.force_login(other_student)
    big = b'{"format": "saaprep-export", "pad": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    response = client.post(reverse("study:data_import"), {"file": upload(big)})
    assert "larger than 5 MB" in response.content.decode()
    assert history_rows(other_student) == (0, 0, 0)


def mutate(document, path, value):
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("attempts", 0, "rating"), 7, "attempts[0].rating: must be one of: 1, 2, 3, 4"),
        (("attempts", 0, "correct"), "yes", "attempts[0].correct: must be true or false"),
        (("attempts", 0, "reviewed_at"), "2025-03-10", "attempts[0].reviewed_at: must be a date"),
        (("attempts", 0, "duration_ms"), -1, "attempts[0].duration_ms: must be a whole number"),
        (("attempts", 0, "card_before"), {"due": 1}, "attempts[0].card_before: must be a saved"),
        (("attempts", 0, "chosen_answers"), [True], "attempts[0].chosen_answers: must be a list"),
        (("attempts", 0, "exam_item"), {"exam": 5, "position": 1}, "does not name a question"),
        (("attempts", 0), "oops", "attempts[0]: must be an object"),
        (("review_states", 0, "state"), 9, "review_states[0].state: must be one of"),
        (("review_states", 0, "stability"), "NaN", "review_states[0].stability: must be a number"),
        (("review_states", 0, "reps"), True, "review_states[0].reps: must be a whole number"),
        (
            ("review_states", 0, "stability"),
            -1,
            "review_states[0].stability: must be a number above",
        ),
        (("review_states", 0, "stability"), None, "review_states[0]: is not a card state the"),
        (("exams", 0, "scaled_score"), 99, "exams[0].scaled_score: must be a whole number"),
        (("exams", 0, "deadline"), None, "a timed exam has a deadline"),
        (("exams", 0, "items", 1, "position"), 1, "exams[0].items[1].position: appears twice"),
        (("exams", 0, "items"), {}, "exams[0].items: must be a list"),
        (("settings", "time_zone"), "Mars/Olympus", "settings.time_zone:"),
        (("settings", "desired_retention"), "0.5", "settings.desired_retention:"),
        (("settings", "ui_language"), "fr", "settings.ui_language: is not a language"),
        (("attempts",), None, "attempts: must be a list"),
        (("settings", "new_cards_per_day"), {"a": 1}, "settings.new_cards_per_day:"),
        (("settings", "time_zone"), ["Asia/Seoul"], "settings.time_zone:"),
    ],
)
def test_an_invalid_field_is_named_and_nothing_is_written(
    client, learner, other_student, path, value, message
):
    document = export_of(learner)
    mutate(document, path, value)
    client.force_login(other_student)

    response = client.post(reverse("study:data_import"), {"file": upload(document)})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert history_rows(other_student) == (0, 0, 0)
    other_student.refresh_from_db()
    assert other_student.time_zone == "Asia/Seoul"


def test_a_missing_field_is_named(learner, other_student):
    document = export_of(learner)
    del document["review_states"][0]["due"]
    with pytest.raises(portability.DataImportError) as refused:
        portability.history_import(user=other_student, document=document, now=NOW)
    assert refused.value.messages == ["review_states[0].due: is missing"]


def test_an_unknown_answer_number_is_refused(learner, other_student):
    document = export_of(learner)
    choice = next(row for row in document["attempts"] if row["chosen_answers"])
    choice["chosen_answers"] = [9]
    with pytest.raises(portability.DataImportError) as refused:
        portability.history_import(user=other_student, document=document, now=NOW)
    assert "has no answer numbered 9" in refused.value.messages[0]
    assert history_rows(other_student) == (0, 0, 0)


def test_many_problems_are_cut_short(learner, other_student):
    document = export_of(learner)
    for row in document["attempts"]:
        row["rating"] = 0
    with pytest.raises(portability.DataImportError) as refused:
        portability.history_import(user=other_student, document=document, now=NOW)
    assert len(refused.value.messages) == portability.MAX_ERRORS_SHOWN + 1
    assert refused.value.messages[-1].endswith("more problems.")


def test_a_failure_while_writing_leaves_nothing_behind(learner, other_student, monkeypatch):
    document = export_of(learner)

    def broken(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(Attempt.objects, "bulk_create", broken)

    with pytest.raises(portability.DataImportError):
        portability.history_import(user=other_student, document=document, now=NOW)

    assert history_rows(other_student) == (0, 0, 0)
    assert not ExamItem.objects.filter(exam__user=other_student).exists()
    other_student.refresh_from_db()
    assert other_student.time_zone == "Asia/Seoul"


def test_an_exam_in_a_deck_the_importer_cannot_see_loses_its_deck(
    learner, other_student, teacher, deck
):
    private = Deck.objects.create(slug="private", name="Private", owner=teacher)
    Exam.objects.filter(user=learner).update(deck=private)
    portability.history_import(user=other_student, document=export_of(learner), now=NOW)
    assert Exam.objects.get(user=other_student).deck is None


def test_an_empty_export_imports_settings_only(student, other_student):
    student.time_zone = "Europe/Berlin"
    student.save()
    counts = portability.history_import(user=other_student, document=export_of(student), now=NOW)
    assert counts == portability.ImportCounts(review_states=0, attempts=0, exams=0)
    other_student.refresh_from_db()
    assert other_student.time_zone == "Europe/Berlin"


# --- Access ---


@pytest.mark.parametrize("name", ["study:data", "study:data_export_json", "study:data_export_csv"])
def test_data_pages_send_anonymous_visitors_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_import_is_sent_to_login(client, db):
    response = client.post(reverse("study:data_import"), {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("study:data", "post"),
        ("study:data_export_json", "post"),
        ("study:data_export_csv", "post"),
        ("study:data_import", "get"),
    ],
)
def test_data_views_refuse_the_wrong_method(client, student, name, method):
    client.force_login(student)
    assert getattr(client, method)(reverse(name)).status_code == 405


def test_import_needs_csrf(other_student, learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(other_student)
    response = client.post(reverse("study:data_import"), {"file": upload(export_of(learner))})
    assert response.status_code == 403
    assert history_rows(other_student) == (0, 0, 0)


def test_posted_user_fields_are_ignored(client, learner, other_student, clock):
    client.force_login(other_student)
    client.post(
        reverse("study:data_import"),
        {"file": upload(export_of(learner)), "user": learner.pk, "is_staff": "on"},
    )
    other_student.refresh_from_db()
    assert not other_student.is_staff
    assert history_rows(other_student) == history_rows(learner)


def test_showings_are_not_exported(learner):
    assert Showing.objects.filter(user=learner).exists()
    assert "showings" not in export_of(learner)


def test_review_states_keep_their_state(learner, other_student):
    portability.history_import(user=other_student, document=export_of(learner), now=NOW)
    fields = ("question_id", "state", "stability", "difficulty", "due", "reps", "lapses")
    assert list(
        ReviewState.objects.filter(user=other_student).order_by("question_id").values_list(*fields)
    ) == list(ReviewState.objects.filter(user=learner).order_by("question_id").values_list(*fields))
    assert ReviewState.objects.filter(user=other_student, state=CardState.REVIEW).exists()


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ((1, 1, 1), "Imported 1 card state, 1 answer and 1 exam."),
        ((12, 40, 2), "Imported 12 card states, 40 answers and 2 exams."),
        ((3, 5, 0), "Imported 3 card states, 5 answers and 0 exams."),
    ],
)
def test_the_import_message_counts_in_the_plural_only_when_there_are_several(counts, message):
    states, attempts, exams = counts
    assert imported_message(states=states, attempts=attempts, exams=exams) == message


# --- Implausible moments and inconsistent exams are refused ---


def refusal(document, user, now=NOW):
    with pytest.raises(portability.DataImportError) as refused:
        portability.history_import(user=user, document=document, now=now)
    assert history_rows(user) == (0, 0, 0)
    return refused.value.messages


WINDOW = "must be a moment from 2000-01-01 to"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        # Stored by PostgreSQL, but year 0 and year 10000 in UTC: Python cannot read them back.
        (("attempts", 0, "reviewed_at"), "0001-01-01T00:00:00+14:00", WINDOW),
        (("attempts", 0, "reviewed_at"), "9999-12-31T23:59:59-14:00", WINDOW),
        # Readable, but overflows when shown in Asia/Seoul.
        (("attempts", 0, "reviewed_at"), "9999-12-31T23:00:00+00:00", WINDOW),
        (("attempts", 0, "reviewed_at"), "1999-12-31T23:59:59+00:00", WINDOW),
        # An answer more than a day after now has not happened.
        (("attempts", 0, "reviewed_at"), "2025-03-11T03:00:01+00:00", f"{WINDOW} 2025-03-11"),
        (("attempts", 0, "due_after"), "2101-01-01T00:00:00+00:00", f"{WINDOW} 2100-12-31"),
        (("attempts", 0, "duration_ms"), 24 * 3600 * 1000 + 1, "must be a whole number from 0"),
        (("review_states", 0, "due"), "3000-01-01T00:00:00+00:00", WINDOW),
        (("review_states", 0, "first_review"), "2026-01-01T00:00:00+00:00", WINDOW),
        (("review_states", 0, "last_review"), "1970-01-01T00:00:00+00:00", WINDOW),
        (("review_states", 0, "stability"), float("inf"), "must be a number"),
        (("exams", 0, "started_at"), "0001-01-01T00:00:00+14:00", WINDOW),
        (("exams", 0, "submitted_at"), "2030-01-01T00:00:00+00:00", WINDOW),
        (("exams", 0, "deadline"), "9999-01-01T00:00:00+00:00", WINDOW),
        (("exams", 0, "items", 0, "answered_at"), "2030-01-01T00:00:00+00:00", WINDOW),
    ],
)
def test_an_implausible_moment_or_number_is_refused(learner, other_student, path, value, message):
    document = json.loads(json.dumps(export_of(learner)))
    mutate(document, path, value)

    messages = refusal(document, other_student)

    field = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)
    assert any(m.startswith(f"{field.lstrip('.')}: {message}") for m in messages), messages


def test_moments_are_stored_in_utc_and_due_dates_reach_2100(learner, other_student):
    document = export_of(learner)
    document["review_states"][0]["due"] = "2100-12-31T23:59:59+00:00"
    document["attempts"][0]["reviewed_at"] = "2025-03-11T11:00:00+09:00"  # now + 23 hours

    portability.history_import(user=other_student, document=document, now=NOW)

    key = document["review_states"][0]["question"]
    assert ReviewState.objects.get(user=other_student, question__key=key).due == datetime(
        2100, 12, 31, 23, 59, 59, tzinfo=UTC
    )
    assert Attempt.objects.filter(
        user=other_student, reviewed_at=datetime(2025, 3, 11, 2, 0, tzinfo=UTC)
    ).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda exam: (exam.update(raw_score=2), exam["items"][1].update(answered_at=None)),
            "exams[0].raw_score: is more than the questions answered (1)",
        ),
        (lambda exam: exam.update(question_count=1), "exams[0].items: has more questions than"),
        (
            lambda exam: exam["items"][1].update(position=3),
            "exams[0].items[1].position: is past the exam's last question",
        ),
        (
            lambda exam: exam.update(submitted_at="2025-03-05T00:00:00+00:00"),
            "exams[0].submitted_at: is before the exam started",
        ),
        (
            lambda exam: exam.update(deadline="2025-03-05T00:00:00+00:00"),
            "exams[0].deadline: is before the exam started",
        ),
        (
            lambda exam: exam["items"][0].update(answered_at="2025-03-05T00:00:00+00:00"),
            "exams[0].items[0].answered_at: is before the exam started",
        ),
        (
            lambda exam: exam["items"][0].update(answered_at="2025-03-07T00:00:00+00:00"),
            "exams[0].items[0].answered_at: is after the exam was submitted",
        ),
    ],
)
def test_an_inconsistent_exam_is_refused(learner, other_student, change, message):
    document = export_of(learner)
    exam = document["exams"][0]
    assert (exam["question_count"], exam["raw_score"], len(exam["items"])) == (2, 1, 2)
    change(exam)

    messages = refusal(document, other_student)

    assert any(m.startswith(message) for m in messages), messages


# --- A hostile file costs little: caps before reading, and an early stop ---


class ReadCounter:
    """Counts the records the import reads field by field."""

    def __init__(self, monkeypatch):
        self.records = 0
        original = portability._Reader.read

        def read(reader, record, path, checks):
            self.records += 1
            return original(reader, record, path, checks)

        monkeypatch.setattr(portability._Reader, "read", read)


def test_checking_stops_at_the_first_problem_past_those_shown(student, other_student, monkeypatch):
    document = export_of(student)
    document["attempts"] = [{} for _ in range(20_000)]  # twelve missing fields each
    counter = ReadCounter(monkeypatch)

    messages = refusal(document, other_student)

    assert len(messages) == portability.MAX_ERRORS_SHOWN + 1
    assert messages[0] == "attempts[0].question: is missing"
    assert messages[-1] == "… and more problems."
    assert counter.records == 2  # the 21st problem is in the second record: nothing after it


def test_more_records_than_a_5_mb_export_holds_are_refused_unread(
    student, other_student, monkeypatch
):
    cap = portability.MAX_RECORDS["attempts"]
    document = export_of(student)
    document["attempts"] = [{}] * (cap + 1)
    document["exams"] = [{"items": [{}] * (portability.MAX_EXAM_ITEMS // 2)}] * 3
    counter = ReadCounter(monkeypatch)

    messages = refusal(document, other_student)

    assert messages == [
        f"attempts: {cap + 1} records, more than an export of at most 5 MB can hold ({cap}). "
        "Nothing was checked further.",
        f"exams[].items: {portability.MAX_EXAM_ITEMS // 2 * 3} records, more than an export of "
        f"at most 5 MB can hold ({portability.MAX_EXAM_ITEMS}). Nothing was checked further.",
    ]
    assert counter.records == 0


def test_a_real_export_stays_within_the_caps(learner):
    """A real export, compact or as downloaded, holds far fewer containers than refused."""
    question = Attempt.objects.filter(user=learner).earliest("pk").question
    services.suspension_create(user=learner, question=question, now=NOW)
    document = export_of(learner)
    for raw in (
        json.dumps(document, separators=(",", ":")).encode(),
        json.dumps(document, ensure_ascii=False, indent=1).encode(),
    ):
        containers = raw.count(b"{") + raw.count(b"[")
        assert containers * 30 < len(raw)
        assert portability.history_load(raw) == json.loads(raw)
    for name, cap in portability.MAX_RECORDS.items():
        one = json.dumps(document[name][0], separators=(",", ":"))
        assert len(one) * cap > portability.MAX_IMPORT_BYTES


def test_a_5_mb_file_of_empty_objects_is_refused_before_parsing(client, other_student, monkeypatch):
    """1.74 million `{}`: parsing alone would take 130 MB (bench/import_memory measures it)."""
    raw = b'{"format": "saaprep-export", "version": 1, "attempts": [' + b"{}," * 1_740_000 + b"{}]}"
    assert len(raw) <= portability.MAX_IMPORT_BYTES

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(portability, "json", SimpleNamespace(loads=no_parsing))
    client.force_login(other_student)

    response = client.post(reverse("study:data_import"), {"file": upload(raw)})

    assert response.status_code == 200
    assert "far more records than a saaprep export of its size" in response.content.decode()
    assert history_rows(other_student) == (0, 0, 0)
