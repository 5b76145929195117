"""The Atlas of Surveillance's sources kept on each agency with their dates, its vendors as
Vendor records, and the place each row is matched to, as the preview tells them."""

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.agencies.models import Agency, AgencyLink
from api.auth.models import User
from api.db import new_session
from api.sources import agency_import, atlas
from api.vendors import names
from api.vendors.models import Vendor
from tests import factories as f
from tests.sources.replay import fixture

ATLAS = fixture("atlas_of_surveillance_alpr_sample.csv").read_bytes()
IRVINGTON_NEWS = ("https://dailyvoice.com/new-york/tarrytown/news/irvington-police-checkpoint-"
                  "yields-52-summonses/486504/")


def edited(changes: dict[str, dict[str, str]], *, only: tuple[str, ...] = ()) -> bytes:
    """The sample with cells changed in the rows of the named agencies (and only those rows,
    when `only` names them)."""
    reader = csv.DictReader(io.StringIO(ATLAS.decode("utf-8-sig")))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [], lineterminator="\n")
    writer.writeheader()
    for record in reader:
        if only and record["Agency"] not in only:
            continue
        record.update(changes.get(record["Agency"], {}))
        writer.writerow(record)
    return out.getvalue().encode()


def kept_links() -> dict[str, list[tuple[str, str, str]]]:
    with new_session() as fresh:
        names_by_id = {a.id: a.name for a in fresh.exec(select(Agency)).all()}
        found: dict[str, list[tuple[str, str, str]]] = {}
        for link in fresh.exec(select(AgencyLink).order_by(AgencyLink.id)).all():
            found.setdefault(names_by_id[link.agency_id], []).append(
                (link.url, link.published, link.source))
        return found


def vendor_names() -> list[str]:
    with new_session() as fresh:
        return sorted(v.name for v in fresh.exec(select(Vendor)).all())


# ---- dated sources ----------------------------------------------------------------------

def test_each_link_is_kept_once_with_its_date_and_publisher(session: Session,
                                                            actor: User) -> None:
    _, first = atlas.commit(session, actor, ATLAS)
    session.commit()
    kept = kept_links()
    assert sum(len(links) for links in kept.values()) == first.links_added == 14
    assert kept["Irvington Police Department"] == [
        ("http://www.irvingtonny.gov/CivicAlerts.aspx?AID=911&ARC=1629", "2014-11-04",
         "irvington new york website"),
        (IRVINGTON_NEWS, "2012-05-30", "The Daily Voice")]

    plan, again = atlas.commit(session, actor, ATLAS)
    session.commit()
    assert plan.counts["update"] == 0 and all(row.links == [] for row in plan.rows)
    assert (again.links_added, again.links_updated) == (0, 0)
    assert kept_links() == kept


def test_a_changed_date_re_dates_the_link_kept(session: Session, actor: User) -> None:
    atlas.commit(session, actor, ATLAS)
    session.commit()
    changed = edited({"Irvington Police Department": {"Link 2 Date": "6/1/2012"}})
    plan = atlas.preview(session, changed)
    session.rollback()
    row = next(r for r in plan.rows if r.name == "Irvington Police Department")
    assert row.action == "update"
    assert [(link["url"], link["published"], link["status"]) for link in row.links] == [
        (IRVINGTON_NEWS, "2012-06-01", "changed")]
    assert row.links_unchanged == 1
    assert "1 link new or re-dated" in agency_import.describe(plan)
    _, result = atlas.commit(session, actor, changed)
    session.commit()
    assert (result.links_added, result.links_updated, result.updated) == (0, 1, 1)
    assert kept_links()["Irvington Police Department"][1] == (
        IRVINGTON_NEWS, "2012-06-01", "The Daily Voice")


def test_a_link_that_is_no_web_address_is_named_in_the_preview_and_left_out(
        session: Session, actor: User) -> None:
    bad = edited({"Broomfield Police Department": {
        "Link 1": "javascript:alert(1)", "Link 2 Date": "31/31/2019",
        "Link 2 Snapshot": "ftp://archive.example/x", "Other Links": "see also https://"}},
        only=("Broomfield Police Department",))
    plan = atlas.preview(session, bad)
    session.rollback()
    [row] = plan.rows
    assert row.action == "create"
    assert row.warnings == [
        "Row 2: Link 1 “javascript:alert(1)” is not a web address (http or https); it is left "
        "out.",
        "Row 2: the date of Link 2, “31/31/2019”, is not a date; the link is kept without one.",
        "Row 2: the snapshot of Link 2, “ftp://archive.example/x”, is not a web address; the "
        "link is kept without it."]
    assert [(link["published"], link["snapshot_url"]) for link in row.links] == [("", "")]
    atlas.commit(session, actor, bad)
    session.commit()
    [(url, published, _)] = kept_links()["Broomfield Police Department"]
    assert (url, published) == ("https://www.broomfield.org/DocumentCenter/View/29886/"
                                "2019AnnualBudget_Final?bidId=", "")


def test_a_bad_link_through_the_api_is_a_warning_not_a_server_error(
        client: TestClient) -> None:
    bad = edited({"Quartzsite Police Department": {"Link 1": "http://exa mple.org/x"}})
    response = client.post("/api/v1/imports/atlas",
                           files={"file": ("atlas.csv", io.BytesIO(bad), "text/csv")})
    assert response.status_code == 200, response.text
    [row] = [r for r in response.json()["rows"] if r["name"] == "Quartzsite Police Department"]
    assert row["warnings"] == ["Row 9: Link 1 “http://exa mple.org/x” is not a web address "
                               "(http or https); it is left out."]
    assert row["action"] == "create" and row["links"] == []


@pytest.mark.parametrize(("written", "read"), [
    ("11/04/2014", "2014-11-04"), ("2/1/2016", "2016-02-01"), ("2019", "2019"),
    ("05/2019", "2019-05"), ("2019-05", "2019-05"), ("2019-05-14", "2019-05-14"),
    ("May 14, 2019", "2019-05-14"), ("March 2018", "2018-03"), ("", ""), ("  ", ""),
    ("2/30/2016", None), ("13/01/2016", None), ("soon", None), ("0019", None),
    ("2019-13", None)])
def test_dates_are_read_as_precisely_as_they_are_written(written: str, read: str | None) -> None:
    assert agency_import.partial_date(written) == read


def test_the_agency_links_answer_in_the_api_newest_first(client: TestClient, session: Session,
                                                         actor: User) -> None:
    atlas.commit(session, actor, ATLAS)
    session.commit()
    agency_id = _agency_named(session, "Irvington Police Department")
    links = client.get(f"/api/v1/agencies/{agency_id}/links")
    assert links.status_code == 200
    assert [(x["published"], x["source"]) for x in links.json()] == [
        ("2014-11-04", "irvington new york website"), ("2012-05-30", "The Daily Voice")]
    assert client.get("/api/v1/agencies/999999/links").status_code == 404


# ---- vendors ----------------------------------------------------------------------------

def test_spellings_of_one_vendor_are_one_vendor_record(session: Session, actor: User) -> None:
    spelled = edited({"Broomfield Police Department": {"Vendor": "Flock"},
                      "Irvington Police Department": {"Vendor": "Flock Safety, Inc."},
                      "Upper Saucon Police Department": {"Vendor": "flock safety"},
                      "Burnet County Constables": {"Vendor": "Vigilant Solutions/Motorola"},
                      "Baldwin Police Department": {"Vendor": "Roadside Optics LLC"}})
    plan = atlas.preview(session, spelled)
    session.rollback()
    named = {row.name: row.vendor for row in plan.rows}
    assert named["Irvington Police Department"] == {"name": "Flock Safety", "id": None}
    assert named["Baldwin Police Department"] == {"name": "Roadside Optics LLC", "id": None}
    atlas.commit(session, actor, spelled)
    session.commit()
    assert vendor_names() == ["Flock Safety", "Leonardo (ELSAG)",
                              "Motorola Solutions (Vigilant)", "Roadside Optics LLC"]
    with new_session() as fresh:
        flock = fresh.exec(select(Vendor).where(Vendor.name == "Flock Safety")).one()
        users = fresh.exec(select(Agency.name).where(Agency.vendor_id == flock.id)).all()
    assert sorted(users) == ["Broomfield Police Department", "Irvington Police Department",
                             "Upper Saucon Police Department"]


def test_a_vendor_kept_under_another_spelling_is_found(session: Session, actor: User) -> None:
    ours = f.make_vendor(session, actor, name="Flock Safety, Inc.")
    plan = atlas.preview(session, ATLAS)
    session.rollback()
    assert plan.rows[0].vendor == {"name": "Flock Safety, Inc.", "id": ours.id}
    assert plan.rows[0].changes["vendor_id"] == [None, ours.id]
    atlas.commit(session, actor, ATLAS)
    session.commit()
    assert "Flock Safety" not in vendor_names()


def test_the_alias_list_is_checked() -> None:
    assert names.parse("vendors:\n  Axon: [Axon Enterprise]\n") == {
        "axon": "Axon", "axon enterprise": "Axon"}
    with pytest.raises(ValueError, match="listed under two vendors"):
        names.parse("vendors:\n  Axon: [Taser, Axon Inc]\n  Taser International: [Taser]\n")
    with pytest.raises(ValueError, match="no 'vendors' mapping"):
        names.parse("- Axon\n")
    assert names.canonical("  Flock   Safety,  Inc. ") == "Flock Safety"
    assert names.canonical("Some New Maker") == "Some New Maker"


# ---- places -----------------------------------------------------------------------------

def test_the_preview_names_the_place_each_agency_is_matched_to_or_makes(
        session: Session, actor: User) -> None:
    f.make_jurisdiction(session, actor, name="Irvington", kind="city", state_code="NY",
                        timezone="America/New_York")
    placed = f.make_jurisdiction(session, actor, name="Pueblo", kind="city", state_code="CO",
                                 timezone="America/Denver")
    f.make_agency(session, actor, name="Upper Saucon Police Department", state_code="PA",
                  jurisdiction_id=placed.id)
    plan = atlas.preview(session, ATLAS)
    session.rollback()
    places = {row.name: row.place for row in plan.rows}
    assert places["Irvington Police Department"] == "Irvington, New York — existing"
    assert places["Burnet County Constables"] == "Burnet County, Texas — new"
    # An agency already placed keeps its place, and the preview says which it is.
    assert places["Upper Saucon Police Department"] == "Pueblo, Colorado — existing"


def test_the_preview_page_shows_places_vendors_sources_and_warnings(
        client: TestClient) -> None:
    bad = edited({"Navajo County Sheriff's Office": {"Link 1": "ftp://files.example/a.pdf"}})
    response = client.post("/imports/atlas", files={"file": ("atlas.csv", bad, "text/csv")},
                           follow_redirects=True)
    assert response.status_code == 200
    text = " ".join(response.text.split())
    assert "Burnet County, Texas — new" in text
    assert "Flock Safety <span class=\"muted small\">(new vendor)</span>" in text
    assert "2 sources added" in text
    assert "Problems in rows that are still imported" in text
    assert "Link 1 “ftp://files.example/a.pdf” is not a web address" in text


def _agency_named(session: Session, name: str) -> int:
    found = session.exec(select(Agency.id).where(Agency.name == name)).one()
    session.rollback()
    return found
