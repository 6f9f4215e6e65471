"""Request plumbing: client address for audit, idle session expiry, CSP, domain errors."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext

from guazhi.core.context import client_ip, current_ip
from guazhi.core.errors import Forbidden, GuazhiError, NotFound


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Domain errors that escape a view become the page a person understands."""
        if not isinstance(exception, GuazhiError):
            return None
        from guazhi.core.rendering import render_page

        if isinstance(exception, NotFound | Forbidden):
            return render_page(request, "error.html", {"error": exception}, status=exception.status)
        if getattr(request, "htmx", False):
            return render_page(
                request, "error.html", {"error": exception}, partial="message", status=200
            )
        messages.error(request, exception.message)
        return HttpResponseRedirect(request.META.get("HTTP_REFERER") or "/")


class IdleSessionMiddleware:
    """Log out after SESSION_IDLE_SECONDS without a request.

    Rewriting the session on every request (SESSION_SAVE_EVERY_REQUEST) would cost a database
    write per page; refreshing the expiry at most once a minute costs one write a minute.
    """

    refresh_every = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            last_seen = session.get("_last_seen", now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                from django.contrib.auth import logout

                logout(request)
                messages.info(request, gettext("长时间未操作，已自动退出，请重新登录。"))
            elif now - last_seen >= self.refresh_every or "_last_seen" not in session:
                session["_last_seen"] = now
                session.set_expiry(settings.SESSION_IDLE_SECONDS)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Django 5.2 has no CSP of its own (6.0 does); everything is vendored, so 'self' suffices."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = settings.CONTENT_SECURITY_POLICY_ENABLED

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.enabled:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class LanguageMiddleware:
    """Chinese unless the person chose otherwise with the language switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
    browser in a Chinese office would get English pages nobody asked for.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = dict(settings.LANGUAGES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
