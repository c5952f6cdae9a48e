"""Teachers build their own decks: create, search and filter questions, add, remove, rename."""

import pytest
from django.urls import reverse

from cards.models import Deck, TaskStatement
from cards.tests.factories import domain_numbered
from classrooms import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_teacher(client, teacher):
    client.force_login(teacher)
    return client


def deck_url(deck):
    return reverse("classrooms:deck_detail", args=[deck.pk])


def test_deck_list_shows_only_own_decks(as_teacher, teacher_deck, deck, other_teacher):
    theirs = services.deck_create(owner=other_teacher, name="Their deck")
    html = as_teacher.get(reverse("classrooms:deck_list")).content.decode()
    assert teacher_deck.name in html
    assert "3 cards" in html
    assert theirs.name not in html


def test_create_a_deck_from_a_whole_topic(as_teacher, teacher, topic, other_topic, make_question):
    in_topic = {make_question(topic), make_question(topic)}
    make_question(other_topic)
    response = as_teacher.post(
        reverse("classrooms:deck_create"),
        {"name": "  람다 복습 ", "description": " d ", "topics": [topic.pk]},
    )
    deck = Deck.objects.get(owner=teacher)
    assert (deck.name, deck.description) == ("람다 복습", "d")  # the form trims them
    assert response.status_code == 303
    assert response["Location"] == deck_url(deck)
    assert set(deck.questions.all()) == in_topic


@pytest.mark.parametrize("data", [{"name": ""}, {"name": "ok", "topics": ["999999"]}])
def test_bad_deck_input_rerenders_with_no_write(as_teacher, data):
    response = as_teacher.post(reverse("classrooms:deck_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Deck.objects.exists()


def test_extra_fields_cannot_give_the_deck_another_owner(as_teacher, teacher, other_teacher):
    as_teacher.post(
        reverse("classrooms:deck_create"),
        {"name": "Mine", "owner": other_teacher.pk, "slug": "stolen-slug"},
    )
    deck = Deck.objects.get()
    assert deck.owner == teacher
    assert deck.slug != "stolen-slug"


@pytest.fixture
def library(topic, other_topic, make_question):
    return {
        "lambda_single": make_question(topic, prompt="Lambda 동시성 한도는?"),
        "lambda_card": make_question(topic, kind="flashcard", prompt="Lambda 콜드 스타트"),
        "ga_single": make_question(other_topic, prompt="Global Accelerator 고정 IP"),
        "ga_multi": make_question(other_topic, kind="multiple", prompt="Anycast 두 가지"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "lambda"}, {"lambda_single", "lambda_card"}),
        ({"q": "고정"}, {"ga_single"}),
        ({"kind": "flashcard"}, {"lambda_card"}),
        ({"kind": "multiple"}, {"ga_multi"}),
        ({"task_statement": "3.4"}, {"ga_single", "ga_multi"}),
        ({"domain": 3, "q": "Lambda"}, {"lambda_single", "lambda_card"}),
        ({"domain": 2}, set()),
        ({"q": "Lambda", "kind": "single"}, {"lambda_single"}),
        ({"q": "nothing like this"}, set()),
    ],
)
def test_search_and_filter_questions(as_teacher, teacher_deck, library, query, expected):
    # The selects post ids; the table names task statements by code and domains by number.
    if "task_statement" in query:
        query["task_statement"] = TaskStatement.objects.get(code=query["task_statement"]).pk
    if "domain" in query:
        query["domain"] = domain_numbered(query["domain"]).pk
    response = as_teacher.get(deck_url(teacher_deck), query)
    found = {q for q, _present in response.context["results"]}
    assert found == {library[name] for name in expected}


def test_search_by_topic(as_teacher, teacher_deck, library, other_topic):
    response = as_teacher.get(deck_url(teacher_deck), {"topic": other_topic.pk})
    assert {q for q, _ in response.context["results"]} == {
        library["ga_single"],
        library["ga_multi"],
    }


def test_bad_search_input_is_ignored_not_a_500(as_teacher, teacher_deck, library):
    response = as_teacher.get(deck_url(teacher_deck), {"topic": "abc", "kind": "essay"})
    assert response.status_code == 200
    assert response.context["results"] == []


def test_search_results_mark_cards_already_in_the_deck(as_teacher, teacher_deck):
    response = as_teacher.get(deck_url(teacher_deck), {"q": "Teacher Q"})
    assert [present for _q, present in response.context["results"]] == [True, True, True]


def test_add_single_questions_and_come_back_to_the_search(as_teacher, teacher_deck, library):
    url = reverse("classrooms:deck_add", args=[teacher_deck.pk])
    response = as_teacher.post(
        url,
        {"questions": [library["ga_single"].pk, library["ga_multi"].pk], "search": "q=Anycast"},
    )
    assert response.status_code == 303
    assert response["Location"] == f"{deck_url(teacher_deck)}?q=Anycast"
    assert teacher_deck.questions.count() == 5


def test_add_a_whole_topic(as_teacher, teacher_deck, library, other_topic):
    url = reverse("classrooms:deck_add", args=[teacher_deck.pk])
    as_teacher.post(url, {"topics": [other_topic.pk]})
    assert set(teacher_deck.questions.filter(topic=other_topic)) == {
        library["ga_single"],
        library["ga_multi"],
    }


@pytest.mark.parametrize("data", [{}, {"questions": ["abc"]}, {"questions": ["999999"]}])
def test_adding_nothing_or_nonsense_rerenders_with_no_write(as_teacher, teacher_deck, data):
    url = reverse("classrooms:deck_add", args=[teacher_deck.pk])
    response = as_teacher.post(url, data)
    assert response.status_code == 200
    assert response.context["add_error"]
    assert teacher_deck.questions.count() == 3


def test_remove_cards(as_teacher, teacher_deck):
    first, *rest = list(teacher_deck.questions.all())
    url = reverse("classrooms:deck_remove", args=[teacher_deck.pk])
    assert as_teacher.post(url, {"questions": [first.pk]}).status_code == 303
    assert set(teacher_deck.questions.all()) == set(rest)


def test_removing_a_card_of_another_deck_is_refused(as_teacher, teacher_deck, deck):
    url = reverse("classrooms:deck_remove", args=[teacher_deck.pk])
    other_card = deck.questions.first()
    response = as_teacher.post(url, {"questions": [other_card.pk]})
    assert response.status_code == 200
    assert response.context["remove_form"].errors
    assert deck.questions.count() == 5
    assert teacher_deck.questions.count() == 3


def test_rename_and_describe(as_teacher, teacher_deck):
    url = reverse("classrooms:deck_edit", args=[teacher_deck.pk])
    as_teacher.post(url, {"name": " Week 2 ", "description": "  S3 and EBS\n"})
    teacher_deck.refresh_from_db()
    assert (teacher_deck.name, teacher_deck.description) == ("Week 2", "S3 and EBS")


def test_a_blank_deck_name_rerenders_and_keeps_the_old(as_teacher, teacher_deck):
    url = reverse("classrooms:deck_edit", args=[teacher_deck.pk])
    response = as_teacher.post(url, {"name": "", "description": "x"})
    assert response.status_code == 200
    assert response.context["edit_form"].errors
    assert "<h1>Week 1</h1>" in response.content.decode()
    teacher_deck.refresh_from_db()
    assert (teacher_deck.name, teacher_deck.description) == ("Week 1", "")


def test_deck_page_queries_do_not_grow_with_cards(
    as_teacher, teacher_deck, topic, make_question, django_assert_max_num_queries
):
    # 9: one read of the blueprint (task statements with their domains) names the domain and
    # task statement filters, a constant whatever the deck holds.
    with django_assert_max_num_queries(9):
        as_teacher.get(deck_url(teacher_deck), {"q": "Q"})
    teacher_deck.questions.add(*[make_question(topic, prompt=f"More Q{i}") for i in range(30)])
    with django_assert_max_num_queries(9):
        response = as_teacher.get(deck_url(teacher_deck), {"q": "Q"})
    assert len(response.context["questions"]) == 33
