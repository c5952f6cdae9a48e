"""Study pages: one card at a time, the answer, the result, and the progress page."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from cards import services as card_services
from cards.access import question_for_user
from cards.forms import CardReportForm
from cards.models import CardReport, Deck, Question

from . import explain, plan_selectors, portability, scheduling, selectors, services
from .forms import AnswerForm, ImportForm, RegradeForm, first_error
from .models import Mode, Rating, ReviewState, Showing, Suspension
from .templatetags.study_tags import study_url

STUDY_MODES = (Mode.FLASHCARD, Mode.CHOICE)
RATING_KEYS = {Rating.AGAIN: "1", Rating.HARD: "2", Rating.GOOD: "3", Rating.EASY: "4"}


def bad_request(request: HttpRequest, message: str, back_url: str) -> HttpResponse:
    return render(request, "400.html", {"message": message, "back_url": back_url}, status=400)


def parse_mode(request: HttpRequest) -> tuple[str, bool]:
    """Mode and practice flag from the query string; anything unknown means plain flashcards."""
    mode = request.GET.get("mode", Mode.FLASHCARD)
    if mode not in STUDY_MODES:
        mode = Mode.FLASHCARD
    return mode, request.GET.get("practice") == "1"


@require_safe
@login_required
def session(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Signed-in learners, on a deck they can see: the next card, or when the next one is due."""
    deck = selectors.deck_for_user(request.user, slug)
    mode, practice = parse_mode(request)
    current = timezone.now()
    queue = selectors.study_queue(
        user=request.user, deck=deck, mode=mode, practice=practice, now=current
    )
    card = queue.card
    exam_order = not practice and plan_selectors.exam_order_active(user=request.user, now=current)
    # Exam-day order: after due learning steps, and while today's reviews last, the card with
    # the lowest predicted recall on the exam day, due or not; its answer is rescheduled as usual.
    if exam_order and queue.counts.learning == 0 and queue.allowance.review > 0:
        card = (
            plan_selectors.exam_order_card(
                user=request.user, deck=deck, kinds=selectors.kinds_for(mode), now=current
            )
            or card
        )
    question, state = (card.question, card.state) if card else (None, None)
    context: dict[str, Any] = {
        "exam_order": exam_order,
        "deck": deck,
        "mode": mode,
        "practice": practice,
        "counts": queue.counts,
        "now": current,
        "modes": STUDY_MODES,
    }
    if question is None:
        context["next_due"] = (
            None
            if practice
            else selectors.next_due_at(user=request.user, deck=deck, mode=mode, now=current)
        )
        return render(request, "study/empty.html", context)

    showing = services.showing_issue(
        user=request.user, deck=deck, question=question, mode=mode, practice=practice, now=current
    )
    # Practice leaves the schedule alone, so its buttons promise no interval.
    intervals = (
        {}
        if practice or mode == Mode.CHOICE
        else selectors.intervals_for(user=request.user, question=question, state=state, now=current)
    )
    context.update(
        question=question,
        showing=showing,
        source_changed=_source_changed_since(question, state),
        **_card_context(question, showing, intervals),
    )
    return render(request, "study/session.html", context)


def _source_changed_since(question: Question, state: ReviewState | None) -> bool:
    """Whether the learner studied this card before its notebook's notes changed it and has not
    answered it since: its old and new lines are shown once, until they answer it."""
    changed = question.source_changed_at
    return bool(
        changed is not None
        and state is not None
        and state.last_review is not None
        and state.last_review < changed
    )


def _card_context(
    question: Question, showing: Showing, intervals: dict[int, timedelta]
) -> dict[str, Any]:
    """What card_form.html needs for this showing: the options in their shown order and how many
    to choose, or a flashcard's back and its rating buttons, each with the interval it would give
    (none in `intervals`: the button promises none)."""
    answers = list(question.answers.all())
    if showing.mode == Mode.CHOICE:
        by_id = {answer.id: answer for answer in answers}
        return {
            "options": [by_id[i] for i in showing.option_order if i in by_id],
            "choose": sum(answer.is_correct for answer in answers),
        }
    return {
        # A choice question studied as a flashcard shows only its right answers on the back.
        "backs": [a for a in answers if a.is_correct] if question.is_choice else answers,
        "ratings": [
            (rating.value, rating.label, RATING_KEYS[rating], intervals.get(rating.value))
            for rating in Rating
        ],
    }


@require_POST
@login_required
def answer(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Signed-in learners, for a card shown to them: record the answer, then show the result."""
    form = AnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            # The deck is checked with the showing, in the query that locks it.
            services.attempt_record(
                user=request.user,
                token=data["token"],
                slug=slug,
                answer_ids=data["answer"] or None,
                rating=data["rating"],
                duration_ms=data["duration_ms"],
                now=timezone.now(),
            )
        except services.StudyError as error:
            message = str(error.message)
        else:
            return HttpResponseRedirect(
                reverse("study:result", args=[slug, data["token"]]), status=303
            )
    else:
        message = first_error(form)
    # Refused: a deck the learner cannot see is a 404 before it is a bad request.
    deck = selectors.deck_for_user(request.user, slug)
    return bad_request(request, message, reverse("study:session", args=[deck.slug]))


def _result_page(
    request: AuthenticatedHttpRequest, showing: Showing, *, deck: Deck, next_url: str
) -> HttpResponse:
    """result.html for an answered showing (404 while it is unanswered): its answers in the
    order shown, each with whether the learner chose it, and the way on to `next_url`."""
    attempt = getattr(showing, "attempt", None)
    if attempt is None:
        raise Http404("not answered yet")
    answers = list(showing.question.answers.all())
    if showing.mode == Mode.CHOICE:
        by_id = {answer.id: answer for answer in answers}
        answers = [by_id[i] for i in showing.option_order if i in by_id] + [
            a for a in answers if a.id not in showing.option_order
        ]
    chosen = set(attempt.chosen_answer_ids or [])
    # Only a right choice answer that moved the schedule can be re-graded: never practice.
    regrade = showing.mode == Mode.CHOICE and attempt.correct and attempt.rescheduled
    return render(
        request,
        "study/result.html",
        {
            "deck": deck,
            "showing": showing,
            "attempt": attempt,
            "question": showing.question,
            "answers": [(answer, answer.id in chosen) for answer in answers],
            "rating_label": Rating(attempt.rating).label,
            "regrade": regrade,
            # What each re-grade would do: the card as it was before the answer, answered at the
            # same moment with each rating (as attempt_regrade computes it).
            "regrade_intervals": scheduling.preview_intervals(
                scheduling.card_from_dict(attempt.card_before),
                attempt.reviewed_at,
                request.user.desired_retention,
            )
            if regrade and attempt.card_before
            else None,
            "now": timezone.now(),
            "next_url": next_url,
        },
    )


@require_safe
@login_required
def result(request: AuthenticatedHttpRequest, slug: str, token: str) -> HttpResponse:
    """The learner who answered: right or wrong, why, where it came from, when it comes back."""
    deck = selectors.deck_for_user(request.user, slug)
    showing = get_object_or_404(
        Showing.objects.select_related("attempt", "question__topic"),
        user=request.user,
        deck=deck,
        token=token,
    )
    return _result_page(
        request,
        showing,
        deck=deck,
        next_url=study_url(deck, showing.mode, showing.practice),
    )


@require_POST
@login_required
def regrade(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The learner who answered: re-rate a right choice answer as "I guessed" or "Easy"."""
    deck = selectors.deck_for_user(request.user, slug)
    back_url = reverse("study:session", args=[deck.slug])
    form = RegradeForm(request.POST)
    if not form.is_valid():
        return bad_request(request, first_error(form), back_url)
    token = form.cleaned_data["token"]
    try:
        services.attempt_regrade(
            user=request.user, token=token, rating=form.cleaned_data["rating"], now=timezone.now()
        )
    except services.StudyError as error:
        return bad_request(request, str(error.message), back_url)
    return HttpResponseRedirect(reverse("study:result", args=[deck.slug, token]), status=303)


@require_safe
@login_required
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners: their own figures, forecast, heatmap, readiness and leeches."""
    current = timezone.now()
    user = request.user
    # The page's figures are cached (the template's {% cache %}) under this key: the learner's
    # latest answer and history reset, and every preference the page shows. The report is only
    # computed when the cache has no copy for that key.
    cache_key = (
        f"{user.pk}:{selectors.latest_attempt_id(user)}:{user.history_reset_at}"
        f":{get_language()}:{user.time_zone}:{user.exam_date}"
    )
    report: Any = SimpleLazyObject(lambda: selectors.progress_report(user=user, now=current))
    return render(
        request,
        "study/progress.html",
        {
            "summary": SimpleLazyObject(lambda: report.summary),
            "report": report,
            "cache_seconds": settings.PAGE_CACHE_SECONDS,
            "cache_key": cache_key,
        },
    )


@require_safe
@login_required
def leech_session(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners: practise their own leeches, one at a time, schedule untouched."""
    current = timezone.now()
    context: dict[str, Any] = {"leech_count": selectors.leech_count(user=request.user)}
    picked = selectors.leech_card(user=request.user)
    if picked is None:
        return render(request, "study/leech_session.html", context)
    question, deck = picked
    # Each leech in the way it can be asked: options when it has them, else as a flashcard.
    mode = Mode.CHOICE if question.is_choice else Mode.FLASHCARD
    showing = services.showing_issue(
        user=request.user, deck=deck, question=question, mode=mode, practice=True, now=current
    )
    context.update(
        deck=deck,
        mode=mode,
        question=question,
        showing=showing,
        **_card_context(question, showing, intervals={}),
    )
    return render(request, "study/leech_session.html", context)


@require_POST
@login_required
def leech_answer(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners, for a leech shown to them: record the answer, then show the result."""
    back_url = reverse("study:leech_session")
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return bad_request(request, first_error(form), back_url)
    data = form.cleaned_data
    try:
        # A practice showing, in a deck the learner may still see: the service checks both.
        services.attempt_record(
            user=request.user,
            token=data["token"],
            slug=None,
            answer_ids=data["answer"] or None,
            rating=data["rating"],
            duration_ms=data["duration_ms"],
            now=timezone.now(),
        )
    except services.StudyError as error:
        return bad_request(request, str(error.message), back_url)
    return HttpResponseRedirect(reverse("study:leech_result", args=[data["token"]]), status=303)


@require_safe
@login_required
def leech_result(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The learner who answered a leech: right or wrong and why, then the next leech."""
    showing = get_object_or_404(
        Showing.objects.select_related("attempt", "question__topic", "deck"),
        user=request.user,
        token=token,
        practice=True,
    )
    return _result_page(
        request, showing, deck=showing.deck, next_url=reverse("study:leech_session")
    )


def _download_name(request: AuthenticatedHttpRequest, extension: str) -> str:
    today = selectors.study_day_start(request.user, timezone.now()).date()
    return f"saaprep-{today.isoformat()}.{extension}"


@require_safe
@login_required
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners: download their own data, or load an export into a fresh account."""
    return render(request, "study/data.html", {"form": ImportForm()})


@require_safe
@login_required
def data_export_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners: everything they have done here, as one JSON file (theirs only)."""
    document = portability.history_export(user=request.user, now=timezone.now())
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_download_name(request, "json")}"'
    return response


@require_safe
@login_required
def data_export_csv(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    """Signed-in learners: their own attempts as a CSV spreadsheet (UTF-8 with a BOM)."""
    response = StreamingHttpResponse(
        portability.attempts_csv(user=request.user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_download_name(request, "csv")}"'
    return response


def imported_message(*, states: int, attempts: int, exams: int) -> str:
    """What an import brought in, each count with its own plural ("1 exam", "2 exams")."""
    return _("Imported %(states)s, %(attempts)s and %(exams)s.") % {
        "states": ngettext("%(n)d card state", "%(n)d card states", states) % {"n": states},
        "attempts": ngettext("%(n)d answer", "%(n)d answers", attempts) % {"n": attempts},
        "exams": ngettext("%(n)d exam", "%(n)d exams", exams) % {"n": exams},
    }


@require_POST
@login_required
def data_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners with no history yet: load their export from another account."""
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            counts = portability.history_import(
                user=request.user, document=form.cleaned_data["file"], now=timezone.now()
            )
        except portability.DataImportError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            messages.success(
                request,
                imported_message(
                    states=counts.review_states, attempts=counts.attempts, exams=counts.exams
                ),
            )
            return HttpResponseRedirect(reverse("study:progress"), status=303)
    return render(request, "study/data.html", {"form": form})


# --- One card: its history, setting it aside, reporting it ---


def _back_to(request: HttpRequest, default: str) -> str:
    """The page the form came from (`next`, on this site only), else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _history_page(
    request: AuthenticatedHttpRequest,
    question: Question,
    *,
    report_form: CardReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    current = timezone.now()
    history = selectors.card_history(user=request.user, question=question)
    return render(
        request,
        "study/card_history.html",
        {
            "question": question,
            "history": history,
            "why": explain.why_due(
                history.facts, now=current, retention=request.user.desired_retention
            ),
            "open_report": CardReport.objects.filter(
                reporter=request.user, question=question, resolved=False
            ).first(),
            "report_form": report_form or CardReportForm(),
            "now": current,
        },
        status=status,
    )


def _flag_limit(request: AuthenticatedHttpRequest) -> HttpResponse | None:
    """429 past the learner's rate of card writes (ACCOUNT_RATE_LIMITS["card_flag"]), counted
    in the shared cache like the log-in throttle; None while within it."""
    limited: HttpResponse | None = ratelimit.consume_or_429(
        request, action="card_flag", user=request.user
    )
    return limited


def _card(request: AuthenticatedHttpRequest, pk: int) -> Question:
    return question_for_user(request.user, pk, Question.objects.select_related("topic__domain"))


@require_safe
@login_required
def card_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Signed-in learners, on a card they can see: their every answer to it, and why it is due
    when it is due."""
    return _history_page(request, _card(request, pk))


@require_POST
@login_required
def card_suspend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Signed-in learners, on a card they can see: stop studying it until they unsuspend it."""
    question = _card(request, pk)
    if (limited := _flag_limit(request)) is not None:
        return limited
    # The form is read before the write: a body Django refuses (too many fields) is a 400
    # that has changed nothing.
    back = _back_to(request, reverse("study:card_history", args=[pk]))
    services.suspension_create(user=request.user, question=question, now=timezone.now())
    messages.success(request, _("Card suspended: studying skips it until you unsuspend it."))
    return HttpResponseRedirect(back, status=303)


@require_POST
@login_required
def card_unsuspend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The learner who suspended the card: study it again (their own suspensions only)."""
    suspension = get_object_or_404(
        Suspension.objects.select_related("question"), user=request.user, question_id=pk
    )
    if (limited := _flag_limit(request)) is not None:
        return limited
    back = _back_to(request, reverse("study:suspended_list"))  # read before the write
    services.suspension_delete(user=request.user, question=suspension.question)
    messages.success(request, _("Card unsuspended: it comes back when it is due."))
    return HttpResponseRedirect(back, status=303)


@require_POST
@login_required
def card_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Signed-in learners, on a card they can see: tell the admins what is wrong with it."""
    question = _card(request, pk)
    if (limited := _flag_limit(request)) is not None:
        return limited
    form = CardReportForm(request.POST)
    if form.is_valid():
        try:
            card_services.card_report_create(
                user=request.user,
                question=question,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
                now=timezone.now(),
            )
        except card_services.ReportRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Thank you: the admins will look at this card."))
            return HttpResponseRedirect(reverse("study:card_history", args=[pk]), status=303)
    return _history_page(request, question, report_form=form, status=400)


@require_safe
@login_required
def suspended_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners: the cards they suspended, each with a way back into studying."""
    return render(
        request,
        "study/suspended.html",
        {"suspensions": selectors.suspended_cards(user=request.user)},
    )
