"""The content admin: staff edit questions, and the answer-set rules hold there too."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cards.models import Answer, Deck, Question, Topic
from cards.tests.factories import make_topic


@pytest.fixture
def staff(client: Client, admin_user: Any) -> Client:
    client.force_login(admin_user)
    return client


def question_form(question: Question, **fields: Any) -> dict[str, Any]:
    """The change form as the admin page would post it back, with `fields` changed."""
    data: dict[str, Any] = {
        "key": question.key,
        "topic": question.topic_id,
        "kind": question.kind,
        "origin": question.origin,
        "order": question.order,
        "prompt": question.prompt,
        "prompt_en": question.prompt_en,
        "explanation": question.explanation,
        "explanation_en": question.explanation_en,
        **fields,
    }
    return {key: value for key, value in data.items() if value is not None}


def answer_forms(
    question: Question | None, rows: list[dict[str, Any]], *, initial: int | None = None
) -> dict[str, Any]:
    """Inline answer rows: each row's `answer` is an existing Answer (or absent for a new one)."""
    existing = [row for row in rows if "answer" in row]
    data: dict[str, Any] = {
        "answers-TOTAL_FORMS": len(rows),
        "answers-INITIAL_FORMS": len(existing) if initial is None else initial,
        "answers-MIN_NUM_FORMS": 0,
        "answers-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        prefix = f"answers-{i}-"
        answer: Answer | None = row.get("answer")
        data[prefix + "text"] = row.get("text", answer.text if answer else "")
        data[prefix + "text_en"] = row.get("text_en", answer.text_en if answer else "")
        data[prefix + "explanation"] = row.get("explanation", answer.explanation if answer else "")
        data[prefix + "explanation_en"] = ""
        data[prefix + "reference_url"] = ""
        data[prefix + "order"] = row.get("order", answer.order if answer else i + 1)
        correct = row.get("is_correct", answer.is_correct if answer else False)
        if correct:
            data[prefix + "is_correct"] = "on"
        if question is not None:
            data[prefix + "question"] = question.pk
        if answer is not None:
            data[prefix + "id"] = answer.pk
        if row.get("delete"):
            data[prefix + "DELETE"] = "on"
    return data


def existing_rows(question: Question, **changes: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per stored answer; `changes` maps "o<order>" to that row's new values."""
    return [
        {"answer": answer, **changes.get(f"o{answer.order}", {})}
        for answer in question.answers.order_by("order")
    ]


def change_url(question: Question) -> str:
    return reverse("admin:cards_question_change", args=[question.pk])


def snapshot(question: Question) -> tuple[Any, ...]:
    question.refresh_from_db()
    return (
        question.kind,
        question.prompt,
        tuple(question.answers.order_by("order").values_list("text", "is_correct", "order")),
    )


# --- who may use the admin ---


@pytest.mark.parametrize("name", ["cards_topic", "cards_question", "cards_deck"])
def test_student_is_sent_to_the_admin_login(client: Client, student: Any, name: str) -> None:
    client.force_login(student)
    url = reverse(f"admin:{name}_changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_is_sent_to_the_admin_login(client: Client, question: Question) -> None:
    response = client.get(change_url(question))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- lists and pages ---


@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        ("cards_topic", "", ["lambda", "global-accelerator"]),
        ("cards_topic", "?q=global", ["global-accelerator"]),
        ("cards_topic", "?task_statement__id__exact={3.2}", ["lambda"]),
        ("cards_topic", "?domain__id__exact={domain 3}", ["lambda", "global-accelerator"]),
        ("cards_question", "", ["Question 0", "Card 1"]),
        ("cards_question", "?q=Card", ["Card 0", "Card 1"]),
        ("cards_question", "?q=AWS+Lambda", ["Question 0", "Card 0"]),
        ("cards_question", "?kind__exact=flashcard", ["Card 0"]),
        ("cards_question", "?origin__exact=admin", ["Question 2"]),
        ("cards_question", "?topic__task_statement__id__exact={3.2}", ["Question 1"]),
        ("cards_question", "?topic__domain__id__exact={domain 3}", ["Question 1"]),
        ("cards_deck", "", ["Lambda deck", "Own deck"]),
        ("cards_deck", "?ownership=builtin", ["Lambda deck"]),
        ("cards_deck", "?ownership=owned", ["Own deck"]),
        ("cards_deck", "?q=own", ["Own deck"]),
    ],
)
def test_changelists_with_search_and_filters(
    staff: Client,
    deck: Deck,
    other_topic: Topic,
    teacher: Any,
    name: str,
    query: str,
    expected: list[str],
) -> None:
    Deck.objects.create(slug="own-deck", name="Own deck", owner=teacher)
    ids = {"{3.2}": topic_of(deck).task_statement_id, "{domain 3}": topic_of(deck).domain_id}
    for placeholder, pk in ids.items():
        query = query.replace(placeholder, str(pk))

    response = staff.get(reverse(f"admin:{name}_changelist") + query)

    assert response.status_code == 200
    html = response.content.decode()
    for text in expected:
        assert text in html


def topic_of(deck: Deck) -> Topic:
    question = deck.questions.select_related("topic").first()
    assert question is not None
    return question.topic


def test_filters_leave_out_what_they_exclude(staff: Client, deck: Deck, teacher: Any) -> None:
    Deck.objects.create(slug="own-deck", name="Own deck", owner=teacher)
    html = staff.get(reverse("admin:cards_deck_changelist") + "?ownership=builtin").content
    assert b"Own deck" not in html
    html = staff.get(reverse("admin:cards_question_changelist") + "?kind__exact=single").content
    assert b"Card 0" not in html


def test_topic_list_counts_questions(staff: Client, deck: Deck, other_topic: Topic) -> None:
    response = staff.get(reverse("admin:cards_topic_changelist"))
    counts = {topic.slug: topic.question_count for topic in response.context["cl"].result_list}
    assert counts == {"lambda": 5, "global-accelerator": 0}


def test_deck_list_counts_cards(staff: Client, deck: Deck) -> None:
    response = staff.get(reverse("admin:cards_deck_changelist"))
    assert [d.card_count for d in response.context["cl"].result_list] == [5]


def test_question_list_shows_the_citation(staff: Client, question: Question) -> None:
    html = staff.get(reverse("admin:cards_question_changelist")).content.decode()
    assert "notes/design-high-performing-architectures.md, lines 5–8" in html


@pytest.mark.parametrize("name", ["cards_topic", "cards_question", "cards_deck"])
def test_changelist_queries_do_not_grow_with_rows(
    staff: Client,
    topic: Topic,
    make_question: Callable[..., Question],
    django_assert_max_num_queries: Any,
    name: str,
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            new_topic = make_topic(f"t{Topic.objects.count()}", "T", "3.1")
            deck = Deck.objects.create(slug=f"d{Deck.objects.count()}", name=f"D{i}")
            deck.questions.set([make_question(new_topic), make_question(topic)])

    add(2)
    url = reverse(f"admin:{name}_changelist")
    staff.get(url)  # warm the session and content-type caches
    with django_assert_max_num_queries(12) as small:
        staff.get(url)
    add(20)
    with django_assert_max_num_queries(len(small)):
        assert staff.get(url).status_code == 200


def test_change_and_add_pages_open(staff: Client, deck: Deck, topic: Topic) -> None:
    question = deck.questions.first()
    assert question is not None
    urls = [
        reverse("admin:cards_topic_change", args=[topic.pk]),
        reverse("admin:cards_deck_change", args=[deck.pk]),
        change_url(question),
        reverse("admin:cards_topic_add"),
        reverse("admin:cards_question_add"),
        reverse("admin:cards_deck_add"),
    ]
    for url in urls:
        assert staff.get(url).status_code == 200, url


def test_question_page_cites_its_source_read_only(staff: Client, question: Question) -> None:
    html = staff.get(change_url(question)).content.decode()

    assert "notes/design-high-performing-architectures.md, lines 5–8" in html
    assert "<blockquote>* source line</blockquote>" in html
    assert f'href="{question.get_absolute_url()}"' in html
    assert "View on site" in html
    for field in ("source_file", "source_first_line", "source_last_line", "source_text"):
        assert f'name="{field}"' not in html


def test_quoted_source_lines_are_escaped(staff: Client, question: Question) -> None:
    Question.objects.filter(pk=question.pk).update(
        source_text="* <script>alert(1)</script>\n* 둘째 줄"
    )
    html = staff.get(change_url(question)).content.decode()
    assert "<blockquote>* &lt;script&gt;alert(1)&lt;/script&gt;<br>* 둘째 줄</blockquote>" in html


def test_source_fields_cannot_be_changed_by_posting_them(staff: Client, question: Question) -> None:
    data = question_form(question, source_file="notes/other.md", source_first_line=1)
    data |= answer_forms(question, existing_rows(question))

    response = staff.post(change_url(question), data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.source_file, question.source_first_line) == (
        "notes/design-high-performing-architectures.md",
        5,
    )


def test_add_page_asks_for_the_source(staff: Client, db: None) -> None:
    html = staff.get(reverse("admin:cards_question_add")).content.decode()
    assert 'name="source_file"' in html
    assert 'name="answers-3-text"' in html
    # New answer rows are numbered, so several can be filled in without touching the order.
    assert 'name="answers-1-order" value="2"' in html


# --- edits ---


def test_valid_edit_saves_and_the_public_page_shows_it(staff: Client, question: Question) -> None:
    data = question_form(question, prompt="서버 없이 코드를 실행하는 서비스는?")
    data |= answer_forms(question, existing_rows(question, o2={"text": "Amazon EC2 인스턴스"}))

    response = staff.post(change_url(question), data)

    assert response.status_code == 302
    public = staff.get(question.get_absolute_url()).content.decode()
    assert "서버 없이 코드를 실행하는 서비스는?" in public
    assert "Amazon EC2 인스턴스" in public


@pytest.mark.parametrize(
    ("kind", "changes", "message"),
    [
        (
            "single",
            {"o2": {"is_correct": True}},
            "A single-choice question needs exactly one correct answer (it has 2).",
        ),
        (
            "single",
            {"o2": {"delete": True}, "o3": {"delete": True}},
            "A single-choice question needs at least one wrong answer.",
        ),
        (
            "multiple",
            {},
            "A multiple-response question needs at least two correct answers (it has 1).",
        ),
        (
            "flashcard",
            {"o1": {"delete": True}, "o2": {"delete": True}, "o3": {"delete": True}},
            "A flashcard needs at least one answer.",
        ),
    ],
)
def test_invalid_answer_set_is_refused_and_nothing_changes(
    staff: Client, question: Question, kind: str, changes: dict[str, Any], message: str
) -> None:
    before = snapshot(question)
    data = question_form(question, kind=kind, prompt="changed")
    data |= answer_forms(question, existing_rows(question, **changes))

    response = staff.post(change_url(question), data)

    assert response.status_code == 200
    html = response.content.decode()
    # Once in the messages at the top, once above the answer rows.
    assert html.count(message) == 2
    assert snapshot(question) == before


def test_changing_the_kind_is_checked_against_the_new_kind(
    staff: Client, question: Question
) -> None:
    data = question_form(question, kind="multiple")
    data |= answer_forms(question, existing_rows(question, o2={"is_correct": True}))

    response = staff.post(change_url(question), data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.kind == "multiple"
    assert question.answers.filter(is_correct=True).count() == 2


def test_duplicate_answer_order_is_a_form_error(staff: Client, question: Question) -> None:
    before = snapshot(question)
    data = question_form(question)
    data |= answer_forms(question, existing_rows(question, o3={"order": 2}))

    response = staff.post(change_url(question), data)

    assert response.status_code == 200
    assert "Please correct the duplicate data for order" in response.content.decode()
    assert snapshot(question) == before


def test_answers_can_swap_places(staff: Client, question: Question) -> None:
    data = question_form(question)
    data |= answer_forms(question, existing_rows(question, o1={"order": 2}, o2={"order": 1}))

    response = staff.post(change_url(question), data)

    assert response.status_code == 302
    assert list(question.answers.order_by("order").values_list("text", flat=True)) == [
        "Amazon EC2",
        "AWS Lambda",
        "Amazon S3",
    ]


def test_a_deleted_answer_frees_its_order(staff: Client, question: Question) -> None:
    data = question_form(question)
    data |= answer_forms(
        question,
        [*existing_rows(question, o2={"order": 3}, o3={"delete": True}), {"text": "ECS"}],
    )
    data["answers-3-order"] = 2

    response = staff.post(change_url(question), data)

    assert response.status_code == 302
    assert list(question.answers.order_by("order").values_list("text", "order")) == [
        ("AWS Lambda", 1),
        ("ECS", 2),
        ("Amazon EC2", 3),
    ]


def test_add_a_question_with_its_answers(staff: Client, topic: Topic) -> None:
    data = {
        "key": "lambda-admin-1",
        "topic": topic.pk,
        "kind": "single",
        "origin": "admin",
        "order": 1,
        "prompt": "Lambda의 최대 실행 시간은?",
        "source_file": "notes/design-high-performing-architectures.md",
        "source_first_line": 5,
        "source_last_line": 6,
        "source_text": "* line",
    } | answer_forms(
        None,
        [{"text": "15분", "is_correct": True}, {"text": "5분"}, {"text": ""}, {"text": ""}],
        initial=0,
    )
    # Blank rows keep the order the page numbered them with, so they count as untouched.
    data["answers-2-order"], data["answers-3-order"] = 3, 4

    response = staff.post(reverse("admin:cards_question_add"), data)

    assert response.status_code == 302
    question = Question.objects.get(key="lambda-admin-1")
    assert list(question.answers.values_list("text", "is_correct")) == [
        ("15분", True),
        ("5분", False),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"answers-1-is_correct": "on"}, "needs exactly one correct answer (it has 2)"),
        (
            {"source_first_line": 9, "source_last_line": 5},
            "The last line cannot come before the first line.",
        ),
        ({"kind": "essay"}, "Select a valid choice."),
    ],
)
def test_invalid_new_question_creates_nothing(
    staff: Client, topic: Topic, overrides: dict[str, Any], message: str
) -> None:
    data = {
        "key": "lambda-admin-2",
        "topic": topic.pk,
        "kind": "single",
        "origin": "admin",
        "order": 1,
        "prompt": "?",
        "source_file": "notes/x.md",
        "source_first_line": 5,
        "source_last_line": 5,
    } | answer_forms(None, [{"text": "a", "is_correct": True}, {"text": "b"}], initial=0)

    response = staff.post(reverse("admin:cards_question_add"), data | overrides)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()
    assert not Answer.objects.exists()


def test_deck_edit_sets_its_questions(
    staff: Client, topic: Topic, make_question: Callable[..., Question]
) -> None:
    questions = [make_question(topic) for _ in range(3)]
    data = {
        "name": "Lambda 기초",
        "name_en": "Lambda basics",
        "slug": "lambda-basics",
        "description": "",
        "description_en": "",
        "owner": "",
        "order": 0,
        "questions": [questions[0].pk, questions[2].pk],
    }

    response = staff.post(reverse("admin:cards_deck_add"), data)

    assert response.status_code == 302
    deck = Deck.objects.get(slug="lambda-basics")
    assert set(deck.questions.all()) == {questions[0], questions[2]}
    assert deck.is_builtin


def test_notebooks_in_the_admin_with_read_only_provenance(
    client: Client, admin_user: Any, student: Any
) -> None:
    from cards.tests.test_notebooks import make_notebook

    notebook = make_notebook(student)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:cards_notebook_changelist"))
    assert listing.status_code == 200 and "My notes" in listing.content.decode()
    page = client.get(reverse("admin:cards_notebook_change", args=[notebook.pk]))
    assert page.status_code == 200
    assert "Design Resilient Architectures" in page.content.decode()  # the version's Markdown
    assert 'name="versions-0-text"' not in page.content.decode()  # shown, not editable
    question = Question.objects.filter(notebook=notebook).first()
    assert question is not None
    page = client.get(reverse("admin:cards_question_change", args=[question.pk]))
    assert page.status_code == 200
    assert 'name="notebook"' not in page.content.decode()
    assert client.get(reverse("admin:cards_notebook_add")).status_code == 403
