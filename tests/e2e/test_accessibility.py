"""axe-core in Chromium on every page of the demo coalition, at desktop and phone widths, in the
states people meet (editing, a refused form, a search); and the screenshots to look at."""

from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from api import demo
from tests.e2e.conftest import DESKTOP, PHONE, _page, axe_violations, shoot
from web.concepts import SPECS

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_data(session: Session, db: None) -> dict[str, int]:
    """The demo coalition; the first record of every concept by noun (ids need not start at
    1, since a database may not reset its sequences between tests)."""
    demo.load(session)
    session.commit()
    first = {noun: session.exec(select(sa.func.min(spec.model.id))).one() or 0
             for noun, spec in SPECS.items()}
    session.commit()
    return {**first, "campaign": first["campaigns"], "meeting": first["meetings"]}


def _lists(ids: dict[str, int], half: int) -> list[str]:
    nouns = sorted(SPECS)[half::2]
    return [url for noun in nouns for url in (f"/{noun}", f"/{noun}/new", f"/{noun}/{ids[noun]}")]


def _lists_a(ids: dict[str, int]) -> list[str]:
    return _lists(ids, 0)


def _lists_b(ids: dict[str, int]) -> list[str]:
    return _lists(ids, 1)


def _specials(ids: dict[str, int]) -> list[str]:
    campaign = ids["campaign"]
    return ["/", f"/campaigns/{campaign}", f"/campaigns/{campaign}/whip", "/meetings/new",
            "/calendar", "/calendar?view=agenda", "/search?q=ok", "/search",
            f"/targets/{ids['targets']}/sections/seat/edit", f"/campaigns/{campaign}/asks/edit",
            f"/meetings/{ids['meeting']}", "/maps", "/maps/counties?state=CA"]


def _phone(ids: dict[str, int]) -> list[str]:
    campaign = ids["campaign"]
    return ["/", f"/campaigns/{campaign}", f"/campaigns/{campaign}/whip", "/meetings/new",
            "/calendar", "/targets", f"/targets/{ids['targets']}"]


def _check(page: Page, axe_source: str, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    expect(page.locator("main")).to_be_visible()
    return [f"{url}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
            for v in axe_violations(page, axe_source)]


def _acted_on(page: Page, axe_source: str, ids: dict[str, int]) -> list[str]:
    """States reached by acting on a page: an open stance form, a refused form."""
    page.goto(f"/campaigns/{ids['campaign']}/whip")
    page.locator("details.stance-change summary").first.click()
    found = [f"whip form: {v['id']}" for v in axe_violations(page, axe_source)]
    page.goto(f"/bodies/{ids['bodies']}")
    page.locator("#section-body").get_by_role("link", name="Edit the section “Body”").click()
    # htmx moves focus to the first field once the form settles; wait for that, and for the
    # settling to end, so that no late focus lands the typing in another field.
    name = page.get_by_label("Name (required)")
    expect(name).to_be_focused()
    expect(page.locator("#section-body.htmx-settling, #section-body .htmx-added")).to_have_count(0)
    named = name.input_value()
    votes = page.get_by_label("Votes needed for a majority")
    votes.fill("99")
    expect(votes).to_have_value("99")
    expect(name).to_have_value(named)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#section-body")).to_contain_text("cannot exceed")
    return found + [f"refused form: {v['id']}" for v in axe_violations(page, axe_source)]


@pytest.mark.parametrize(("viewport", "pages"), [(DESKTOP, _lists_a), (DESKTOP, _lists_b),
                                                 (DESKTOP, _specials), (PHONE, _phone)],
                         ids=["desktop-lists-1", "desktop-lists-2", "desktop-pages", "phone"])
def test_axe_finds_nothing_serious(browser: Browser, server: str, demo_data: dict[str, int],
                                   axe_source: str, viewport: dict[str, int],
                                   pages: Any) -> None:
    found: list[str] = []
    for page in _page(browser, server, viewport):
        for url in pages(demo_data):
            found += _check(page, axe_source, url)
        if pages in (_specials, _phone):
            found += _acted_on(page, axe_source, demo_data)
    assert found == []


def test_screenshots_of_the_main_pages(browser: Browser, server: str,
                                       demo_data: dict[str, int]) -> None:
    campaign = demo_data["campaign"]
    shots = {"dashboard": "/", "campaign": f"/campaigns/{campaign}",
             "whip-board": f"/campaigns/{campaign}/whip", "meeting-form": "/meetings/new"}
    for viewport, width in ((DESKTOP, "desktop"), (PHONE, "phone")):
        for page in _page(browser, server, viewport):
            for name, url in shots.items():
                page.goto(url)
                expect(page.locator("main h1")).to_be_visible()
                # Nothing may stick out sideways, least of all on a phone.
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{url} is {overflow}px too wide at {width}"
                path = shoot(page, f"{name}-{width}")
                assert path.stat().st_size > 10_000
