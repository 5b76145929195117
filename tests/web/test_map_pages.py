"""The state map and a state's county map: regions shaded by the newest camera counts, each a
link, a table beside the map, marks for federal-sharing agencies and campaigns read only by
those who may read them; whole pages and the htmx fragment."""

import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from tests import factories as f
from tests.factories.maps import make_counted_places
from tests.web.html import HX, is_full_page, plain


def region(html: str, name: str) -> str:
    """The link or path of one region in the map's SVG."""
    found = re.search(rf'<(?:a|path) [^>]*?aria-label="{re.escape(name)}: [^"]*"[^>]*>'
                      rf'|<path class="[^"]*" d="[^"]*"><title>{re.escape(name)}: ', html)
    assert found, f"no region {name}"
    start = found.start()
    return html[start:html.index("</title>", start)]


def drawn(html: str) -> int:
    """How many regions the map draws."""
    return html.split('<g class="regions">', 1)[1].split("</g>", 1)[0].count("<path ")


def table(html: str) -> str:
    return plain(html.split('<div class="map-table">', 1)[1].split("</table>", 1)[0])


def test_the_state_map_shades_each_state_by_its_counts(client: TestClient, session: Session,
                                                       actor: Any) -> None:
    make_counted_places(session, actor)
    page = client.get("/maps")
    assert page.status_code == 200 and is_full_page(page.text)
    assert drawn(page.text) == 51
    california = region(page.text, "California")
    # The county's own 42 (not 42 + Pasadena's 7) and Irvine's newest 4.
    assert 'href="/maps/counties?state=CA"' in california
    assert "California: 46 cameras mapped" in california and 'class="shade-2"' in california
    texas = region(page.text, "Texas")
    assert 'href="/maps/counties?state=TX"' in texas and 'class="outside"' in texas
    assert "Texas: not counted" in texas
    assert "California 46 Fresno , Irvine , Los Angeles County , Pasadena" in table(page.text)
    assert "Texas" not in table(page.text)
    # Every state drawn, in a page still small enough for a slow phone connection.
    assert len(page.content) < 100_000
    # Nothing on the page comes from elsewhere.
    assert not re.search(r'(src|href)="(https?:)?//', page.text)


def test_the_fragment_is_the_map_alone(client: TestClient, session: Session,
                                       actor: Any) -> None:
    make_counted_places(session, actor)
    part = client.get("/maps/counties?state=CA", headers=HX)
    assert part.status_code == 200 and not is_full_page(part.text)
    assert part.text.lstrip().startswith('<div id="map"')
    assert "Counties of California" in part.text
    whole = client.get("/maps", headers=HX)
    assert whole.text.lstrip().startswith('<div id="map"') and "Map of the states" in whole.text


def test_the_county_map_places_cities_in_their_counties(client: TestClient, session: Session,
                                                        actor: Any) -> None:
    places = make_counted_places(session, actor)
    page = client.get("/maps/counties", params={"state": "ca"})
    assert page.status_code == 200 and is_full_page(page.text)
    assert drawn(page.text) == 58
    los_angeles = region(page.text, "Los Angeles")
    assert f'href="/jurisdictions/{places.los_angeles.id}"' in los_angeles
    assert "Los Angeles: 42 cameras mapped" in los_angeles
    assert "Orange: 4 cameras mapped" in region(page.text, "Orange")
    assert f'href="/jurisdictions/{places.irvine.id}"' in region(page.text, "Orange")
    fresno = region(page.text, "Fresno")
    assert "not counted" in fresno and 'class="uncounted"' in fresno
    kern = region(page.text, "Kern")
    assert 'class="outside"' in kern and "<a " not in kern
    shown = table(page.text)
    assert "Los Angeles 42 Los Angeles County , Pasadena" in shown
    assert "Fresno Not counted Fresno" in shown and "Kern" not in shown
    assert 'selected>California</option>' in page.text


def test_a_state_not_drawn_is_refused_in_the_page(client: TestClient) -> None:
    for asked in ("PR", "ZZ", "California!"):
        page = client.get("/maps/counties", params={"state": asked})
        assert page.status_code == 422, asked
        assert "Choose one of the fifty states or the District of Columbia." in page.text
    assert client.get("/maps/counties").status_code == 200


def test_marks_come_only_from_records_the_reader_may_read(
        client_as: Callable[..., TestClient], session: Session, actor: Any) -> None:
    places = make_counted_places(session, actor)
    ours, theirs = f.make_organization(session, actor), f.make_organization(session, actor)
    f.make_agency(session, actor, name="Shared Sheriff", jurisdiction_id=places.los_angeles.id,
                  shares_with_federal="yes", visibility="coalition")
    f.make_agency(session, actor, name="Hidden Police", jurisdiction_id=places.irvine.id,
                  shares_with_federal="yes", visibility="private",
                  owner_organization_id=theirs.id)
    f.make_agency(session, actor, name="Quiet Police", jurisdiction_id=places.fresno.id,
                  shares_with_federal="no")
    f.make_agency(session, actor, name="Highway Patrol", state_code="CA",
                  shares_with_federal="yes")
    f.make_campaign(session, actor, name="Stop Pasadena", jurisdiction_id=places.pasadena.id,
                    status="won")
    partner = client_as(Role.partner, ours.id)
    other = client_as(Role.partner, theirs.id)
    for url in ("/maps", "/maps/counties?state=CA"):
        seen = partner.get(url).text
        assert "Shared Sheriff" in seen and "Hidden Police" not in seen, url
        assert "Quiet Police" not in seen and "Stop Pasadena" in seen, url
        assert "Hidden Police" in other.get(url).text, url
    counties = partner.get("/maps/counties?state=CA").text
    # One sharing mark for Los Angeles; none for Orange, whose agency the partner may not read.
    assert counties.count('class="mark-sharing"') == 1 + 1  # and the legend's
    assert "Stop Pasadena (won)" in table(counties)
    assert "Highway Patrol" in plain(counties.split("county not known", 1)[1])
    mine = partner.get("/maps").text
    assert "Highway Patrol" in table(mine) and "Shared Sheriff" in table(mine)
    assert 'class="mark-campaign status-won"' in mine


def test_anonymous_readers_are_sent_to_sign_in(anon_client: TestClient) -> None:
    for url in ("/maps", "/maps/counties?state=CA"):
        assert anon_client.get(url, follow_redirects=False).status_code in (303, 401)


def test_a_sharing_link_to_immigration_marks_the_agency(
        client_as: Callable[..., TestClient], session: Session, actor: Any) -> None:
    places = make_counted_places(session, actor)
    ours, theirs = f.make_organization(session, actor), f.make_organization(session, actor)
    linked = f.make_agency(session, actor, name="Linked Sheriff",
                           jurisdiction_id=places.los_angeles.id, shares_with_federal="unknown")
    f.make_sharing_link(session, actor, agency_id=linked.id, partner_name="ICE")
    federal = f.make_agency(session, actor, name="Federal Task Force", kind="federal",
                            state_code="CA")
    named = f.make_agency(session, actor, name="Partnered Police",
                          jurisdiction_id=places.fresno.id)
    f.make_sharing_link(session, actor, agency_id=named.id, partner_agency_id=federal.id)
    hidden = f.make_agency(session, actor, name="Secretly Linked Police",
                           jurisdiction_id=places.irvine.id)
    f.make_sharing_link(session, actor, agency_id=hidden.id, partner_name="CBP",
                        visibility="private", owner_organization_id=theirs.id)
    session.commit()
    partner = client_as(Role.partner, ours.id)
    other = client_as(Role.partner, theirs.id)
    for url in ("/maps", "/maps/counties?state=CA"):
        seen = partner.get(url).text
        assert "Linked Sheriff" in seen and "Partnered Police" in seen, url
        assert "Secretly Linked Police" not in seen, url
        assert "Secretly Linked Police" in other.get(url).text, url
