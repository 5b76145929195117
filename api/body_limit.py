"""Request bodies held to a size while they stream in, before anything reads or parses them;
the API is refused in problem JSON here, a browser with the page web/ hands in."""

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import problems
from api.i18n import locales
from api.i18n.catalogs import N_, gettext, use_locale
from api.i18n.formatting import format_number
from api.outer_layers import LayeredApp
from api.settings import get_settings

log = logging.getLogger(__name__)

MB = 1024 * 1024
MULTIPART = b"multipart/form-data"
# The refusal ends the connection: the rest of the body is never read, so the connection
# cannot carry another request.
CLOSE = {"connection": "close"}


FILE_TOO_LARGE = N_("The file is larger than the upload limit of {size}.")
BODY_TOO_LARGE = N_("The request is larger than the limit of {size} for a form or JSON body.")


@dataclass(frozen=True)
class Why:
    """Why a body is refused: said in the language in force where it is said."""

    template: str
    limit: int

    def said(self) -> str:
        return gettext(self.template).format(size=size_text(self.limit))


def size_text(limit: int) -> str:
    if limit >= MB:
        return gettext("{count} MB").format(count=format_number(round(limit / MB, 2)))
    return gettext("{count} bytes").format(count=format_number(limit))


# The 413 page a browser is shown, given why (already in the reader's language): the pages'
# own (web.refusals.too_large), handed in when the app is built, so api/ writes no HTML.
TooLargePage = Callable[[str], Response]


def _language(scope: Scope) -> str:
    """The reader's language before they are identified (this layer is outside that): the
    language switch's cookie, else the browser's Accept-Language."""
    request = Request(scope)
    # The switch's cookie carries the __Host- prefix over https (api.auth.cookies).
    cookie = request.cookies.get(f"__Host-{locales.COOKIE}") if scope.get("scheme") == "https" \
        else request.cookies.get(locales.COOKIE)
    return locales.choose(account=None, cookie=cookie,
                          accept_language=request.headers.get("accept-language"))


class BodyLimit:
    """Refuses with 413 a body whose Content-Length is past its limit, without reading it, and
    one that streams past it (chunked, or longer than it said): whatever reads it gets no more
    than the limit, and what the app answers then is replaced by the refusal. Forms and JSON
    may have max_form_bytes; a multipart request to a route that takes a file, the upload
    limit plus the form around the file."""

    def __init__(self, app: ASGIApp, *, upload_paths: Iterable[str], page: TooLargePage) -> None:
        self.app = app
        self.page = page
        self.upload_paths: list[re.Pattern[str]] = [compile_path(p)[0] for p in upload_paths]

    def takes_file(self, path: str) -> bool:
        return any(pattern.match(path) for pattern in self.upload_paths)

    def limit(self, path: str, *, multipart: bool) -> tuple[int, Why]:
        """The largest body the request may have, and what to say past it."""
        settings = get_settings()
        if multipart and self.takes_file(path):
            return (settings.max_upload_bytes + settings.max_form_bytes,
                    Why(FILE_TOO_LARGE, settings.max_upload_bytes))
        return settings.max_form_bytes, Why(BODY_TOO_LARGE, settings.max_form_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared: int | None = None
        multipart = False
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit():
                declared = int(value)
            elif name == b"content-type":
                multipart = value[:len(MULTIPART)].lower() == MULTIPART
        path = scope["path"]
        limit, why = self.limit(path, multipart=multipart)
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, why)
            return

        received = 0
        cut = False  # the body passed the limit; the app got no more of it
        answered = False  # the app had begun its answer before that

        async def counted_receive() -> Message:
            nonlocal received, cut
            if not cut:
                message = await receive()
                if message["type"] != "http.request":
                    return message
                received += len(message.get("body", b""))
                if received <= limit:
                    return message
                # The chunk that passes the limit is kept from the app, so no reader (the
                # forgery check, a form parser, a route) holds more than the limit.
                cut = True
            if "endpoint" in scope:
                # Routed: the app's error handlers answer this quietly (and are replaced).
                raise HTTPException(413, why.said())
            # Before routing (the forgery check): the client seems to have gone.
            return {"type": "http.disconnect"}

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if cut and not answered:
                return  # what the app made of a cut-off body; the refusal goes instead
            if message["type"] == "http.response.start":
                answered = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            # What a reader raised past the limit; the refusal answers for it.
            if not cut or answered:
                raise
        if cut and not answered:
            await self._refuse(scope, receive, send, why)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, why: Why) -> None:
        log.warning("refused a request body to %s %s: %s", scope["method"], scope["path"],
                    why.said())
        with use_locale(_language(scope)):
            answer = self.refusal(scope["path"], why.said())
        await answer(scope, receive, send)

    def refusal(self, path: str, why: str) -> Response:
        """413: problem JSON for the API, the pages' own for a browser; `why` already said."""
        if path.startswith("/api/"):
            return problems.problem(413, why, headers=CLOSE)
        answer = self.page(why)
        answer.headers.update(CLOSE)
        return answer


def install(app: LayeredApp, *, upload_paths: Iterable[str], page: TooLargePage) -> None:
    """Put outside every other layer the app builds (error handlers, the forgery check,
    routes); installed before the security headers, which then wrap the refusal too."""
    paths = tuple(upload_paths)
    app.add_outer_layer(lambda inner: BodyLimit(inner, upload_paths=paths, page=page))
