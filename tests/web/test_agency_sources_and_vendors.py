"""An agency's page lists its dated sources; a vendor's page lists the agencies and contracts
using it, each only to a reader who may read that agency or contract."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.agencies.models import AgencyLink
from api.auth.models import Role
from tests import factories as f
from tests.web.html import HX, is_full_page, plain


def test_the_agency_page_lists_its_sources_newest_first_with_their_dates(
        client: TestClient, session: Session, actor: Any) -> None:
    agency = f.make_agency(session, actor, name="Pueblo Police Department", state_code="CO")
    session.add_all([
        AgencyLink(agency_id=agency.id, url="https://news.example/older", source="The Chieftain",
                   published="2016-02-01", dataset="atlas"),
        AgencyLink(agency_id=agency.id, url="https://budget.example/2019", source="City budget",
                   published="2019"),
        AgencyLink(agency_id=agency.id, url="https://news.example/undated", source="Undated",
                   published="", snapshot_url="https://archive.example/undated"),
        AgencyLink(agency_id=agency.id, url="https://news.example/may", source="KOAA",
                   published="2018-05", kind="News")])
    session.commit()
    page = client.get(f"/agencies/{agency.id}")
    assert page.status_code == 200 and is_full_page(page.text)
    sources = plain(page.text.split('id="sources"', 1)[1].split("</section>", 1)[0])
    assert sources.index("2019 City budget") < sources.index("May 2018 KOAA (News)") < \
        sources.index("Feb 1, 2016 The Chieftain") < sources.index("No date Undated")
    assert "from the Atlas of Surveillance" in sources and "archived copy" in sources
    assert '<time datetime="2016-02-01">' in page.text
    part = client.get(f"/agencies/{agency.id}", headers=HX)
    assert part.status_code == 200 and "The Chieftain" in part.text


def test_an_agency_without_sources_says_so(client: TestClient, session: Session,
                                           actor: Any) -> None:
    agency = f.make_agency(session, actor)
    session.commit()
    assert "No dated sources yet." in client.get(f"/agencies/{agency.id}").text


def test_a_vendors_page_lists_only_the_agencies_and_contracts_the_reader_may_read(
        client_as: Any, session: Session, actor: Any) -> None:
    ours = f.make_organization(session, actor, name="Ours")
    theirs = f.make_organization(session, actor, name="Theirs")
    vendor = f.make_vendor(session, actor, name="Roadside Optics")
    shared = f.make_agency(session, actor, name="Shared Sheriff", vendor_id=vendor.id)
    f.make_agency(session, actor, name="Hidden Police", vendor_id=vendor.id,
                  owner_organization_id=theirs.id, visibility="private")
    f.make_contract(session, actor, title="Roadside lease", agency_id=shared.id,
                    vendor_id=vendor.id)
    session.commit()
    partner = client_as(Role.partner, ours.id)
    page = partner.get(f"/vendors/{vendor.id}")
    assert page.status_code == 200
    text = plain(page.text)
    assert "Shared Sheriff" in text and "Roadside lease" in text
    assert "Hidden Police" not in text
    admin = client_as(Role.admin)
    assert "Hidden Police" in plain(admin.get(f"/vendors/{vendor.id}").text)
    # Every member reads a vendor; nobody signed out does.
    viewer = client_as(Role.viewer, ours.id)
    assert viewer.get(f"/api/v1/vendors/{vendor.id}").json()["name"] == "Roadside Optics"
    assert viewer.patch(f"/api/v1/vendors/{vendor.id}", json={"notes": "x"}).status_code == 403
    assert partner.patch(f"/api/v1/vendors/{vendor.id}",
                         json={"website": "https://roadside.example"}).status_code == 200


def test_the_agency_list_shows_and_filters_by_vendor(client: TestClient, session: Session,
                                                     actor: Any) -> None:
    flock = f.make_vendor(session, actor, name="Flock Safety")
    f.make_agency(session, actor, name="Alpha Police", vendor_id=flock.id)
    f.make_agency(session, actor, name="Beta Police")
    session.commit()
    listed = plain(client.get("/agencies", params={"vendor_id": flock.id}).text)
    assert "Alpha Police" in listed and "Flock Safety" in listed
    assert "Beta Police" not in listed
