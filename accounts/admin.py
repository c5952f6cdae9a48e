from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("email", "display_name", "is_staff", "is_active", "date_joined", "last_login")
    search_fields = ("email", "display_name", "username")
    readonly_fields = ("history_reset_at",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Learning"),
            {
                "fields": (
                    "display_name",
                    "desired_retention",
                    "new_cards_per_day",
                    "max_reviews_per_day",
                    "time_zone",
                    "ui_language",
                    "card_language",
                    "history_reset_at",
                )
            },
        ),
    )
