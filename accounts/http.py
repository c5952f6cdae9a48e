"""A request that login_required let through: its user is a signed-in User, not AnonymousUser.

Annotating a login-required view's request with it lets mypy check the user's attributes.
"""

from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
