"""Errors on pages become pages: a readable message in the layout for a browser, a small
fragment in the flash area for htmx; the JSON API keeps its problem JSON."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.responses import Response

from api.auth.access import is_public_page
from api.errors import DomainError, after_colon
from api.i18n.catalogs import N_, gettext
from api.problems import RETRY_AFTER_SECONDS, UNAVAILABLE, database_unavailable
from web import htmx
from web.concepts import label_for
from web.forms import words_for
from web.public_answers import public_error
from web.templating import render

log = logging.getLogger(__name__)

Handler = Callable[[Request, Any], Awaitable[Response]]

MESSAGES = {400: N_("The request could not be understood."), 403: N_("You may not do that."),
            404: N_("There is nothing at this address."), 405: N_("That cannot be done here."),
            409: N_("This change conflicts with other records."),
            413: N_("That is too large to accept."),
            422: N_("Some of what was sent is not valid."),
            500: N_("Something went wrong on our side; the error was logged."),
            503: UNAVAILABLE}
HEADINGS = {404: N_("Not found"), 403: N_("Not allowed"), 409: N_("Conflict"),
            422: N_("Not valid"), 503: N_("Busy for a moment")}
SOMETHING_WRONG = N_("Something went wrong")


def is_page(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path.startswith("/static/") or path == "/healthz"
                or path.startswith("/docs") or path.startswith("/openapi")
                or path.startswith("/redoc"))


def error_page(request: Request, status: int, message: str) -> Response:
    # A whole page says the heading once, above the message; a fragment in the flash area
    # has no heading, so the message starts with it.
    context = {"status": status, "message": message, "heading": _heading(status),
               "in_flash": htmx.wants_fragment(request)}
    response = render(request, "errors.html", context, block="message", status=status)
    if htmx.wants_fragment(request):
        htmx.retarget(response, "#flash")
    if status >= 400:
        htmx.no_push(response)
    return response


def _heading(status: int) -> str:
    return gettext(HEADINGS.get(status, SOMETHING_WRONG))


def install(app: FastAPI) -> None:
    """Wraps the JSON handlers already installed so pages answer in HTML."""
    handlers: dict[Any, Handler] = dict(app.exception_handlers)

    def wrap(kind: Any, status_of: Callable[[Any], int],
             message_of: Callable[[Any], str]) -> None:
        original = handlers.get(kind)

        async def handle(request: Request, exc: Any) -> Response:
            if is_public_page(request.url.path):
                # No one is identified there: the public page's own answer, never the layout.
                status = status_of(exc)
                if status >= 500:
                    log.exception("error on public page %s %s", request.method,
                                  request.url.path, exc_info=exc)
                return public_error(request, status, HEADINGS.get(status, SOMETHING_WRONG),
                                    MESSAGES.get(status, MESSAGES[500]))
            if is_page(request) or original is None:
                if status_of(exc) >= 500:
                    log.exception("error on page %s %s", request.method, request.url.path,
                                  exc_info=exc)
                response = error_page(request, status_of(exc), message_of(exc))
                if response.status_code == 503:
                    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
                return response
            return await original(request, exc)

        app.add_exception_handler(kind, handle)

    wrap(DomainError, lambda e: e.status, lambda e: e.message)
    wrap(RequestValidationError, lambda e: 404 if _in_path(e) else 422,
         lambda e: gettext(MESSAGES[404]) if _in_path(e) else _first(e))
    wrap(HTTPException, lambda e: e.status_code,
         lambda e: gettext(MESSAGES[e.status_code]) if e.status_code in MESSAGES
         else str(e.detail))
    wrap(IntegrityError, lambda e: 409, lambda e: gettext(MESSAGES[409]))
    wrap(DataError, lambda e: 422, lambda e: "A value is out of range for its field.")
    for kind in (DBAPIError, PoolTimeout, Exception):
        wrap(kind, _server_status, lambda e: gettext(MESSAGES[_server_status(e)]))


def _server_status(exc: BaseException) -> int:
    return 503 if database_unavailable(exc) else 500


def _in_path(exc: RequestValidationError) -> bool:
    return any(err.get("loc", ("",))[0] == "path" for err in exc.errors())


def _first(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return gettext(MESSAGES[422])
    err = errors[0]
    where = " ".join(str(p) for p in err.get("loc", ())[1:])
    text = words_for(err)
    # The field by its label in the reader's language, as its form names it.
    return f"{gettext(label_for(where))}: {after_colon(text)}" if where else text
