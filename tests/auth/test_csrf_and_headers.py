"""Anti-forgery tokens on every state-changing route, and the security headers on pages,
fragments, errors, API answers and static files."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import access
from api.auth.models import Role
from tests.auth.routes import unsafe_routes
from tests.conftest import api_token, sign_in
from tests.factories import make_user

PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def concrete(path: str) -> str:
    return PARAM.sub(lambda m: "1" if "id" in m.group(1) else "x" * 32, path)


@pytest.fixture
def browser(app: Any, admin: Any) -> TestClient:
    """An administrator's browser session that sends no anti-forgery token by itself."""
    c = TestClient(app, raise_server_exceptions=False)
    sign_in(c, admin)
    del c.headers["X-CSRF-Token"]
    return c


def test_every_unsafe_route_refuses_a_request_without_a_token(app: Any,
                                                               browser: TestClient) -> None:
    routes = unsafe_routes(app)
    assert ("POST", "/login") in routes and ("PATCH", "/api/v1/meetings/{record_id}") in routes
    # Under /p/ no session is read, so there is none to forge: the supporters' form carries a
    # signed token of its own, and an emailed link's token is the link (tests/supporters).
    public = [(m, p) for m, p in routes if access.is_public_page(p)]
    assert public == [("POST", "/p/{slug}/remind"), ("POST", "/p/{slug}/{action}/{token}")]
    routes = [route for route in routes if route not in public]
    refused = [(m, p) for m, p in routes
               if browser.request(m, concrete(p), data={"x": "1"},
                                  follow_redirects=False).status_code == 403]
    print(f"\nCSRF: {len(refused)} of {len(routes)} unsafe routes refused without a token")
    assert refused == routes


def test_forms_and_headers_with_the_right_token_pass(browser: TestClient) -> None:
    from api.auth.tokens import csrf_for

    token = csrf_for(browser.cookies.get("oversight_session") or "")
    by_header = browser.post("/api/v1/organizations", json={"name": "By header"},
                             headers={"X-CSRF-Token": token})
    assert by_header.status_code == 201
    # Past the forgery check, the account page itself answers (it asks for the password).
    by_form = browser.post("/account/tokens", data={"name": "t", "scope": "read",
                                                    "csrf_token": token})
    assert by_form.status_code == 422 and "Your account" in by_form.text


def test_another_sessions_token_is_refused(app: Any, browser: TestClient) -> None:
    other = TestClient(app)
    stolen = sign_in(other, make_user(Role.admin))
    from api.auth.tokens import csrf_for

    response = browser.post("/api/v1/organizations", json={"name": "Forged"},
                            headers={"X-CSRF-Token": csrf_for(stolen)})
    assert response.status_code == 403


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"},
                                     {"Origin": "https://evil.example.com"},
                                     {"Origin": "null"}])
def test_cross_site_requests_are_refused_even_with_the_token(client: TestClient,
                                                             headers: dict[str, str]) -> None:
    response = client.post("/account/tokens", data={"name": "t", "scope": "read"},
                           headers=headers)
    assert response.status_code == 403


def test_same_origin_request_passes(client: TestClient) -> None:
    response = client.post("/account/tokens", data={"name": "t", "scope": "read"},
                           headers={"Origin": "http://testserver",
                                    "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 422 and "Your account" in response.text


def test_bearer_token_requests_are_exempt(anon_client: TestClient, admin: Any) -> None:
    token = api_token(admin)
    response = anon_client.post("/api/v1/organizations", json={"name": "Scripted"},
                                headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201


def test_sign_in_form_needs_its_token(anon_client: TestClient) -> None:
    response = anon_client.post("/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 403


def test_pages_carry_the_token_in_body_hx_headers_and_forms(client: TestClient) -> None:
    from api.auth.tokens import csrf_for

    token = csrf_for(client.cookies.get("oversight_session") or "")
    page = client.get("/account").text
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page
    assert f'name="csrf_token" value="{token}"' in page
    assert 'name="htmx-config"' in page and '"includeIndicatorStyles":false' in page
    assert '"attributesToSettle":["class","width","height"]' in page


SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=()",
    "x-frame-options": "DENY",
}


def check_headers(response: Any, *, no_store: bool) -> None:
    for name, part in SECURITY_HEADERS.items():
        assert part in response.headers.get(name, ""), (response.url, name)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert "script-src 'self'" in csp
    if no_store:
        assert response.headers.get("cache-control") == "no-store", response.url


@pytest.mark.parametrize("path,status", [
    ("/", 200), ("/account", 200), ("/admin/users", 200), ("/audit", 200),
    ("/api/v1/people", 200), ("/api/v1/people/999999", 404), ("/no-such-page", 404),
    ("/api/v1/people?limit=0", 422), ("/openapi.json", 200),
])
def test_headers_on_pages_api_and_errors(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    check_headers(response, no_store=True)


def test_headers_on_fragments_static_files_and_anonymous_pages(
        client: TestClient, anon_client: TestClient) -> None:
    fragment = client.get("/audit", headers={"HX-Request": "true"})
    check_headers(fragment, no_store=True)
    static = anon_client.get("/static/css/oversight.css")
    assert static.status_code == 200
    check_headers(static, no_store=False)
    check_headers(anon_client.get("/login"), no_store=True)
    check_headers(anon_client.get("/api/v1/people"), no_store=True)
    assert "strict-transport-security" not in static.headers


def test_headers_on_an_unexpected_error(app: Any, client: TestClient,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from api.people import service as people

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(people.crud, "list_page", broken)
    response = client.get("/api/v1/people")
    assert response.status_code == 500
    check_headers(response, no_store=True)


def test_anonymous_callers_get_401_from_the_api_and_the_sign_in_page_otherwise(
        anon_client: TestClient) -> None:
    api = anon_client.get("/api/v1/meetings")
    assert api.status_code == 401 and api.headers["www-authenticate"] == "Bearer"
    assert anon_client.get("/openapi.json").status_code == 401
    page = anon_client.get("/account?tab=1", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Faccount%3Ftab%3D1"
    htmx = anon_client.get("/audit", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 401 and htmx.headers["hx-redirect"].startswith("/login")
    assert anon_client.get("/healthz").status_code == 200
    assert anon_client.get("/login").status_code == 200


def test_read_only_token_cannot_write_and_revoked_token_fails(
        anon_client: TestClient, client_as: Callable[..., TestClient]) -> None:
    from api.auth.models import TokenScope

    lead = client_as(Role.lead)
    read = api_token(lead.user, TokenScope.read)  # type: ignore[attr-defined]
    auth = {"Authorization": f"Bearer {read}"}
    assert anon_client.get("/api/v1/people", headers=auth).status_code == 200
    assert anon_client.post("/api/v1/organizations", json={"name": "x"},
                            headers=auth).status_code == 403
    page = lead.get("/account").text
    assert read not in page and read[:10] in page
    token_id = re.search(r'/account/tokens/(\d+)/revoke', page).group(1)  # type: ignore[union-attr]
    assert lead.post(f"/account/tokens/{token_id}/revoke",
                     follow_redirects=False).status_code == 303
    assert anon_client.get("/api/v1/people", headers=auth).status_code == 401
    assert anon_client.get("/", headers=auth, follow_redirects=False).status_code == 303
