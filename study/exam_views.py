"""Practice exam pages: the list and start form, one question per page, review, results.

Every page reads the deadline on the server: an exam whose time has run out is submitted when
any of its pages is next loaded, and an answer posted after it is refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest

from . import blueprint, exam_selectors, exam_services, exams
from .exam_forms import ExamSaveForm, ExamStartForm
from .forms import first_error
from .models import Exam


def take_url(exam: Exam, position: int | None = None) -> str:
    url = reverse("study:exam_take", args=[exam.pk])
    return f"{url}?q={position}" if position is not None else url


def results_url(exam: Exam) -> str:
    return reverse("study:exam_results", args=[exam.pk])


def see_other(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url, status=303)


def wants_json(request: HttpRequest) -> bool:
    """exam.js asks for JSON; a plain form post gets pages and redirects."""
    return "application/json" in request.headers.get("Accept", "")


def refuse(
    request: HttpRequest, message: str, back_url: str, *, results: str | None = None
) -> HttpResponse:
    """The 400 answer: a JSON error for exam.js, the site's 400 page for a form post."""
    if wants_json(request):
        return JsonResponse({"error": message, "results_url": results}, status=400)
    return render(request, "400.html", {"message": message, "back_url": back_url}, status=400)


REVIEW_FILTERS = ("all", "wrong", "unanswered")


def clock_context(exam: Exam, current: datetime) -> dict[str, Any]:
    left = exams.seconds_left(exam.deadline, current)
    low_below = (
        exams.low_time_below(exam.deadline - exam.started_at) if exam.deadline is not None else 0
    )
    return {
        "seconds_left": left,
        "clock": exams.format_clock(left) if left is not None else "",
        "clock_low_below": low_below,
        "clock_low": left is not None and left < low_below,
    }


def _time_up_redirect(
    request: AuthenticatedHttpRequest, exam: Exam, current: datetime
) -> HttpResponse | None:
    """Submit an open exam whose time is up and send the learner to the results."""
    if exam.submitted_at is not None:
        return see_other(results_url(exam))
    if exams.is_over(exam.deadline, current):
        exam_services.exam_close_if_over(user=request.user, exam=exam, now=current)
        messages.info(request, _("Time is up: your exam was submitted with the answers saved."))
        return see_other(results_url(exam))
    return None


def _list_page(
    request: AuthenticatedHttpRequest,
    guide: blueprint.Blueprint | None,
    form: ExamStartForm | None,
) -> HttpResponse:
    current = timezone.now()
    fmt = guide.format if guide is not None else None
    listing = exam_selectors.exam_listing(request.user, fmt)
    open_rows = [(exam, clock_context(exam, current)) for exam in listing.open]
    return render(
        request,
        "study/exams/list.html",
        {
            "form": form,
            "guide": guide,
            "listing": listing,
            "open_rows": open_rows,
            "pass_scaled": fmt.passing_score if fmt is not None else None,
        },
    )


@require_safe
@login_required
def exam_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners: their own past and open exams, a chart of scores, the start form."""
    guide = blueprint.load()
    form = ExamStartForm(user=request.user, guide=guide) if guide is not None else None
    return _list_page(request, guide, form)


@require_POST
@login_required
def exam_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners: start an exam on the whole exam, a domain, a task statement, a topic
    or a deck they can see."""
    guide = blueprint.load()
    if guide is None:
        return _list_page(request, None, None)
    form = ExamStartForm(request.POST, user=request.user, guide=guide)
    if form.is_valid():
        data = form.cleaned_data
        try:
            exam = exam_services.exam_start(
                user=request.user,
                scope=data["scope"],
                topic=data["topic"],
                deck=data["deck"],
                domain=data["domain"],
                task_statement=data["task_statement"],
                question_count=data["question_count"],
                timed=data["timed"],
                now=timezone.now(),
            )
        except exam_services.ExamError as error:
            form.add_error(None, error.message)
        else:
            return see_other(take_url(exam, 1))
    return _list_page(request, guide, form)


def _position(request: HttpRequest, nav: list[exam_selectors.NavEntry]) -> int:
    """?q=n, clamped to the exam; by default the first unanswered question."""
    raw = request.GET.get("q", "")
    if raw.isascii() and raw.isdecimal() and len(raw) <= 5:
        return min(max(1, int(raw)), len(nav))
    return next((entry.position for entry in nav if not entry.answered), 1)


@require_safe
@login_required
def exam_take(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The learner who owns the exam: one question, the clock and the navigator."""
    exam = exam_selectors.exam_for_user(request.user, pk)
    current = timezone.now()
    done = _time_up_redirect(request, exam, current)
    if done is not None:
        return done
    nav = exam_selectors.exam_navigator(exam)
    if not nav:
        raise Http404("exam without questions")
    position = _position(request, nav)
    page = exam_selectors.exam_question(exam, position)
    if page is None:
        raise Http404("no such question")
    return render(
        request,
        "study/exams/take.html",
        {
            "exam": exam,
            "page": page,
            "nav": nav,
            "total": len(nav),
            "answered_count": sum(entry.answered for entry in nav),
            "is_last": position == len(nav),
            **clock_context(exam, current),
        },
    )


def _destination(exam: Exam, go: str, position: int, total: int) -> str:
    if go == "finish" or (go == "next" and position >= total):
        return reverse("study:exam_confirm", args=[exam.pk])
    if go == "next":
        return take_url(exam, position + 1)
    if go == "prev":
        return take_url(exam, max(1, position - 1))
    if go == "stay":
        return take_url(exam, position)
    return take_url(exam, min(int(go), total))


@require_POST
@login_required
def exam_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The learner who owns the open exam: save one question's choice and flag, then move on."""
    exam = exam_selectors.exam_for_user(request.user, pk)
    form = ExamSaveForm(request.POST)
    if not form.is_valid():
        return refuse(request, first_error(form), take_url(exam))
    data = form.cleaned_data
    try:
        item = exam_services.exam_answer_save(
            user=request.user,
            exam=exam,
            position=data["position"],
            answer_ids=data["answer"],
            flagged=data["flagged"],
            now=timezone.now(),
        )
    except exam_services.ExamTimeUp as error:
        return refuse(request, error.message, results_url(exam), results=results_url(exam))
    except exam_services.ExamError as error:
        finished = exam.submitted_at is not None
        back = results_url(exam) if finished else take_url(exam, data["position"])
        return refuse(request, error.message, back, results=results_url(exam) if finished else None)
    if wants_json(request):
        return JsonResponse(
            {
                "position": item.position,
                "answered": item.answered_at is not None,
                "flagged": item.flagged,
                "seconds_left": exams.seconds_left(exam.deadline, timezone.now()),
            }
        )
    return see_other(_destination(exam, data["go"], item.position, exam.question_count))


@require_safe
@login_required
def exam_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The learner who owns the open exam: what is unanswered or flagged, and the submit button."""
    exam = exam_selectors.exam_for_user(request.user, pk)
    current = timezone.now()
    done = _time_up_redirect(request, exam, current)
    if done is not None:
        return done
    nav = exam_selectors.exam_navigator(exam)
    return render(
        request,
        "study/exams/confirm.html",
        {
            "exam": exam,
            "nav": nav,
            "total": len(nav),
            "answered_count": sum(entry.answered for entry in nav),
            "unanswered": [entry for entry in nav if not entry.answered],
            "flagged": [entry for entry in nav if entry.flagged],
            **clock_context(exam, current),
        },
    )


@require_POST
@login_required
def exam_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The learner who owns the exam: submit it (again: nothing changes) and see the results."""
    exam = exam_selectors.exam_for_user(request.user, pk)
    exam_services.exam_submit(user=request.user, exam=exam, now=timezone.now())
    return see_other(results_url(exam))


def _format_or_404() -> exams.ExamFormat:
    guide = blueprint.load()
    if guide is None:  # an exam outlived its content's blueprint: nothing to score it against
        raise Http404("no exam blueprint")
    return guide.format


@require_safe
@login_required
def exam_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The learner who owns the submitted exam: score, breakdown and every question reviewed."""
    exam = exam_selectors.exam_for_user(request.user, pk)
    exam = exam_services.exam_close_if_over(user=request.user, exam=exam, now=timezone.now())
    if exam.submitted_at is None:
        return HttpResponseRedirect(take_url(exam))
    # A submitted exam never changes: the page is cached (the template's {% cache %}) under the
    # exam and every preference the page shows, and the results, like the exam's format they are
    # scored in, are only read when the cache has no copy.
    user = request.user
    # Which questions the review lists (a GET parameter, so the choice works without scripts):
    # all, closed, by default; or only the wrong or unanswered ones, open. Anything else is "all".
    show = request.GET.get("show", "")
    if show not in REVIEW_FILTERS:
        show = "all"
    cache_key = (
        f"{exam.pk}:{exam.submitted_at}:{get_language()}:{user.card_language}:{user.time_zone}"
        f":{show}"
    )
    fmt: Any = SimpleLazyObject(_format_or_404)
    return render(
        request,
        "study/exams/results.html",
        {
            "exam": exam,
            "format": fmt,
            "results": SimpleLazyObject(lambda: exam_selectors.exam_results(exam, fmt)),
            "show": show,
            "pass_scaled": SimpleLazyObject(lambda: fmt.passing_score),
            "cache_seconds": settings.PAGE_CACHE_SECONDS,
            "cache_key": cache_key,
        },
    )
