"""An API token outlives the browser session it was made in, so a session alone (a borrowed
laptop, a stolen cookie) may not make one; and a token ends with everything else when the
password changes or the account is signed out everywhere."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.accounts import service as accounts
from api.auth.models import ApiToken, LoginAttempt, Role
from api.db import get_engine
from tests.auth.two_factor import with_two_factor
from tests.conftest import sign_in
from tests.web.html import plain

PASSWORD = "correct horse battery staple"


@pytest.fixture
def partner(client_as: Callable[..., TestClient]) -> TestClient:
    return client_as(Role.partner, password=PASSWORD)


def _tokens(user: Any) -> list[ApiToken]:
    with Session(get_engine()) as s:
        return list(s.exec(select(ApiToken).where(ApiToken.user_id == user.id)).all())


def _make(client: TestClient, **extra: str) -> Any:
    return client.post("/account/tokens", data={"name": "cron", "scope": "read", **extra})


def _works(raw: str, app: Any) -> bool:
    script = TestClient(app, raise_server_exceptions=False)
    return script.get("/api/v1/people", headers={"Authorization": f"Bearer {raw}"}) \
        .status_code == 200


def _raw(page: Any) -> str:
    text = plain(page.text)
    return next(word for word in text.split() if word.startswith("ovs_"))


def test_a_token_is_made_only_with_the_password(partner: TestClient, app: Any) -> None:
    user = partner.user  # type: ignore[attr-defined]
    for typed in ({}, {"password": "not the password"}):
        refused = _make(partner, **typed)
        assert refused.status_code == 422
        assert "Your password or two-factor code is not right." in plain(refused.text)
    assert _tokens(user) == []
    # A wrong password counts toward the sign-in throttle, like any other guess.
    with Session(get_engine()) as s:
        assert s.exec(select(LoginAttempt)).first() is not None
    made = _make(partner, password=PASSWORD)
    assert made.status_code == 200 and "shown only this once" in made.text
    assert _works(_raw(made), app)


def test_with_two_factor_a_token_needs_a_current_code_too(partner: TestClient) -> None:
    user = partner.user  # type: ignore[attr-defined]
    totp = with_two_factor(user)
    assert 'name="code"' in partner.get("/account").text
    assert _make(partner, password=PASSWORD).status_code == 422
    made = _make(partner, password=PASSWORD, code=totp.now())
    assert made.status_code == 200
    assert len(_tokens(user)) == 1


def test_a_new_password_ends_every_token(partner: TestClient, app: Any) -> None:
    raw = _raw(_make(partner, password=PASSWORD))
    changed = partner.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a brand new long passphrase"},
        follow_redirects=False)
    assert changed.status_code == 303
    assert not _works(raw, app)
    assert _tokens(partner.user) == []  # type: ignore[attr-defined]


def test_signing_out_everywhere_ends_every_token(partner: TestClient, app: Any) -> None:
    raw = _raw(_make(partner, password=PASSWORD))
    assert _works(raw, app)
    partner.post("/account/sessions/revoke-all", follow_redirects=False)
    assert not _works(raw, app)


def test_a_password_reset_ends_every_token(partner: TestClient, app: Any,
                                          anon_client: TestClient) -> None:
    user = partner.user  # type: ignore[attr-defined]
    raw = _raw(_make(partner, password=PASSWORD))
    with Session(get_engine()) as s:
        asked = accounts.request_reset(s, user.email)
        assert asked is not None
        accounts.reset_password(s, asked[1], "another long passphrase here")
        s.commit()
    assert not _works(raw, app)


def test_another_session_of_the_same_account_keeps_working_without_a_token(
        partner: TestClient, app: Any) -> None:
    """Ending tokens is not ending the browser that changed the password."""
    user = partner.user  # type: ignore[attr-defined]
    other = TestClient(app, raise_server_exceptions=False)
    sign_in(other, user)
    partner.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a brand new long passphrase"})
    assert partner.get("/account", follow_redirects=False).status_code == 200
    assert other.get("/account", follow_redirects=False).status_code == 303
