"""The main pages in a real Chromium, signed in: the content security policy is never violated."""

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from api.auth.models import Role
from api.auth.tokens import csrf_for
from tests.conftest import make_user, sign_in

CHROMIUM = "/usr/bin/chromium"
PAGES = ["/", "/account", "/admin/users", "/audit"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(app: Any, db: None) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(100):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.mark.e2e
def test_main_pages_have_no_csp_violations(server: str) -> None:
    from fastapi.testclient import TestClient

    admin = make_user(Role.admin, email="e2e@example.org", name="E2E Admin")
    holder = TestClient(object())  # only to mint a session the browser then carries
    raw = sign_in(holder, admin)
    violations: list[str] = []
    visited = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context()
        page = context.new_page()
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.goto(f"{server}/login")
        visited += 1
        context.add_cookies([{"name": "oversight_session", "value": raw,
                              "url": server, "httpOnly": True, "sameSite": "Lax"}])
        for path in PAGES:
            response = page.goto(f"{server}{path}")
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("networkidle")
            visited += 1
        assert page.evaluate("typeof window.htmx") == "object"
        body = page.get_attribute("body", "hx-headers") or ""
        assert csrf_for(raw) in body
        # An htmx request carries the token from hx-headers and is accepted.
        status = page.evaluate("""() => new Promise(resolve => {
            document.body.addEventListener('htmx:afterRequest',
                e => resolve(e.detail.xhr.status), {once: true});
            htmx.ajax('POST', '/account/two-factor/start', {target: '#main', swap: 'none'});
        })""")
        assert status == 200
        browser.close()
    print(f"\nChromium: {visited} pages, {len(violations)} CSP violations")
    assert violations == []
