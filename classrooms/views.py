"""Classroom pages: teachers run classes, build decks and follow assignments; students join,
see their own work and leave.

Teacher pages send anonymous visitors to the login page and refuse other signed-in users (403);
a teacher reaches only their own classrooms, decks and assignments (404 otherwise).
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from cards.models import Deck, Topic
from study import selectors as study_selectors
from study.spreadsheet import csv_safe

from . import selectors, services
from .access import (
    assignable_decks,
    assignment_for_teacher,
    assignment_for_teacher_write,
    classroom_for_teacher,
    classroom_for_teacher_write,
    deck_for_teacher,
    is_teacher,
    membership_for_student,
    teacher_required,
)
from .forms import (
    DATETIME_LOCAL,
    ArchiveForm,
    AssignmentEditForm,
    AssignmentForm,
    ClassroomForm,
    DeckAddForm,
    DeckCreateForm,
    DeckForm,
    DeckRemoveForm,
    QuestionSearchForm,
)
from .goals import Goal, Status
from .models import Assignment, Classroom, Membership, ReplacedJoinCode

DEFAULT_DUE_IN = timedelta(days=7)


def see_other(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


# --- Classrooms (teachers) ---


@require_safe
@teacher_required
def classroom_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Teachers: their classrooms, active first, with student and assignment counts."""
    return render(
        request,
        "classrooms/classroom_list.html",
        {"classrooms": list(selectors.teacher_classrooms(request.user))},
    )


@require_http_methods(["GET", "POST"])
@teacher_required
def classroom_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Teachers: name a new classroom; it gets its own join link."""
    form = ClassroomForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            classroom = services.classroom_create(
                teacher=request.user, name=form.cleaned_data["name"], now=timezone.now()
            )
            messages.success(request, _("Class created. Share its join link with your students."))
            return see_other(classroom.get_absolute_url())
        messages.error(request, _("Nothing was saved. Please correct the marked fields."))
    return render(request, "classrooms/classroom_form.html", {"form": form})


def _classroom_page(
    request: AuthenticatedHttpRequest,
    classroom: Classroom,
    rename_form: ClassroomForm | None = None,
) -> HttpResponse:
    members = selectors.roster(classroom)
    assignments = selectors.classroom_assignments(
        classroom=classroom, student_ids=[m.student_id for m in members], now=timezone.now()
    )
    return render(
        request,
        "classrooms/classroom_detail.html",
        {
            "classroom": classroom,
            "members": members,
            "assignments": assignments,
            "join_url": request.build_absolute_uri(classroom.join_path),
            "rename_form": rename_form or ClassroomForm(instance=classroom),
            "now": timezone.now(),
        },
    )


@require_safe
@teacher_required
def classroom_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The classroom's teacher: join link, roster with last activity, assignments with
    completion counts."""
    return _classroom_page(request, classroom_for_teacher(request.user, pk))


@require_POST
@teacher_required
def classroom_rename(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The classroom's teacher, while it is active: give it a new name."""
    classroom = classroom_for_teacher_write(request.user, pk)
    # A copy for the form, as in deck_edit: the page keeps the saved name if this is refused.
    form = ClassroomForm(request.POST, instance=Classroom.objects.get(pk=classroom.pk))
    if not form.is_valid():
        messages.error(request, _("Nothing was saved. Please correct the marked fields."))
        return _classroom_page(request, classroom, rename_form=form)
    services.classroom_rename(classroom=classroom, name=form.cleaned_data["name"])
    messages.success(request, _("Class renamed."))
    return see_other(classroom.get_absolute_url())


@require_POST
@teacher_required
def classroom_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The classroom's teacher: archive it (no joining, no changes) or restore it."""
    classroom = classroom_for_teacher(request.user, pk)
    form = ArchiveForm(request.POST)
    form.is_valid()  # a single checkbox: missing means "restore"
    archived = bool(form.cleaned_data.get("archived"))
    services.classroom_set_archived(classroom=classroom, archived=archived, now=timezone.now())
    messages.success(request, _("Class archived.") if archived else _("Class restored."))
    return see_other(classroom.get_absolute_url())


@require_POST
@teacher_required
def classroom_rotate_code(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The classroom's teacher, while it is active: a new join link; the old one stops working."""
    classroom = classroom_for_teacher_write(request.user, pk)
    services.classroom_rotate_code(classroom=classroom, now=timezone.now())
    messages.success(request, _("New join link made. The old link no longer works."))
    return see_other(classroom.get_absolute_url())


@require_POST
@teacher_required
def student_remove(request: AuthenticatedHttpRequest, pk: int, student_id: int) -> HttpResponse:
    """The classroom's teacher, while it is active: remove a student from the class."""
    classroom = classroom_for_teacher_write(request.user, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("student"), classroom=classroom, student_id=student_id
    )
    services.membership_end(membership=membership)
    messages.success(
        request,
        _("%(name)s was removed from the class. Make a new join link to keep them out.")
        % {"name": membership.student.shown_name},
    )
    return see_other(classroom.get_absolute_url())


# --- Assignments (teachers) ---


@require_http_methods(["GET", "POST"])
@teacher_required
def assignment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The classroom's teacher, while it is active: assign a deck with a goal and a due date."""
    classroom = classroom_for_teacher_write(request.user, pk)
    current = timezone.now()
    # The due date is typed in the teacher's own time zone.
    with timezone.override(study_selectors.user_zone(request.user)):
        initial_due = timezone.localtime(current + DEFAULT_DUE_IN).replace(
            hour=23, minute=59, second=0, microsecond=0
        )
        form = AssignmentForm(
            request.POST or None,
            decks=assignable_decks(request.user),
            now=current,
            initial={"due_at": initial_due.strftime(DATETIME_LOCAL)},
        )
        valid = request.method == "POST" and form.is_valid()
    if valid:
        data = form.cleaned_data
        try:
            assignment = services.assignment_create(
                classroom=classroom,
                deck=data["deck"],
                goal=data["goal"],
                target_percent=data["target_percent"],
                due_at=data["due_at"],
                now=current,
            )
        except services.ClassroomError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Deck assigned."))
            return see_other(assignment.get_absolute_url())
    if request.method == "POST":
        messages.error(request, _("Nothing was saved. Please correct the marked fields."))
    return render(
        request, "classrooms/assignment_form.html", {"classroom": classroom, "form": form}
    )


@require_http_methods(["GET", "POST"])
@teacher_required
def assignment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The classroom's teacher, while it is active: change the goal and the due date."""
    assignment = assignment_for_teacher_write(request.user, pk)
    current = timezone.now()
    # The due date is typed, and shown, in the teacher's own time zone.
    with timezone.override(study_selectors.user_zone(request.user)):
        form = AssignmentEditForm(
            request.POST or None,
            now=current,
            current_due=assignment.due_at,
            initial={
                "goal": assignment.goal,
                "target_percent": assignment.target_percent or 80,
                "due_at": timezone.localtime(assignment.due_at).strftime(DATETIME_LOCAL),
            },
        )
        valid = request.method == "POST" and form.is_valid()
    if valid:
        data = form.cleaned_data
        try:
            services.assignment_update(
                assignment=assignment,
                goal=data["goal"],
                target_percent=data["target_percent"],
                due_at=data["due_at"],
                now=current,
            )
        except services.ClassroomError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Assignment changed."))
            return see_other(assignment.get_absolute_url())
    if request.method == "POST":
        messages.error(request, _("Nothing was saved. Please correct the marked fields."))
    return render(
        request,
        "classrooms/assignment_edit.html",
        {"assignment": assignment, "classroom": assignment.classroom, "form": form},
    )


DASHBOARD_COLUMNS = (
    "student",
    "email",
    "progress",
    "cards",
    "accuracy",
    "answers",
    "time_spent",
    "last_activity",
    "status",
)


def _column_labels() -> list[str]:
    labels = {
        "student": _("Student"),
        "email": _("Email"),
        "progress": _("Progress (%)"),
        "cards": _("Cards"),
        "accuracy": _("Accuracy (%)"),
        "answers": _("Answers"),
        "time_spent": _("Time spent"),
        "last_activity": _("Last activity"),
        "status": _("Status"),
    }
    return [labels[column] for column in DASHBOARD_COLUMNS]


@require_safe
@teacher_required
def assignment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The classroom's teacher: each student's progress toward the goal, and the most-missed
    cards."""
    assignment = assignment_for_teacher(
        request.user, pk, Assignment.objects.with_dashboard_version()
    )
    current = timezone.now()
    # The figures are cached (the template's {% cache %}) under the dashboard's version and
    # every preference the page shows: they are only computed when the cache has no copy for
    # the class as it is now.
    cache_key = (
        f"{assignment.pk}:{assignment.dashboard_version}:{get_language()}:{request.user.time_zone}"
    )
    board: Any = SimpleLazyObject(
        lambda: selectors.dashboard(
            assignment=assignment,
            card_count=assignment.card_count,  # type: ignore[attr-defined]
            now=current,
        )
    )
    return render(
        request,
        "classrooms/assignment_detail.html",
        {
            "assignment": assignment,
            "classroom": assignment.classroom,
            "board": board,
            "columns": _column_labels(),
            "statuses": SimpleLazyObject(
                lambda: [(s.value, s.label, board.status_counts[s.value]) for s in Status]
            ),
            "is_recall": assignment.goal == Goal.RECALL,
            "now": current,
            "cache_seconds": settings.PAGE_CACHE_SECONDS,
            "cache_key": cache_key,
        },
    )


@require_safe
@teacher_required
def assignment_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The classroom's teacher: the dashboard table as CSV, one row per student."""
    assignment = assignment_for_teacher(
        request.user, pk, Assignment.objects.with_dashboard_version()
    )
    zone = study_selectors.user_zone(request.user)
    version = f"{assignment.pk}:{assignment.dashboard_version}:{get_language()}:{zone.key}"
    key = "assignment-csv:" + hashlib.sha256(version.encode()).hexdigest()
    body = caches["pages"].get_or_set(
        key,
        lambda: _dashboard_csv(assignment, zone=zone, now=timezone.now()),
        settings.PAGE_CACHE_SECONDS,
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="assignment-{assignment.pk}-{assignment.deck.slug}.csv"'
    )
    return response


def _csv_column_labels() -> list[str]:
    """The dashboard's columns, split and unit-named so that every figure is a plain number a
    spreadsheet reads as one: "8/12" would become a date, "12 min" text."""
    labels = _column_labels()
    cards = DASHBOARD_COLUMNS.index("cards")
    time_spent = DASHBOARD_COLUMNS.index("time_spent")
    labels[time_spent] = _("Time spent (minutes)")
    labels[cards : cards + 1] = [_("Cards done"), _("Cards in the goal")]
    return [
        *labels,
        _("Projected on the due date (%)"),
        _("Extra minutes a day to meet the goal"),
    ]


def _dashboard_csv(assignment: Any, *, zone: Any, now: datetime) -> str:
    rows = selectors.assignment_rows(
        assignment=assignment,
        card_count=assignment.card_count,
        now=now,
    )
    out = io.StringIO()
    # The byte-order mark makes spreadsheet programs read UTF-8 (Korean names) correctly.
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(_csv_column_labels())
    for row in rows:
        accuracy = row.accuracy
        writer.writerow(
            [
                csv_safe(value)
                for value in (
                    row.student.shown_name,
                    row.student.email,
                    row.progress.percent,
                    row.progress.counted,
                    row.progress.needed,
                    "" if accuracy is None else round(accuracy * 100),
                    row.attempts,
                    f"{row.time_ms / 60_000:.1f}",
                    row.last_activity.astimezone(zone).strftime("%Y-%m-%d %H:%M")
                    if row.last_activity
                    else "",
                    str(row.status.label),
                    *_projection_cells(row.projection),
                )
            ]
        )
    return out.getvalue()


def _projection_cells(projection: Any) -> tuple[Any, Any]:
    """The projection's two CSV cells: the share in whole percent and the extra minutes a day
    (0 on course, "out of reach" when none found); blank for a goal with no projection."""
    if projection is None:
        return "", ""
    if not projection.will_miss:
        extra: Any = 0
    elif projection.extra_minutes is None:
        extra = _("out of reach")
    else:
        extra = projection.extra_minutes
    return round(projection.share * 100), extra


@require_POST
@teacher_required
def assignment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The classroom's teacher, while it is active: withdraw the assignment."""
    assignment = assignment_for_teacher_write(request.user, pk)
    classroom = assignment.classroom
    services.assignment_delete(assignment=assignment)
    messages.success(request, _("Assignment withdrawn."))
    return see_other(classroom.get_absolute_url())


# --- Teachers' decks ---


@require_safe
@teacher_required
def deck_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Teachers: their own decks, and a way to build a new one."""
    return render(
        request,
        "classrooms/deck_list.html",
        {"decks": list(selectors.teacher_decks(request.user))},
    )


@require_http_methods(["GET", "POST"])
@teacher_required
def deck_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Teachers: start a deck of their own, optionally from whole topics."""
    form = DeckCreateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                deck = services.deck_create(
                    owner=request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    topics=form.cleaned_data["topics"],
                )
            except services.ClassroomError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Deck created. Now add questions to it."))
                return see_other(reverse("classrooms:deck_detail", args=[deck.pk]))
        messages.error(request, _("Nothing was saved. Please correct the marked fields."))
    return render(request, "classrooms/deck_form.html", {"form": form})


def _deck_page(
    request: AuthenticatedHttpRequest,
    deck: Deck,
    *,
    edit_form: DeckForm | None = None,
    add_error: str = "",
    remove_form: DeckRemoveForm | None = None,
) -> HttpResponse:
    search = QuestionSearchForm(request.GET or None)
    filters: dict[str, Any] = {}
    if search.is_valid():
        data = search.cleaned_data
        filters = {
            "text": data["q"].strip(),
            "topic": data["topic"],
            "kind": data["kind"],
            "domain": data["domain"],
            "task_statement": data["task_statement"],
        }
    searching = bool(filters) and any(filters.values())
    results, result_count = selectors.search_questions(**filters) if searching else ([], 0)
    in_deck = list(
        deck.questions.select_related("topic").order_by(
            "topic__domain__order", "topic__order", "order", "pk"
        )
    )
    in_deck_ids = {question.pk for question in in_deck}
    return render(
        request,
        "classrooms/deck_detail.html",
        {
            "deck": deck,
            "questions": in_deck,
            "edit_form": edit_form or DeckForm(instance=deck),
            "search": search,
            "searching": searching,
            "results": [(q, q.pk in in_deck_ids) for q in results],
            "result_count": result_count,
            "shown": len(results),
            "topics": list(
                Topic.objects.filter(notebook__isnull=True).select_related(
                    "domain", "task_statement"
                )
            ),
            "add_error": add_error,
            "remove_form": remove_form,
        },
    )


@require_safe
@teacher_required
def deck_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The deck's owner: its cards, and a search to add questions or whole topics."""
    return _deck_page(request, deck_for_teacher(request.user, pk))


@require_POST
@teacher_required
def deck_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The deck's owner: rename it or change its description."""
    deck = deck_for_teacher(request.user, pk)
    # The form gets its own copy: is_valid() writes rejected values onto its instance, and the
    # re-rendered page must keep showing the saved name.
    form = DeckForm(request.POST, instance=deck_for_teacher(request.user, pk))
    if not form.is_valid():
        messages.error(request, _("Nothing was saved. Please correct the marked fields."))
        return _deck_page(request, deck, edit_form=form)
    services.deck_update(
        deck=deck, name=form.cleaned_data["name"], description=form.cleaned_data["description"]
    )
    messages.success(request, _("Deck saved."))
    return see_other(reverse("classrooms:deck_detail", args=[deck.pk]))


@require_POST
@teacher_required
def deck_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The deck's owner: add the ticked questions and whole topics."""
    deck = deck_for_teacher(request.user, pk)
    form = DeckAddForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _("Nothing was added.") + " " + message)
        return _deck_page(request, deck, add_error=message)
    added = services.deck_add_questions(
        deck=deck, questions=form.cleaned_data["questions"], topics=form.cleaned_data["topics"]
    )
    messages.success(
        request, ngettext("%(n)d card added.", "%(n)d cards added.", added) % {"n": added}
    )
    back = reverse("classrooms:deck_detail", args=[deck.pk])
    query = request.POST.get("search", "")
    return see_other(f"{back}?{query}" if query and query.isprintable() else back)


@require_POST
@teacher_required
def deck_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The deck's owner: take the ticked cards out of the deck."""
    deck = deck_for_teacher(request.user, pk)
    form = DeckRemoveForm(request.POST, deck=deck)
    if not form.is_valid():
        messages.error(request, _("Nothing was removed. Tick the cards of this deck to remove."))
        return _deck_page(request, deck, remove_form=form)
    removed = services.deck_remove_questions(deck=deck, questions=form.cleaned_data["questions"])
    messages.success(
        request,
        ngettext("%(n)d card removed.", "%(n)d cards removed.", removed) % {"n": removed},
    )
    return see_other(reverse("classrooms:deck_detail", args=[deck.pk]))


# --- Students ---


@require_safe
@login_required
def my_classes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in users: the classes they are enrolled in."""
    teacher = is_teacher(request.user)
    return render(
        request,
        "classrooms/my_classes.html",
        {"memberships": list(selectors.my_memberships(request.user)), "is_teacher": teacher},
    )


@require_safe
@login_required
def class_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A student of the class: its assignments with their own progress, and a way to leave."""
    membership = membership_for_student(request.user, pk)
    current = timezone.now()
    work = selectors.student_assignments(
        user=request.user, now=current, classroom=membership.classroom
    )
    return render(
        request,
        "classrooms/class_detail.html",
        {
            "membership": membership,
            "classroom": membership.classroom,
            "work": work,
            "now": current,
        },
    )


@require_POST
@login_required
def class_leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A student of the class: leave it."""
    membership = membership_for_student(request.user, pk)
    name = membership.classroom.name
    services.membership_end(membership=membership)
    messages.success(request, _("You left %(name)s.") % {"name": name})
    return see_other(reverse("classrooms:my_classes"))


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone holding a join link: who invites them, then (signed in) confirm and join.

    Anonymous visitors see the class and its teacher with a way to sign up or log in that comes
    back here. A code the teacher replaced is a 410 that says so; any other wrong code a 404.
    """
    classroom = (
        Classroom.objects.select_related("teacher")
        .filter(archived_at__isnull=True, join_code=code)
        .first()
    )
    if classroom is None:
        if ReplacedJoinCode.objects.filter(code=code, classroom__archived_at__isnull=True).exists():
            return render(request, "classrooms/join_replaced.html", status=410)
        raise Http404("no such join code")
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(request, "classrooms/join.html", {"classroom": classroom})
    user = cast(User, request.user)  # signed in: checked just above
    member = Membership.objects.filter(classroom=classroom, student_id=user.pk).exists()
    if request.method == "POST":
        try:
            services.membership_join(classroom=classroom, student=user, now=timezone.now())
        except services.ClassroomError as error:
            messages.error(request, error.message)
        else:
            if not member:
                messages.success(request, _("You joined %(name)s.") % {"name": classroom.name})
            return see_other(reverse("classrooms:class_detail", args=[classroom.pk]))
    return render(
        request,
        "classrooms/join.html",
        {
            "classroom": classroom,
            "member": member,
            "own_class": classroom.teacher_id == user.pk,
        },
    )
