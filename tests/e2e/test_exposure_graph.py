"""The exposure graph in Chromium: drawn on the server as inline SVG, it loads nothing from
another origin, is read out by its title and description, passes axe, and is screenshot to
look at beside its table, on a desktop and a phone."""

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request
from sqlmodel import Session

from tests import factories as f
from tests.e2e.conftest import SCREENSHOTS, axe_violations, shoot

pytestmark = pytest.mark.e2e


def _riverton(session: Session, actor: Any) -> int:
    place = f.make_jurisdiction(session, actor, name="Riverton")
    riverton = f.make_agency(session, actor, name="Riverton Police Department",
                             jurisdiction_id=place.id)
    partners = []
    for name, state in (("Oakdale Police Department", "CA"), ("Reno Police Department", "NV"),
                        ("Maricopa County Sheriff", "AZ"), ("Lane County Sheriff", "OR"),
                        ("Boise Police Department", "ID")):
        partner = f.make_agency(session, actor, name=name, state_code=state)
        partners.append(partner)
        f.make_sharing_link(session, actor, agency_id=riverton.id, partner_agency_id=partner.id,
                            source_kind="vigilant_report", reported_on="2019-06")
    f.make_sharing_link(session, actor, agency_id=riverton.id,
                        partner_name="U.S. Immigration and Customs Enforcement",
                        source_kind="records_request", reported_on="2019")
    f.make_sharing_link(session, actor, agency_id=riverton.id, partner_name="", partner_count=412,
                        source_kind="vigilant_report", reported_on="2019-06")
    f.make_sharing_link(session, actor, agency_id=riverton.id, pool=True,
                        partner_name="Vigilant LEARN national pool",
                        source_kind="vigilant_report")
    # Reached through Oakdale.
    for name, state in (("Yolo County Sheriff", "CA"), ("Tucson Police Department", "AZ")):
        far = f.make_agency(session, actor, name=name, state_code=state)
        f.make_sharing_link(session, actor, agency_id=partners[0].id, partner_agency_id=far.id)
    session.commit()
    return riverton.id


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_graph_draws_with_nothing_from_another_origin(
        request: pytest.FixtureRequest, width: str, session: Session, actor: Any,
        axe_source: str, server: str) -> None:
    agency = _riverton(session, actor)
    page: Page = request.getfixturevalue(width)
    asked: list[str] = []

    def note(sent: Request) -> None:
        asked.append(sent.url)

    page.on("request", note)
    page.goto(f"/agencies/{agency}")
    page.wait_for_load_state("networkidle")
    # One drawing shows: the wide one on a desktop, the tree on a phone.
    graph = page.locator(".exposure-graph svg:visible")
    assert graph.count() == 1
    assert graph.get_attribute("class") == ("graph-narrow" if width == "phone" else "graph-wide")
    box = graph.bounding_box()
    assert box is not None and box["width"] > 250 and box["height"] > 150
    # Every node drawn: Riverton, five partners, ICE, the counted 412, the pool, two beyond.
    assert graph.locator("g.node").count() == 11
    assert graph.locator("g.node.immigration").count() == 1
    # The page opens on the agency: its node and its name are in the window as it loads,
    # with nothing to scroll sideways.
    window = page.viewport_size
    assert window is not None
    for part in ("circle", "text"):
        seen = graph.locator(f"g.node.subject {part}").bounding_box()
        assert seen is not None and seen["x"] >= 0 and \
            seen["x"] + seen["width"] <= window["width"], (part, seen)
    assert page.evaluate("document.documentElement.scrollWidth") <= window["width"]
    assert page.evaluate("document.querySelector('.exposure-graph').scrollWidth") <= \
        page.evaluate("document.querySelector('.exposure-graph').clientWidth")
    # On a phone the labels are drawn at least as large as the text around them shrinks to.
    font = graph.locator("g.node.agency text").first.bounding_box()
    assert font is not None and font["height"] >= 11, font
    assert page.get_by_role("img", name="Who can search the plate reads of Riverton Police "
                                        "Department").count() == 1
    assert page.locator(".exposure-summary").inner_text().startswith(
        "Riverton Police Department's plate reads can be searched by 412 agencies in 5 states, "
        "including U.S. Immigration and Customs Enforcement (2019 report).")
    assert page.locator("#exposure-links tbody tr").count() == 8
    ours = urlsplit(server).netloc
    elsewhere = [url for url in asked
                 if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != ours]
    assert asked and elsewhere == [], elsewhere
    print(f"\n{width}: {len(asked)} requests, {len(elsewhere)} to another origin")
    assert axe_violations(page, axe_source) == []
    shoot(page, f"exposure-agency-{width}")
    page.locator("#exposure").screenshot(path=str(SCREENSHOTS / f"exposure-panel-{width}.png"))


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_sixty_links_stay_readable(request: pytest.FixtureRequest, width: str,
                                   session: Session, actor: Any, server: str) -> None:
    """Many links: the labels keep to rows of their own, the rest is one "more" node leading
    to the table, and the panel is screenshot to look at on a desktop and a phone."""
    riverton = f.make_agency(session, actor, name="Riverton Police Department")
    kinds = ("Police Department", "County Sheriff's Office", "Department of Public Safety")
    partners = []
    for i in range(60):
        partner = f.make_agency(session, actor, name=f"Town {i:02d} {kinds[i % 3]}",
                                state_code="CA")
        partners.append(partner)
        f.make_sharing_link(session, actor, agency_id=riverton.id, partner_agency_id=partner.id)
    f.make_sharing_link(session, actor, agency_id=riverton.id,
                        partner_name="U.S. Immigration and Customs Enforcement")
    for i in range(6):
        far = f.make_agency(session, actor, name=f"Yolo {i} County Sheriff", state_code="CA")
        f.make_sharing_link(session, actor, agency_id=partners[i % 2].id,
                            partner_agency_id=far.id)
    session.commit()
    page: Page = request.getfixturevalue(width)
    page.goto(f"/agencies/{riverton.id}")
    page.wait_for_load_state("networkidle")
    more = page.locator('.exposure-graph figcaption a[href="#exposure-links"]')
    assert more.inner_text().startswith("44 more are not drawn")
    page.locator(".exposure-graph").screenshot(
        path=str(SCREENSHOTS / f"exposure-sixty-graph-{width}.png"))
    box = page.locator(".exposure-graph svg:visible").bounding_box()
    assert box is not None and box["width"] > 300
    subject = page.locator(".exposure-graph svg:visible g.node.subject text").bounding_box()
    window = page.viewport_size
    assert subject is not None and window is not None
    assert subject["x"] >= 0 and subject["x"] + subject["width"] <= window["width"], subject
    page.locator("#exposure").screenshot(path=str(SCREENSHOTS / f"exposure-sixty-{width}.png"))


def test_the_tables_caption_spans_the_phone(phone: Page, session: Session, actor: Any,
                                            server: str) -> None:
    """On a phone the table's rows stack; its caption reads across the width, not squeezed
    into a narrow column, and each row's agency takes the whole width too."""
    agency = _riverton(session, actor)
    phone.goto(f"/agencies/{agency}")
    phone.wait_for_load_state("networkidle")
    table = phone.locator("#exposure-links").bounding_box()
    caption = phone.locator("#exposure-links caption").bounding_box()
    first = phone.locator("#exposure-links tbody th").first.bounding_box()
    assert table is not None and caption is not None and first is not None
    assert caption["width"] >= 0.9 * table["width"], (caption, table)
    assert caption["height"] < 60, caption
    assert first["width"] >= 0.9 * table["width"], (first, table)
    phone.locator("#exposure-links").screenshot(
        path=str(SCREENSHOTS / "exposure-table-phone.png"))
