"""The real app served by uvicorn on a free 127.0.0.1 port against the test database, and one
Debian Chromium for the whole session, driven by Playwright; axe-core checks pages in it."""

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from sqlmodel import Session

from api.app import create_app
from api.auth.models import Role
from tests.factories import make_user

HERE = Path(__file__).parent
SCREENSHOTS = HERE / "screenshots"
AXE = HERE / "vendor" / "axe.min.js"
# Debian's package by default; elsewhere point OVERSIGHT_CHROMIUM at a Chromium already there.
CHROMIUM = os.environ.get("OVERSIGHT_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
# Findings that keep someone from using a page: axe findings of these impacts fail the test.
BLOCKING = ("serious", "critical")
# A form refused with 422 (or a conflict with 409) is an answer the page shows, not a fault;
# Chromium still logs it as a failed load.
EXPECTED = re.compile(r"status of (422|409) ")


@pytest.fixture(scope="session")
def server(database_url: str) -> Iterator[str]:
    """The app in a thread of this process, so it shares the test database and the clock."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")
    app_server = uvicorn.Server(config)
    thread = threading.Thread(target=app_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not app_server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        # pytest run on its own skips the check `make test` makes first: the same one line
        # then, not a launch error from deep inside Playwright.
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: install Debian's chromium "
                           "package (apt-get install chromium) or set OVERSIGHT_CHROMIUM to a "
                           "Chromium that is there")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def signed_in(role: Role, organization_id: int | None = None) -> str:
    """A browser session of a new account of the role; the token for the session cookie."""
    from api.auth import sessions  # noqa: PLC0415
    from api.db import get_engine  # noqa: PLC0415

    user = make_user(role, name=f"A {role.value} in the browser", organization_id=organization_id)
    with Session(get_engine()) as s:
        raw = sessions.start(s, user, user_agent="chromium", address="127.0.0.1")
        s.commit()
    return raw


def _page(browser: Browser, server: str, viewport: dict[str, int],
          role: Role = Role.lead, organization_id: int | None = None) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, base_url=server, accept_downloads=True)
    context.add_cookies([{"name": "oversight_session", "value": signed_in(role, organization_id),
                          "url": server}])
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Where each error came from, so a rare one can be traced from a single CI log.
    page.on("console", lambda msg: errors.append(f"{msg.text} (at {msg.location.get('url')})")
            if msg.type == "error" and not EXPECTED.search(msg.text) else None)
    yield page
    context.close()
    assert errors == [], f"the browser reported errors: {errors}"


@pytest.fixture
def desktop(browser: Browser, server: str, db: None) -> Iterator[Page]:
    yield from _page(browser, server, DESKTOP)


@pytest.fixture
def phone(browser: Browser, server: str, db: None) -> Iterator[Page]:
    yield from _page(browser, server, PHONE)


@pytest.fixture
def partner_org(session: Session, actor: Any) -> Any:
    """The organization of the partner the `partner_phone` page is signed in as."""
    from tests import factories  # noqa: PLC0415

    org = factories.make_organization(session, actor, name="Riverside Immigrant Alliance")
    session.commit()
    return org


@pytest.fixture
def partner_phone(browser: Browser, server: str, partner_org: Any) -> Iterator[Page]:
    """A 375 px phone signed in as a partner member of `partner_org`."""
    yield from _page(browser, server, PHONE, Role.partner, partner_org.id)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        raise RuntimeError(f"{AXE} is missing: run `make assets` to copy axe-core there")
    return AXE.read_text()


def axe_violations(page: Page, source: str) -> list[dict[str, Any]]:
    """Serious and critical findings of axe-core on the page as it is now."""
    # Evaluated through the DevTools protocol, which a Content-Security-Policy does not block.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source + "\n;undefined")
    # No preload: when a style sheet is still loading axe fetches its text and puts it in a
    # <style> element, which the page's Content-Security-Policy rightly refuses and reports.
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations'], preload: false});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in BLOCKING]


def shoot(page: Page, name: str) -> Path:
    """The whole page, taken with a window as tall as the page so that what sticks to the
    bottom of the window (the meeting form's save bar) is drawn where a person sees it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    viewport = page.viewport_size or DESKTOP
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(height, 1)})
    page.screenshot(path=str(path))
    page.set_viewport_size(viewport)
    return path
