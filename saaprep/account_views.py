"""Starting over and leaving: a learner resets their study history or deletes their account.

These pages sit under /settings/ beside the settings page, but live here: resetting needs the
study app and deleting needs every app, and the accounts app may import neither. There is no id
in their URLs: each acts only on the signed-in user. Both explain exactly what goes (GET), then
act on a POST carrying the current password, in one transaction; a wrong password writes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import PasswordConfirmForm
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from classrooms import selectors as classroom_selectors
from classrooms import services as classroom_services
from study import history


def _password_form(request: HttpRequest, user: User) -> PasswordConfirmForm:
    # Only a POST binds the form; anything else posted (a "user" or "pk" field) is ignored.
    data = request.POST if request.method == "POST" else None
    return PasswordConfirmForm(data, user=user)


@login_required
@require_http_methods(["GET", "POST"])
def history_reset(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in user: start their own study history over (settings and classes stay)."""
    user = request.user
    form = _password_form(request, user)
    if request.method == "POST" and form.is_valid():
        history.history_reset(user=user, now=timezone.now())
        messages.success(request, _("Your study history was reset. Every card is new again."))
        return HttpResponseRedirect(reverse("study:progress"), status=303)
    return render(
        request,
        "accounts/history_reset.html",
        {
            "form": form,
            "counts": history.history_counts(user),
            "flags": history.card_flags(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in user: delete their own account and everything in it, for good.

    Refused, with the classes named, while they teach a class that still has students.
    """
    user = request.user
    footprint = classroom_selectors.account_footprint(user)
    form = _password_form(request, user)
    # A refused deletion does not spend a password check (nor a throttled attempt) first.
    if request.method == "POST" and not footprint.is_blocked and form.is_valid():
        try:
            classroom_services.account_delete(user=user, now=timezone.now())
        except classroom_services.AccountDeleteRefused as refused:
            # A student joined one of the user's classes since the page was read.
            footprint = refused.footprint
        else:
            logout(request)
            messages.success(request, _("Your account and everything in it were deleted."))
            return HttpResponseRedirect(reverse("home"), status=303)
    return render(
        request,
        "accounts/account_delete.html",
        {"form": form, "footprint": footprint, "flags": history.card_flags(user)},
    )
