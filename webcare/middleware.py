"""Request middleware for the whole site."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """The site speaks ``LANGUAGE_CODE`` (Dutch) until a person picks another language themselves.

    The browser's Accept-Language is not followed: a Dutch club's volunteer with an English browser
    still sees the Dutch texts the team works in, and can switch in the user menu.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        translation.activate(chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
