"""Every state-changing browser request must come from our own pages: from our origin, and
carrying the anti-forgery token tied to the browser's session. API tokens are not sent by
browsers on their own, so requests signed with one need neither."""

import logging
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import public_url
from api.auth import identity as identities
from api.auth import tokens
from api.auth.answers import PageAnswers, api_problem, is_api
from api.i18n.catalogs import N_, gettext

log = logging.getLogger(__name__)

CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def own_origins(scope: Scope) -> set[str]:
    headers = Headers(scope=scope)
    host = headers.get("host", "")
    scheme = scope.get("scheme", "http")
    return {f"{scheme}://{host}".lower(), _origin_of(public_url.base_url())}


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None when the client went away first (or the body limit cut it off:
    api.body_limit then answers with its own refusal)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
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


REFUSED = N_("Request refused: {why}. Browser requests must carry the page's anti-forgery "
             "token.")


def _cross_origin(scope: Scope) -> str | None:
    """Why the request came from somewhere else, if it did."""
    headers = Headers(scope=scope)
    site = headers.get("sec-fetch-site", "").lower()
    if site == "cross-site":
        return N_("it came from another site")
    origin = headers.get("origin")
    # Under Referrer-Policy: no-referrer a browser sends "Origin: null" with a plain form
    # POST, even to its own site; there Sec-Fetch-Site still says where it came from.
    same_site_form = origin == "null" and site == "same-origin"
    if origin is not None and not same_site_form and origin.lower() not in own_origins(scope):
        return N_("it came from another origin")
    return None


class ForgeryCheck:
    """Refuses with 403 a state-changing browser request from elsewhere or without its token.
    The token is looked for in a header first, then in the form body, which is read (within
    the body limit) and handed on to the route unchanged."""

    def __init__(self, app: ASGIApp, *, pages: PageAnswers) -> None:
        self.app = app
        self.pages = pages

    def refuse(self, scope: Scope, why: str) -> Response:
        log.warning("refused a state-changing request to %s: %s", scope["path"], why)
        return self._answer(scope, why)

    def _answer(self, scope: Scope, why: str) -> Response:
        if is_api(scope["path"]):
            # Said in the caller's language; the log above keeps the English.
            return api_problem(403, gettext(REFUSED).format(why=gettext(why)))
        return self.pages.forged(scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        identity = identities.of(scope) if scope["type"] == "http" else None
        if identity is None or scope["method"] in identities.SAFE_METHODS \
                or identity.via == "token":
            await self.app(scope, receive, send)
            return
        why = _cross_origin(scope)
        expected = identity.expected_csrf
        if why is None and expected \
                and tokens.same(Headers(scope=scope).get(CSRF_HEADER), expected):
            await self.app(scope, receive, send)
            return
        if why is None:
            body = await _read_body(receive)
            if body is None:
                # Gone, or cut off at the size limit, where api.body_limit puts its 413 in
                # place of this answer: refused unchecked, and not logged as a forgery.
                await self._answer(scope, N_("the request ended early"))(scope, _replay(b""), send)
                return
            receive = _replay(body)
            if expected and tokens.same(await _form_token(scope, body), expected):
                await self.app(scope, receive, send)
                return
            why = N_("the anti-forgery token is missing or wrong")
        await self.refuse(scope, why)(scope, receive, send)
