"""Request middleware for the whole site."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.views import defaults
from django_htmx.http import HttpResponseClientRedirect


class ChosenLanguageMiddleware(LocaleMiddleware):
    """The site speaks ``LANGUAGE_CODE`` (Dutch) until a person picks another language themselves.

    The browser's Accept-Language is not followed: a Dutch club's volunteer with an English browser
    still sees the Dutch texts the team works in, and can switch in the user menu.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        translation.activate(chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


# Scripts only from our own static files: even if cleaned feed HTML ever let a script through, the
# browser would not run it. htmx's indicator styles are switched off in base.html to keep this strict.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def security_headers_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    """Add the content security policy and switch off browser features the app never uses."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response

    return middleware


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a sign-in (Django's ``LoginRequiredMiddleware``), and so does every htmx request.

    An htmx request (the notification bell every minute, a filter, a pane) would follow a plain redirect
    and swap the whole sign-in page into a corner of the screen once the session has ended. It is told
    to load the sign-in page as the page instead, with the page the person was on to come back to.
    """

    def handle_no_permission(  # type: ignore[override]  # htmx's client redirect is a 200, not a 302
        self, request: HttpRequest, view_func: Callable[..., HttpResponseBase]
    ) -> HttpResponseBase:
        if request.headers.get("HX-Request") != "true":
            return super().handle_no_permission(request, view_func)
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.netloc == request.get_host() and current.path.startswith("/"):
            back = current.path + (f"?{current.query}" if current.query else "")
        else:
            back = request.get_full_path()
        return HttpResponseClientRedirect(redirect_to_login(back, self.get_login_url(view_func))["Location"])


class NotFoundPageMiddleware:
    """The product's own "not found" page, also with ``DEBUG`` on (``make run``).

    With ``DEBUG`` on, Django answers an unknown address with its technical page, which lists every URL
    of the product. The page a visitor meets is ours in every mode: an address that matched no URL, or a
    view that found nothing (``Http404``), gets the same page as in production.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and request.resolver_match is None and settings.DEBUG:
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404) and settings.DEBUG:
            return defaults.page_not_found(request, exception)
        return None
