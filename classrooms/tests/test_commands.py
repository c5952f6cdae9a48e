"""manage.py make_teacher EMAIL."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from classrooms.access import TEACHERS_GROUP, is_teacher

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("make_teacher", *args, stdout=out)
    return out.getvalue()


def test_make_teacher_puts_the_user_in_the_teachers_group(student):
    assert "is now a teacher" in run("student@example.com")
    assert student.groups.filter(name=TEACHERS_GROUP).exists()
    assert is_teacher(type(student).objects.get(pk=student.pk))


def test_the_email_matches_in_any_letter_case(student):
    run("  Student@EXAMPLE.com ")
    assert student.groups.filter(name=TEACHERS_GROUP).exists()


def test_running_it_twice_is_harmless(student):
    run("student@example.com")
    assert "already a teacher" in run("student@example.com")
    assert student.groups.count() == 1


def test_an_unknown_email_is_a_clear_error(student):
    with pytest.raises(CommandError, match=r"No user has the email address 'nobody@example\.com'"):
        run("nobody@example.com")
    assert not student.groups.exists()


def test_an_unknown_email_exits_non_zero_from_the_command_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "make_teacher", "nobody@example.com"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "No user has the email address" in err
    assert "Traceback" not in err


def test_a_deleted_teachers_group_comes_back_with_its_permissions(student):
    from django.contrib.auth.models import Group

    Group.objects.filter(name=TEACHERS_GROUP).delete()
    call_command("make_teacher", student.email, stdout=StringIO())
    student = type(student).objects.get(pk=student.pk)  # fresh: no cached role
    assert is_teacher(student)
    group = Group.objects.get(name=TEACHERS_GROUP)
    assert group.permissions.filter(codename="add_classroom").exists()
