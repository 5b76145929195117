"""Routers passed over for paths none of their routes can match, and still found for theirs."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Match

from api.routing import PathRouter


def _app() -> tuple[FastAPI, PathRouter, PathRouter]:
    pages = PathRouter()
    pages.add_api_route("/things/{thing_id}", lambda thing_id: {"thing": thing_id})
    pages.add_api_route("/stuff", lambda: {"stuff": True})
    api = PathRouter(prefix="/api/v1")
    api.add_api_route("/things", lambda: {"api": True})
    app = FastAPI()
    app.include_router(api)
    app.include_router(pages)
    return app, pages, api


def test_a_router_names_the_fixed_beginnings_of_its_paths() -> None:
    _, pages, api = _app()
    assert pages.starts() == ("/stuff", "/things/")
    assert api.starts() == ("/api/v1",)
    assert pages.matches({"type": "http", "path": "/other", "method": "GET"}) == (Match.NONE, {})


def test_each_path_still_reaches_its_route() -> None:
    app, _, _ = _app()
    client = TestClient(app)
    assert client.get("/things/7").json() == {"thing": "7"}
    assert client.get("/stuff").json() == {"stuff": True}
    assert client.get("/api/v1/things").json() == {"api": True}
    assert client.get("/elsewhere").status_code == 404


def test_a_route_added_later_is_found() -> None:
    app, pages, _ = _app()
    client = TestClient(app)
    assert client.get("/late").status_code == 404
    pages.add_api_route("/late", lambda: {"late": True})
    assert client.get("/late").json() == {"late": True}
