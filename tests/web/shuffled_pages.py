"""Run in a fresh interpreter: imports every page module last-first, runs again the modules that
give detail pages more parts (the campaign's own last), then reports as JSON which concepts that
changed, what each concept's pages were built with and, given paths, those pages as an
administrator sees them. Whatever module ran last must decide nothing."""

import dataclasses
import importlib
import json
import pkgutil
import sys
from typing import Any

RERUN = ("playbooks", "records_requests", "campaigns")


def _shape(value: Any) -> Any:
    # Identity, and the identity of what a list or dict holds: a spec attribute set again, or
    # a list of it appended to, both show.
    if isinstance(value, list):
        return [id(v) for v in value]
    if isinstance(value, dict):
        return {str(k): id(v) for k, v in value.items()}
    return id(value)


def _snapshot() -> dict[str, dict[str, Any]]:
    from web.concepts import SPECS

    return {noun: {f.name: _shape(getattr(spec, f.name)) for f in dataclasses.fields(spec)}
            for noun, spec in SPECS.items()}


def _import_shuffled() -> None:
    import web.routes

    names = sorted(m.name for m in pkgutil.iter_modules(web.routes.__path__))
    for name in reversed(names):
        importlib.import_module(f"web.routes.{name}")
    for name in RERUN:
        importlib.reload(importlib.import_module(f"web.routes.{name}"))


def _pages(paths: list[str]) -> tuple[dict[str, list[str]], dict[str, Any]]:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.auth.models import Role
    from tests.conftest import sign_in
    from tests.factories import make_user

    app = create_app()
    built = getattr(app.state, "concept_pages", {})
    extras = {noun: [f"{e.__module__}.{e.__name__}" for e in pages.extras]
              for noun, pages in built.items() if pages.extras}
    client = TestClient(app, raise_server_exceptions=False)
    sign_in(client, make_user(Role.admin))
    shown = {}
    for path in paths:
        response = client.get(path)
        shown[path] = {"status": response.status_code, "text": response.text}
    return extras, shown


def main(paths: list[str]) -> None:
    before = _snapshot()
    _import_shuffled()
    after = _snapshot()
    changed = sorted(f"{noun}.{name}" for noun, attrs in before.items()
                     for name, shape in attrs.items() if after[noun][name] != shape)
    extras, shown = _pages(paths) if paths else ({}, {})
    print(json.dumps({"changed": changed, "extras": extras, "pages": shown}))


if __name__ == "__main__":
    main(sys.argv[1:])
