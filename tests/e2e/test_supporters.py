"""A supporter in Chromium, signed out: a lead publishes the campaign's page, a visitor on a
phone and on a desktop finds the "remind me" form, signs up through a real SMTP server,
follows the double opt-in link from the mail received, gets the reminder two days before the
vote (the clock moved and the scheduler's job run, as the alert tests do), and unsubscribes
with one click. No request leaves the site, axe-core finds nothing, screenshots are kept."""

import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from api import clock
from api.db import new_session
from api.public_pages.models import ShownKind
from api.supporters import reminders
from api.supporters.models import Supporter, SupporterReminder
from tests.alerts.servers import Received
from tests.e2e.conftest import DESKTOP, PHONE, axe_violations, shoot
from tests.e2e.test_public_page import _publish, _visitor, ground  # noqa: F401
from tests.factories.public_pages import Ground
from tests.supporters.conftest import inbox  # noqa: F401

pytestmark = pytest.mark.e2e
SLUG = "riverbend-no-cameras"
LINK = re.compile(r"https?://\S+/p/\S+")


def _mail(received: list[Received], count: int) -> Received:
    deadline = time.monotonic() + 10
    while len(received) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(received) == count, [m.message["Subject"] for m in received]
    return received[-1]


def _path(url: str) -> str:
    """An emailed link's path: the mail names the instance's public address."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _check(page: Page, axe_source: str, found: list[str], name: str) -> None:
    assert page.evaluate("document.scripts.length") == 0
    assert page.context.cookies() == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px too wide"
    found += [f"{name}: {v['id']} {v['nodes']}" for v in axe_violations(page, axe_source)]
    shoot(page, name)


def test_a_supporter_signs_up_is_reminded_and_unsubscribes_with_one_click(
        browser: Browser, server: str, ground: Ground, axe_source: str,  # noqa: F811
        inbox: list[Received], session: Session) -> None:  # noqa: F811
    _publish(browser, server, ground)
    found: list[str] = []
    # On a phone, in Spanish: the form is there and says what it keeps.
    for page, asked in _visitor(browser, server, PHONE, "es-US",
                                   allowed="status of 422"):
        page.goto(f"/p/{SLUG}")
        form = page.locator("section.remind")
        expect(form.locator("h2")).to_have_text("Recordármelo antes de la votación")
        form.scroll_into_view_if_needed()
        _check(page, axe_source, found, "supporters-form-phone-es")
        # A mistyped address: told in the page, in Spanish, with 422.
        page.fill("#remind-email", "no es un correo")
        with page.expect_response(lambda r: r.url.endswith("/remind")) as answer:
            page.get_by_role("button", name="Recordármelo").click()
        assert answer.value.status == 422
        expect(page.locator("#remind-email-error")).to_contain_text("Escriba su correo")
        _check(page, axe_source, found, "supporters-form-error-phone-es")
        assert [url for url in asked if not url.startswith(server)] == []
    # On a desktop, in English: signs up for real.
    for page, asked in _visitor(browser, server, DESKTOP, "en-US"):
        page.goto(f"/p/{SLUG}")
        page.fill("#remind-email", "resident@example.org")
        page.fill("#remind-zip", "60601")
        _check(page, axe_source, found, "supporters-form-desktop-en")
        page.get_by_role("button", name="Remind me", exact=True).click()
        expect(page.locator("[role=status]")).to_contain_text("Check your inbox")
        _check(page, axe_source, found, "supporters-check-inbox-desktop-en")
        # The scheduler's job sends the confirmation, never the request itself.
        assert inbox == []
        reminders.tick(new_session)
        confirmation = _mail(inbox, 1)
        assert confirmation.rcpt_tos == ["resident@example.org"]
        assert confirmation.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        confirm = next(u for u in LINK.findall(confirmation.part("plain")) if "/confirm/" in u)
        page.goto(_path(confirm))
        _check(page, axe_source, found, "supporters-confirm-desktop-en")
        page.get_by_role("button", name="Confirm").click()
        expect(page.locator("[role=status]")).to_contain_text("Thank you")
        # Two days before the vote, the scheduler's job sends the reminder.
        reminder = session.exec(select(SupporterReminder)).one()
        session.commit()
        clock.freeze(reminder.due_at + timedelta(minutes=1))
        reminders.tick(new_session)
        mail = _mail(inbox, 2)
        vote_title = f"Vote {ground.public[ShownKind.vote][1]}"
        assert vote_title in mail.message["Subject"]
        text = mail.part("plain")
        assert "Public comment opens at 6 pm." in text
        kit = next(u for u in LINK.findall(text) if "/votes/" in u)
        page.goto(_path(kit))
        expect(page.locator("h2#sample")).to_be_visible()
        # One click: the link in the mail, then its button.
        leave = mail.message["List-Unsubscribe"].strip("<>")
        page.goto(_path(leave))
        _check(page, axe_source, found, "supporters-unsubscribe-desktop-en")
        page.get_by_role("button", name="Unsubscribe").click()
        expect(page.locator("[role=status]")).to_contain_text("You are unsubscribed")
        _check(page, axe_source, found, "supporters-unsubscribed-desktop-en")
        assert [url for url in asked if not url.startswith(server)] == []
    session.expire_all()
    assert session.exec(select(Supporter)).first() is None
    session.commit()
    assert found == [], found
