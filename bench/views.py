"""The load benchmark's yardstick (bench/run): a bare page of this project to compare pages with.

It does what a plain Django page does and nothing more: one query, twenty rows, the site layout.
Every other page's throughput is reported as a ratio of this one, measured in the same run, so
the figures hold on a busy or a quiet machine alike.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from study.models import Attempt

BASELINE_ROWS = 20


@require_safe
@login_required
def baseline(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Signed-in users: their twenty latest answers, from one query (the benchmark's baseline)."""
    attempts = list(
        Attempt.objects.filter(user=request.user)
        .select_related("question")
        .order_by("-reviewed_at", "-pk")[:BASELINE_ROWS]
    )
    return render(request, "bench/baseline.html", {"attempts": attempts})
