"""The account, access and audit pages on a 375 px phone: nothing sticks out sideways, even
with an organization's long name in a select, and table values keep their column's name."""

from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session

from api.auth.models import Role
from tests import factories as f
from tests.e2e.conftest import PHONE, _page, shoot

pytestmark = pytest.mark.e2e


def test_account_pages_fit_a_phone(browser: Browser, server: str, session: Session,
                                   actor: Any) -> None:
    org = f.make_organization(session, actor,
                              name="Riverton Police Accountability and Transparency Project")
    session.commit()
    for page in _page(browser, server, PHONE, Role.lead, org.id):
        for url in ("/admin/users", "/audit", "/account"):
            page.goto(url)
            expect(page.locator("main h1")).to_be_visible()
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{url} is {overflow}px too wide on a phone"
        page.goto("/admin/users")
        role = page.locator("td[data-label='Role']").first
        expect(role).to_contain_text("Riverton Police Accountability and Transparency Project")
        before = role.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert before == '"Role: "'
        shoot(page, "people-and-access-phone")
