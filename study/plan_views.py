"""The exam-day planner: what the learner will likely recall on the exam day and a daily plan
to apply in one click; the switch to exam-day order in the last days."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest

from . import plan_selectors, planner, progress, selectors, services
from .forms import ExamOrderForm, PlanApplyForm


@require_safe
@login_required
def plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners: their own exam-day plan."""
    current = timezone.now()
    user = request.user
    # The plan (plain values, no cards) is cached under what it is computed from: the
    # learner's latest answer and history reset, every setting the simulation or the page
    # reads, and the local day (the plan's days start today). It is only simulated when the
    # cache has no copy for that key. The page itself is rendered every time: it holds forms,
    # whose CSRF tokens must be the requester's.
    key = ":".join(
        str(part)
        for part in (
            user.pk,
            selectors.latest_attempt_id(user),
            user.history_reset_at,
            get_language(),
            user.time_zone,
            progress.local_date(current, selectors.user_zone(user)),
            user.exam_date,
            user.study_minutes_per_day,
            user.max_reviews_per_day,
            user.exam_day_order,
        )
    )
    pages = caches["pages"]
    cache_key = "plan:" + hashlib.sha256(key.encode()).hexdigest()
    exam = pages.get(cache_key)
    if exam is None:
        exam = plan_selectors.exam_plan(user=user, now=current)
        if settings.PAGE_CACHE_SECONDS:
            pages.set(cache_key, exam, settings.PAGE_CACHE_SECONDS)
    return render(
        request,
        "study/plan.html",
        {
            "exam": exam,
            "retentions": planner.RETENTIONS,
            "exam_order_days": planner.EXAM_ORDER_DAYS,
            "first_try": planner.FIRST_TRY_RECALL,
            "min_durations": planner.MIN_DURATIONS,
        },
    )


@require_POST
@login_required
def plan_apply(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners: apply a plan's retention and new cards a day to their own settings."""
    form = PlanApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That plan could not be applied. Nothing was changed."))
        return HttpResponseRedirect(reverse("study:plan"), status=303)
    retention = Decimal(form.cleaned_data["retention"])
    new_per_day = form.cleaned_data["new_per_day"]
    services.plan_apply(user=request.user, retention=retention, new_per_day=new_per_day)
    messages.success(
        request,
        _("Your settings now aim at %(retention)s retention, new cards a day %(new)d.")
        % {"retention": f"{retention:.2f}", "new": new_per_day},
    )
    return HttpResponseRedirect(reverse("accounts:settings"), status=303)


@require_POST
@login_required
def exam_order(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in learners, in the last days before their exam: switch exam-day order."""
    form = ExamOrderForm(request.POST)
    now = timezone.now()
    if not form.is_valid():
        messages.error(request, _("Nothing was changed."))
    elif form.cleaned_data["exam_order"] == "on" and not plan_selectors.exam_order_open(
        user=request.user, now=now
    ):
        messages.error(
            request,
            _("Exam-day order opens in the last %(days)d days before your exam date.")
            % {"days": planner.EXAM_ORDER_DAYS},
        )
    else:
        on = form.cleaned_data["exam_order"] == "on"
        services.exam_order_set(user=request.user, on=on)
        messages.success(
            request,
            _("Exam-day order is on.") if on else _("Exam-day order is off."),
        )
    return HttpResponseRedirect(reverse("study:plan"), status=303)
