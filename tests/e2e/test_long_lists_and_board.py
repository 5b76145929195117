"""A long list in Chromium, paged by Next and Previous (a cursor in the address) and by a typed
page number, on a desk and on a phone; and a campaign board whose columns open with their first
cards and show the rest on request, with htmx and as a plain link."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from api.actions import service as actions
from api.actions.models import ActionCreate
from tests import factories as f
from tests.e2e.conftest import SCREENSHOTS, axe_violations
from web.routes.campaigns import FIRST_CARDS

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(session: Session, actor: Any) -> None:
    for i in range(60):
        f.make_person(session, actor, name=f"Neighbor {i:02d}", visibility="coalition")
    session.commit()


@pytest.fixture
def campaign(session: Session, actor: Any) -> Any:
    made = f.make_campaign(session, actor)
    for i in range(FIRST_CARDS + 23):
        actions.crud.create(session, actor, ActionCreate(
            title=f"Door knock {i:02d}", campaign_id=made.id))
    actions.crud.create(session, actor, ActionCreate(
        title="Op-ed placed", campaign_id=made.id, status="done"))
    session.commit()
    return made


def shoot(page: Page, name: str) -> None:
    """The whole page as it stands, without resizing the window (htmx, after a resize, sets a
    style the page's Content-Security-Policy refuses)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")


def _names(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("#rows tbody tr td:first-child").all_inner_texts()]


def test_next_previous_and_a_typed_page(desktop: Page, people: None, axe_source: str) -> None:
    desktop.goto("/people?sort=name")
    expect(desktop.locator(".pages")).to_contain_text("1–25 of 60")
    shoot(desktop, "people-list-desktop")
    desktop.get_by_role("link", name="Next →").click()
    expect(desktop).to_have_url(re.compile(r"cursor="))
    expect(desktop.locator(".pages")).to_contain_text("26–50 of 60")
    assert _names(desktop)[0] == "Neighbor 25"
    desktop.get_by_role("link", name="Next →").click()
    expect(desktop.locator(".pages")).to_contain_text("51–60 of 60")
    expect(desktop.get_by_role("link", name="Next →")).to_have_count(0)
    desktop.get_by_role("link", name="← Previous").click()
    expect(desktop.locator(".pages")).to_contain_text("26–50 of 60")
    desktop.get_by_label("Page", exact=True).fill("3")
    desktop.get_by_role("button", name="Go").click()
    expect(desktop.locator(".pages")).to_contain_text("51–60 of 60")
    assert _names(desktop)[0] == "Neighbor 50"
    assert axe_violations(desktop, axe_source) == []
    # A cursor edited by hand: a plain message and the way back, not an error page.
    desktop.goto("/people?sort=name&cursor=edited.by.hand")
    expect(desktop.locator("#rows")).to_contain_text("start again from the first page")
    desktop.get_by_role("link", name="Go to the first page").click()
    expect(desktop.locator(".pages")).to_contain_text("1–25 of 60")


def test_a_phone_pages_a_long_list(phone: Page, people: None) -> None:
    phone.goto("/people?sort=-name")
    phone.get_by_role("link", name="Next →").click()
    expect(phone.locator(".pages")).to_contain_text("26–50 of 60")
    assert _names(phone)[0] == "Neighbor 34"
    shoot(phone, "people-list-phone")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_the_board_shows_the_rest_of_a_column_on_request(desktop: Page, campaign: Any,
                                                          axe_source: str) -> None:
    desktop.goto(f"/campaigns/{campaign.id}")
    planned = desktop.locator("#column-planned")
    expect(planned.locator(".card")).to_have_count(FIRST_CARDS)
    expect(planned).to_contain_text("Planned (35)")
    shoot(desktop, "campaign-board-desktop")
    planned.get_by_role("link", name=re.compile("Show 23 more")).click()
    expect(desktop.locator("#column-planned .card")).to_have_count(FIRST_CARDS + 23)
    # Still the campaign page, and a card of the longer column still moves.
    assert desktop.url.endswith(f"/campaigns/{campaign.id}")
    desktop.locator("#column-planned .card").last.get_by_role(
        "button", name=re.compile("Move to done")).click()
    expect(desktop.locator("#column-done")).to_contain_text("Door knock 34")
    assert axe_violations(desktop, axe_source) == []


def test_without_javascript_the_link_opens_the_whole_column(phone: Page, campaign: Any) -> None:
    phone.goto(f"/campaigns/{campaign.id}/board/planned")
    expect(phone.locator(".card")).to_have_count(FIRST_CARDS + 23)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Planned actions of")
    shoot(phone, "campaign-board-column-phone")
    phone.goto(f"/campaigns/{campaign.id}")
    shoot(phone, "campaign-board-phone")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
