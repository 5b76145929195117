"""Every route of the app, as (method, path pattern), read from its router."""

from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def all_routes(app: Any) -> list[tuple[str, str]]:
    found = set()
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, Mount):
            continue
        for method in getattr(context, "methods", None) or ():
            if method != "HEAD":
                found.add((method, context.path))
    return sorted(found)


def get_routes(app: Any) -> list[str]:
    return sorted({path for method, path in all_routes(app) if method == "GET"})


def unsafe_routes(app: Any) -> list[tuple[str, str]]:
    return [(method, path) for method, path in all_routes(app) if method in UNSAFE]
