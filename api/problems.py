"""Errors as RFC 9457 problem JSON, so no input ever reaches the client as a bare 500."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from api.errors import DomainError, Problems
from api.fields import describe_error
from api.i18n.catalogs import N_, gettext
from api.i18n.validation_words import words_for

log = logging.getLogger(__name__)

TITLES = {400: N_("Bad request"), 401: N_("Not signed in"), 403: N_("Forbidden"),
          404: N_("Not found"), 405: N_("Method not allowed"), 409: N_("Conflict"),
          413: N_("Too large"), 422: N_("Invalid input"), 500: N_("Server error"),
          503: N_("Unavailable")}
# Seconds a client is asked to wait when the database is locked or away: a write lock held by
# a long write, or a restart, is usually over by then.
RETRY_AFTER_SECONDS = 5
# Every problem is said in the requester's language (their account's, else Accept-Language).
UNAVAILABLE = N_("The database is busy or unreachable; please try again in a few seconds.")
# What the drivers say when the database is locked, busy, restarting or unreachable (as
# opposed to a mistake in a statement, which stays a 500).
_UNAVAILABLE_WORDS = ("locked", "busy", "unable to open", "disk i/o", "database or disk is full",
                      "connection", "connect", "server closed", "terminat", "shutting down",
                      "starting up", "recovery", "timeout", "timed out", "deadlock")


def database_unavailable(exc: BaseException) -> bool:
    """True for a database that is locked, busy or away: a moment's wait is the cure."""
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError) or isinstance(exc, (IntegrityError, DataError)):
        return False
    if exc.connection_invalidated:
        return True
    text = str(exc.orig or exc).lower()
    return any(word in text for word in _UNAVAILABLE_WORDS)


# What the drivers say of a table the schema should have: a database never migrated, or one
# older than the code.
_MISSING_TABLE_WORDS = ("no such table", "does not exist")


def database_problem(exc: DBAPIError) -> str:
    """One line for a person at a terminal: what is wrong with the database, and what to do."""
    lines = str(exc.orig or exc).strip().splitlines()
    said = lines[0] if lines else type(exc).__name__
    if database_unavailable(exc):
        text = gettext("the database is busy or unreachable ({said}); check "
                       "OVERSIGHT_DATABASE_URL.")
    elif any(word in said.lower() for word in _MISSING_TABLE_WORDS):
        text = gettext("the database is not set up for this version of Oversight ({said}): "
                       "run `oversight migrate` first.")
    else:
        text = gettext("the database refused the work: {said}.")
    return text.format(said=said)


def problem(status: int, detail: str, *, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    title = gettext(TITLES[status]) if status in TITLES else gettext("Error")
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status,
                            "detail": gettext(detail)}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers,
                        media_type="application/problem+json")


def validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        field, _ = describe_error(err, located=True)
        message = words_for(err, name_choices=True)
        where = err.get("loc", ("body",))
        out.append({"field": field or str(where[0] if where else "body"), "message": message,
                    "in": str(where[0] if where else "body")})
    return out


async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = validation_errors(exc)
    first = errors[0] if errors else {"field": "", "message": gettext("is invalid")}
    detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return problem(422, detail, errors=errors)


async def on_domain(request: Request, exc: DomainError) -> JSONResponse:
    each = exc.problems if isinstance(exc, Problems) else [exc]
    errors = [{"field": one.field, "message": one.message} for one in each if one.field] or None
    return problem(exc.status, exc.message, errors=errors)


# Starlette's own details, for a path or method no route has: in the catalog, so that
# problem() says them in the reader's language.
STARLETTE_DETAILS = (N_("Not Found"), N_("Method Not Allowed"))


async def on_http(request: Request, exc: HTTPException) -> JSONResponse:
    return problem(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))


async def on_integrity(request: Request, exc: IntegrityError) -> JSONResponse:
    log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
    return problem(409, N_("This change conflicts with existing records."))


async def on_data(request: Request, exc: DataError) -> JSONResponse:
    log.warning("data error on %s %s: %s", request.method, request.url.path, exc.orig)
    return problem(422, N_("A value is out of range or of the wrong kind for its field."))


async def on_database(request: Request, exc: Exception) -> JSONResponse:
    if database_unavailable(exc):
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return problem(503, UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return await on_unexpected(request, exc)


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    if database_unavailable(exc):
        # Raised outside the routes (a middleware's own query): the same answer.
        return await on_database(request, exc)
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(500, N_("Something went wrong on our side; the error was logged."))


def install(app: FastAPI) -> None:
    # Starlette types a handler as taking any Exception; each of these takes the one class it
    # is registered for, which is all it is ever called with.
    app.add_exception_handler(RequestValidationError, on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(DomainError, on_domain)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, on_http)  # type: ignore[arg-type]
    app.add_exception_handler(IntegrityError, on_integrity)  # type: ignore[arg-type]
    app.add_exception_handler(DataError, on_data)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, on_database)
    app.add_exception_handler(PoolTimeout, on_database)
    app.add_exception_handler(Exception, on_unexpected)
