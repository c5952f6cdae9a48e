"""Site-wide pages: the home page (which composes every app), health check, error pages.

This module sits above the apps, so it may import any of them.
"""

import logging
import sys
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cards.models import Deck, Domain
from classrooms import selectors as classroom_selectors
from study import selectors

logger = logging.getLogger(__name__)


def _domain_order(domain: Domain) -> tuple[int, int]:
    return (domain.order, domain.number)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Anyone: what saaprep is and the decks; a signed-in learner also sees what is due in each
    and their open assignments."""
    decks = list(Deck.objects.visible_to(request.user).with_card_counts().in_exam_order())
    # The domains the content covers, from the built-in decks already read: the page names a
    # domain only when the content is all in one.
    domains = sorted({deck.domain for deck in decks if deck.domain is not None}, key=_domain_order)
    context: dict[str, Any] = {
        "decks": decks,
        "only_domain": domains[0] if len(domains) == 1 else None,
        "grouped": len({deck.domain_id for deck in decks}) > 1,
    }
    if request.user.is_authenticated:
        now = timezone.now()
        due = selectors.deck_due_counts(user=request.user, decks=decks, now=now)
        context["assignments"] = classroom_selectors.student_assignments(
            user=request.user, now=now, open_only=True
        )
        context["deck_rows"] = [(deck, due[deck.pk]) for deck in decks]
    return render(request, "home.html", context)


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    """Anyone: how studying works (buckets and daily limits, ratings, leeches, readiness,
    practice), one anchor per subject for the pages that link to it."""
    return render(request, "help.html")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Anyone (the container healthcheck): 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("healthz: database unavailable", exc_info=True)
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Anyone: the 404 page in the site layout."""
    return render(request, "404.html", status=404)


# How long a client should wait before retrying while the database is unreachable.
RETRY_AFTER_SECONDS = 60


def database_unavailable(exception: BaseException | None) -> bool:
    """Whether the exception (or one it arose from) says the database cannot be reached.

    OperationalError (connection refused or lost, server shutting down) and InterfaceError
    (a connection already closed) are outages; other database errors (integrity, data,
    programming) are bugs and stay 500s. The chain matters: code that catches a lost connection
    and then fails on the dead one raises something else "during handling" of it.
    """
    seen: set[int] = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, (OperationalError, InterfaceError)):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """Anyone: the 503 page while the database is unreachable, else the 500 page.

    Django calls this inside its `except` block (for views and middleware alike), so
    sys.exc_info() holds the exception. Both pages render without a request context: no user,
    no session, no database.
    """
    if database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
