from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

RETENTION_MIN = Decimal("0.80")
RETENTION_MAX = Decimal("0.97")
STUDY_MINUTES_MIN = 1
STUDY_MINUTES_MAX = 1440


class CardLanguage(models.TextChoices):
    KOREAN = "ko", _("Korean first")
    ENGLISH = "en", _("English first")


class User(AbstractUser):
    """A learner (and possibly a teacher or admin). Signs in by email."""

    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    desired_retention = models.DecimalField(
        _("desired retention"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.90"),
        help_text=_("Share of cards you want to still remember when they come due (0.80–0.97)."),
    )
    new_cards_per_day = models.PositiveSmallIntegerField(_("new cards per day"), default=20)
    max_reviews_per_day = models.PositiveSmallIntegerField(
        _("maximum reviews per day"), default=200
    )
    # The day of the certification exam, in the learner's time zone: readiness and the planner
    # predict recall on it. Optional; without it they look a fixed horizon ahead.
    exam_date = models.DateField(_("exam date"), null=True, blank=True)
    # In the last days before the exam date (study.planner.EXAM_ORDER_DAYS) the study queue shows
    # the cards with the lowest predicted recall on the exam day first, whatever their due date.
    exam_day_order = models.BooleanField(_("exam-day order"), default=False)
    study_minutes_per_day = models.PositiveSmallIntegerField(_("study minutes per day"), default=30)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Seoul")
    ui_language = models.CharField(_("interface language"), max_length=8, blank=True)
    card_language = models.CharField(
        _("card language shown first"),
        max_length=2,
        choices=CardLanguage.choices,
        default=CardLanguage.KOREAN,
    )
    # Set when the learner starts their study history over. Pages cached on "the latest answer"
    # (a teacher's dashboard, the progress page) also key on it: deleting answers can leave the
    # latest one where it was, and a copy showing the old history must not be served again.
    history_reset_at = models.DateTimeField(_("study history reset at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(desired_retention__gte=RETENTION_MIN)
                & models.Q(desired_retention__lte=RETENTION_MAX),
                name="accounts_user_retention_range",
            ),
            models.CheckConstraint(
                condition=models.Q(new_cards_per_day__lte=1000),
                name="accounts_user_new_per_day_max",
            ),
            models.CheckConstraint(
                condition=models.Q(max_reviews_per_day__gte=1)
                & models.Q(max_reviews_per_day__lte=10000),
                name="accounts_user_reviews_per_day_range",
            ),
            models.CheckConstraint(
                condition=models.Q(study_minutes_per_day__gte=STUDY_MINUTES_MIN)
                & models.Q(study_minutes_per_day__lte=STUDY_MINUTES_MAX),
                name="accounts_user_study_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email or self.username

    @property
    def shown_name(self) -> str:
        """What the header and rosters call this person."""
        return self.display_name or self.email.split("@")[0] or self.username
