"""Teachers' classroom and assignment pages: what they show, what they change, bad input."""

import datetime as dt

import pytest
from django.urls import reverse

from cards.models import Deck
from classrooms import services
from classrooms.goals import Goal
from classrooms.models import Assignment, Classroom, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_teacher(client, teacher):
    client.force_login(teacher)
    return client


def test_classroom_list_shows_only_the_teachers_own(
    as_teacher, classroom, other_classroom, membership
):
    html = as_teacher.get(reverse("classrooms:classroom_list")).content.decode()
    assert classroom.name in html
    assert other_classroom.name not in html
    assert "1 student" in html


def test_creating_a_classroom(as_teacher, teacher, frozen):
    response = as_teacher.post(reverse("classrooms:classroom_create"), {"name": "  2반  "})
    classroom = Classroom.objects.get()
    assert classroom.name == "2반"  # the form trims it
    assert response.status_code == 303
    assert response["Location"] == classroom.get_absolute_url()
    assert classroom.teacher == teacher
    assert classroom.created_at == frozen


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_bad_class_name_rerenders_with_a_message_and_no_write(as_teacher, name):
    response = as_teacher.post(reverse("classrooms:classroom_create"), {"name": name})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Nothing was saved" in response.content.decode()
    assert not Classroom.objects.exists()


def test_classroom_page_shows_join_link_roster_and_assignments(
    as_teacher, classroom, membership, assignment, record, student, frozen
):
    question = assignment.deck.questions.first()
    record(student, question, at=frozen - dt.timedelta(hours=2))
    response = as_teacher.get(classroom.get_absolute_url())
    html = response.content.decode()
    assert f"/join/{classroom.join_code}/" in html
    assert "학생 김" in html
    assert student.email in html
    [member] = response.context["members"]
    assert member.last_activity == frozen - dt.timedelta(hours=2)
    [summary] = response.context["assignments"]
    assert (summary.done, summary.students, summary.card_count) == (0, 1, 3)
    assert "0 / 1" in html


def test_rename(as_teacher, classroom):
    url = reverse("classrooms:classroom_rename", args=[classroom.pk])
    assert as_teacher.post(url, {"name": " New name  "}).status_code == 303
    classroom.refresh_from_db()
    assert classroom.name == "New name"


def test_a_blank_rename_rerenders_the_class_page_and_keeps_the_name(as_teacher, classroom):
    url = reverse("classrooms:classroom_rename", args=[classroom.pk])
    response = as_teacher.post(url, {"name": "  "})
    assert response.status_code == 200
    assert response.context["rename_form"].errors
    # The heading still shows the saved name, not the rejected one.
    assert f"<h1>{classroom.name}</h1>" in response.content.decode()
    classroom.refresh_from_db()
    assert classroom.name == "3학년 1반"


def test_archive_then_restore(as_teacher, classroom, frozen):
    url = reverse("classrooms:classroom_archive", args=[classroom.pk])
    as_teacher.post(url, {"archived": "on"})
    classroom.refresh_from_db()
    assert classroom.archived_at == frozen
    html = as_teacher.get(classroom.get_absolute_url()).content.decode()
    assert "Restore class" in html
    assert classroom.join_code not in html  # no join link to share while archived
    as_teacher.post(url, {})
    classroom.refresh_from_db()
    assert classroom.archived_at is None


def test_rotating_the_code_kills_the_old_link(as_teacher, classroom, other_student, client):
    old = classroom.join_code
    as_teacher.post(reverse("classrooms:classroom_rotate_code", args=[classroom.pk]))
    classroom.refresh_from_db()
    assert classroom.join_code != old
    client.force_login(other_student)
    assert client.get(reverse("classrooms:join", args=[old])).status_code == 410
    assert client.post(reverse("classrooms:join", args=[old])).status_code == 410
    assert client.get(reverse("classrooms:join", args=[classroom.join_code])).status_code == 200


def test_the_join_link_has_a_copy_button_for_scripts_only(as_teacher, classroom):
    html = as_teacher.get(classroom.get_absolute_url()).content.decode()
    assert 'data-copy="join-url"' in html
    assert "hidden>Copy the link</button>" in html  # shown by copy.js; the field works without
    assert "js/copy.js" in html


def test_removing_a_student_ends_their_access_at_once(
    as_teacher, client, classroom, membership, assignment, student
):
    url = reverse("classrooms:student_remove", args=[classroom.pk, student.pk])
    assert as_teacher.post(url).status_code == 303
    assert not Membership.objects.exists()
    client.force_login(student)
    assert client.get(reverse("classrooms:class_detail", args=[classroom.pk])).status_code == 404
    study = reverse("study:session", args=[assignment.deck.slug])
    assert client.get(study).status_code == 404


def test_removing_someone_not_in_the_class_is_404(as_teacher, classroom, other_student):
    url = reverse("classrooms:student_remove", args=[classroom.pk, other_student.pk])
    assert as_teacher.post(url).status_code == 404


# --- Assignments ---


def assignment_data(deck, /, **extra):
    return {"deck": deck.pk, "goal": "answer_all", "due_at": "2026-03-09T18:00", **extra}


def test_assign_a_builtin_deck_with_a_memory_goal(as_teacher, classroom, deck, frozen):
    url = reverse("classrooms:assignment_create", args=[classroom.pk])
    response = as_teacher.post(url, assignment_data(deck, goal="recall", target_percent="80"))
    assignment = Assignment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == assignment.get_absolute_url()
    assert (assignment.goal, assignment.target_percent) == (Goal.RECALL, 80)
    assert assignment.assigned_at == frozen
    # Typed in the teacher's time zone (Asia/Seoul, UTC+9).
    assert assignment.due_at == dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC)


def test_the_due_date_follows_the_teachers_own_time_zone(
    as_teacher, teacher, classroom, deck, frozen
):
    teacher.time_zone = "Europe/London"
    teacher.save()
    url = reverse("classrooms:assignment_create", args=[classroom.pk])
    as_teacher.post(url, assignment_data(deck))
    assert Assignment.objects.get().due_at == dt.datetime(2026, 3, 9, 18, 0, tzinfo=dt.UTC)


def test_the_form_offers_builtin_and_own_decks_only(
    as_teacher, classroom, deck, teacher_deck, other_teacher
):
    theirs = services.deck_create(owner=other_teacher, name="Theirs")
    response = as_teacher.get(reverse("classrooms:assignment_create", args=[classroom.pk]))
    offered = set(response.context["form"].fields["deck"].queryset)
    assert offered == {deck, teacher_deck}
    assert theirs not in offered


def test_the_form_lists_decks_under_their_domain(as_teacher, classroom, deck, teacher_deck, topic):
    Deck.objects.filter(pk=deck.pk).update(domain=topic.domain)
    response = as_teacher.get(reverse("classrooms:assignment_create", args=[classroom.pk]))
    html = response.content.decode()
    fast = html.index('<optgroup label="Domain 3: Design High-Performing Architectures">')
    mixed = html.index('<optgroup label="Decks across domains">')
    assert fast < html.index("Lambda deck") < mixed < html.index("Week 1 ★")


@pytest.mark.parametrize(
    "extra",
    [
        {"due_at": "2026-03-01T10:00"},  # before now
        {"due_at": "not a date"},
        {"due_at": ""},
        {"goal": "recall", "target_percent": ""},
        {"goal": "recall", "target_percent": "150"},
        {"goal": "pass"},
        {"deck": "999999"},
        {"deck": "abc"},
    ],
)
def test_bad_assignments_rerender_with_errors_and_no_write(as_teacher, classroom, deck, extra):
    url = reverse("classrooms:assignment_create", args=[classroom.pk])
    response = as_teacher.post(url, assignment_data(deck, **extra))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Nothing was saved" in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("150", "Ensure this value is less than or equal to 100."),
        ("abc", "Enter a whole number."),
        ("", "Give the share of the deck to remember."),
    ],
)
def test_a_bad_share_gets_one_message(as_teacher, classroom, deck, target, message):
    url = reverse("classrooms:assignment_create", args=[classroom.pk])
    response = as_teacher.post(url, assignment_data(deck, goal="recall", target_percent=target))
    assert response.context["form"].errors["target_percent"] == [message]


def test_a_required_field_in_korean_speaks_like_the_app(as_teacher, classroom, deck):
    url = reverse("classrooms:assignment_create", args=[classroom.pk])
    response = as_teacher.post(url, assignment_data(deck, due_at=""), HTTP_ACCEPT_LANGUAGE="ko")
    html = response.content.decode()
    assert "꼭 입력해 주세요." in html
    assert "필수 항목입니다." not in html


def test_another_teachers_deck_cannot_be_assigned_by_id(as_teacher, classroom, other_teacher):
    theirs = services.deck_create(owner=other_teacher, name="Theirs")
    url = reverse("classrooms:assignment_create", args=[classroom.pk])
    response = as_teacher.post(url, assignment_data(theirs))
    assert response.status_code == 200
    assert "deck" in response.context["form"].errors
    assert not Assignment.objects.exists()


def test_an_empty_deck_cannot_be_assigned(as_teacher, classroom, teacher):
    empty = services.deck_create(owner=teacher, name="Empty")
    url = reverse("classrooms:assignment_create", args=[classroom.pk])
    response = as_teacher.post(url, assignment_data(empty))
    assert "deck" in response.context["form"].errors
    assert not Assignment.objects.exists()


def test_withdrawing_an_assignment(as_teacher, assignment, classroom):
    response = as_teacher.post(reverse("classrooms:assignment_delete", args=[assignment.pk]))
    assert response.status_code == 303
    assert response["Location"] == classroom.get_absolute_url()
    assert not Assignment.objects.exists()


def test_classroom_page_queries_do_not_grow_with_students_or_assignments(
    as_teacher,
    classroom,
    teacher,
    deck,
    teacher_deck,
    record,
    frozen,
    make_user,
    enrol,
    django_assert_max_num_queries,
):
    def grow(students, assignments):
        for i in range(students):
            enrol(classroom, make_user(f"s{Membership.objects.count()}-{i}@example.com"))
        for i in range(assignments):
            services.assignment_create(
                classroom=classroom,
                deck=deck if i % 2 else teacher_deck,
                goal=Goal.RECALL if i % 2 else Goal.ANSWER_ALL,
                target_percent=50 if i % 2 else None,
                due_at=frozen + dt.timedelta(days=i + 1),
                now=frozen,
            )
        for membership in Membership.objects.select_related("student"):
            for question in deck.questions.all()[:2]:
                record(membership.student, question, at=frozen - dt.timedelta(hours=1))

    grow(2, 1)
    with django_assert_max_num_queries(11):
        as_teacher.get(classroom.get_absolute_url())
    grow(20, 5)
    with django_assert_max_num_queries(11):
        response = as_teacher.get(classroom.get_absolute_url())
    assert len(response.context["members"]) == 22
    assert len(response.context["assignments"]) == 6


@pytest.mark.parametrize("classes", [1, 12])
def test_list_pages_run_a_fixed_number_of_queries(
    client, teacher, student, frozen, classes, enrol, django_assert_max_num_queries
):
    for i in range(classes):
        classroom = services.classroom_create(teacher=teacher, name=f"Class {i}", now=frozen)
        enrol(classroom, student)
        services.deck_create(owner=teacher, name=f"Deck {i}")
    client.force_login(teacher)
    for name in ("classrooms:classroom_list", "classrooms:deck_list"):
        with django_assert_max_num_queries(4):
            assert client.get(reverse(name)).status_code == 200
    client.force_login(student)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("classrooms:my_classes"))
    assert len(response.context["memberships"]) == classes
