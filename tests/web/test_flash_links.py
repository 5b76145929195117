"""A flash message may point to a page of this site, and only to one of this site."""

import json
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from web import flash


def request_with(cookie: str) -> Request:
    return Request({"type": "http", "headers": [(b"cookie", f"{flash.COOKIE}={cookie}".encode())]})


def test_a_link_survives_the_redirect() -> None:
    response = Response()
    flash.keep(response, flash.success("Vote added.", link="/votes/7", link_text="Open"))
    value = response.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
    assert flash.read(request_with(value)) == [flash.Message("Vote added.", "success",
                                                             "/votes/7", "Open")]


def test_only_links_within_the_site_are_kept() -> None:
    for link in ("https://elsewhere.example", "//elsewhere.example/x", "/\\elsewhere.example",
                 "javascript:alert(1)"):
        assert flash.success("x", link=link, link_text="Go") == flash.Message("x", "success")
        forged = quote(json.dumps(["success", "x", link, "Go"]))
        assert flash.read(request_with(forged)) == [flash.Message("x", "success")]
    # A message kept before links existed still reads.
    assert flash.read(request_with(quote(json.dumps(["error", "Old"])))) == [
        flash.Message("Old", "error")]
