"""Console sessions and CSRF: a signed cookie (itsdangerous), a per-session CSRF token (HMAC).

The cookie holds the officer id, their session epoch (bumped on logout and password change, so
old cookies die) and a random session id; it is HttpOnly, SameSite=Lax, and Secure whenever the
console is served over https. Every form carries a token derived from the session id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.settings import Settings

SESSION_COOKIE = "aman_console"
#: Double-submit cookie protecting the login form (no session exists yet).
LOGIN_CSRF_COOKIE = "aman_login_csrf"
LANG_COOKIE = "aman_console_lang"
SESSION_MAX_AGE = 12 * 3600


@dataclass(frozen=True, slots=True)
class SessionData:
    officer_id: int
    epoch: int
    sid: str


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.SECRET_KEY, salt="aman-console-session")


def new_session_cookie(settings: Settings, *, officer_id: int, epoch: int) -> str:
    return _serializer(settings).dumps(
        {"o": officer_id, "e": epoch, "s": secrets.token_urlsafe(16)}
    )


def read_session_cookie(settings: Settings, value: str | None) -> SessionData | None:
    """The session in a cookie, or None when missing, forged or older than SESSION_MAX_AGE."""
    if not value:
        return None
    try:
        raw: Any = _serializer(settings).loads(value, max_age=SESSION_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(raw, dict):
        return None
    try:
        return SessionData(officer_id=int(raw["o"]), epoch=int(raw["e"]), sid=str(raw["s"]))
    except (KeyError, TypeError, ValueError):
        return None


def csrf_token(settings: Settings, sid: str) -> str:
    """The CSRF token of one session: unguessable without the secret, stable for the session."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"csrf:{sid}".encode(), hashlib.sha256
    ).hexdigest()


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def cookie_secure(settings: Settings) -> bool:
    return settings.PUBLIC_BASE_URL.lower().startswith("https://")


def cookie_options(settings: Settings) -> dict[str, Any]:
    return {
        "httponly": True,
        "samesite": "lax",
        "secure": cookie_secure(settings),
        "path": "/",
    }
