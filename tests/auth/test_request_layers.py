"""Each layer a request passes before its route, alone: who is asking and whether they may go
on, the forgery check, and the pages a browser is shown when turned away."""

import logging
from collections.abc import Iterable
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import tokens
from api.auth.forgery import ForgeryCheck
from api.auth.identity import Identity, refusal
from api.auth.models import Role, TokenScope, User
from web import refusals

SECRET = "a-browser-session-secret-of-some-length"


class Answers:
    """Page answers that say which one was given."""

    def sign_in(self, scope: Scope) -> Response:
        return PlainTextResponse("sign in", status_code=303)

    def set_up_two_factor(self, scope: Scope) -> Response:
        return PlainTextResponse("two-factor", status_code=303)

    def forged(self, scope: Scope) -> Response:
        return PlainTextResponse("forged page", status_code=403)


def _scope(path: str, method: str = "GET", headers: Iterable[tuple[str, str]] = ()) -> Scope:
    return {"type": "http", "path": path, "method": method, "query_string": b"",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers]}


def _member() -> User:
    return User(id=1, email="rosa@example.org", name="Rosa", role=Role.partner)


@pytest.mark.parametrize(("path", "status", "said"), [
    ("/campaigns", 303, "sign in"), ("/api/v1/campaigns", 401, "Not signed in")])
def test_a_visitor_is_sent_to_sign_in_or_told_so(path: str, status: int, said: str) -> None:
    answer = refusal(_scope(path), Identity(), Answers())
    assert answer is not None and answer.status_code == status
    assert said in bytes(answer.body).decode()


def test_open_routes_let_a_visitor_through() -> None:
    assert refusal(_scope("/login"), Identity(), Answers()) is None
    assert refusal(_scope("/password-reset"), Identity(), Answers()) is None


def test_a_read_only_token_may_read_and_not_write() -> None:
    reader = Identity(user=_member(), via="token", token_scope=TokenScope.read)
    assert refusal(_scope("/api/v1/tasks"), reader, Answers()) is None
    answer = refusal(_scope("/api/v1/tasks", "POST"), reader, Answers())
    assert answer is not None and answer.status_code == 403
    assert b"may only read" in bytes(answer.body)


def test_an_unknown_token_is_refused_as_such() -> None:
    answer = refusal(_scope("/api/v1/tasks"), Identity(via="token"), Answers())
    assert answer is not None and answer.status_code == 401
    assert b"unknown, expired or revoked" in bytes(answer.body)


def test_an_account_owing_two_factor_reaches_only_its_account_page() -> None:
    owing = Identity(user=_member(), via="session", must_set_up_two_factor=True)
    assert refusal(_scope("/account"), owing, Answers()) is None
    assert refusal(_scope("/logout", "POST"), owing, Answers()) is None
    page = refusal(_scope("/campaigns"), owing, Answers())
    assert page is not None and bytes(page.body) == b"two-factor"
    api = refusal(_scope("/api/v1/campaigns"), owing, Answers())
    assert api is not None and api.status_code == 403


class WithIdentity:
    """Puts an identity on the request as the identity layer would."""

    def __init__(self, app: ASGIApp, identity: Identity) -> None:
        self.app, self.identity = app, identity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("state", {})["identity"] = self.identity
        await self.app(scope, receive, send)


def _checked(identity: Identity) -> tuple[TestClient, list[bytes]]:
    """A client of a one-route app behind the forgery check; the list holds what the route got."""
    reached: list[bytes] = []

    async def route(request: Request) -> Response:
        reached.append(await request.body())
        return PlainTextResponse("done")

    app = Starlette(routes=[Route("/things", route, methods=["GET", "POST"]),
                            Route("/api/v1/things", route, methods=["POST"])])
    layered = WithIdentity(ForgeryCheck(app, pages=Answers()), identity)
    return TestClient(layered, base_url="http://oversight.test"), reached


def _browser() -> Identity:
    return Identity(user=_member(), via="session", sent_secret=SECRET, secret=SECRET)


def test_a_form_with_its_token_goes_through_with_its_body_intact() -> None:
    client, reached = _checked(_browser())
    body = {"csrf_token": tokens.csrf_for(SECRET), "title": "Ask for a vote"}
    assert client.post("/things", data=body).text == "done"
    assert b"title=Ask+for+a+vote" in reached[0]


def test_the_token_in_a_header_is_enough() -> None:
    client, reached = _checked(_browser())
    answer = client.post("/things", content=b"{}",
                         headers={"X-CSRF-Token": tokens.csrf_for(SECRET)})
    assert answer.text == "done" and reached == [b"{}"]


@pytest.mark.parametrize("token", ["", "wrong", tokens.csrf_for("another session's secret")])
def test_a_form_without_its_token_is_refused_unread_by_the_route(
        token: str, caplog: pytest.LogCaptureFixture) -> None:
    client, reached = _checked(_browser())
    with caplog.at_level(logging.WARNING):
        answer = client.post("/things", data={"csrf_token": token, "title": "x"})
    assert (answer.status_code, answer.text) == (403, "forged page")
    assert reached == []
    assert any("anti-forgery token is missing or wrong" in r.getMessage() for r in caplog.records)


def test_the_api_gets_problem_json_and_another_origin_is_refused_even_with_the_token() -> None:
    client, reached = _checked(_browser())
    answer = client.post("/api/v1/things", content=b"{}",
                         headers={"X-CSRF-Token": tokens.csrf_for(SECRET),
                                  "Origin": "https://elsewhere.example"})
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert "another origin" in answer.json()["detail"]
    assert reached == []


def test_reads_and_token_signed_requests_need_no_anti_forgery_token() -> None:
    client, reached = _checked(_browser())
    assert client.get("/things").text == "done"
    signed = Identity(user=_member(), via="token", token_scope=TokenScope.write)
    client, reached = _checked(signed)
    assert client.post("/api/v1/things", content=b"{}").text == "done"


def test_a_body_that_ends_early_is_refused_without_calling_it_forged(
        caplog: pytest.LogCaptureFixture) -> None:
    reached: list[bytes] = []

    async def route(request: Request) -> Response:
        reached.append(await request.body())
        return PlainTextResponse("done")

    async def cut(scope: Scope, receive: Receive, send: Send) -> None:
        async def gone() -> Any:
            return {"type": "http.disconnect"}
        await checked(scope, gone, send)

    checked = WithIdentity(ForgeryCheck(Starlette(routes=[Route("/things", route,
                                                                methods=["POST"])]),
                                        pages=Answers()), _browser())
    with caplog.at_level(logging.WARNING):
        answer = TestClient(cut).post("/things", data={"title": "x"})
    assert answer.status_code == 403 and reached == []
    assert not [r for r in caplog.records if "anti-forgery" in r.getMessage()]


def test_pages_send_a_visitor_to_sign_in_and_back() -> None:
    plain = refusals.sign_in({**_scope("/campaigns/4"), "query_string": b"tab=votes"})
    assert plain.status_code == 303
    assert plain.headers["location"] == "/login?next=%2Fcampaigns%2F4%3Ftab%3Dvotes"
    assert refusals.sign_in(_scope("/")).headers["location"] == "/login"
    # htmx would swap the sign-in page into a fragment: it is told to go to the whole page.
    fragment = refusals.sign_in(_scope("/campaigns/4", headers=[("HX-Request", "true")]))
    assert fragment.status_code == 401
    assert fragment.headers["hx-redirect"] == "/login?next=%2Fcampaigns%2F4"
    forged = refusals.forged(_scope("/tasks", "POST"))
    assert forged.status_code == 403 and b"This form has expired" in bytes(forged.body)
