"""The main pages in a real Chromium, signed in: the content security policy is never violated."""

import pytest
from playwright.sync_api import Browser

from api.auth.models import Role
from api.auth.tokens import csrf_for
from tests.e2e.conftest import signed_in
from tests.factories import make_user

PAGES = ["/", "/campaigns", "/targets", "/votes", "/meetings/new", "/calendar", "/search?q=a",
         "/alerts", "/notifications", "/account", "/admin/users", "/audit"]


@pytest.mark.e2e
def test_main_pages_have_no_csp_violations(browser: Browser, server: str, db: None) -> None:
    raw = signed_in(Role.admin)
    violations: list[str] = []
    context = browser.new_context(base_url=server)
    try:
        page = context.new_page()
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text else None)
        context.add_cookies([{"name": "oversight_session", "value": raw, "url": server,
                              "httpOnly": True, "sameSite": "Lax"}])
        for path in PAGES:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof window.htmx") == "object"
        body = page.get_attribute("body", "hx-headers") or ""
        assert csrf_for(raw) in body
        # An htmx request carries the token from hx-headers and gets past the forgery check
        # (403); the form then answers 422, as no password came with it.
        status = page.evaluate("""() => new Promise(resolve => {
            document.body.addEventListener('htmx:afterRequest',
                e => resolve(e.detail.xhr.status), {once: true});
            htmx.ajax('POST', '/account/two-factor/start', {target: '#main', swap: 'none'});
        })""")
        assert status == 422
    finally:
        context.close()
    print(f"\nChromium: {len(PAGES)} pages, {len(violations)} CSP violations")
    assert violations == []


@pytest.mark.e2e
def test_signing_in_through_the_form_in_a_real_browser(browser: Browser, server: str,
                                                       db: None) -> None:
    # A plain form POST under Referrer-Policy: no-referrer carries "Origin: null"; the sign-in
    # must still work from the site itself.
    make_user(Role.lead, email="signin@example.org", name="Sign In Lead",
              password="correct horse battery staple")
    context = browser.new_context(base_url=server)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("main input[name=email]", "signin@example.org")
        page.fill("main input[name=password]", "correct horse battery staple")
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.url.rstrip("/") == server
        assert "Sign In Lead" in page.inner_text("header")
    finally:
        context.close()
