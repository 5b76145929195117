"""The agency and jurisdiction pages show who can search the plate reads: the summary, the
graph as inline SVG with its title and description, the table beside it; full page and htmx
fragment; and a link added by hand with its evidence."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import Role, User
from api.documents.models import Document
from api.sharing.models import SharingLink
from tests import factories as f
from tests.web.html import plain
from web.exposure_panels import ROWS_SHOWN

HX = {"HX-Request": "true"}


def _riverton(session: Session, actor: User) -> tuple[int, int]:
    place = f.make_jurisdiction(session, actor, name="Riverton")
    riverton = f.make_agency(session, actor, name="Riverton PD", jurisdiction_id=place.id)
    for name, state in (("Oakdale PD", "CA"), ("Reno PD", "NV")):
        partner = f.make_agency(session, actor, name=name, state_code=state)
        f.make_sharing_link(session, actor, agency_id=riverton.id, partner_agency_id=partner.id)
    f.make_sharing_link(session, actor, agency_id=riverton.id,
                        partner_name="U.S. Immigration and Customs Enforcement",
                        source_kind="vigilant_report", reported_on="2019-06")
    session.commit()
    return riverton.id, place.id


def _svg(text: str) -> str:
    found = re.search(r"<svg\b.*?</svg>", text, re.S)
    assert found, "no inline SVG"
    return found[0]


def test_the_agency_page_says_who_can_search_its_reads(client: TestClient, session: Session,
                                                      actor: User) -> None:
    agency, _ = _riverton(session, actor)
    page = client.get(f"/agencies/{agency}")
    assert page.status_code == 200
    said = ("Riverton PD&#39;s plate reads can be searched by 3 agencies in 2 states, including "
            "U.S. Immigration and Customs Enforcement (2019 report).")
    assert said in page.text
    # Drawn twice, wide and as a phone's tree; the style sheet shows the one that fits.
    for which in ("wide", "narrow"):
        found = re.search(rf'<svg class="graph-{which}".*?</svg>', page.text, re.S)
        assert found, which
        svg = found[0]
        assert 'role="img"' in svg and f'<title id="exposure-graph-title-{which}">' in svg
        assert f'<desc id="exposure-graph-desc-{which}">' in svg and "<script" not in svg
    assert 'class="exposure-table"' in page.text and "Oakdale PD" in page.text
    # The page of its own, and the panel alone for htmx.
    full = client.get(f"/agencies/{agency}/exposure")
    assert full.status_code == 200 and "<html" in full.text and said in full.text
    part = client.get(f"/agencies/{agency}/exposure", headers=HX)
    assert part.status_code == 200 and "<html" not in part.text
    assert part.text.lstrip().startswith('<section class="panel exposure-panel"')
    assert said in part.text and "<svg" in part.text


def test_spanish(client: TestClient, session: Session, actor: User) -> None:
    agency, _ = _riverton(session, actor)
    page = client.get(f"/agencies/{agency}/exposure", headers={"Accept-Language": "es"})
    assert "pueden ser consultadas por 3 agencias en 2 estados" in page.text, page.text[:3000]


def test_the_jurisdiction_page_counts_its_agencies(client: TestClient, session: Session,
                                                  actor: User) -> None:
    _, place = _riverton(session, actor)
    page = client.get(f"/jurisdictions/{place}")
    assert page.status_code == 200
    said = "The plate reads of Riverton&#39;s agencies can be searched by 3 agencies in 2 states"
    assert said in page.text and "<svg" in page.text
    part = client.get(f"/jurisdictions/{place}/exposure", headers=HX)
    assert part.status_code == 200 and said in part.text and "<html" not in part.text
    assert client.get("/jurisdictions/999999/exposure").status_code == 404


def test_a_reader_sees_only_what_they_may_read(client_as: object, session: Session,
                                              actor: User) -> None:
    org = f.make_organization(session, actor).id
    agency = f.make_agency(session, actor, name="Riverton PD")
    secret = "Hidden Task Force"
    f.make_sharing_link(session, actor, agency_id=agency.id, partner_name=secret,
                        owner_organization_id=org, visibility="private")
    session.commit()
    other = client_as(Role.partner, f.make_organization(session, actor).id)  # type: ignore[operator]
    for path in (f"/agencies/{agency.id}", f"/agencies/{agency.id}/exposure",
                 f"/api/v1/agencies/{agency.id}/exposure"):
        answer = other.get(path)
        assert answer.status_code == 200 and secret not in answer.text, path
    own = client_as(Role.partner, org)  # type: ignore[operator]
    assert secret in own.get(f"/agencies/{agency.id}/exposure").text
    assert own.get(f"/api/v1/agencies/{agency.id}/exposure").json()["direct"] == 1


def test_a_link_added_by_hand_with_its_evidence(client: TestClient, session: Session,
                                               actor: User) -> None:
    agency = f.make_agency(session, actor, name="Riverton PD")
    partner = f.make_agency(session, actor, name="Reno PD", state_code="NV")
    session.commit()
    url = f"/agencies/{agency.id}/sharing-links"
    form = {"kind": "shares_with", "partner_agency_id": str(partner.id), "partner_name": "",
            "source_kind": "records_request", "reported_on": "2021-04",
            "confidence": "confirmed", "visibility": "coalition"}
    # No source at all: said in the form, nothing written.
    missing = client.post(url, data=form, headers=HX)
    assert missing.status_code == 422 and "Give the source" in missing.text
    bad_date = client.post(url, data={**form, "reported_on": "April 2021",
                                      "source_url": "https://example.org/a"}, headers=HX)
    assert bad_date.status_code == 422 and "2019-05-14" in bad_date.text
    assert session.exec(select(SharingLink)).all() == []
    session.rollback()  # ends the read, so the app's write is not kept waiting
    added = client.post(url, data=form, headers=HX,
                        files={"file": ("sharing.pdf", b"%PDF-1.4 sharing report",
                                        "application/pdf")})
    assert added.status_code == 200, added.text
    assert "Reno PD" in added.text and "<svg" in added.text
    link = session.exec(select(SharingLink)).one()
    document = session.get(Document, link.document_id)
    assert document is not None and document.attached_id == agency.id
    assert f'href="/documents/{document.id}"' in added.text
    session.rollback()
    # Without htmx: back to the agency's page.
    again = client.post(url, data={**form, "partner_agency_id": "",
                                   "partner_name": "Homeland Security Investigations",
                                   "source_url": "https://news.example/hsi"},
                        follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].endswith("#exposure")
    hsi = session.exec(select(SharingLink).where(SharingLink.partner_name != "")).one()
    assert hsi.immigration


def test_the_json_api(client: TestClient, session: Session, actor: User) -> None:
    agency, place = _riverton(session, actor)
    seen = client.get(f"/api/v1/agencies/{agency}/exposure").json()
    assert (seen["direct"], seen["states"], seen["immigration_year"]) == (3, 2, "2019")
    assert client.get(f"/api/v1/jurisdictions/{place}/exposure").json()["direct"] == 3
    assert client.get("/api/v1/agencies/999999/exposure").status_code == 404
    other = f.make_agency(session, actor, name="Mesa PD", state_code="AZ")
    session.commit()
    made = client.post("/api/v1/sharing-links", json={
        "agency_id": agency, "partner_agency_id": other.id, "source_kind": "news",
        "source_url": "https://news.example/mesa", "reported_on": "2020"})
    assert made.status_code == 201, made.text
    assert client.get(f"/api/v1/agencies/{agency}/exposure").json()["direct"] == 4
    nobody = client.post("/api/v1/sharing-links", json={"agency_id": agency})
    assert nobody.status_code == 422
    itself = client.post("/api/v1/sharing-links", json={"agency_id": agency,
                                                         "partner_agency_id": agency})
    assert itself.status_code == 422
    listed = client.get("/api/v1/sharing-links", params={"agency_id": agency}).json()
    assert listed["total"] == 4


def test_a_named_link_with_a_count_keeps_its_name(client: TestClient, session: Session,
                                                  actor: User) -> None:
    agency = f.make_agency(session, actor, name="Riverton Police Department")
    f.make_sharing_link(session, actor, agency_id=agency.id,
                        partner_name="ICE ERO field office", partner_count=777)
    f.make_sharing_link(session, actor, agency_id=agency.id, partner_name="",
                        partner_count=12)
    long_name = "Regional Automated License Plate Reader Sharing Consortium " * 3
    f.make_sharing_link(session, actor, agency_id=agency.id, partner_name=long_name.strip())
    session.commit()
    page = client.get(f"/agencies/{agency.id}").text
    assert page.count("ICE ERO field office (777 agencies)") >= 2  # the graph and the table
    assert "12 agencies a source counts without naming them" in page
    assert "the report names" not in page
    svg = _svg(page)
    assert f"<title>{long_name.strip()}" in svg
    labels = [label for label in re.findall(r"<text[^>]*>([^<]*)</text>", svg)
              if label.startswith("Regional")]
    assert len(labels) == 1 and len(labels[0]) <= 40 and labels[0].endswith("…"), labels


def test_the_api_holds_a_link_to_the_forms_rules(client: TestClient, session: Session,
                                                 actor: User) -> None:
    agency = f.make_agency(session, actor)
    partner = f.make_agency(session, actor)
    session.commit()
    good = {"agency_id": agency.id, "partner_name": "ICE", "kind": "shares_with",
            "source_url": "https://news.example/ice", "reported_on": "2019-02-28"}
    assert client.post("/api/v1/sharing-links", json=good).status_code == 201
    for bad in ({"reported_on": "2019-02-30"}, {"reported_on": "2019-04-31"},
                {"partner_agency_id": partner.id},
                {"source_url": ""}):
        answer = client.post("/api/v1/sharing-links", json={**good, **bad})
        assert answer.status_code == 422, (bad, answer.text)


def test_the_source_cell_says_the_document_once(client: TestClient, session: Session,
                                                actor: User) -> None:
    agency = f.make_agency(session, actor, name="Riverton Police Department")
    session.commit()
    sent = client.post(f"/agencies/{agency.id}/sharing-links", data={
        "kind": "shares_with", "partner_name": "Reno PD", "source_kind": "records_request",
        "reported_on": "2019", "confidence": "confirmed", "visibility": "coalition"},
        files={"file": ("list.pdf", b"%PDF-1.4 list", "application/pdf")})
    assert sent.status_code in (200, 303), sent.text
    page = client.get(f"/agencies/{agency.id}").text
    page = plain(page.split('class="exposure-table"', 1)[1].split("</table>", 1)[0])
    assert "document document" not in page
    assert "Records-request document ( our copy )" in page


def test_an_agency_page_shows_whose_reads_it_can_query(client: TestClient, session: Session,
                                                      actor: User) -> None:
    alder = f.make_agency(session, actor, name="Alder PD")
    lane = f.make_agency(session, actor, name="Lane County Sheriff", kind="sheriff")
    f.make_sharing_link(session, actor, agency_id=alder.id, kind="can_query",
                        partner_agency_id=lane.id)
    session.commit()
    for headers in ({}, HX):
        page = client.get(f"/agencies/{alder.id}", headers=headers).text
        assert f'href="/agencies/{lane.id}"' in page and "Lane County Sheriff" in page
        assert "Whose plate reads it can search" in page
    seen = client.get(f"/agencies/{lane.id}").text
    assert f'href="/agencies/{alder.id}"' in seen


def test_a_long_list_of_links_is_cut_and_leads_to_the_whole_one(
        client: TestClient, session: Session, actor: User) -> None:
    """An agency in a statewide report can have thousands of links: the panel shows the first
    ones and links to every one, instead of a page of megabytes."""
    agency = f.make_agency(session, actor, name="Lakeport PD")
    for number in range(ROWS_SHOWN + 5):
        f.make_sharing_link(session, actor, agency_id=agency.id,
                            partner_name=f"Partner Office {number:03d}")
    session.commit()
    page = client.get(f"/agencies/{agency.id}/exposure")
    assert page.status_code == 200
    table = page.text.split('id="exposure-links"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr") == ROWS_SHOWN + 1  # the heading's row, then the links
    said = plain(page.text)
    assert f"Each list here shows its first {ROWS_SHOWN} links; the longest has " \
           f"{ROWS_SHOWN + 5}." in said
    assert f'href="/sharing-links?agency_id={agency.id}"' in page.text
    every = client.get(f"/sharing-links.csv?agency_id={agency.id}")
    assert every.status_code == 200 and every.text.count("Partner Office") == ROWS_SHOWN + 5
