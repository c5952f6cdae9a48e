"""Students: joining by link, their classes, their own assignments on the home page, leaving."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from classrooms import services
from classrooms.access import TEACHERS_GROUP
from classrooms.goals import Goal
from classrooms.models import Membership
from classrooms.selectors import student_assignments

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # the cast's moment (the now fixture)

pytestmark = pytest.mark.django_db


def join_url(classroom):
    return reverse("classrooms:join", args=[classroom.join_code])


# --- Joining ---


def test_anonymous_join_link_shows_the_class_and_the_way_in(client, classroom):
    url = join_url(classroom)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert classroom.name in page
    assert "Teacher Lee" in page
    assert "Sign up or log in to join" in page
    assert f"{reverse('account_signup')}?next={quote(url)}" in page
    assert f"{reverse('account_login')}?next={quote(url)}" in page
    assert "Join the class" not in page  # confirming needs an account


def test_anonymous_post_to_a_join_link_goes_to_login_and_back(client, classroom):
    url = join_url(classroom)
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={quote(url)}"
    assert not Membership.objects.exists()


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_replaced_link_says_so_with_410(client, classroom, student, signed_in):
    old = join_url(classroom)
    services.classroom_rotate_code(classroom=classroom, now=NOW)
    if signed_in:
        client.force_login(student)
    response = client.get(old)
    assert response.status_code == 410
    assert "ask your teacher for the new link" in response.content.decode()
    assert client.post(old).status_code == 410
    assert not Membership.objects.exists()
    assert client.get(join_url(classroom)).status_code == 200  # the new one works


def test_a_replaced_link_of_an_archived_class_is_404(client, classroom):
    old = join_url(classroom)
    services.classroom_rotate_code(classroom=classroom, now=NOW)
    services.classroom_set_archived(classroom=classroom, archived=True, now=NOW)
    assert client.get(old).status_code == 404


def test_a_wrong_code_is_404_for_anonymous_visitors_too(client, classroom):
    assert client.get(reverse("classrooms:join", args=["wrongcode123"])).status_code == 404


def test_the_login_page_passes_the_join_link_on_to_signup(client, classroom):
    url = join_url(classroom)
    login = client.get(f"{reverse('account_login')}?next={url}").content.decode()
    assert f"{reverse('account_signup')}?next={quote(url, safe='')}" in login


def test_signing_up_through_the_link_comes_back_to_the_join_page(
    client, classroom, frozen, confirm_email
):
    url = join_url(classroom)
    signed_up = client.post(
        f"{reverse('account_signup')}?next={url}",
        {
            "email": "new@example.com",
            "password1": "a long passphrase for a new learner",
            "password2": "a long passphrase for a new learner",
            "next": url,
        },
    )
    assert signed_up["Location"] == reverse("account_email_verification_sent")
    response = confirm_email(client, "new@example.com")  # the link mailed to the new address
    assert response.status_code == 302
    assert response["Location"] == url
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Join the class" in confirm.content.decode()
    assert not Membership.objects.exists()  # confirming is a separate POST
    assert client.post(url).status_code == 303
    assert Membership.objects.get().student.email == "new@example.com"


def test_confirming_enrols_and_goes_to_the_class(client, classroom, student, frozen):
    client.force_login(student)
    response = client.post(join_url(classroom))
    assert response.status_code == 303
    assert response["Location"] == reverse("classrooms:class_detail", args=[classroom.pk])
    membership = Membership.objects.get()
    assert (membership.student, membership.joined_at) == (student, frozen)


def test_joining_again_is_harmless(client, classroom, membership, student):
    client.force_login(student)
    assert "already in this class" in client.get(join_url(classroom)).content.decode()
    assert client.post(join_url(classroom)).status_code == 303
    assert Membership.objects.count() == 1


@pytest.mark.parametrize("code", ["wrongcode123", "x", "a" * 40])
def test_a_wrong_code_is_404_like_a_missing_one(client, student, classroom, code):
    client.force_login(student)
    url = reverse("classrooms:join", args=[code])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Membership.objects.exists()


def test_a_code_in_another_case_is_a_wrong_code(client, student, classroom):
    client.force_login(student)
    swapped = classroom.join_code.swapcase()
    if swapped == classroom.join_code:
        pytest.skip("code without letters")
    assert client.get(reverse("classrooms:join", args=[swapped])).status_code == 404


def test_an_archived_class_cannot_be_joined(client, classroom, student):
    services.classroom_set_archived(classroom=classroom, archived=True, now=NOW)
    client.force_login(student)
    assert client.get(join_url(classroom)).status_code == 404
    assert client.post(join_url(classroom)).status_code == 404
    assert not Membership.objects.exists()


def test_the_teacher_opening_their_own_link_is_not_enrolled(client, classroom, teacher):
    client.force_login(teacher)
    assert "You teach this class" in client.get(join_url(classroom)).content.decode()
    response = client.post(join_url(classroom))
    assert response.status_code == 200
    assert not Membership.objects.exists()


# --- Their classes ---


def test_my_classes_lists_only_my_enrolments(client, student, classroom, other_classroom, enrol):
    enrol(classroom, student)
    client.force_login(student)
    html = client.get(reverse("classrooms:my_classes")).content.decode()
    assert classroom.name in html
    assert other_classroom.name not in html
    assert "Teacher Lee" in html


def test_class_page_shows_my_own_progress_only(
    client, student, other_student, classroom, membership, assignment, record, frozen, enrol
):
    enrol(classroom, other_student)
    questions = list(assignment.deck.questions.all())
    record(student, questions[0], at=frozen - dt.timedelta(hours=1))
    for question in questions:
        record(other_student, question, at=frozen - dt.timedelta(hours=1))
    client.force_login(student)
    response = client.get(reverse("classrooms:class_detail", args=[classroom.pk]))
    [item] = response.context["work"]
    assert (item.progress.answered, item.progress.total) == (1, 3)
    html = response.content.decode()
    assert "1 of 3 cards answered" in html
    assert "Other Student" not in html
    assert other_student.email not in html
    study_url = f"{reverse('study:session', args=[assignment.deck.slug])}?mode=flashcard"
    assert f'href="{study_url}"' in html


def test_leaving_a_class(client, student, classroom, membership, assignment):
    client.force_login(student)
    response = client.post(reverse("classrooms:class_leave", args=[classroom.pk]))
    assert response.status_code == 303
    assert not Membership.objects.exists()
    assert client.get(reverse("study:session", args=[assignment.deck.slug])).status_code == 404


# --- The home page ---


def test_home_lists_open_assignments_with_progress_due_date_and_a_study_link(
    client, student, assignment, record, frozen
):
    record(student, assignment.deck.questions.first(), at=frozen - dt.timedelta(hours=1))
    client.force_login(student)
    response = client.get(reverse("home"))
    [item] = response.context["assignments"]
    study_url = f"{reverse('study:session', args=[assignment.deck.slug])}?mode=flashcard"
    assert item.assignment == assignment
    assert item.progress.percent == 33
    html = response.content.decode()
    assert "Your assignments" in html
    assert "1 of 3 cards answered" in html
    assert "2026-03-09 18:00" in html  # due, in the learner's time zone (Asia/Seoul)
    assert f'href="{study_url}"' in html
    assert "On track" in html
    # The assigned deck is studiable straight away.
    assert client.get(study_url).status_code == 200


def test_home_shows_late_and_missing_after_the_due_date(
    client, student, other_student, classroom, assignment, record, clock, enrol
):
    enrol(classroom, other_student)
    record(student, assignment.deck.questions.first(), at=NOW)
    clock.move_to(assignment.due_at + dt.timedelta(days=1))
    client.force_login(student)
    [late] = client.get(reverse("home")).context["assignments"]
    assert late.status == "late"
    client.force_login(other_student)
    response = client.get(reverse("home"))
    [missing] = response.context["assignments"]
    assert missing.status == "missing"
    assert "you can still study it" in response.content.decode()


def test_home_hides_work_done_and_past_due_and_archived_classes(
    client, student, classroom, assignment, record, clock, deck, frozen
):
    for question in assignment.deck.questions.all():
        record(student, question, at=NOW)
    client.force_login(student)
    assert client.get(reverse("home")).context["assignments"][0].status == "done"
    clock.move_to(assignment.due_at + dt.timedelta(hours=1))
    assert client.get(reverse("home")).context["assignments"] == []
    # An archived class's assignments leave the home page too.
    services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.ANSWER_ALL,
        target_percent=None,
        due_at=assignment.due_at + dt.timedelta(days=5),
        now=frozen,
    )
    assert len(client.get(reverse("home")).context["assignments"]) == 1
    services.classroom_set_archived(classroom=classroom, archived=True, now=frozen)
    assert client.get(reverse("home")).context["assignments"] == []


def test_home_shows_recall_goal_progress(
    client, student, classroom, membership, deck, record, clock
):
    assignment = services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.RECALL,
        target_percent=60,
        due_at=NOW + dt.timedelta(days=7),
        now=NOW,
    )
    questions = list(deck.questions.all())
    record(student, questions[0], at=NOW, stability=10.0)  # remembered
    record(student, questions[1], at=NOW - dt.timedelta(days=5), stability=1.0)  # faded
    clock.move_to(NOW + dt.timedelta(hours=1))
    client.force_login(student)
    response = client.get(reverse("home"))
    [item] = response.context["assignments"]
    assert item.assignment == assignment
    assert (item.progress.recalled, item.progress.needed) == (1, 3)
    assert "1 of 3 cards remembered (5 in the deck)" in response.content.decode()


def test_memory_goals_count_on_their_own_due_dates(
    student, classroom, membership, deck, record, clock
):
    """Two memory goals on one deck: the one still ahead by prediction for its day, the one
    past as the cards stood on its day (a card studied since then does not count)."""
    day = dt.timedelta(days=1)
    past = services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.RECALL,
        target_percent=20,
        due_at=NOW + 2 * day,
        now=NOW - day,
    )
    ahead = services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.RECALL,
        target_percent=20,
        due_at=NOW + 30 * day,
        now=NOW - day,
    )
    first, second, *_ = deck.questions.order_by("pk")
    record(student, first, at=NOW, stability=1.0)  # weak on both days
    record(student, second, at=NOW, stability=0.5)
    clock.move_to(NOW + 5 * day)
    later = record(student, second, at=NOW + 5 * day, stability=400.0)  # strong since
    later.card_before = {"stability": 0.5, "last_review": NOW.isoformat()}
    later.save(update_fields=["card_before"])
    found = {
        item.assignment: item.progress.recalled
        for item in student_assignments(user=student, now=NOW + 5 * day)
    }
    assert found == {past: 0, ahead: 1}


def test_home_queries_do_not_grow_with_assignments(
    client,
    student,
    classroom,
    membership,
    deck,
    teacher_deck,
    record,
    frozen,
    django_assert_max_num_queries,
):
    def assign(n):
        for i in range(n):
            services.assignment_create(
                classroom=classroom,
                deck=deck if i % 2 else teacher_deck,
                goal=Goal.RECALL if i % 2 else Goal.ANSWER_ALL,
                target_percent=50 if i % 2 else None,
                due_at=frozen + dt.timedelta(days=i + 1),
                now=frozen,
            )

    client.force_login(student)
    assign(1)
    with django_assert_max_num_queries(7):
        client.get(reverse("home"))
    assign(8)
    for question in deck.questions.all():
        record(student, question, at=frozen - dt.timedelta(hours=1))
    with django_assert_max_num_queries(7):
        response = client.get(reverse("home"))
    assert len(response.context["assignments"]) == 9


# --- The header ---


def test_nav_says_classrooms_to_teachers_and_my_classes_to_students(client, teacher, student):
    client.force_login(teacher)
    html = client.get(reverse("home")).content.decode()
    assert reverse("classrooms:classroom_list") in html
    assert ">My classes<" not in html
    client.force_login(student)
    html = client.get(reverse("home")).content.decode()
    assert ">My classes<" in html
    assert reverse("classrooms:classroom_list") not in html


def test_nav_follows_the_role_granted_or_withdrawn_while_signed_in(client, make_user):
    user = make_user("late@example.com")
    client.force_login(user)
    assert ">My classes<" in client.get(reverse("home")).content.decode()
    teachers = Group.objects.get(name=TEACHERS_GROUP)
    user.groups.add(teachers)
    # The very next page, whichever it is, reads the role: no classroom page needs visiting.
    html = client.get(reverse("study:progress")).content.decode()
    assert reverse("classrooms:classroom_list") in html
    user.groups.remove(teachers)
    assert ">My classes<" in client.get(reverse("home")).content.decode()


def test_nav_adds_no_query(client, student, django_assert_max_num_queries):
    client.force_login(student)
    # The role comes with the user (classrooms.backends): the home page's bound (six) holds.
    with django_assert_max_num_queries(6):
        client.get(reverse("home"))
