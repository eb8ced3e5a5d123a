"""Chinese unless the officer switched (the browser's Accept-Language is not consulted); the
idle expiry of sessions renewed without a database write on every page view."""

from __future__ import annotations

import time

from django.conf import settings
from django.utils import translation

RENEWED = "_renewed_at"


class IdleExpiryMiddleware:
    """Renew a logged-in session's 30-minute expiry when its last renewal is a minute old.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) made each page view a
    write transaction, and every officer's page queued on the database's one write lock;
    renewing once a minute ends a session after 29 to 30 idle minutes instead of 30."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(RENEWED, 0) >= settings.SESSION_RENEW_AFTER:
                session[RENEWED] = now  # marks it modified: SessionMiddleware saves it
        return response


class ChineseFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
