"""The exposure panel's form in Chromium: the partner agency is found by typing part of its
name (htmx, from the app's own script), chosen with the keyboard, and the link added; the
form passes axe and is screenshot on a desktop and a phone."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from tests import factories as f
from tests.e2e.conftest import SCREENSHOTS, axe_violations

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_partner_found_by_name_and_chosen_by_keyboard(
        request: pytest.FixtureRequest, width: str, session: Session, actor: Any,
        axe_source: str, server: str) -> None:
    riverton = f.make_agency(session, actor, name="Riverton Police Department")
    for i in range(40):
        f.make_agency(session, actor, name=f"Town {i} Police Department", state_code="CA")
    session.commit()
    page: Page = request.getfixturevalue(width)
    page.goto(f"/agencies/{riverton.id}")
    page.get_by_text("Add a sharing link").click()
    search = page.get_by_label("Find an agency kept here by its name")
    search.focus()
    page.keyboard.type("Town 7")
    found = page.get_by_label("Town 7 Police Department (CA)")
    expect(found).to_be_visible()
    # From the search box, Tab reaches the group of choices, and an arrow moves along it.
    page.keyboard.press("Tab")  # the Find button
    page.keyboard.press("Tab")
    expect(page.get_by_label("Not kept here: name it below")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(found).to_be_checked()
    assert axe_violations(page, axe_source) == []
    page.locator(".exposure-add").screenshot(
        path=str(SCREENSHOTS / f"exposure-partner-search-{width}.png"))
    page.get_by_label("Source address").fill("https://news.example/town-7")
    page.get_by_role("button", name="Add the link").click()
    expect(page.locator("#exposure-links")).to_contain_text("Town 7 Police Department")
