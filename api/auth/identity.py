"""Who is asking: the session cookie or API token of every request becomes the acting user,
kept on the request's state; anonymous callers are turned away from all but the open routes."""

from dataclasses import dataclass, field
from functools import cached_property

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import clock
from api.auth import access, credentials, sessions, tokens
from api.auth.answers import PageAnswers, api_problem, is_api
from api.auth.cookies import (
    PRESESSION_COOKIE,
    SESSION_COOKIE,
    cookie_header,
    cookie_name,
    is_secure,
)
from api.auth.models import ApiToken, TokenScope, User
from api.db import session_scope
from api.fields import stored_id
from api.i18n import catalogs, locales
from api.i18n.catalogs import N_

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Identity:
    """What was learned about a request's caller; kept on request.state.identity."""

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


def of(scope: Scope) -> Identity | None:
    """The identity the middleware found, or None where it does not look (static files)."""
    identity = scope.get("state", {}).get("identity")
    return identity if isinstance(identity, Identity) else None


def bearer(headers: Headers) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, given = value.partition(" ")
    if scheme.lower() == "bearer" and given.strip():
        return given.strip()
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
            sessions.end_all(session, stored_id(user))


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
    raw_token = bearer(headers)
    # API tokens are for the JSON API only; a page always needs a browser session.
    if raw_token is not None and scope["path"].startswith("/api/"):
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


def refusal(scope: Scope, identity: Identity, pages: PageAnswers) -> Response | None:
    """Why this caller may not go on to the route, as its answer; None when it may."""
    path = scope["path"]
    if identity.user is None:
        if identity.via == "token":
            return api_problem(401, N_("The API token is unknown, expired or revoked."),
                               bearer=True)
        if access.is_open(path):
            return None
        if is_api(path):
            return api_problem(401, N_("Sign in, or send a personal API token as "
                                  "'Authorization: Bearer'."), bearer=True)
        return pages.sign_in(scope)
    if identity.via == "token" and scope["method"] not in SAFE_METHODS \
            and identity.token_scope != TokenScope.write:
        return api_problem(403, N_("This API token may only read."))
    if identity.must_set_up_two_factor and not (
            path.startswith("/account") or path in ("/logout", "/login")):
        if is_api(path):
            return api_problem(403, N_("Set up two-factor sign-in on your account page "
                                  "before using Oversight."))
        return pages.set_up_two_factor(scope)
    return None


class IdentityMiddleware:
    """Identifies the caller, refuses those who may not go on, and sets the cookies the
    identification changed on whatever answers the request."""

    def __init__(self, app: ASGIApp, *, pages: PageAnswers) -> None:
        self.app = app
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/") \
                or scope["path"] == "/healthz" or access.is_public_page(scope["path"]):
            # Nobody's data, and the liveness check must not wait on the database. A public
            # page is the same for everyone: no session read, no cookie set.
            await self.app(scope, receive, send)
            return
        identity = await identify(scope)
        state = scope.setdefault("state", {})
        state["identity"] = identity
        state["user"] = identity.user
        state["csrf_token"] = identity.csrf_token
        state["data_version"] = identity.version
        # Decided once the reader is known: their account's language first (api.i18n.locales).
        headers = Headers(scope=scope)
        state["locale"] = locale = locales.choose(
            account=getattr(identity.user, "language", None),
            cookie=Request(scope).cookies.get(cookie_name(locales.COOKIE, is_secure(scope))),
            accept_language=headers.get("accept-language"))

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start" and identity.cookies:
                headers = MutableHeaders(scope=message)
                for cookie in identity.cookies:
                    headers.append("set-cookie", cookie)
            await send(message)

        with catalogs.use_locale(locale):
            refused = refusal(scope, identity, self.pages)
            if refused is not None:
                await refused(scope, receive, send_with_cookies)
                return
            await self.app(scope, receive, send_with_cookies)
