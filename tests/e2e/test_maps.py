"""The maps in Chromium: the state map and a state's county map drawn from the shipped
outlines, reached by a click on a state and by the state picker (an htmx swap), with no request
to another origin (counted), axe-clean at desktop and phone widths, and in Spanish."""

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from api.sources import overpass
from tests import factories as f
from tests.e2e.conftest import axe_violations, shoot
from tests.factories.maps import make_counted_places

pytestmark = pytest.mark.e2e


def clean(page: Page, axe_source: str, where: str) -> None:
    found = [f"{v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
             for v in axe_violations(page, axe_source)]
    assert found == [], f"{where}: {found}"


def _ground(session: Session, actor: Any) -> None:
    places = make_counted_places(session, actor)
    f.make_agency(session, actor, name="Los Angeles County Sheriff",
                  jurisdiction_id=places.los_angeles.id, shares_with_federal="yes")
    f.make_campaign(session, actor, name="No cameras in Pasadena",
                    jurisdiction_id=places.pasadena.id, status="won")
    f.make_campaign(session, actor, name="Irvine sunset", jurisdiction_id=places.irvine.id,
                    status="active")
    # A long name in the table's last column, as real campaigns are named.
    f.make_campaign(session, actor, name="Los Angeles County: No Renewal for the Flock Safety "
                    "Plate-Reader Contract and No Sharing with Federal Immigration Agencies",
                    jurisdiction_id=places.los_angeles.id, status="active")
    tx = f.make_jurisdiction(session, actor, name="Harris County", kind="county",
                             state_code="TX", timezone="America/Chicago")
    overpass.store(session, jurisdiction_id=tx.id, counted_on=date(2026, 3, 1),
                   counts={"Flock Safety": 300})
    session.commit()


def test_both_maps_draw_from_this_server_alone(desktop: Page, phone: Page, axe_source: str,
                                                session: Session, actor: Any,
                                                server: str) -> None:
    _ground(session, actor)
    asked: list[str] = []
    for page in (desktop, phone):
        page.context.on("request", lambda request: asked.append(request.url))
    width = {id(desktop): "desktop", id(phone): "phone"}

    for page in (desktop, phone):
        name = width[id(page)]
        page.goto("/maps")
        expect(page.get_by_role("heading", level=1)).to_have_text("Map of the states")
        assert page.locator("svg.map-svg g.regions path").count() == 51
        expect(page.locator(".map-table table")).to_contain_text("Los Angeles County Sheriff")
        # The map and its table keep within the page: nothing off to the side or cut.
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert page.evaluate("document.querySelector('.map-table table').getBoundingClientRect()"
                             ".right - document.querySelector('.map-layout')"
                             ".getBoundingClientRect().right") <= 0.5
        clean(page, axe_source, f"state map ({name})")
        shoot(page, f"map-states-{name}")

        # A state is a link to its county map.
        page.locator('svg.map-svg a[href="/maps/counties?state=CA"]').click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Counties of California")
        assert page.locator("svg.map-svg g.regions path").count() == 58
        expect(page.locator(".map-table")).to_contain_text("No cameras in Pasadena (won)")
        clean(page, axe_source, f"county map ({name})")
        shoot(page, f"map-counties-ca-{name}")

        # The picker swaps the map in place and keeps the address.
        page.get_by_label("State").select_option("TX")
        page.get_by_role("button", name="Show its counties").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Counties of Texas")
        assert page.url.endswith("/maps/counties?state=TX")
        expect(page.locator(".map-table")).to_contain_text("Harris 300")
        clean(page, axe_source, f"Texas after the swap ({name})")
        if name == "desktop":
            shoot(page, "map-counties-tx-desktop")
            page.goto("/maps/counties?state=TX")
            page.get_by_role("button", name="Español").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Condados de Texas")
            page.get_by_role("link", name="Todos los estados").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Mapa de los estados")
            clean(page, axe_source, "state map in Spanish")
            shoot(page, "map-states-es")

    ours = [url for url in asked if url.startswith(server)]
    strangers = [url for url in asked if not url.startswith(server)]
    assert len(ours) > 10
    assert strangers == [], f"asked another origin: {strangers}"
