"""Device cookies at sign-in: a browser that signed in before is judged by its own failures, so
the owner gets in while others guess; every other browser shares the account's count, so
rotating addresses buys no more guesses."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.accounts import service as accounts
from api.auth import devices
from api.auth.models import Role, User
from api.auth.tokens import csrf_for
from api.db import get_engine
from tests.auth.test_sign_in_throttling import (
    ATTACKER,
    OWNER,
    PASSWORD,
    START,
    later,
    login,
    sign_out,
    with_two_factor,
    wrong_code,
)
from tests.factories import make_user

NEW_PASSWORD = "a brand new long passphrase"
# Documentation networks, one fresh address per try.
ROTATING = [f"198.18.{n // 200}.{n % 200 + 1}" for n in range(2000)]


@pytest.fixture
def member(db: None) -> User:
    clock.freeze(START)
    return make_user(Role.partner, email="maria@example.org", password=PASSWORD)


@pytest.fixture
def browser_at(app: Any, db: None) -> Callable[..., TestClient]:
    def make(address: tuple[str, int] | str) -> TestClient:
        client = address if isinstance(address, tuple) else (address, 40000)
        return TestClient(app, raise_server_exceptions=False, client=client)
    return make


def device_of(client: TestClient) -> str:
    value = client.cookies.get("oversight_device")
    assert value, "the browser holds no device cookie"
    return value


def holding(browser: TestClient, device: str) -> TestClient:
    # The domain httpx files the app's own cookies under, so the app reads this one.
    browser.cookies.set("oversight_device", device, domain="testserver.local")
    return browser


def known_browser(browser_at: Callable[..., TestClient], user: User, **extra: str) -> TestClient:
    """The owner's browser: it signed in before, and its session has since ended."""
    browser = browser_at(OWNER)
    assert login(browser, user.email, PASSWORD, **extra).status_code == 303
    sign_out(browser)
    return browser


def fail(client: TestClient, email: str, times: int, **extra: str) -> None:
    """Guesses until `times` of them were checked and wrong, waiting as told when held back."""
    failures = 0
    while failures < times:
        response = login(client, email, f"guess {failures}", **extra)
        if response.status_code == 429:
            later(seconds=int(response.headers["retry-after"]))
            continue
        assert response.status_code == 401
        failures += 1


def attack_from_many_addresses(browser_at: Callable[..., TestClient], email: str,
                               times: int) -> None:
    for n in range(times):
        assert login(browser_at(ROTATING[n]), email, f"guess {n}").status_code == 401


# ---- the owner is not locked out ---------------------------------------------------------------


def test_the_owner_gets_in_after_a_typo_while_another_has_failed_thirty_times(
        browser_at: Callable[..., TestClient], member: User) -> None:
    owner = known_browser(browser_at, member)
    attacker = browser_at(ATTACKER)
    fail(attacker, member.email, 30)
    assert login(attacker, member.email, PASSWORD).status_code == 429
    # One typo of their own does not bring the attacker's failures down on the owner.
    assert login(owner, member.email, "correct horse battery stapel").status_code == 401
    response = login(owner, member.email, PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert owner.get("/account").status_code == 200
    # Their getting in does not clear the attacker's record.
    assert login(attacker, member.email, PASSWORD).status_code == 429


def test_the_owner_with_two_factor_gets_in_while_codes_are_guessed_from_many_addresses(
        browser_at: Callable[..., TestClient], member: User) -> None:
    totp = with_two_factor(member)
    owner = known_browser(browser_at, member, code=totp.at(clock.now()))
    later(minutes=1)
    # The password is known; codes are guessed from a fresh address each time, and each wrong
    # one counts like a wrong password.
    for n in range(accounts.ACCOUNT_THROTTLE.free):
        assert login(browser_at(ROTATING[n]), member.email, PASSWORD,
                     code=wrong_code(totp, n)).status_code == 401
    assert login(browser_at(ROTATING[-1]), member.email, PASSWORD,
                 code=totp.at(clock.now())).status_code == 429
    assert login(owner, member.email, PASSWORD, code=wrong_code(totp, 9)).status_code == 401
    assert login(owner, member.email, PASSWORD, code=totp.at(clock.now())).status_code == 303


def test_a_known_browser_is_held_back_by_its_own_failures_alone(
        browser_at: Callable[..., TestClient], member: User) -> None:
    owner = known_browser(browser_at, member)
    fail(owner, member.email, accounts.DEVICE_THROTTLE.free)
    held = login(owner, member.email, PASSWORD)
    assert held.status_code == 429 and "Try again in 1 minute" in held.text
    # What a browser holding the cookie tries is its own: it does not hold back the account.
    assert login(browser_at(ATTACKER), member.email, PASSWORD).status_code == 303
    later(minutes=1)
    assert login(owner, member.email, PASSWORD).status_code == 303


def test_a_signed_in_owner_confirms_their_password_while_others_guess(
        browser_at: Callable[..., TestClient], member: User) -> None:
    owner = browser_at(OWNER)
    assert login(owner, member.email, PASSWORD).status_code == 303
    owner.headers["X-CSRF-Token"] = csrf_for(owner.cookies.get("oversight_session") or "")
    attack_from_many_addresses(browser_at, member.email, accounts.ACCOUNT_THROTTLE.free)

    def make_token(password: str) -> Any:
        return owner.post("/account/tokens", data={"name": "cron", "scope": "read",
                                                   "password": password})

    assert make_token("not my password").status_code == 422
    assert make_token(PASSWORD).status_code == 200
    # The same session from a browser without the cookie is one the account does not know.
    owner.cookies.delete("oversight_device")
    assert make_token(PASSWORD).status_code == 429


# ---- guessing is bounded -----------------------------------------------------------------------


def test_rotating_addresses_without_a_device_cookie_buys_no_more_guesses(
        browser_at: Callable[..., TestClient], member: User) -> None:
    replies = [login(browser_at(ROTATING[n]), member.email, f"guess {n}").status_code
               for n in range(49)]
    free = accounts.ACCOUNT_THROTTLE.free
    assert replies[:free] == [401] * free
    assert set(replies[free:]) == {429}
    # The fiftieth address, with the right password: refused while the account is held back.
    assert login(browser_at(ROTATING[49]), member.email, PASSWORD).status_code == 429


def test_guesses_checked_in_a_day_at_an_account_are_bounded_whatever_the_addresses(
        browser_at: Callable[..., TestClient], member: User) -> None:
    checked = 0
    for address in ROTATING:
        if clock.now() >= START + timedelta(days=1):
            break
        response = login(browser_at(address), member.email, f"guess {checked}")
        if response.status_code == 429:
            later(seconds=int(response.headers["retry-after"]))
            continue
        assert response.status_code == 401
        checked += 1
    else:
        pytest.fail("ran out of addresses before the day was over")
    # Five free, then waits of 1, 2, 4 ... 32 minutes, then one an hour.
    assert accounts.ACCOUNT_THROTTLE.free < checked <= 33


def test_addresses_in_one_ipv6_64_share_a_throttle(
        browser_at: Callable[..., TestClient], member: User) -> None:
    sprayer = browser_at("2001:db8:1:2::10")
    for i in range(accounts.ADDRESS_THROTTLE.free):
        assert login(sprayer, f"someone{i}@example.org", "Password2024!").status_code == 401
    same_64 = browser_at("2001:db8:1:2:ffff:ffff:ffff:1")
    assert login(same_64, member.email, PASSWORD).status_code == 429
    next_64 = browser_at("2001:db8:1:3::10")
    assert login(next_64, member.email, PASSWORD).status_code == 303


def test_an_ipv4_address_written_as_ipv6_is_the_same_address(
        browser_at: Callable[..., TestClient], member: User) -> None:
    sprayer = browser_at("203.0.113.9")
    for i in range(accounts.ADDRESS_THROTTLE.free):
        assert login(sprayer, f"someone{i}@example.org", "Password2024!").status_code == 401
    assert login(browser_at("::ffff:203.0.113.9"), member.email, PASSWORD).status_code == 429
    assert login(browser_at("203.0.113.10"), member.email, PASSWORD).status_code == 303


# ---- only a cookie this server gave for this account counts --------------------------------------


def test_a_forged_or_another_accounts_device_cookie_counts_as_none(
        browser_at: Callable[..., TestClient], member: User) -> None:
    real = device_of(known_browser(browser_at, member))
    mallory = make_user(Role.partner, email="mallory@example.org", password=PASSWORD)
    attacker = browser_at(ATTACKER)
    assert login(attacker, mallory.email, PASSWORD).status_code == 303
    sign_out(attacker)
    attack_from_many_addresses(browser_at, member.email, accounts.ACCOUNT_THROTTLE.free)

    # A cookie of the attacker's own account says nothing about this one.
    assert login(attacker, member.email, PASSWORD).status_code == 429
    expires, nonce, mac = real.split(".")
    forgeries = {
        "another account's": device_of(attacker),
        "altered signature": f"{expires}.{nonce}.{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",
        "another nonce": f"{expires}.{'A' * len(nonce)}.{mac}",
        "later expiry": f"{int(expires) + 86400}.{nonce}.{mac}",
        "unsigned": f"{expires}.{nonce}.",
        "garbage": "not-a-device-cookie",
    }
    for what, forged in forgeries.items():
        response = login(holding(browser_at(ATTACKER), forged), member.email, PASSWORD)
        assert response.status_code == 429, what
    # The real one, wherever it is presented from, is what lets its holder in.
    assert login(holding(browser_at(ATTACKER), real), member.email, PASSWORD).status_code == 303


def test_a_device_cookie_expires_and_ends_with_the_password_it_was_given_under(
        member: User) -> None:
    with Session(get_engine()) as s:
        user = s.get(User, member.id)
        assert user is not None
        cookie = devices.issue(user)
        assert devices.nonce_of(user, cookie) == cookie.split(".")[1]
        clock.freeze(START + devices.DEVICE_LIFETIME + timedelta(minutes=1))
        assert devices.nonce_of(user, cookie) is None
        clock.freeze(START)
        accounts.set_password(s, user, NEW_PASSWORD)
        assert devices.nonce_of(user, cookie) is None
        assert devices.nonce_of(None, cookie) is None


def test_a_new_password_withdraws_other_browsers_cookies_and_keeps_this_ones(
        browser_at: Callable[..., TestClient], member: User) -> None:
    laptop, phone = known_browser(browser_at, member), known_browser(browser_at, member)
    assert login(laptop, member.email, PASSWORD).status_code == 303
    changed = laptop.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD,
        "csrf_token": csrf_for(laptop.cookies.get("oversight_session") or "")},
        follow_redirects=False)
    assert changed.status_code == 303
    sign_out(laptop)
    attack_from_many_addresses(browser_at, member.email, accounts.ACCOUNT_THROTTLE.free)
    assert login(phone, member.email, NEW_PASSWORD).status_code == 429
    assert login(laptop, member.email, NEW_PASSWORD).status_code == 303


def test_a_password_reset_link_makes_its_browser_known(
        browser_at: Callable[..., TestClient], member: User) -> None:
    attack_from_many_addresses(browser_at, member.email, accounts.ACCOUNT_THROTTLE.free)
    new_browser = browser_at(OWNER)
    assert login(new_browser, member.email, PASSWORD).status_code == 429
    with Session(get_engine()) as s:
        found = accounts.request_reset(s, member.email)
        assert found is not None
        s.commit()
    page = f"/password-reset/{found[1]}"
    new_browser.get(page)
    token = csrf_for(new_browser.cookies.get("oversight_presession") or "")
    reset = new_browser.post(page, data={"password": NEW_PASSWORD, "csrf_token": token},
                             follow_redirects=False)
    assert reset.status_code == 303
    assert login(new_browser, member.email, NEW_PASSWORD).status_code == 303
    assert login(browser_at(OWNER), member.email, NEW_PASSWORD).status_code == 429


# ---- the cookie itself ---------------------------------------------------------------------------


def _set_cookies(response: Any, name: str) -> list[dict[str, str]]:
    found = []
    for header in response.headers.get_list("set-cookie"):
        first, *rest = [part.strip() for part in header.split(";")]
        if first.split("=", 1)[0] == name:
            attributes = {"value": first.split("=", 1)[1]}
            for part in rest:
                key, _, value = part.partition("=")
                attributes[key.lower()] = value
            found.append(attributes)
    return found


def test_the_device_cookie_is_http_only_same_site_lax_and_long_lived(
        browser_at: Callable[..., TestClient], member: User) -> None:
    browser = browser_at(OWNER)
    assert _set_cookies(login(browser, member.email, "wrong"), "oversight_device") == []
    [cookie] = _set_cookies(login(browser, member.email, PASSWORD), "oversight_device")
    assert "httponly" in cookie and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert int(cookie["max-age"]) == int(devices.DEVICE_LIFETIME.total_seconds())
    assert "secure" not in cookie


def test_over_https_the_device_cookie_is_secure_and_host_only(app: Any, member: User) -> None:
    browser = TestClient(app, raise_server_exceptions=False, client=OWNER,
                         base_url="https://testserver")
    browser.get("/login")
    token = csrf_for(browser.cookies.get("__Host-oversight_presession") or "")
    response = browser.post("/login", data={"email": member.email, "password": PASSWORD,
                                            "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    [cookie] = _set_cookies(response, "__Host-oversight_device")
    assert "secure" in cookie and "httponly" in cookie and cookie["samesite"] == "Lax"
    assert "domain" not in cookie
