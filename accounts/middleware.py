"""A signed-in learner's saved interface language wins over the browser's and the cookie's."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Runs after AuthenticationMiddleware and LocaleMiddleware's request half.

    Without it a learner who chose English would get Korean again on a new device or after the
    language cookie expired; with it the choice follows the account.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = getattr(user, "ui_language", "")
            if language in self.languages:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
