"""Setting up, moving and ending two-factor: password and code first, older tokens revoked."""

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.accounts import service as accounts
from api.auth.models import Role, User
from api.db import get_engine
from tests.auth.two_factor import with_two_factor
from tests.conftest import api_token, sign_in

PASSWORD = "correct horse battery staple"
START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


@pytest.fixture
def browser(client_as: Callable[..., TestClient]) -> TestClient:
    clock.freeze(START)
    return client_as(Role.partner, password=PASSWORD)


def stored(user: User) -> User:
    with Session(get_engine()) as s:
        row = s.get(User, user.id)
        assert row is not None
        return row


def a_wrong_code(totp: pyotp.TOTP) -> str:
    accepted = {totp.at(clock.now(), counter_offset=offset) for offset in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


def account_page(response: Any) -> str:
    """The whole account page (these forms are no htmx fragments)."""
    assert response.text.startswith("<!doctype html>")
    assert "<h1>Your account</h1>" in response.text
    return str(response.text)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def later(**delta: float) -> None:
    clock.freeze(clock.now() + timedelta(**delta))


def test_setting_up_asks_for_the_password_and_stores_nothing_before_the_code(
        browser: TestClient) -> None:
    user = browser.user  # type: ignore[attr-defined]
    for data in ({}, {"password": "not my password"}):
        refused = browser.post("/account/two-factor/start", data=data)
        assert refused.status_code == 422
        page = account_page(refused)
        assert accounts.WRONG_CONFIRMATION in page and 'name="proof"' not in page
    asked = browser.post("/account/two-factor/start", data={"password": PASSWORD})
    assert asked.status_code == 200
    page = account_page(asked)
    secret = hidden(page, "secret")
    assert f'<p class="secret">{secret}</p>' in page and "Turn on" in page
    # Nothing is kept until a code from the new key is confirmed.
    assert stored(user).totp_secret is None and not stored(user).totp_enabled
    code = pyotp.TOTP(secret).at(clock.now())
    done = browser.post("/account/two-factor/confirm", follow_redirects=False,
                        data={"secret": secret, "proof": hidden(page, "proof"), "code": code})
    assert done.status_code == 303 and done.headers["location"] == "/account?done=two-factor-on"
    assert stored(user).totp_secret == secret and stored(user).totp_enabled
    # The code that confirmed the key cannot also sign in.
    assert not accounts.check_code(stored(user), code)


def test_two_factor_that_is_on_needs_the_password_and_a_current_code_to_move_or_end(
        browser: TestClient) -> None:
    user = browser.user  # type: ignore[attr-defined]
    totp = with_two_factor(user)
    secret = stored(user).totp_secret
    refusals = ({}, {"password": PASSWORD}, {"password": PASSWORD, "code": a_wrong_code(totp)},
                {"password": "not my password", "code": totp.at(clock.now())})
    for path in ("/account/two-factor/start", "/account/two-factor/disable"):
        for data in refusals:
            refused = browser.post(path, data=data, follow_redirects=False)
            assert refused.status_code == 422, (path, data)
            page = account_page(refused)
            assert accounts.WRONG_CONFIRMATION in page and 'name="proof"' not in page
            assert stored(user).totp_enabled and stored(user).totp_secret == secret
            later(minutes=10)  # past the wait each failure earns
    off = browser.post("/account/two-factor/disable", follow_redirects=False,
                       data={"password": PASSWORD, "code": totp.at(clock.now())})
    assert off.status_code == 303 and off.headers["location"] == "/account?done=two-factor-off"
    assert not stored(user).totp_enabled and stored(user).totp_secret is None


def test_moving_keeps_the_old_key_until_the_new_one_is_confirmed(browser: TestClient) -> None:
    user = browser.user  # type: ignore[attr-defined]
    old = with_two_factor(user)
    asked = browser.post("/account/two-factor/start",
                         data={"password": PASSWORD, "code": old.at(clock.now())})
    assert asked.status_code == 200
    page = account_page(asked)
    assert "Until you do, your current app keeps working." in page and "Move to this key" in page
    new_secret = hidden(page, "secret")
    assert stored(user).totp_secret == old.secret and stored(user).totp_enabled
    later(seconds=30)
    wrong = browser.post("/account/two-factor/confirm", data={
        "secret": new_secret, "proof": hidden(page, "proof"), "code": old.at(clock.now())})
    assert wrong.status_code == 422
    # The form comes back with the same key, to try again.
    assert hidden(account_page(wrong), "secret") == new_secret
    moved = browser.post("/account/two-factor/confirm", follow_redirects=False, data={
        "secret": new_secret, "proof": hidden(page, "proof"),
        "code": pyotp.TOTP(new_secret).at(clock.now())})
    assert moved.status_code == 303
    assert stored(user).totp_secret == new_secret and stored(user).totp_enabled


def test_a_new_key_is_confirmed_only_by_the_session_that_asked_and_only_for_a_while(
        browser: TestClient, app: Any) -> None:
    user = browser.user  # type: ignore[attr-defined]
    page = account_page(browser.post("/account/two-factor/start", data={"password": PASSWORD}))
    secret, proof = hidden(page, "secret"), hidden(page, "proof")
    code = pyotp.TOTP(secret).at(clock.now())
    other = TestClient(app, raise_server_exceptions=False)
    sign_in(other, user)
    chosen = pyotp.random_base32()
    for who, data in ((other, {"secret": secret, "proof": proof, "code": code}),
                      (browser, {"secret": chosen, "proof": proof,
                                 "code": pyotp.TOTP(chosen).at(clock.now())})):
        refused = who.post("/account/two-factor/confirm", data=data)
        assert refused.status_code == 422
        assert "start again" in account_page(refused)
    later(minutes=16)
    late = browser.post("/account/two-factor/confirm", data={
        "secret": secret, "proof": proof, "code": pyotp.TOTP(secret).at(clock.now())})
    assert late.status_code == 422 and "start again" in account_page(late)
    assert not stored(user).totp_enabled and stored(user).totp_secret is None


def test_wrong_codes_at_these_forms_count_like_wrong_passwords(browser: TestClient) -> None:
    user = browser.user  # type: ignore[attr-defined]
    totp = with_two_factor(user)
    for _ in range(accounts.ACCOUNT_THROTTLE.free):
        assert browser.post("/account/two-factor/disable", data={
            "password": PASSWORD, "code": a_wrong_code(totp)}).status_code == 422
    held = browser.post("/account/two-factor/disable",
                        data={"password": PASSWORD, "code": totp.at(clock.now())})
    assert held.status_code == 429
    assert "Too many failed sign-in attempts" in account_page(held)
    assert stored(user).totp_enabled


@pytest.mark.parametrize("revoke", [True, False])
def test_turning_two_factor_on_offers_to_revoke_older_tokens(
        browser: TestClient, app: Any, revoke: bool) -> None:
    user = browser.user  # type: ignore[attr-defined]
    older = [api_token(user), api_token(user)]
    script = TestClient(app, raise_server_exceptions=False)
    assert script.get("/api/v1/me", headers={"Authorization": f"Bearer {older[0]}"}
                      ).status_code == 200
    page = account_page(browser.post("/account/two-factor/start", data={"password": PASSWORD}))
    assert re.search(r'<input type="checkbox" name="revoke_tokens" checked> Also revoke your 2 '
                     r"API tokens made before now \(“tests”, “tests”\)", page)
    secret = hidden(page, "secret")
    data = {"secret": secret, "proof": hidden(page, "proof"),
            "code": pyotp.TOTP(secret).at(clock.now())}
    if revoke:
        data["revoke_tokens"] = "on"
    done = browser.post("/account/two-factor/confirm", data=data, follow_redirects=False)
    assert done.status_code == 303
    notice = "two-factor-on-tokens-revoked" if revoke else "two-factor-on"
    assert done.headers["location"] == f"/account?done={notice}"
    shown = account_page(browser.get(done.headers["location"]))
    assert ("your older API tokens are revoked" in shown) is revoke
    for raw in older:
        answer = script.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
        assert answer.status_code == (401 if revoke else 200)
