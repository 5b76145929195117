"""No input makes any route answer 5xx; API errors are problem JSON, refusals name the field."""

import asyncio
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlmodel import Session

from api import models
from api.app import create_app
from api.settings import get_settings
from tests import factories
from tests.api.contract import MISSING_ID

# Routes are read from the app itself, their parameters and bodies from its OpenAPI schema, so a
# new route is covered without touching this file.
APP = create_app()
OPENAPI = APP.openapi()
SCHEMAS = OPENAPI["components"]["schemas"]


@dataclass(frozen=True)
class Endpoint:
    path: str
    methods: frozenset[str]
    response_model: Any


# Routers included into routers are nested; the contexts give each route its full path.
ROUTES = [Endpoint(ctx.path, frozenset(ctx.methods), ctx.original_route.response_model)
          for ctx in iter_route_contexts(APP.routes) if isinstance(ctx.original_route, APIRoute)]

# Values of the wrong kind for most fields meet only the schema check, which reports every field
# at once; so each of these goes into every field of one body.
EVERY_FIELD: list[Any] = [10**30, "2026-02-30", float("nan"), None, {}]
# Per JSON type, values that may pass the checks and reach the rules and the database; sent one
# field at a time with the rest valid.
BAD_BY_TYPE: dict[str, list[Any]] = {
    "string": ["x" * 100_000, "\x00", "\ud800"],
    "date": ["9999-12-31", "0001-01-01"],
    "date-time": ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
                  "9999-12-31T23:59:59"],
    "integer": [-1],
    "number": [-1, float("inf"), "1e999999"],
    "array": [[None], [10**30]],
}
# Query parameters likewise: garbage in every parameter at once, then, one parameter at a time,
# the values of its type that may pass the checks.
EVERY_PARAM = ["nul\x00here", "x" * 5_000, "notadate", "2026-02-30", "-1", "0", str(10**30)]
QUERY_LIMIT = 60_000
BAD_QUERY: dict[str, list[str]] = {
    "string": ["nul\x00here", "x" * 5_000, "unknown", "-"],
    "date": ["9999-12-31", "0001-01-01"],
    "date-time": ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
                  "9999-12-31T23:59:59"],
    "integer": [str(10**30), "-1", "0"],
}
BAD_PATH = ["abc", "-1", str(10**30)]
MALFORMED = [b'{"name": ', b"\xff\xfe{'name': 1}"]
WHOLE_BODIES: list[Any] = [[], "text", 7, None]


class Probe:
    """Sends requests to the app and keeps every answer that breaks the promise."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.found: list[str] = []
        self.sent = 0

    async def send(self, method: str, url: str, what: str = "", **kwargs: Any) -> None:
        response = await self.client.request(method, url, **kwargs)
        self.sent += 1
        where = f"{method} {url[:80]} {what[:120]}"
        if response.status_code >= 500 and response.status_code != 502:
            # 502 is the honest answer when an outside source (Overpass, Legistar) fails.
            self.found.append(f"{where} -> {response.status_code} {response.text[:200]}")
        elif response.status_code >= 400 and url.startswith("/api/"):
            kind = response.headers.get("content-type", "")
            body = response.json() if kind.startswith("application/problem+json") else {}
            if not (isinstance(body.get("detail"), str) and body["detail"]):
                self.found.append(f"{where} -> {response.status_code} without problem JSON: "
                                  f"{response.text[:200]}")
            elif response.status_code == 422 and not any(
                    error.get("field") for error in body.get("errors", [])):
                self.found.append(f"{where} -> 422 naming no field: {response.text[:200]}")

    async def send_json(self, method: str, url: str, payload: Any) -> None:
        # Encoded here: httpx refuses NaN and lone surrogates, which a client may well send.
        await self.send(method, url, repr(payload), content=json.dumps(payload),
                        headers={"content-type": "application/json"})


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema itself, with $ref followed and an optional (anyOf with null) unwrapped."""
    if "$ref" in schema:
        return resolve(SCHEMAS[schema["$ref"].rsplit("/", 1)[1]])
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    return resolve(options[0]) if options else schema


def kind_of(schema: dict[str, Any]) -> str:
    schema = resolve(schema)
    if "enum" in schema:
        return "enum"
    if schema.get("format") in ("date", "date-time"):
        return schema["format"]
    return schema.get("type", "object")


def table_of(name: str, world: dict[str, int]) -> str | None:
    """The table a field such as body_id or requester_organization_id points at."""
    if not name.endswith("_id"):
        return None
    stem = name.removesuffix("_id")
    return next((t for t in sorted(world, key=len, reverse=True)
                 if stem == t or stem.endswith(f"_{t}")), None)


_serial = itertools.count(1)


def sample(name: str, schema: dict[str, Any], world: dict[str, int]) -> Any:
    """A valid value for a field, pointing at an existing row where it names one."""
    schema = resolve(schema)
    kind = kind_of(schema)
    table = table_of(name, world)
    values = {"enum": schema.get("enum", [None])[0], "date": "2026-05-01",
              "date-time": "2026-05-01T18:00:00Z", "number": 1, "boolean": False, "array": [],
              "integer": world.get(table, 1) if table else max(1, schema.get("minimum", 1))}
    if kind in values:
        return values[kind]
    if kind == "object":
        return valid_body(schema, world)
    if schema.get("format") == "email" or name == "email":
        return f"probe{next(_serial)}@example.org"
    return f"Probe {next(_serial)}"


def valid_body(schema: dict[str, Any], world: dict[str, int]) -> dict[str, Any]:
    """The required fields of a body schema, each with a valid value."""
    schema = resolve(schema)
    props = schema.get("properties", {})
    return {name: sample(name, props[name], world) for name in schema.get("required", [])}


def bad_values(name: str, schema: dict[str, Any], world: dict[str, int]) -> Iterator[Any]:
    schema = resolve(schema)
    kind = kind_of(schema)
    yield from BAD_BY_TYPE.get(kind, [])
    if kind == "integer" and table_of(name, world):
        yield MISSING_ID
    if kind != "array":
        return
    items = resolve(schema.get("items", {}))
    if kind_of(items) != "object":
        yield list(range(1, 5_001))
        for value in BAD_BY_TYPE.get(kind_of(items), []):
            yield [value]
        return
    # A long list with distinct ids reaches any per-item database lookups.
    props = items.get("properties", {})
    yield [{**valid_body(items, world), **{p: i + 1 for p in props if p.endswith("_id")}}
           for i in range(5_000)]
    for prop, prop_schema in props.items():
        for value in [*BAD_BY_TYPE.get(kind_of(prop_schema), []), None, "x"]:
            yield [{**valid_body(items, world), prop: value}]


def collection_tables() -> dict[str, str]:
    """Each collection's path, with the table its records come from."""
    tables = {f"{name}Read": getattr(models, name).__tablename__ for name in models.__all__}
    return {route.path.removesuffix("/{record_id}"): tables[route.response_model.__name__]
            for route in ROUTES if route.path.endswith("/{record_id}")
            and getattr(route.response_model, "__name__", "") in tables}


COLLECTIONS = collection_tables()


def fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def urls(route: Endpoint, world: dict[str, int]) -> Iterator[tuple[str, bool]]:
    """(url, whether it names existing rows): every id existing, every id missing, then each
    path parameter in turn replaced by garbage."""
    names = re.findall(r"{(\w+)}", route.path)
    if not names:
        yield route.path, True
        return

    def existing(name: str) -> str:
        if name == "record_id":
            table = next((t for prefix, t in COLLECTIONS.items()
                          if route.path.startswith(prefix + "/")), "")
        else:
            table = table_of(name, world) or ""
        return str(world.get(table, 1))

    found = {name: existing(name) for name in names}
    yield fill(route.path, found), True
    yield fill(route.path, dict.fromkeys(names, str(MISSING_ID))), False
    for name in names:
        for garbage in BAD_PATH:
            yield fill(route.path, {**found, name: garbage}), False


def request_body(route: Endpoint, method: str) -> tuple[str | None, dict[str, Any]]:
    operation = OPENAPI["paths"].get(route.path, {}).get(method.lower(), {})
    for media_type, spec in operation.get("requestBody", {}).get("content", {}).items():
        return media_type, resolve(spec.get("schema", {}))
    return None, {}


def query_params(route: Endpoint) -> list[dict[str, Any]]:
    operation = OPENAPI["paths"].get(route.path, {}).get("get", {})
    found = [p for p in operation.get("parameters", []) if p["in"] == "query"]
    return found or [{"name": "q", "schema": {"type": "string"}}]


async def send_json_bodies(probe: Probe, method: str, url: str, schema: dict[str, Any],
                           world: dict[str, int]) -> None:
    for raw in MALFORMED:
        await probe.send(method, url, repr(raw), content=raw,
                         headers={"content-type": "application/json"})
    for whole in WHOLE_BODIES:
        await probe.send_json(method, url, whole)
    props = schema.get("properties", {})
    for wrong in EVERY_FIELD:
        await probe.send_json(method, url, {name: wrong for name in props})
    # A change sends only the one field; there null matters too (it must not clear a required one).
    partial = method == "PATCH"
    for name, prop in props.items():
        for value in [*bad_values(name, prop, world), *([None] if partial else [])]:
            base = {} if partial else valid_body(schema, world)
            await probe.send_json(method, url, {**base, name: value})


async def send_forms(probe: Probe, method: str, url: str, schema: dict[str, Any],
                     world: dict[str, int]) -> None:
    props = schema.get("properties", {})
    file_fields = [n for n, p in props.items()
                   if "contentMediaType" in p or p.get("format") == "binary"]
    base = {n: str(sample(n, props[n], world)) for n in props if n not in file_fields}
    text = {n: ("notes.txt", b"plain words\n", "text/plain") for n in file_fields}
    for content in (b"", b"\x7fELF\x02\x01\x01" + bytes(64), bytes(range(256)) * 4):
        await probe.send(method, url, f"file {content[:8]!r}", data=base, files={
            n: ("upload.bin", content, "application/octet-stream") for n in file_fields})
    await probe.send(method, url, "no file", data=base)
    for name in base:
        await probe.send(method, url, f"without {name}",
                         data={k: v for k, v in base.items() if k != name}, files=text)
        for value in EVERY_PARAM:
            await probe.send(method, url, f"{name}={value[:40]!r}",
                             data={**base, name: value}, files=text)
    await probe.send_json(method, url, base)


async def exercise(probe: Probe, route: Endpoint, method: str, world: dict[str, int]) -> None:
    media_type, schema = request_body(route, method)
    for url, exists in urls(route, world):
        if media_type is None:
            await probe.send(method, url)
        elif not exists:
            if media_type == "application/json":
                await probe.send_json(method, url, valid_body(schema, world))
        elif media_type == "application/json":
            await send_json_bodies(probe, method, url, schema, world)
        else:
            await send_forms(probe, method, url, schema, world)
        if exists and method == "GET":
            params = query_params(route)
            for value in EVERY_PARAM:
                # All at once, a long value is cut so the query stays within what httpx sends
                # (64 KiB); each parameter gets it whole on its own below.
                value = value[:QUERY_LIMIT // max(1, len(params))]
                await probe.send("GET", url, f"every parameter {value[:40]!r}",
                                 params={param["name"]: value for param in params})
            for param in params:
                for value in BAD_QUERY.get(kind_of(param["schema"]), []):
                    await probe.send("GET", url, f"?{param['name']}={value[:40]!r}",
                                     params={param["name"]: value})


def group_of(route: Endpoint) -> str:
    return route.path.removeprefix("/api/v1").strip("/").split("/")[0] or "/"


GROUPS = sorted({group_of(route) for route in ROUTES})


@pytest.fixture
def no_outside_world(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Outside sources point at a closed local port: the sweep never leaves this machine."""
    for name in ("OVERSIGHT_OVERPASS_URL", "OVERSIGHT_LEGISTAR_URL"):
        monkeypatch.setenv(name, "http://127.0.0.1:9/")
    monkeypatch.setenv("OVERSIGHT_OUTSIDE_ATTEMPTS", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.usefixtures("no_outside_world")
def test_no_server_errors(app: FastAPI, session: Session, actor: Any, group: str) -> None:
    world = factories.make_one_of_each(session, actor)
    calls = [(route, method) for route in ROUTES if group_of(route) == group
             for method in sorted(route.methods)]
    # Deletes last, so the other requests still find the records they are meant to find.
    calls.sort(key=lambda call: call[1] == "DELETE")

    async def run() -> Probe:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            probe = Probe(c)
            for route, method in calls:
                await exercise(probe, route, method, world)
            return probe

    probe = asyncio.run(run())
    assert probe.sent >= len(calls)
    assert not probe.found, f"{len(probe.found)} bad answers:\n" + "\n".join(probe.found[:30])


def test_routes_are_found() -> None:
    """The enumeration sees nested routers and maps each collection to its table."""
    assert {"/api/v1/targets/{record_id}/stances/{campaign_id}", "/api/v1/documents",
            "/healthz"} <= {route.path for route in ROUTES}
    assert COLLECTIONS["/api/v1/users"] == "app_user"
    assert COLLECTIONS["/api/v1/records-requests"] == "records_request"
    assert len(COLLECTIONS) >= 17
