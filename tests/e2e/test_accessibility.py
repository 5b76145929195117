"""axe-core in Chromium on every page of the demo coalition, at desktop and phone widths, in the
states people meet (editing, a refused form, a search); and the screenshots to look at."""

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from api import demo
from api.campaigns.models import Campaign
from api.meetings.models import Meeting
from tests.e2e.conftest import DESKTOP, PHONE, _page, axe_violations, shoot
from web.concepts import SPECS

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_data(session: Session, db: None) -> dict[str, int]:
    demo.load(session)
    session.commit()
    campaign = session.exec(select(Campaign.id)).first()
    meeting = session.exec(select(Meeting.id)).first()
    session.commit()
    return {"campaign": campaign or 0, "meeting": meeting or 0}


def _pages(ids: dict[str, int]) -> list[str]:
    campaign = ids["campaign"]
    urls = ["/", f"/campaigns/{campaign}", f"/campaigns/{campaign}/whip", "/meetings/new",
            "/calendar", "/calendar?view=agenda", "/search?q=ok", "/search",
            "/targets/1/sections/seat/edit", f"/campaigns/{campaign}/asks/edit"]
    for noun in SPECS:
        urls += [f"/{noun}", f"/{noun}/new", f"/{noun}/1"]
    return urls


def test_axe_is_really_checking(browser: Browser, server: str, axe_source: str,
                                db: None) -> None:
    """The check can fail: a page with an unlabeled input and unreadable text is caught."""
    for page in _page(browser, server, DESKTOP):
        page.goto("/")
        page.set_content('<html lang="en"><body><main><input type="text">'
                         '<p class="low">faint</p></main></body></html>')
        found = {v["id"] for v in axe_violations(page, axe_source)}
        assert "label" in found


def _check(page: Page, axe_source: str, url: str) -> list[str]:
    page.goto(url)
    expect(page.locator("main")).to_be_visible()
    return [f"{url}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
            for v in axe_violations(page, axe_source)]


def test_axe_finds_nothing_serious_on_any_page(browser: Browser, server: str,
                                               demo_data: dict[str, int],
                                               axe_source: str) -> None:
    found: list[str] = []
    for viewport, urls in ((DESKTOP, _pages(demo_data)),
                           (PHONE, ["/", f"/campaigns/{demo_data['campaign']}",
                                    f"/campaigns/{demo_data['campaign']}/whip", "/meetings/new",
                                    "/calendar", "/targets", "/targets/1"])):
        for page in _page(browser, server, viewport):
            for url in urls:
                found += _check(page, axe_source, url)
            # States reached by acting on a page: an open stance form, a refused form.
            page.goto(f"/campaigns/{demo_data['campaign']}/whip")
            page.locator("details.stance-change summary").first.click()
            found += [f"whip form: {v['id']}" for v in axe_violations(page, axe_source)]
            page.goto("/bodies/1")
            page.locator("#section-body").get_by_role("link", name="Edit body").click()
            page.get_by_label("Votes needed for a majority").fill("99")
            page.get_by_role("button", name="Save").click()
            expect(page.locator("#section-body")).to_contain_text("cannot exceed")
            found += [f"refused form: {v['id']}" for v in axe_violations(page, axe_source)]
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
