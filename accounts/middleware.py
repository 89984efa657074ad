"""The language a signed-in person chose, in every session of theirs."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def user_language_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    """Speak the language saved on the signed-in person (``User.language``) and put it in the language
    cookie, so that the sign-in page after signing out speaks it too. Without a saved choice the cookie
    or the site's default decides (``webcare.middleware.ChosenLanguageMiddleware``).

    Comes after ``AuthenticationMiddleware``. A request without a session cookie (a health check) never
    reads the user.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        language = ""
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            language = request.user.language  # type: ignore[union-attr]
        if language not in dict(settings.LANGUAGES):
            return get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = get_response(request)
        # Not over a cookie the view set: a person choosing another language right now.
        chosen_now = settings.LANGUAGE_COOKIE_NAME in response.cookies
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language and not chosen_now:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    return middleware
