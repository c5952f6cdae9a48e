from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accounts.http import AuthenticatedHttpRequest

from .forms import SettingsForm
from .models import User


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in user: their own display name and study settings."""
    # A fresh copy, not request.user: is_valid() copies posted values onto the instance even when
    # they fail, and the header must keep showing what is really saved.
    user = User.objects.get(pk=request.user.pk)
    if request.method == "POST":
        form = SettingsForm(request.POST, instance=user)
        if form.is_valid():
            # Only this form's columns: a concurrent login must not lose its last_login.
            form.save(commit=False).save(update_fields=SettingsForm.Meta.fields)
            messages.success(request, _("Your settings are saved."))
            return redirect("accounts:settings")
        messages.error(request, _("Nothing was saved. Please correct the marked fields."))
    else:
        form = SettingsForm(instance=user)
    return render(request, "accounts/settings.html", {"form": form})


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Anyone: switch the interface language; a signed-in learner keeps it on their account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    known = language in dict(django_settings.LANGUAGES) and check_for_language(language)
    if request.user.is_authenticated and known:
        User.objects.filter(pk=request.user.pk).update(ui_language=language)
    return response
