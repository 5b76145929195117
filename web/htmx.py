"""The one place that reads htmx's HX-* request headers and writes its HX-* response headers."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def is_boosted(request: Request) -> bool:
    return request.headers.get("HX-Boosted") == "true"


def wants_fragment(request: Request) -> bool:
    """True when htmx asked for part of a page; a boosted link or form wants the whole page,
    and so does a history restore (htmx is told not to send HX-Request for those)."""
    if not is_htmx(request) or is_boosted(request):
        return False
    return request.headers.get("HX-History-Restore-Request") != "true"


def target(request: Request) -> str | None:
    """The id of the element htmx will swap the answer into."""
    return request.headers.get("HX-Target")


def trigger(request: Request) -> str | None:
    """The id of the element that made the request."""
    return request.headers.get("HX-Trigger")


def redirect(response: Response, url: str) -> Response:
    """Makes htmx load another page in full (a plain 303 is followed inside the XHR instead)."""
    response.headers["HX-Redirect"] = url
    return response


def push_url(response: Response, url: str) -> Response:
    response.headers["HX-Push-Url"] = url
    return response


def retarget(response: Response, selector: str, swap: str = "innerHTML") -> Response:
    """Puts the answer somewhere other than where the request asked, e.g. the flash area."""
    response.headers["HX-Retarget"] = selector
    response.headers["HX-Reswap"] = swap
    return response


class VaryOnHtmx:
    """Adds `Vary: HX-Request` to every page, since a page and its fragment share one URL and a
    cache must never hand one out for the other."""

    def __init__(self, app: ASGIApp, *, skip_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.skip_prefixes = skip_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.skip_prefixes):
            await self.app(scope, receive, send)
            return

        async def send_with_vary(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                existing = [v for k, v in headers if k.lower() == b"vary"]
                if not any(b"hx-request" in v.lower() for v in existing):
                    headers = [(k, v) for k, v in headers if k.lower() != b"vary"]
                    values = [v.decode("latin-1") for v in existing] + ["HX-Request"]
                    headers.append((b"vary", ", ".join(values).encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_vary)


def no_push(response: Response) -> Response:
    """Keeps the address bar where it was: an error answer has no address of its own."""
    response.headers["HX-Push-Url"] = "false"
    return response
