"""Routers that FastAPI passes over at once for a path none of their routes can match.

FastAPI tries the routes of each included router one after the other, a few microseconds each;
with every page and API route of the application that was a millisecond or two a request
before a page began, more than /healthz costs in all. A path is only tried against a router's
routes when it starts with the fixed part of one of their paths (or with the router's prefix)."""

from typing import Any

from fastapi import APIRouter
from starlette.routing import Match
from starlette.types import Scope


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
