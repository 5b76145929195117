"""Sign-in and sessions: argon2id, the same refusal for known and unknown accounts, throttling,
cookies, rotation, timeouts, revocation, disabled accounts and two-factor codes."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import Session, select

from api import clock
from api.accounts import service as accounts
from api.auth import credentials, passwords, sessions
from api.auth.models import AuthSession, Role, User
from api.db import get_engine
from tests.conftest import sign_in
from tests.factories import make_user

PASSWORD = "correct horse battery staple"


@pytest.fixture
def member(db: None) -> User:
    return make_user(Role.partner, email="maria@example.org", password=PASSWORD)


def login(client: TestClient, email: str, password: str, **extra: str) -> Any:
    client.get("/login")  # the pre-sign-in cookie and its anti-forgery token
    token = client.cookies.get("oversight_presession")
    from api.auth.tokens import csrf_for

    data = {"email": email, "password": password, "csrf_token": csrf_for(token or ""), **extra}
    return client.post("/login", data=data, follow_redirects=False)


def test_argon2id_with_at_least_the_minimum_cost() -> None:
    stored = passwords.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2 and int(params["p"]) >= 1
    assert passwords.verify(PASSWORD, stored)[0]
    assert not passwords.verify("wrong", stored)[0]


def test_sign_in_sets_a_hardened_cookie_and_out_ends_the_session(
        anon_client: TestClient, member: User) -> None:
    response = login(anon_client, "MARIA@example.org ", PASSWORD, next="/account")
    assert response.status_code == 303 and response.headers["location"] == "/account"
    cookie = [c for c in response.headers.get_list("set-cookie")
              if c.startswith("oversight_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    raw = cookie.split(";")[0].split("=", 1)[1]
    with Session(get_engine()) as s:
        stored = s.exec(select(AuthSession)).one()
        assert stored.token_hash != raw and raw not in stored.token_hash
    assert anon_client.get("/account").status_code == 200
    out = anon_client.post("/logout", headers={"X-CSRF-Token": _csrf(anon_client)},
                           follow_redirects=False)
    assert out.status_code == 303
    with Session(get_engine()) as s:
        assert s.exec(select(AuthSession)).all() == []
    anon_client.cookies.set("oversight_session", raw, domain="testserver.local")
    assert anon_client.get("/account", follow_redirects=False).status_code == 303


def _csrf(client: TestClient) -> str:
    from api.auth.tokens import csrf_for

    return csrf_for(client.cookies.get("oversight_session") or "")


def test_secure_cookie_with_host_prefix_over_https(app: Any, member: User) -> None:
    client = TestClient(app, base_url="https://oversight.example.org")
    client.get("/login")
    presession = client.cookies.get("__Host-oversight_presession")
    assert presession
    from api.auth.tokens import csrf_for

    response = client.post("/login", data={"email": member.email, "password": PASSWORD,
                                           "csrf_token": csrf_for(presession)},
                           follow_redirects=False)
    cookies = response.headers.get_list("set-cookie")
    session_cookie = [c for c in cookies if c.startswith("__Host-oversight_session=")][0]
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie
    assert "Strict-Transport-Security" in response.headers


def test_same_refusal_for_known_and_unknown_accounts(anon_client: TestClient, member: User,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # The time a refusal takes is the argon2id verification; both paths must run exactly one,
    # so timing cannot tell a known address from an unknown one. Counted, not timed: a timed
    # assertion would flake on a busy machine.
    verifications: list[str] = []
    real_verify = Argon2Hasher.verify

    def counting_verify(self: Argon2Hasher, password: str, hash: str) -> bool:  # noqa: A002
        verifications.append(hash)
        return real_verify(self, password, hash)

    monkeypatch.setattr(Argon2Hasher, "verify", counting_verify)
    per_login: dict[str, list[int]] = {"known": [], "unknown": []}
    known = unknown = None
    for i in range(3):
        before = len(verifications)
        known = login(anon_client, member.email, f"wrong password {i}")
        per_login["known"].append(len(verifications) - before)
        before = len(verifications)
        unknown = login(anon_client, f"nobody{i}@example.org", f"wrong password {i}")
        per_login["unknown"].append(len(verifications) - before)
    assert known is not None and unknown is not None
    assert known.status_code == unknown.status_code == 401
    assert accounts.WRONG_CREDENTIALS in known.text and accounts.WRONG_CREDENTIALS in unknown.text
    strip = lambda text: text.replace(member.email, "").replace("nobody2@example.org", "")  # noqa: E731
    assert strip(known.text).split("<main")[1] == strip(unknown.text).split("<main")[1]
    assert per_login == {"known": [1, 1, 1], "unknown": [1, 1, 1]}
    # Both used the same argon2id parameters: the decoy is hashed like a real password.
    assert all(h.startswith("$argon2id$v=19$m=19456,t=2,p=1$") for h in verifications)


def test_sixth_bad_password_in_a_minute_is_refused(anon_client: TestClient,
                                                   member: User) -> None:
    for i in range(5):
        assert login(anon_client, member.email, f"guess {i}").status_code == 401
    sixth = login(anon_client, member.email, PASSWORD)
    assert sixth.status_code == 429
    assert "Too many failed sign-in attempts. Try again in 1 minute" in sixth.text
    clock.freeze(clock.now() + timedelta(seconds=61))
    assert login(anon_client, member.email, PASSWORD).status_code == 303


def test_throttling_per_address_across_accounts(anon_client: TestClient, member: User) -> None:
    for i in range(accounts.ADDRESS_THROTTLE.free):
        login(anon_client, f"spray{i}@example.org", "password1234")
    assert login(anon_client, member.email, PASSWORD).status_code == 429


def test_system_account_cannot_sign_in(anon_client: TestClient) -> None:
    assert login(anon_client, accounts.SYSTEM_EMAIL, "").status_code in (401, 422)
    assert login(anon_client, accounts.SYSTEM_EMAIL, "anything at all").status_code == 401


def test_session_id_rotates_at_sign_in(anon_client: TestClient, member: User) -> None:
    first = sign_in(anon_client, member)
    response = login(anon_client, member.email, PASSWORD)
    assert response.status_code == 303
    new = anon_client.cookies.get("oversight_session")
    assert new and new != first
    assert credentials.session_seen(first) is None
    assert credentials.session_seen(new) is not None


def test_session_rotates_when_the_role_changes(client_as: Callable[..., TestClient],
                                               client: TestClient) -> None:
    member_client = client_as(Role.viewer)
    old = member_client.cookies.get("oversight_session")
    user = member_client.user  # type: ignore[attr-defined]
    assert client.patch(f"/api/v1/users/{user.id}", json={"role": "lead"}).status_code == 200
    response = member_client.get("/account")
    assert response.status_code == 200
    new = member_client.cookies.get("oversight_session")
    assert new and new != old
    assert credentials.session_seen(old) is None


@pytest.mark.parametrize("expire", ["idle", "absolute"])
def test_expired_session_goes_to_sign_in(client_as: Callable[..., TestClient],
                                         expire: str) -> None:
    member_client = client_as(Role.partner)
    assert member_client.get("/account").status_code == 200
    if expire == "idle":
        clock.freeze(clock.now() + sessions.IDLE_TIMEOUT + timedelta(seconds=1))
    else:
        # Active every half hour, yet the absolute limit still ends it.
        for _ in range(int(sessions.ABSOLUTE_TIMEOUT / timedelta(minutes=30))):
            clock.freeze(clock.now() + timedelta(minutes=30))
            member_client.get("/account")
    page = member_client.get("/account", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    api = member_client.get("/api/v1/people")
    assert api.status_code == 401


def test_revoked_session_and_log_out_everywhere(client_as: Callable[..., TestClient],
                                                app: Any) -> None:
    first = client_as(Role.partner)
    user = first.user  # type: ignore[attr-defined]
    second = TestClient(app)
    sign_in(second, user)
    assert second.get("/account").status_code == 200
    response = first.post("/account/sessions/revoke-all", follow_redirects=False)
    assert response.status_code == 303
    for browser in (first, second):
        page = browser.get("/account", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_disabling_a_user_ends_their_sessions(client_as: Callable[..., TestClient],
                                              client: TestClient) -> None:
    member_client = client_as(Role.partner)
    user = member_client.user  # type: ignore[attr-defined]
    assert client.patch(f"/api/v1/users/{user.id}", json={"is_active": False}).status_code == 200
    with Session(get_engine()) as s:
        assert sessions.of_user(s, user.id) == []
    assert member_client.get("/account", follow_redirects=False).status_code == 303


def test_two_factor_code_needed_and_not_reusable(anon_client: TestClient, member: User) -> None:
    secret = pyotp.random_base32()
    with Session(get_engine()) as s:
        user = s.get(User, member.id)
        assert user is not None
        user.totp_secret, user.totp_enabled = secret, True
        s.add(user)
        s.commit()
    refused = login(anon_client, member.email, PASSWORD)
    assert refused.status_code == 401 and accounts.WRONG_CREDENTIALS in refused.text
    clock.freeze(clock.now() + timedelta(seconds=30))
    code = pyotp.TOTP(secret).at(clock.now())
    assert login(anon_client, member.email, PASSWORD, code=code).status_code == 303
    # The same code again is refused: a code works once.
    other = TestClient(anon_client.app)
    assert login(other, member.email, PASSWORD, code=code).status_code == 401


def test_admin_can_require_two_factor_for_leads(client: TestClient,
                                                client_as: Callable[..., TestClient]) -> None:
    lead = client_as(Role.lead)
    assert lead.get("/api/v1/people").status_code == 200
    assert client.post("/admin/settings", data={"require_totp_for_leads": "on"},
                       follow_redirects=False).status_code == 303
    page = lead.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/account#two-factor"
    assert lead.get("/api/v1/people").status_code == 403
    assert lead.get("/account").status_code == 200
