"""Sign-in against guessing: growing waits, the owner let in while others guess, trusted proxies."""

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import Session, select

from api import clock, upkeep
from api.accounts import service as accounts
from api.auth.models import LoginAttempt, Role, User
from api.auth.tokens import csrf_for
from api.db import get_engine
from api.settings import get_settings
from tests.factories import make_user
from tests.serving import served

PASSWORD = "correct horse battery staple"
START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
ATTACKER = ("203.0.113.9", 40000)
OWNER = ("198.51.100.4", 40000)


@pytest.fixture
def member(db: None) -> User:
    clock.freeze(START)
    return make_user(Role.partner, email="maria@example.org", password=PASSWORD)


@pytest.fixture
def browser_at(app: Any, db: None) -> Callable[..., TestClient]:
    """A browser whose connection comes from the given address."""
    def make(address: tuple[str, int]) -> TestClient:
        return TestClient(app, raise_server_exceptions=False, client=address)
    return make


@pytest.fixture
def trust_proxies() -> Iterator[Callable[[str], None]]:
    with pytest.MonkeyPatch.context() as patch:
        def trust(networks: str) -> None:
            patch.setenv("OVERSIGHT_TRUSTED_PROXIES", networks)
            get_settings.cache_clear()
        yield trust
    get_settings.cache_clear()


def login(client: TestClient, email: str, password: str, *,
          headers: dict[str, str] | None = None, **extra: str) -> Any:
    client.get("/login")
    token = csrf_for(client.cookies.get("oversight_presession") or "")
    data = {"email": email, "password": password, "csrf_token": token, **extra}
    return client.post("/login", data=data, headers=headers, follow_redirects=False)


def with_two_factor(user: User) -> pyotp.TOTP:
    secret = pyotp.random_base32()
    with Session(get_engine()) as s:
        row = s.get(User, user.id)
        assert row is not None
        row.totp_secret, row.totp_enabled = secret, True
        s.add(row)
        s.commit()
    return pyotp.TOTP(secret)


def wrong_code(totp: pyotp.TOTP, n: int = 0) -> str:
    """A six-digit code that is none of those the server would accept now."""
    accepted = {totp.at(clock.now(), counter_offset=offset) for offset in (-1, 0, 1)}
    return next(code for code in (f"{(n * 7919 + i) % 1_000_000:06d}" for i in range(10))
                if code not in accepted)


def later(**delta: float) -> None:
    clock.freeze(clock.now() + timedelta(**delta))


def main_part(response: Any, *emails: str) -> str:
    """The page's main element, without the address it echoes back and the browser's own
    anti-forgery token."""
    text = response.text.split("<main", 1)[1].split("</main>", 1)[0]
    text = re.sub(r'name="csrf_token" value="[^"]*"', "", text)
    for email in emails:
        text = text.replace(email, "")
    return text


def test_the_wait_doubles_with_each_failure_up_to_a_bound() -> None:
    throttle = accounts.ACCOUNT_THROTTLE
    waits = [throttle.wait(n) for n in range(throttle.free + 8)]
    assert waits[:throttle.free] == [timedelta(0)] * throttle.free
    assert waits[throttle.free:throttle.free + 4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert waits[-1] == throttle.longest_wait == timedelta(hours=1)
    assert throttle.wait(10_000) == timedelta(hours=1)


def test_each_failure_past_the_free_ones_doubles_the_wait(
        browser_at: Callable[..., TestClient], member: User) -> None:
    attacker = browser_at(ATTACKER)
    for i in range(accounts.ACCOUNT_THROTTLE.free):
        assert login(attacker, member.email, f"guess {i}").status_code == 401
    for minutes in (1, 2, 4, 8):
        # Refused before the password is even looked at, the right one included.
        held = login(attacker, member.email, PASSWORD)
        assert held.status_code == 429
        assert f"Try again in {minutes} minute" in held.text
        assert held.headers["retry-after"] == str(minutes * 60)
        later(minutes=minutes, seconds=-1)
        assert login(attacker, member.email, PASSWORD).status_code == 429
        later(seconds=1)
        assert login(attacker, member.email, "one more guess").status_code == 401
    # Bounded: the wait stops growing at an hour.
    for _ in range(4):
        later(hours=1)
        assert login(attacker, member.email, "yet another guess").status_code == 401
    assert "Try again in 60 minutes" in login(attacker, member.email, PASSWORD).text
    # Waiting while held back does not count as failing: an hour after the last guess the
    # right password works.
    later(hours=1)
    assert login(attacker, member.email, PASSWORD).status_code == 303


def sign_out(client: TestClient) -> None:
    """Ends the browser's session; what else it holds (its device cookie) stays."""
    token = csrf_for(client.cookies.get("oversight_session") or "")
    assert client.post("/logout", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303


def test_the_owner_gets_in_from_their_browser_while_another_guesses(
        browser_at: Callable[..., TestClient], member: User) -> None:
    owner = browser_at(OWNER)
    # Signed in from this browser before: it holds the account's device cookie.
    assert login(owner, member.email, PASSWORD).status_code == 303
    sign_out(owner)
    attacker = browser_at(ATTACKER)
    for i in range(accounts.ACCOUNT_THROTTLE.free + 1):
        login(attacker, member.email, f"guess {i}")
        later(minutes=1)
    assert login(attacker, member.email, PASSWORD).status_code == 429
    # A browser the account does not know is held back with the attacker, whatever its address.
    assert login(browser_at(OWNER), member.email, PASSWORD).status_code == 429
    # The owner's browser has not been failing: the right password lets them in at once.
    response = login(owner, member.email, PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert owner.get("/account").status_code == 200
    # Their getting in does not clear the attacker's record.
    assert login(attacker, member.email, PASSWORD).status_code == 429


def test_the_owner_with_two_factor_gets_in_while_another_guesses_codes(
        browser_at: Callable[..., TestClient], member: User) -> None:
    totp = with_two_factor(member)
    owner = browser_at(OWNER)
    assert login(owner, member.email, PASSWORD, code=totp.at(clock.now())).status_code == 303
    sign_out(owner)
    # A code is good once: the next sign-in needs the next one.
    later(minutes=1)
    attacker = browser_at(ATTACKER)
    # The attacker knows the password and guesses codes; each wrong code counts.
    for i in range(accounts.ACCOUNT_THROTTLE.free):
        assert login(attacker, member.email, PASSWORD,
                     code=wrong_code(totp, i)).status_code == 401
    assert login(attacker, member.email, PASSWORD,
                 code=totp.at(clock.now())).status_code == 429
    assert login(owner, member.email, PASSWORD, code=totp.at(clock.now())).status_code == 303


def test_typos_are_forgotten_once_their_owner_gets_in(
        browser_at: Callable[..., TestClient], member: User) -> None:
    # An office behind one address: each colleague mistypes a few times, then gets in. Their
    # typos must not add up to holding the office's address back.
    typos = accounts.ACCOUNT_THROTTLE.free - 1
    colleagues = accounts.ADDRESS_THROTTLE.free // typos + 1
    for n in range(colleagues):
        colleague = make_user(Role.partner, email=f"colleague{n}@example.org",
                              password=PASSWORD)
        office = browser_at(OWNER)
        for i in range(typos):
            assert login(office, colleague.email, f"typo {i}").status_code == 401
        assert login(office, colleague.email, PASSWORD).status_code == 303
    assert login(browser_at(OWNER), member.email, PASSWORD).status_code == 303


def test_an_address_that_guesses_at_many_accounts_is_held_back_at_all(
        browser_at: Callable[..., TestClient], member: User) -> None:
    sprayer, elsewhere = browser_at(ATTACKER), browser_at(OWNER)
    for i in range(accounts.ADDRESS_THROTTLE.free):
        assert login(sprayer, f"someone{i}@example.org", "Password2024!").status_code == 401
    assert login(sprayer, member.email, PASSWORD).status_code == 429
    assert login(elsewhere, member.email, PASSWORD).status_code == 303
    later(minutes=1)
    # One more failure after the wait doubles it.
    assert login(sprayer, "someone-else@example.org", "Password2024!").status_code == 401
    held = login(sprayer, member.email, PASSWORD)
    assert held.status_code == 429 and "Try again in 2 minutes" in held.text
    later(minutes=2)
    assert login(sprayer, member.email, PASSWORD).status_code == 303


def test_the_address_counted_is_the_one_a_trusted_proxy_vouches_for(
        browser_at: Callable[..., TestClient], member: User,
        trust_proxies: Callable[[str], None]) -> None:
    proxy = browser_at(("10.0.0.2", 40000))
    sprayer = {"X-Forwarded-For": "203.0.113.9"}
    neighbour = {"X-Forwarded-For": "198.51.100.4"}
    for i in range(accounts.ADDRESS_THROTTLE.free):
        login(proxy, f"someone{i}@example.org", "Password2024!", headers=sprayer)
    # Nobody trusted: the header is ignored, and everyone behind the proxy shares its address.
    assert login(proxy, member.email, PASSWORD, headers=neighbour).status_code == 429

    trust_proxies("10.0.0.0/8, 192.168.1.1")
    for i in range(accounts.ADDRESS_THROTTLE.free):
        login(proxy, f"someone{i}@example.org", "Password2024!", headers=sprayer)
    assert login(proxy, member.email, PASSWORD, headers=sprayer).status_code == 429
    assert login(proxy, member.email, PASSWORD, headers=neighbour).status_code == 303
    proxy = browser_at(("10.0.0.2", 40000))
    # A client cannot step out of its record by writing its own header: only what the trusted
    # proxy appended counts.
    spoofed = {"X-Forwarded-For": "192.0.2.77, 203.0.113.9"}
    assert login(proxy, member.email, PASSWORD, headers=spoofed).status_code == 429
    # Nor can a client that is no proxy of ours name an address.
    direct = browser_at(ATTACKER)
    assert login(direct, member.email, PASSWORD, headers=neighbour).status_code == 429


def test_serve_has_uvicorn_believe_exactly_the_trusted_proxies(
        trust_proxies: Callable[[str], None]) -> None:
    with served("--port", "8123") as run:
        assert run.asked["proxy_headers"] is False and run.asked["forwarded_allow_ips"] == []
    trust_proxies("127.0.0.1, 10.0.0.0/8")
    with served("--port", "8123") as run:
        assert run.asked["proxy_headers"] is True
        assert run.asked["forwarded_allow_ips"] == ["127.0.0.1", "10.0.0.0/8"]


def test_a_bad_trusted_proxy_setting_is_refused_at_start(
        trust_proxies: Callable[[str], None]) -> None:
    trust_proxies("10.0.0.0/8, not-an-address")
    with pytest.raises(ValueError, match="not-an-address"):
        get_settings()


def test_every_wrong_credential_gets_the_same_reply_at_the_same_cost(
        browser_at: Callable[..., TestClient], member: User,
        monkeypatch: pytest.MonkeyPatch) -> None:
    two_factor = make_user(Role.partner, email="tomas@example.org", password=PASSWORD)
    totp = with_two_factor(two_factor)
    verifications: list[str] = []
    real_verify = Argon2Hasher.verify

    def counting_verify(self: Argon2Hasher, password: str, hash: str) -> bool:  # noqa: A002
        verifications.append(hash)
        return real_verify(self, password, hash)

    monkeypatch.setattr(Argon2Hasher, "verify", counting_verify)
    tries = {
        "unknown address": ("nobody@example.org", "whatever it is", ""),
        "wrong password": (member.email, "not the password", ""),
        "wrong password, two-factor account": (two_factor.email, "not the password", ""),
        "right password, no code": (two_factor.email, PASSWORD, ""),
        "right password, wrong code": (two_factor.email, PASSWORD, wrong_code(totp)),
        "wrong password, right code": (two_factor.email, "not the password",
                                       totp.at(clock.now())),
    }
    replies = {}
    for what, (email, password, code) in tries.items():
        before = len(verifications)
        # Each from an address of its own, so none is held back by the others.
        response = login(browser_at((f"192.0.2.{len(replies) + 1}", 40000)), email, password,
                         code=code)
        assert len(verifications) - before == 1, what
        replies[what] = (response.status_code,
                         main_part(response, email, "nobody@example.org"))
    assert {status for status, _ in replies.values()} == {401}
    assert len({page for _, page in replies.values()}) == 1, replies
    assert accounts.WRONG_CREDENTIALS in next(iter(replies.values()))[1]


def test_missing_and_wrong_codes_count_like_wrong_passwords(
        browser_at: Callable[..., TestClient], member: User) -> None:
    totp = with_two_factor(member)
    attacker = browser_at(ATTACKER)
    codes = ["", "", "", wrong_code(totp, 1), wrong_code(totp, 2)]
    assert len(codes) == accounts.ACCOUNT_THROTTLE.free
    for code in codes:
        assert login(attacker, member.email, PASSWORD, code=code).status_code == 401
    assert login(attacker, member.email, PASSWORD, code=totp.at(clock.now())).status_code == 429
    later(minutes=1)
    assert login(attacker, member.email, PASSWORD, code=totp.at(clock.now())).status_code == 303


def test_the_scheduler_forgets_failures_older_than_a_day(
        member: User, browser_at: Callable[..., TestClient]) -> None:
    attacker = browser_at(ATTACKER)
    login(attacker, member.email, "wrong")
    assert _attempts() > 0
    [sweep] = [job for job in upkeep.upkeep_jobs(get_settings())
               if job.name == "auth.forget_attempts"]

    clock.freeze(START + timedelta(hours=23))
    sweep.run()
    assert _attempts() > 0

    clock.freeze(START + timedelta(days=1, minutes=1))
    sweep.run()
    assert _attempts() == 0


def _attempts() -> int:
    with Session(get_engine()) as session:
        return len(session.exec(select(LoginAttempt)).all())


def test_a_stolen_session_cannot_guess_the_current_password_at_leisure(
        browser_at: Callable[..., TestClient], member: User) -> None:
    thief = browser_at(ATTACKER)
    assert login(thief, member.email, PASSWORD).status_code == 303
    token = csrf_for(thief.cookies.get("oversight_session") or "")

    def change(current: str) -> Any:
        return thief.post("/account/password", data={
            "current_password": current, "new_password": "a brand new long passphrase",
            "csrf_token": token}, follow_redirects=False)

    # The thief's browser signed in, so it is judged by its own failures.
    for i in range(accounts.DEVICE_THROTTLE.free):
        refused = change(f"guess {i}")
        assert refused.status_code == 422
        assert "current password is not right" in refused.text
    held = change(PASSWORD)
    assert held.status_code == 429
    assert "Try again in 1 minute" in held.text
    later(minutes=1)
    assert change(PASSWORD).status_code == 303
