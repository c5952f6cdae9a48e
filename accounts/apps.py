from allauth.account.apps import AccountConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True  # the config of "accounts" in INSTALLED_APPS (this module holds two)
    name = "accounts"
    # The admin titles each app's section with this; allauth's section is "Accounts" as well.
    verbose_name = _("Users")


class SignInEmailsConfig(AccountConfig):
    """allauth's account app under a title of its own in the admin (its models are the email
    addresses people sign in with), so that no two sections are called "Accounts"."""

    default = False
    verbose_name = _("Sign-in email addresses")
