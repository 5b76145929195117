"""Which language a page speaks: the account's choice on the account page, before sign-in the
browser's Accept-Language, the switch under every page (a cookie, and the account's choice when
signed in); <html lang> follows, and a kept page is never served in another language."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import service as accounts
from api.auth.models import Role, User
from api.auth.scoping import act_as
from api.auth.tokens import csrf_for
from api.db import get_engine
from api.errors import Forbidden, Invalid
from api.i18n import locales
from tests.conftest import sign_in
from tests.factories import make_user


def _language_of(session: Session, user: User) -> str | None:
    """Read in a session of its own: the test's holds SQLite's write lock while open."""
    with Session(get_engine()) as fresh:
        found = fresh.get(User, user.id)
        assert found is not None
        return found.language


def test_the_account_page_keeps_the_choice(client: TestClient, admin: User,
                                           session: Session) -> None:
    assert _language_of(session, admin) is None
    page = client.get("/account").text
    assert '<html lang="en">' in page and "<h1>Your account</h1>" in page
    saved = client.post("/account/language", data={"language": "es"}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/account?done=language"
    assert _language_of(session, admin) == "es"
    page = client.get("/account?done=language").text
    assert '<html lang="es">' in page and "<h1>Su cuenta</h1>" in page
    assert "Se guardó su idioma." in page
    # The browser asking for English does not outweigh the account's choice.
    assert '<html lang="es">' in client.get("/", headers={"Accept-Language": "en"}).text

    refused = client.post("/account/language", data={"language": "fr"})
    assert refused.status_code == 422
    assert "Elija uno de los idiomas ofrecidos." in refused.text
    assert _language_of(session, admin) == "es"
    too_long = client.post("/account/language", data={"language": "x" * 40})
    assert too_long.status_code == 422

    client.post("/account/language", data={"language": ""}, follow_redirects=False)
    assert _language_of(session, admin) is None
    assert '<html lang="es">' in client.get(
        "/", headers={"Accept-Language": "es-US,es;q=0.9"}).text
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "de, en"}).text


def test_a_language_change_from_htmx_loads_the_whole_page(client: TestClient, admin: User,
                                                          session: Session) -> None:
    """A boosted form swaps only the body: <html lang> and the navigation would keep the old
    language, so htmx is told to load the page in full instead of following a redirect."""
    boosted = {"HX-Request": "true", "HX-Boosted": "true"}
    saved = client.post("/account/language", data={"language": "es"}, headers=boosted,
                        follow_redirects=False)
    assert saved.status_code == 204
    assert saved.headers["HX-Redirect"] == "/account?done=language"
    assert _language_of(session, admin) == "es"
    assert '<html lang="es">' in client.get("/account?done=language").text
    refused = client.post("/account/language", data={"language": "fr"}, headers=boosted)
    assert refused.status_code == 422 and "HX-Redirect" not in refused.headers


def test_only_the_person_or_an_administrator_sets_an_accounts_language(
        session: Session, admin: User) -> None:
    first = make_user(Role.partner, email="ana@example.org", name="Ana Ruiz")
    other = make_user(Role.lead, email="luis@example.org", name="Luis Mora")
    act_as(session, other)
    own = session.get(User, first.id)
    assert own is not None
    accounts.set_language(session, own, "es")
    with pytest.raises(Forbidden):
        session.flush()
    session.rollback()
    act_as(session, admin)
    own = session.get(User, first.id)
    assert own is not None
    accounts.set_language(session, own, "es")
    session.commit()
    assert _language_of(session, first) == "es"


def test_the_service_refuses_a_language_not_offered(session: Session, admin: User) -> None:
    with pytest.raises(Invalid):
        accounts.set_language(session, admin, "pt")
    accounts.set_language(session, admin, "es")
    session.commit()
    assert _language_of(session, admin) == "es"


@pytest.mark.parametrize(("header", "expected"), [
    ("es-MX,es;q=0.9,en;q=0.5", "es"),
    ("en-US,en;q=0.9,es;q=0.8", "en"),
    ("fr-FR, es;q=0.4", "es"),
    ("es;q=0, en", "en"),
    ("*", "en"),
    ("", "en"),
    ("zz-@@, ;q=abc", "en"),
    # Spaces around ";" and "=" are allowed, as some browsers and proxies send them.
    ("es ;q=0.9", "es"),
    ("en;q=0.1, es ; q = 0.9", "es"),
    ("fr, es\t;q=0.5", "es"),
])
def test_the_browser_decides_before_sign_in(anon_client: TestClient, header: str,
                                            expected: str) -> None:
    assert locales.choose(account=None, cookie=None, accept_language=header) == expected
    page = anon_client.get("/login", headers={"Accept-Language": header}).text
    assert f'<html lang="{expected}">' in page
    assert ("<h1>Iniciar sesión</h1>" if expected == "es" else "<h1>Sign in</h1>") in page


def test_the_switch_sets_a_cookie_before_sign_in(anon_client: TestClient) -> None:
    page = anon_client.get("/login", headers={"Accept-Language": "en"}).text
    assert 'action="/language"' in page and ">Español</button>" in page
    token = csrf_for(anon_client.cookies.get("oversight_presession") or "")
    switched = anon_client.post("/language", data={
        "language": "es", "next": "/login?next=/votes", "csrf_token": token},
        follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/login?next=/votes"
    assert "oversight_language=es" in switched.headers["set-cookie"]
    page = anon_client.get("/login", headers={"Accept-Language": "en"}).text
    assert '<html lang="es">' in page and "¿Olvidó su contraseña?" in page
    assert '<strong lang="es" aria-current="true">Español</strong>' in page

    elsewhere = anon_client.post("/language", data={
        "language": "en", "next": "//evil.example/", "csrf_token": token},
        follow_redirects=False)
    assert elsewhere.headers["location"] == "/"
    refused = anon_client.post("/language", data={"language": "klingon", "csrf_token": token})
    assert refused.status_code == 422
    forged = anon_client.post("/language", data={"language": "es"}, follow_redirects=False)
    assert forged.status_code == 403


def test_the_switch_keeps_a_signed_in_choice(app: Any, session: Session) -> None:
    user = make_user(Role.partner, email="ana@example.org", name="Ana Ruiz")
    with TestClient(app, raise_server_exceptions=False) as browser:
        sign_in(browser, user)
        english = browser.get("/")
        assert "<h1>This week</h1>" in english.text
        switched = browser.post("/language", data={"language": "es", "next": "/"},
                                follow_redirects=False)
        assert switched.status_code == 303, switched.text
        assert _language_of(session, user) == "es"
        # The same page, asked for again at once, is made anew in the new language.
        spanish = browser.get("/")
        assert "<h1>Esta semana</h1>" in spanish.text
        assert '<html lang="es">' in spanish.text
