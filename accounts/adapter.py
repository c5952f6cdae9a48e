"""Hooks that make allauth speak of users the way the rest of saaprep does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language

if TYPE_CHECKING:
    from django.forms import BaseForm
    from django.http import HttpRequest

    from accounts.models import User


def user_display(user: User) -> str:
    """How allauth's messages name a user ("Successfully signed in as ..."): as the header does."""
    return str(user.shown_name)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(
        self, request: HttpRequest, user: Any, form: BaseForm, commit: bool = True
    ) -> Any:
        """A new account reads cards first in the language its owner signed up in: someone who
        signed up with the English interface gets English cards first (Settings changes it)."""
        from accounts.models import CardLanguage

        user = super().save_user(request, user, form, commit=False)
        english = (get_language() or "").lower().startswith("en")
        user.card_language = CardLanguage.ENGLISH if english else CardLanguage.KOREAN
        if commit:
            user.save()
        return user
