"""VaryOnHtmx alone, on a bare application: every page it wraps says that it varies by
HX-Request, once, whatever Vary the page gave; the addresses it is told to skip are left as
they are."""

from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from web.htmx import VaryOnHtmx


def _plain(request: Request) -> Response:
    return PlainTextResponse("page")


def _varies(request: Request) -> Response:
    return PlainTextResponse("page", headers={"Vary": "Accept-Language"})


def _already(request: Request) -> Response:
    return PlainTextResponse("page", headers={"Vary": "hx-request"})


def _client() -> TestClient:
    routes = [Route(path, endpoint) for path, endpoint in (
        ("/page", _plain), ("/varies", _varies), ("/already", _already),
        ("/api/page", _plain))]
    return TestClient(Starlette(routes=routes, middleware=[
        Middleware(VaryOnHtmx, skip_prefixes=("/api/",))]))


def test_a_page_varies_by_hx_request() -> None:
    assert _client().get("/page").headers.get_list("vary") == ["HX-Request"]


def test_the_vary_a_page_gave_is_kept_and_hx_request_added_to_it() -> None:
    assert _client().get("/varies").headers.get_list("vary") == ["Accept-Language, HX-Request"]


def test_hx_request_is_said_once() -> None:
    assert _client().get("/already").headers.get_list("vary") == ["hx-request"]


def test_an_address_it_skips_is_left_as_it_is() -> None:
    assert _client().get("/api/page").headers.get_list("vary") == []
