"""What a browser is shown when a page request is turned away before its route: the sign-in
page for a visitor, the account page for an account that must set up two-factor, and a short
page for a form that has expired or a body past its size limit. htmx requests are sent to the
whole page instead of getting it swapped into a fragment. A meeting form posted by a session
that has ended is kept in the browser through signing in, so that nothing typed is lost."""

import base64
import json
import zlib
from collections.abc import Mapping
from html import escape
from urllib.parse import parse_qsl, quote, urlencode

from starlette.datastructures import FormData, Headers, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from api import clock
from api.auth import devices
from api.auth.cookies import device_cookie, is_secure
from api.auth.forgery import own_origins
from api.auth.models import User
from api.i18n import catalogs
from api.i18n.catalogs import gettext
from web import htmx
from web.templating import templates

MEETING_FORM = "/meetings"
MEETING_FORM_PAGE = "/meetings/new"
KEPT_COOKIE = "oversight_kept_meeting"
# Browsers keep about 4 KB a cookie; three of them stay well inside the request-header limit
# of the server (and of any proxy in front of it) while holding a long meeting, compressed.
KEPT_PART = 3800
KEPT_PARTS = 3
KEPT_FOR = 3600
# Never carried: they belong to the form that was sent, not to the meeting typed in it.
NOT_KEPT = ("csrf_token", "step", "who_q")
KEPT_NOTICE = ("You were signed out before this meeting was saved. Sign in and the meeting "
               "comes back filled in, for you to check and save.")
LOST_NOTICE = ("You were signed out, and the meeting you were saving was not saved. Sign in "
               "and log it again.")


def _go(scope: Scope, location: str) -> Response:
    if htmx.is_htmx(Request(scope)):
        return htmx.redirect(Response(status_code=401), location)
    return RedirectResponse(location, status_code=303)


def sign_in(scope: Scope) -> Response:
    if scope["method"] == "POST" and scope["path"] == MEETING_FORM \
            and not htmx.is_htmx(Request(scope)):
        return KeepMeetingThroughSignIn()
    query = scope.get("query_string", b"").decode("latin-1")
    target = scope["path"] + (f"?{query}" if query else "")
    return _go(scope, "/login" if target == "/" else f"/login?next={quote(target, safe='')}")


def set_up_two_factor(scope: Scope) -> Response:
    return RedirectResponse("/account#two-factor", status_code=303)


def forged(scope: Scope) -> Response:
    # Said in the reader's language, chosen before this check runs (api.auth.identity).
    language = escape(catalogs.current())
    title = escape(gettext("This form has expired"))
    why = escape(gettext("The request did not carry a valid anti-forgery token, or came from "
                         "another site. Go back, reload the page and try again."))
    start = escape(gettext("Go to the start page"))
    return HTMLResponse(
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{title} · Oversight</title>"
        '<link rel="stylesheet" href="/static/css/oversight.css"></head>'
        f'<body><main id="main"><h1>{title}</h1><p>{why}</p>'
        f'<p><a href="/">{start}</a></p></main></body></html>',
        status_code=403)


def too_large(why: str) -> Response:
    """A body past its size limit (api.body_limit), `why` already in the reader's language,
    chosen before the refusal (api.body_limit reads the language switch's cookie)."""
    title, back = escape(gettext("Too large")), escape(gettext(
        "Go back and send less, or a smaller file."))
    return HTMLResponse(
        f'<!doctype html><html lang="{escape(catalogs.current())}"><head>'
        f'<meta charset="utf-8"><title>{title} · Oversight</title>'
        '<link rel="stylesheet" href="/static/css/oversight.css"></head>'
        f'<body><main id="main"><h1>{title}</h1><p>{escape(why)}</p>'
        f"<p>{back}</p></main></body></html>", status_code=413)


# ---- a meeting kept through signing in ---------------------------------------------------

def _kept_name(scope: Scope, part: int) -> str:
    # Not __Host-: that prefix needs Path=/, and this cookie is only for the form's page.
    return f"{'__Secure-' if is_secure(scope) else ''}{KEPT_COOKIE}_{part}"


def _kept_cookie(scope: Scope, part: int, value: str, max_age: int) -> str:
    parts = [f"{_kept_name(scope, part)}={value}", f"Path={MEETING_FORM_PAGE}", "HttpOnly",
             "SameSite=Lax", f"Max-Age={max_age}"]
    if is_secure(scope):
        parts.append("Secure")
    return "; ".join(parts)


def _same_origin(scope: Scope) -> bool:
    """Whether the form was sent from a page of this site: another site must not be able to
    fill in the form a person sees after signing in."""
    headers = Headers(scope=scope)
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site.lower() == "same-origin"
    origin = headers.get("origin")
    return origin is not None and origin.lower() in own_origins(scope)


async def _body(receive: Receive) -> bytes | None:
    # Within the body limit, which is enforced further out and cuts a longer body short.
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _packed(scope: Scope, body: bytes) -> list[str] | None:
    """The meeting as cookie values, or None when it may not or cannot be kept."""
    content_type = Headers(scope=scope).get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded") \
            or not _same_origin(scope):
        return None
    device = device_cookie(Request(scope).cookies, secure=is_secure(scope))
    if not device:
        # Nothing would tell, after signing in, whose meeting this was.
        return None
    try:
        fields = [(k, v) for k, v in parse_qsl(body.decode("utf-8"), keep_blank_values=True)
                  if k not in NOT_KEPT]
    except UnicodeDecodeError:
        return None
    packed = json.dumps({"form": urlencode(fields), "device": device,
                         "at": int(clock.now().timestamp())}, separators=(",", ":"))
    text = base64.urlsafe_b64encode(zlib.compress(packed.encode(), 9)).decode().rstrip("=")
    parts = [text[i:i + KEPT_PART] for i in range(0, len(text), KEPT_PART)]
    return parts if len(parts) <= KEPT_PARTS else None


class KeepMeetingThroughSignIn(Response):
    """The sign-in page, in answer to a meeting form posted after the session ended. The
    meeting goes into short-lived cookies for the form's page only, tied to the account this
    browser last signed in to, and comes back filled in once that account signs in again:
    never saved until the person has seen it and pressed Save. Its text is never logged."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await _body(receive)
        parts = _packed(scope, body) if body is not None else None
        request = Request(scope)
        page = templates.TemplateResponse(
            request, "meetings/sign_in_to_save.html",
            {"next": f"{MEETING_FORM_PAGE}?kept=1" if parts is not None else MEETING_FORM_PAGE,
             "email": "", "kept": parts is not None,
             "notice": KEPT_NOTICE if parts is not None else LOST_NOTICE})
        for part, value in enumerate(parts or []):
            page.headers.append("set-cookie", _kept_cookie(scope, part, value, KEPT_FOR))
        await page(scope, receive, send)


def kept_meeting(request: Request, user: User | None) -> FormData | None:
    """The meeting kept through signing in, as the form had it, when it was this account's."""
    cookies: Mapping[str, str] = request.cookies
    text = "".join(cookies.get(_kept_name(request.scope, part), "")
                   for part in range(KEPT_PARTS))
    if not text:
        return None
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        packed = json.loads(raw)
        form, device, at = str(packed["form"]), str(packed["device"]), int(packed["at"])
    except (ValueError, TypeError, KeyError, zlib.error):
        return None
    if clock.now().timestamp() - at > KEPT_FOR or \
            devices.nonce_of(user, device) is None:
        return None
    pairs: list[tuple[str, str | UploadFile]] = list(parse_qsl(form, keep_blank_values=True))
    return FormData(pairs)


def forget_kept_meeting(request: Request, response: Response) -> None:
    for part in range(KEPT_PARTS):
        if _kept_name(request.scope, part) in request.cookies:
            response.headers.append("set-cookie", _kept_cookie(request.scope, part, "", 0))
