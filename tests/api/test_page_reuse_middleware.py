"""PageReuse alone, on a bare application (FastAPI's, as the reusable routes are its routes):
a page kept for a request is given again before routing (what is under it never sees the
request), and only to the same user asking the same way: another user, or htmx asking for the
page's part, is answered afresh."""

from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from api import clock
from api.page_cache import PageReuse, ReusableRoute, Store, reusable


class Signed:
    """Stands for the identity: the user named by the X-User header, at data version 1."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", []))
        user_id = int(headers.get(b"x-user", b"1"))
        identity = SimpleNamespace(user=SimpleNamespace(id=user_id), via="session",
                                   csrf_token=f"token-{user_id}")
        scope.setdefault("state", {}).update(identity=identity, data_version=1, locale="en")
        await self.app(scope, receive, send)


class Counted:
    """Counts the requests that get past PageReuse to the routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            PAST.append(scope["path"])
        await self.app(scope, receive, send)


PAST: list[str] = []


@pytest.fixture
def client() -> Iterator[TestClient]:
    router = APIRouter(route_class=ReusableRoute)
    made = iter(range(1, 100))

    @router.get("/page")
    @reusable
    def page() -> HTMLResponse:
        return HTMLResponse(f"page {next(made)}")

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, middleware=[
        Middleware(Signed), Middleware(PageReuse), Middleware(Counted)])
    app.include_router(router)
    app.state.page_cache = Store(1_000_000)
    PAST.clear()
    # The kept page is the minute's: a fixed clock keeps the test off a minute's edge.
    clock.freeze(datetime(2026, 5, 12, 12, 0, tzinfo=UTC))
    try:
        yield TestClient(app)
    finally:
        clock.set_clock(None)


def test_a_kept_page_is_given_again_before_routing(client: TestClient) -> None:
    assert client.get("/page").text == "page 1"
    assert client.get("/page").text == "page 1"
    assert PAST == ["/page"]


def test_another_user_is_answered_afresh(client: TestClient) -> None:
    assert client.get("/page", headers={"X-User": "1"}).text == "page 1"
    assert client.get("/page", headers={"X-User": "2"}).text == "page 2"
    assert client.get("/page", headers={"X-User": "1"}).text == "page 1"
    assert client.get("/page", headers={"X-User": "2"}).text == "page 2"
    assert PAST == ["/page", "/page"]


def test_htmx_asking_for_a_part_is_answered_afresh(client: TestClient) -> None:
    assert client.get("/page").text == "page 1"
    assert client.get("/page", headers={"HX-Request": "true"}).text == "page 2"
    assert client.get("/page", headers={"HX-Request": "true"}).text == "page 2"
    assert client.get("/page").text == "page 1"
    assert PAST == ["/page", "/page"]


def test_a_post_is_never_given_a_kept_page(client: TestClient) -> None:
    client.get("/page")
    assert client.post("/page").status_code == 405
    assert PAST == ["/page", "/page"]
