"""Reuse of a page already made: the same answer for the same signed-in session, address and
htmx target, while the data version and the minute stay the same.

A route opts in with `@reusable` on a router made with `route_class=ReusableRoute`; `install`
gives the application its store. The identity (api.auth.identity) reads the data version at
the start of each request, before the page reads a row, so an answer kept under a version is never
older than that version. The first request that brings a newer version empties the whole store:
what an older version showed (an erased person included) leaves memory at the next page asked
for, not when the space runs out.

What is never reused: another session's answer (the key holds the session's anti-forgery token,
or a digest of the API token), anything but a plain 200 without cookies, a request carrying a
flash message, and answers larger than a tenth of the store."""

import asyncio
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api import clock

MARK = "_oversight_reusable"
# The request headers an answer depends on besides its address: htmx asks for a part of a page
# with these, and the host and scheme make absolute links.
VARY = ("host", "hx-request", "hx-boosted", "hx-target", "hx-trigger",
        "hx-history-restore-request")
# A flash message is shown once, from its cookie, and the answer clears the cookie.
FLASH_COOKIE = "oversight_flash="

F = TypeVar("F", bound=Callable[..., Any])


def reusable(endpoint: F) -> F:
    """Marks a GET route whose answer depends only on the data, the user, the clock and the
    request line: no writes, no files, nothing random."""
    setattr(endpoint, MARK, True)
    return endpoint


@dataclass
class Stored:
    headers: list[tuple[bytes, bytes]]
    body: bytes


class Kept(Response):
    """A stored answer sent again, headers and body as they were made."""

    def __init__(self, stored: Stored) -> None:
        self.status_code = 200
        self.body = stored.body
        # A list of its own: middlewares outside add their headers to the one sent.
        self.raw_headers = list(stored.headers)
        self.background = None


@dataclass
class Store:
    """A byte-bounded, least-recently-used store for one data version at a time."""

    max_bytes: int
    version: int | None = None
    entries: OrderedDict[tuple[Any, ...], Stored] = field(default_factory=OrderedDict)
    size: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The requests being made now, by key and version (see _made_meanwhile).
    making: dict[tuple[Any, ...], "asyncio.Future[Stored | None]"] = field(default_factory=dict)

    def get(self, key: tuple[Any, ...], version: int) -> Stored | None:
        with self.lock:
            if self.version is None or version > self.version:
                self._empty(version)
            found = self.entries.get(key) if version == self.version else None
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], version: int, stored: Stored) -> None:
        cost = len(stored.body) + 512
        if cost > self.max_bytes // 10:
            return
        with self.lock:
            # Made from an older version while a newer one arrived: it is stale already.
            if version != self.version:
                return
            previous = self.entries.pop(key, None)
            if previous is not None:
                self.size -= len(previous.body) + 512
            self.entries[key] = stored
            self.size += cost
            while self.size > self.max_bytes:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped.body) + 512

    def _empty(self, version: int) -> None:
        self.entries.clear()
        self.size = 0
        self.version = version


def _key(scope: Scope) -> tuple[Any, ...] | None:
    """Who asks what, or None when this request must be answered afresh."""
    state = scope.get("state") or {}
    identity = state.get("identity")
    if identity is None or identity.user is None or scope["method"] != "GET":
        return None
    headers = Headers(scope=scope)
    if FLASH_COOKIE in headers.get("cookie", ""):
        return None
    if identity.via == "token":
        credential = hashlib.sha256(headers.get("authorization", "").encode()).hexdigest()
    else:
        credential = identity.csrf_token
    # Pages say "today", "overdue" and "in 3 days": the minute of the app's clock keeps them
    # true, and a clock set in a test makes pages of its own.
    minute = clock.now().replace(second=0, microsecond=0)
    # The same page in another language is another page.
    return (scope["path"], scope.get("query_string", b""), scope.get("scheme"), identity.user.id,
            credential, minute, state.get("locale"), tuple(headers.get(name) for name in VARY))


async def _made_meanwhile(store: "Store", key: tuple[Any, ...]) -> Stored | None:
    """The answer to the same request being made right now, once it is made. A page nobody has
    kept yet, asked by a session's several tabs or by a burst, is then made once, not once per
    request all at the same time."""
    making = store.making.get(key)
    # A future belongs to its event loop; a test's other client may run another one.
    if making is None or making.get_loop() is not asyncio.get_running_loop():
        return None
    return await asyncio.shield(making)


def _keepable(response: Response) -> bool:
    return (response.status_code == 200 and response.background is None
            and isinstance(getattr(response, "body", None), bytes)
            and not any(name.lower() == b"set-cookie" for name, _ in response.raw_headers))


def _where(scope: Scope) -> tuple[Store, tuple[Any, ...], int] | None:
    """The store, key and data version this request's answer is kept under, if it may be."""
    store: Store | None = getattr(scope["app"].state, "page_cache", None)
    version = scope.get("state", {}).get("data_version")
    key = _key(scope) if store is not None and version is not None else None
    return (store, key, version) if store is not None and key is not None else None


def kept(scope: Scope) -> Kept | None:
    """The answer kept for this request, found before routing: only reusable routes keep
    answers, so one found under this request's key is what its route would give again, and
    the routing and route machinery in between can be skipped."""
    where = _where(scope)
    found = where[0].get(where[1], where[2]) if where is not None else None
    return Kept(found) if found is not None else None


class PageReuse:
    """Gives a GET its kept answer before routing, when there is one (see `kept`). Inside the
    identity and its refusals, so only a caller let through gets one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = kept(scope) if scope["type"] == "http" and scope["method"] == "GET" else None
        if found is not None:
            await found(scope, receive, send)
            return
        await self.app(scope, receive, send)


class ReusableRoute(APIRoute):
    """A route whose answer is kept and given again when its endpoint is marked `reusable`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not getattr(self.endpoint, MARK, False) or self.methods != {"GET"}:
            return handler

        async def reused(request: Request) -> Response:
            where = _where(request.scope)
            if where is None:
                return await handler(request)
            store, key, version = where
            found = store.get(key, version)
            if found is None:
                found = await _made_meanwhile(store, (key, version))
            if found is not None:
                return Kept(found)
            making = asyncio.get_running_loop().create_future()
            store.making[(key, version)] = making
            stored: Stored | None = None
            try:
                response = await handler(request)
                if _keepable(response):
                    # Copied now: middlewares outside add their headers to the list sent.
                    stored = Stored(list(response.raw_headers), bytes(response.body))
                    store.put(key, version, stored)
            finally:
                # Those waiting make their own answer when this one failed or is not kept.
                store.making.pop((key, version), None)
                making.set_result(stored)
            return response

        return reused


def install(app: FastAPI, max_bytes: int) -> Store | None:
    """Gives the application its store; with no space given, every page is made afresh."""
    store = Store(max_bytes) if max_bytes > 0 else None
    app.state.page_cache = store
    return store
