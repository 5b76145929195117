"""Who is asking, at the door of every request: the session cookie or API token becomes the acting
user; anonymous callers are turned away from all but the open routes; every state-changing
browser request must carry its anti-forgery token; every response gets the security headers."""

import json
import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import clock, page_cache
from api.auth import access, credentials, sessions, tokens
from api.auth.models import ApiToken, TokenScope, User
from api.db import session_scope
from api.settings import get_settings

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "oversight_session"
PRESESSION_COOKIE = "oversight_presession"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
HSTS = "max-age=63072000; includeSubDomains"


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


@dataclass
class Identity:
    """What the door learned about a request; kept on request.state.identity."""

    user: User | None = None
    via: str | None = None  # "session" or "token"
    session_id: int | None = None
    # The raw secret the browser sent (session or pre-session), and the one it holds after.
    sent_secret: str | None = None
    secret: str | None = None
    token_scope: TokenScope | None = None
    must_set_up_two_factor: bool = False
    cookies: list[str] = field(default_factory=list)
    # For a GET: the data version read before the page reads anything (see api.page_cache).
    version: int | None = None

    @cached_property
    def csrf_token(self) -> str:
        return tokens.csrf_for(self.secret) if self.secret else ""

    @property
    def expected_csrf(self) -> str | None:
        return tokens.csrf_for(self.sent_secret) if self.sent_secret else None


def bearer(headers: Headers) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


async def _by_token(raw: str) -> Identity:
    found = credentials.token_seen(raw)
    if found is None:
        return Identity(via="token")
    token, user = found.credential, found.user
    if token.last_used_at is None or clock.now() - token.last_used_at >= sessions.TOUCH_EVERY:
        await run_in_threadpool(_touch_token, token.id)
    return Identity(user=user, via="token", token_scope=token.scope,
                    must_set_up_two_factor=found.must_set_up_two_factor, version=found.version)


def _touch_token(token_id: int) -> None:
    with session_scope() as session:
        row = session.get(ApiToken, token_id)
        if row is not None:
            row.last_used_at = clock.now()
            session.add(row)


def _end_session(raw: str, user: User) -> None:
    with session_scope() as session:
        if user.is_active:
            sessions.end(session, raw)
        else:
            sessions.end_all(session, user.id)  # type: ignore[arg-type]


def _refresh_session(session_id: int, rotate: bool) -> str | None:
    with session_scope() as session:
        return sessions.refresh(session, session_id, rotate=rotate)


async def _by_session(raw: str, secure: bool) -> Identity:
    name = cookie_name(SESSION_COOKIE, secure)
    found = credentials.session_seen(raw)
    if found is None:
        return Identity(cookies=[cookie_header(name, "", secure=secure, max_age=0)])
    auth_session, user = found.credential, found.user
    if sessions.is_expired(auth_session) or not user.is_active:
        await run_in_threadpool(_end_session, raw, user)
        return Identity(cookies=[cookie_header(name, "", secure=secure, max_age=0)])
    identity = Identity(user=user, via="session", session_id=auth_session.id, sent_secret=raw,
                        secret=raw, must_set_up_two_factor=found.must_set_up_two_factor,
                        version=found.version)
    rotate = sessions.needs_rotation(auth_session, user)
    if rotate or sessions.needs_touch(auth_session):
        new_raw = await run_in_threadpool(_refresh_session, auth_session.id, rotate)
        if new_raw:
            identity.secret = new_raw
            max_age = int((auth_session.expires_at - clock.now()).total_seconds())
            identity.cookies.append(cookie_header(name, new_raw, secure=secure,
                                                  max_age=max(max_age, 0)))
    return identity


async def identify(scope: Scope) -> Identity:
    """Reads run here, on the event loop: one short read-only statement, which no writer can
    make wait (SQLite's WAL, PostgreSQL's snapshots), costs less than handing it to a thread.
    Writes (a session or token marked as used, a session ended) may wait for a lock, so they
    go to a worker thread."""
    headers = Headers(scope=scope)
    secure = is_secure(scope)
    path = scope["path"]
    raw_token = bearer(headers)
    # API tokens are for the JSON API only; a page always needs a browser session.
    if raw_token is not None and path.startswith("/api/"):
        return await _by_token(raw_token)
    cookies = Request(scope).cookies
    raw_session = cookies.get(cookie_name(SESSION_COOKIE, secure))
    identity = await _by_session(raw_session, secure) if raw_session else Identity()
    if identity.user is None:
        # A visitor not signed in still needs an anti-forgery token for the sign-in form.
        presession_name = cookie_name(PRESESSION_COOKIE, secure)
        presession = cookies.get(presession_name)
        identity.sent_secret = presession
        if not presession:
            presession = tokens.new_token()
            identity.cookies.append(cookie_header(presession_name, presession, secure=secure,
                                                  max_age=None))
        identity.secret = presession
    return identity


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path == "/openapi.json"


def _problem(status: int, title: str, detail: str, headers: dict[str, str] | None = None,
             ) -> Response:
    return JSONResponse({"type": "about:blank", "title": title, "status": status,
                         "detail": detail}, status_code=status, headers=headers,
                        media_type="application/problem+json")


def _page(status: int, title: str, text: str) -> Response:
    body = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}"
            f" · Oversight</title><link rel=\"stylesheet\" href=\"/static/css/oversight.css\">"
            f"</head><body><main id=\"main\"><h1>{title}</h1><p>{text}</p>"
            f"<p><a href=\"/\">Go to the start page</a></p></main></body></html>")
    return HTMLResponse(body, status_code=status)


def refuse_anonymous(scope: Scope) -> Response:
    path = scope["path"]
    if _is_api(path):
        return _problem(401, "Not signed in",
                        "Sign in, or send a personal API token as 'Authorization: Bearer'.",
                        {"WWW-Authenticate": "Bearer"})
    query = scope.get("query_string", b"").decode("latin-1")
    target = path + (f"?{query}" if query else "")
    location = "/login" if target == "/" else f"/login?next={quote(target, safe='')}"
    headers = Headers(scope=scope)
    if headers.get("hx-request"):
        # An htmx request would swap the sign-in page into a fragment; send the browser there.
        return Response(status_code=401, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def refuse_forgery(scope: Scope, why: str) -> Response:
    log.warning("refused a state-changing request to %s: %s", scope["path"], why)
    if _is_api(scope["path"]):
        return _problem(403, "Forbidden", f"Request refused: {why}. Browser requests must "
                        "carry the page's anti-forgery token.")
    return _page(403, "This form has expired", "The request did not carry a valid anti-forgery "
                 "token, or came from another site. Go back, reload the page and try again.")


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def own_origins(scope: Scope) -> set[str]:
    headers = Headers(scope=scope)
    host = headers.get("host", "")
    scheme = scope.get("scheme", "http")
    return {f"{scheme}://{host}".lower(), _origin_of(get_settings().base_url)}


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _form_token(scope: Scope, body: bytes) -> str | None:
    content_type = Headers(scope=scope).get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded",
                                    "multipart/form-data")):
        return None
    try:
        async with Request(scope, _replay(body)).form() as form:
            value = form.get(CSRF_FIELD)
    except Exception:  # noqa: BLE001  (a body that will not parse carries no token)
        return None
    return value if isinstance(value, str) else None


class AuthMiddleware:
    """Identifies the caller, refuses anonymous and forged requests, sets session cookies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        method = scope["method"]
        if path.startswith("/static/") or path == "/healthz":
            # Nobody's data, and the liveness check must not wait on the database.
            await self.app(scope, receive, send)
            return
        identity = await identify(scope)
        state = scope.setdefault("state", {})
        state["identity"] = identity
        state["user"] = identity.user
        state["csrf_token"] = identity.csrf_token
        state["data_version"] = identity.version

        response = await self._refusal(scope, identity)
        if response is None and method not in SAFE_METHODS and identity.via != "token":
            receive, response = await self._check_forgery(scope, receive, identity)
        if response is None and method == "GET":
            response = page_cache.kept(scope)
        if response is not None:
            for cookie in identity.cookies:
                response.headers.append("set-cookie", cookie)
            await response(scope, receive, send)
            return

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start" and identity.cookies:
                headers = MutableHeaders(scope=message)
                for cookie in identity.cookies:
                    headers.append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookies)

    async def _refusal(self, scope: Scope, identity: Identity) -> Response | None:
        path = scope["path"]
        if identity.user is None:
            if identity.via == "token":
                return _problem(401, "Not signed in", "The API token is unknown, expired or "
                                "revoked.", {"WWW-Authenticate": "Bearer"})
            if access.is_open(path):
                return None
            return refuse_anonymous(scope)
        if identity.via == "token" and scope["method"] not in SAFE_METHODS \
                and identity.token_scope != TokenScope.write:
            return _problem(403, "Forbidden", "This API token may only read.")
        if identity.must_set_up_two_factor and not (
                path.startswith("/account") or path in ("/logout", "/login")):
            if _is_api(path):
                return _problem(403, "Forbidden", "Set up two-factor sign-in on your account "
                                "page before using Oversight.")
            return RedirectResponse("/account#two-factor", status_code=303)
        return None

    async def _check_forgery(self, scope: Scope, receive: Receive,
                             identity: Identity) -> tuple[Receive, Response | None]:
        headers = Headers(scope=scope)
        if headers.get("sec-fetch-site", "").lower() == "cross-site":
            return receive, refuse_forgery(scope, "it came from another site")
        origin = headers.get("origin")
        # Under Referrer-Policy: no-referrer a browser sends "Origin: null" with a plain form
        # POST, even to its own site; there Sec-Fetch-Site still says where it came from.
        same_site_form = (origin == "null"
                          and headers.get("sec-fetch-site", "").lower() == "same-origin")
        if origin is not None and not same_site_form and origin.lower() not in own_origins(scope):
            return receive, refuse_forgery(scope, "it came from another origin")
        expected = identity.expected_csrf
        given = headers.get(CSRF_HEADER)
        if expected and tokens.same(given, expected):
            return receive, None
        body = await _read_body(receive)
        replay = _replay(body)
        if expected and tokens.same(await _form_token(scope, body), expected):
            return replay, None
        return replay, refuse_forgery(scope, "the anti-forgery token is missing or wrong")


# Sent on every response, in place of any the app set; built once, as raw headers.
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", PERMISSIONS_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
HSTS_HEADER = (b"strict-transport-security", HSTS.encode())
# Pages and API answers hold coalition data: never kept by a browser or a proxy.
NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    """The headers every response carries, errors and static files included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = list(SECURITY_HEADERS)
        if is_secure(scope):
            added.append(HSTS_HEADER)
        data = not scope["path"].startswith("/static/")
        if data:
            added.append(NO_STORE)
        replaced = {name for name, _ in added}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # One pass over the raw headers: setting each through MutableHeaders scans
                # them all once per header.
                headers = []
                pragma = False
                for name, value in message.get("headers", []):
                    lower = name.lower()
                    if lower in replaced:
                        continue
                    pragma = pragma or lower == b"pragma"
                    if lower == b"vary" and b"cookie" not in value.lower():
                        value += b", Cookie"
                    headers.append((name, value))
                headers.extend(added)
                if data and not pragma:
                    headers.append((b"pragma", b"no-cache"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def htmx_config() -> str:
    """The htmx settings the CSP needs: no inline indicator styles, no eval, no script tags."""
    return json.dumps({"includeIndicatorStyles": False, "allowEval": False,
                       "allowScriptTags": False, "selfRequestsOnly": True})


def install(app: Any) -> None:
    """The door inside the error handlers; the headers outside everything, so even an
    unexpected error's answer carries them."""
    app.add_middleware(AuthMiddleware)
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeaders(build())

    app.build_middleware_stack = build_with_headers
