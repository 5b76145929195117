"""Routers that FastAPI passes over at once for a path none of their routes can match.

FastAPI tries the routes of each included router one after the other, a few microseconds each;
with every page and API route of the application that was a millisecond or two a request
before a page began, more than /healthz costs in all. A path is only tried against a router's
routes when it starts with the fixed part of one of their paths (or with the router's prefix)."""

import re
from typing import Any

from fastapi import APIRouter
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class PathRouter(APIRouter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._starts: tuple[str, ...] = ()
        self._counted = -1

    def starts(self) -> tuple[str, ...]:
        """The fixed beginnings of the paths this router answers."""
        if self._counted != len(self.routes):
            if self.prefix:
                found = {self.prefix}
            else:
                paths = [getattr(route, "path", None) for route in self.routes]
                # A route without a path of its own (an included router) could match anything.
                found = {"/"} if None in paths else {p.split("{", 1)[0] for p in paths if p}
            self._starts = tuple(sorted(found))
            self._counted = len(self.routes)
        return self._starts

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not scope.get("path", "").startswith(self.starts()):
            return Match.NONE, {}
        return super().matches(scope)


class ExactPaths:
    """Control characters in a path (a line break sent as %0A) are read as the text they were
    sent as. Starlette anchors a route's pattern with `$`, which matches before a final line
    break too: /meetings/1%0A was read as /meetings/1, one record at many addresses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] in ("http", "websocket") and _CONTROL.search(path):
            scope = {**scope, "path": _CONTROL.sub(lambda c: f"%{ord(c.group()):02X}", path)}
        await self.app(scope, receive, send)
