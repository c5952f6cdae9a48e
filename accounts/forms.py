"""Forms a learner fills in about their own account (allauth owns sign-up and log-in forms)."""

import datetime as dt
import functools
import zoneinfo
from typing import Any

from allauth.account.adapter import get_adapter
from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import RETENTION_MAX, RETENTION_MIN, STUDY_MINUTES_MAX, STUDY_MINUTES_MIN, User

NEW_CARDS_PER_DAY_MAX = 1000
REVIEWS_PER_DAY_MIN = 1
REVIEWS_PER_DAY_MAX = 10000
# An exam date is kept within a sane window around today: a date just passed must still save
# (the learner may edit other settings after sitting the exam), year 1 or 9999 must not.
EXAM_DATE_PAST = dt.timedelta(days=366)
EXAM_DATE_AHEAD = dt.timedelta(days=3 * 366)


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone this machine knows, sorted; computed once per process (~600 names)."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SettingsForm(forms.ModelForm):
    """A learner's display name and study settings; never email, password or permissions."""

    # The bounds mirror the named CheckConstraints on User, so a person gets a readable message
    # instead of an IntegrityError. Labels reuse the model's verbose names (one msgid each).
    desired_retention = forms.DecimalField(
        label=capfirst(_("desired retention")),
        min_value=RETENTION_MIN,
        max_value=RETENTION_MAX,
        max_digits=3,
        decimal_places=2,
        help_text=_(
            "Share of cards you want to still remember when they come due, from 0.80 to 0.97. "
            "Higher means more reviews."
        ),
    )
    new_cards_per_day = forms.IntegerField(
        label=capfirst(_("new cards per day")),
        min_value=0,
        max_value=NEW_CARDS_PER_DAY_MAX,
        help_text=_("From 0 to 1000."),
    )
    max_reviews_per_day = forms.IntegerField(
        label=capfirst(_("maximum reviews per day")),
        min_value=REVIEWS_PER_DAY_MIN,
        max_value=REVIEWS_PER_DAY_MAX,
        help_text=_("From 1 to 10000."),
    )
    exam_date = forms.DateField(
        label=capfirst(_("exam date")),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Optional. Readiness and the study plan predict what you will recall on this day."
        ),
    )
    study_minutes_per_day = forms.IntegerField(
        label=capfirst(_("study minutes per day")),
        min_value=STUDY_MINUTES_MIN,
        max_value=STUDY_MINUTES_MAX,
        help_text=_("How long you can study each day, from 1 to 1440 minutes."),
    )
    ui_language = forms.ChoiceField(
        label=capfirst(_("interface language")),
        # Language names in their own language, as every switcher shows them.
        choices=[("", _("As my browser asks")), ("ko", "한국어"), ("en", "English")],
        required=False,
        help_text=_("Kept for your account on every device; the header switch changes it too."),
    )
    time_zone = forms.ChoiceField(
        label=capfirst(_("time zone")),
        choices=time_zone_choices,
        help_text=_("Daily limits restart at midnight in this time zone."),
    )

    class Meta:
        model = User
        fields = [
            "display_name",
            "desired_retention",
            "new_cards_per_day",
            "max_reviews_per_day",
            "exam_date",
            "study_minutes_per_day",
            "time_zone",
            "ui_language",
            "card_language",
        ]
        widgets = {"card_language": forms.RadioSelect}
        help_texts = {"display_name": _("Shown in the header and to your teachers.")}

    def clean_exam_date(self) -> dt.date | None:
        exam_date: dt.date | None = self.cleaned_data.get("exam_date")
        if exam_date is None:
            return None
        today = timezone.now().date()
        if not today - EXAM_DATE_PAST <= exam_date <= today + EXAM_DATE_AHEAD:
            raise forms.ValidationError(
                _("Choose a date within a year before today and three years after it."),
                code="out_of_range",
            )
        return exam_date


class PasswordConfirmForm(forms.Form):
    """The signed-in user's current password, asked again before a change that cannot be undone.

    Checked the way signing in checks it (allauth's adapter): wrong guesses count toward the
    same throttle as the log-in form's, so a borrowed session cannot try passwords freely.
    """

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To make sure it is really you."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        # Raises a ValidationError of its own (too many attempts) when the throttle is spent.
        if not get_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError(_("That is not your password."), code="incorrect")
        return password
