"""The cookies that carry a browser's session and its standing at sign-in: their names,
attributes, setting and clearing."""

from collections.abc import Mapping

from starlette.responses import Response
from starlette.types import Scope

from api.auth import devices, sessions

SESSION_COOKIE = "oversight_session"
# A visitor not signed in holds this one, so the sign-in form has an anti-forgery token too.
PRESESSION_COOKIE = "oversight_presession"
# Outlives sessions and sign-out: it is what lets an account's owner in while others guess.
DEVICE_COOKIE = "oversight_device"


def is_secure(scope: Scope) -> bool:
    return scope.get("scheme") == "https"


def cookie_name(base: str, secure: bool) -> str:
    # The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only and
    # for path /, so a sibling subdomain cannot plant or shadow it.
    return f"__Host-{base}" if secure else base


def cookie_header(name: str, value: str, *, secure: bool, max_age: int | None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts)


def set_session_cookie(response: Response, raw: str, *, secure: bool) -> None:
    """After sign-in: the new session's cookie, and the pre-sign-in cookie cleared."""
    max_age = int(sessions.ABSOLUTE_TIMEOUT.total_seconds())
    response.headers.append("set-cookie", cookie_header(
        cookie_name(SESSION_COOKIE, secure), raw, secure=secure, max_age=max_age))
    response.headers.append("set-cookie", cookie_header(
        cookie_name(PRESESSION_COOKIE, secure), "", secure=secure, max_age=0))


def clear_session_cookie(response: Response, *, secure: bool) -> None:
    response.headers.append("set-cookie", cookie_header(
        cookie_name(SESSION_COOKIE, secure), "", secure=secure, max_age=0))


def device_cookie(cookies: Mapping[str, str], *, secure: bool) -> str:
    return cookies.get(cookie_name(DEVICE_COOKIE, secure), "")


def set_device_cookie(response: Response, value: str, *, secure: bool) -> None:
    """After this browser proves it may use the account: its standing at the next sign-in."""
    max_age = int(devices.DEVICE_LIFETIME.total_seconds())
    response.headers.append("set-cookie", cookie_header(
        cookie_name(DEVICE_COOKIE, secure), value, secure=secure, max_age=max_age))
