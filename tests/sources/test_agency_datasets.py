"""Importing EFF's Atlas of Surveillance and "Data Driven" samples into agencies: preview before
writing, matching by name and state, malformed rows reported, a second import a no-op; through
the services, the JSON API and the command line."""

import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.agencies import merging
from api.agencies.models import Agency, AgencyLink
from api.auth.models import AuditEntry, User
from api.cli import main
from api.db import new_session
from api.errors import Conflict, Invalid
from api.jurisdictions.models import Jurisdiction
from api.sources import agency_import, atlas, data_driven
from api.vendors.models import Vendor
from tests import factories as f
from tests.sources.replay import fixture

ATLAS = fixture("atlas_of_surveillance_alpr_sample.csv").read_bytes()
DATA_DRIVEN = fixture("eff_data_driven_alpr_2016_2017.csv").read_bytes()


def vendor_of(agency: Agency) -> str | None:
    with new_session() as fresh:
        found = fresh.get(Vendor, agency.vendor_id) if agency.vendor_id else None
        return found.name if found else None


def links_of(agency: Agency) -> list[tuple[str, str, str]]:
    with new_session() as fresh:
        return [(link.published, link.url, link.source) for link in fresh.exec(
            select(AgencyLink).where(AgencyLink.agency_id == agency.id)
            .order_by(AgencyLink.published.desc(), AgencyLink.url)).all()]  # type: ignore[attr-defined]


def all_agencies() -> dict[tuple[str, str], Agency]:
    with new_session() as fresh:
        return {(a.name, a.state_code): a for a in fresh.exec(select(Agency)).all()}


# ---- Atlas of Surveillance --------------------------------------------------------------

def test_atlas_preview_writes_nothing(session: Session) -> None:
    plan = atlas.preview(session, ATLAS)
    session.rollback()
    assert plan.counts == {"create": 10, "update": 0, "skip": 0, "error": 0}
    assert plan.total_rows == 10
    assert all_agencies() == {}
    broomfield = plan.rows[0]
    assert (broomfield.row, broomfield.name, broomfield.state) == (2, "Broomfield Police "
                                                                   "Department", "CO")
    # No vendor is kept yet: Flock Safety is made when the file is imported.
    assert broomfield.vendor == {"name": "Flock Safety", "id": None}
    assert broomfield.place == "Broomfield, Colorado — new"
    assert [(link["published"], link["status"]) for link in broomfield.links] == [
        ("", "new"), ("2019", "new")]


def test_atlas_rows_become_agencies(session: Session, actor: User) -> None:
    plan, result = atlas.commit(session, actor, ATLAS)
    session.commit()
    assert (result.created, result.updated, result.skipped, result.errors) == (10, 0, 0, [])
    found = all_agencies()
    assert len(found) == 10
    broomfield = found[("Broomfield Police Department", "CO")]
    assert (broomfield.atlas_id, vendor_of(broomfield), broomfield.kind) == (
        "AOS000017", "Flock Safety", "police_department")
    # The Atlas's sources are kept with their dates, not as bare links.
    assert broomfield.source_links == []
    assert links_of(broomfield) == [
        ("2019", "https://www.broomfield.org/DocumentCenter/View/29886/2019AnnualBudget_Final"
                 "?bidId=", "City and County of Bloomfield Colorado"),
        ("", "https://www.broomfield.org/4545/Flock-Safety-License-Plate-Readers",
         "City and County of Bloomfield Colorado"),
    ]
    assert result.links_added == 14  # every link in the sample, each once
    assert broomfield.notes.startswith("Atlas of Surveillance (AOS000017): The Broomfield")
    assert found[("Wayne County Sheriff's Office", "NC")].kind == "sheriff"
    # ELSAG is kept under the name the alias list gives it, once for both agencies naming it.
    assert vendor_of(found[("Wayne County Sheriff's Office", "NC")]) == "Leonardo (ELSAG)"
    assert vendor_of(found[("Poughkeepsie Police Department", "NY")]) == "Leonardo (ELSAG)"
    assert found[("Burnet County Constables", "TX")].kind == "other"
    assert found[("Irvington Police Department", "NY")].vendor_id is None


def test_atlas_matches_existing_agencies_by_name_and_state(session: Session,
                                                           actor: User) -> None:
    place = f.make_jurisdiction(session, actor, name="Broomfield", state_code="CO",
                                timezone="America/Denver")
    mine = f.make_agency(session, actor, name="broomfield police dept.", state_code="CO",
                         source_links=["https://example.org/our-notes"])
    mine_renamed = f.make_agency(session, actor, name="Broomfield Police Department",
                                 state_code="CO", notes="Ours.",
                                 vendor_id=f.make_vendor(session, actor, name="Axon").id)
    elsewhere = f.make_agency(session, actor, name="Quartzsite Police Department",
                              state_code="CA")
    plan = atlas.preview(session, ATLAS)
    session.rollback()
    rows = {row.name: row for row in plan.rows}
    broomfield = rows["Broomfield Police Department"]
    assert (broomfield.action, broomfield.agency_id) == ("update", mine_renamed.id)
    # What people curated stays; what is empty is filled; links are added to.
    assert set(broomfield.changes) == {"atlas_id", "ori", "jurisdiction_id"}
    assert broomfield.vendor is None  # Axon, chosen by people, stays
    assert [link["status"] for link in broomfield.links] == ["new", "new"]
    assert broomfield.place == "Broomfield, Colorado — existing"
    assert broomfield.changes["ori"] == ["", "CO0640100"]
    assert broomfield.changes["jurisdiction_id"] == [None, place.id]
    assert rows["Quartzsite Police Department"].action == "create"
    assert mine.id != mine_renamed.id
    atlas.commit(session, actor, ATLAS)
    session.commit()
    found = all_agencies()
    assert vendor_of(found[("Broomfield Police Department", "CO")]) == "Axon"
    assert found[("Quartzsite Police Department", "CA")].id == elsewhere.id
    assert found[("Quartzsite Police Department", "AZ")].atlas_id == "AOS000038"


def _atlas_row(number: str, ori9: str, name: str) -> bytes:
    """The sample's header and its Broomfield row, under another number, ORI or name."""
    header, broomfield = ATLAS.decode().splitlines()[:2]
    cells = broomfield.split(",")
    cells[0], cells[1], cells[5] = number, ori9, name
    return f"{header}\n{','.join(cells)}\n".encode()


def test_a_renamed_agency_under_its_atlas_number_is_renamed_with_the_change_shown(
        session: Session, actor: User) -> None:
    atlas.commit(session, actor, _atlas_row("AOS000017", "CO0640100ALPR", "Broomfield PD"))
    session.commit()
    renamed = _atlas_row("AOS000017", "CO0640100ALPR", "City of Broomfield Police")
    plan = atlas.preview(session, renamed)
    session.rollback()
    [row] = plan.rows
    assert row.action == "update"
    assert row.changes["name"] == ["Broomfield PD", "City of Broomfield Police"]
    assert "Renamed under the same Atlas number" in row.message
    assert "name" in agency_import.describe(plan)
    atlas.commit(session, actor, renamed)
    session.commit()
    assert list(all_agencies()) == [("City of Broomfield Police", "CO")]


def test_the_same_ori_under_a_new_atlas_number_is_the_same_agency(
        session: Session, actor: User) -> None:
    atlas.commit(session, actor, _atlas_row("AOS000017", "CO0640100ALPR",
                                            "Broomfield Police Department"))
    session.commit()
    plan, result = atlas.commit(session, actor, _atlas_row("AOS009999", "CO0640100ALPR",
                                                           "Broomfield Police Department"))
    session.commit()
    assert (result.created, result.updated) == (0, 0) and plan.counts["skip"] == 1
    [agency] = all_agencies().values()
    assert (agency.atlas_id, agency.ori) == ("AOS000017", "CO0640100")


@pytest.mark.parametrize("spelling", ["Broomfield Police Dept.", "Broomfield PD",
                                      "BROOMFIELD POLICE DEPT"])
def test_another_spelling_finds_the_agency_instead_of_making_a_second(
        session: Session, actor: User, spelling: str) -> None:
    ours = f.make_agency(session, actor, name="Broomfield Police Department", state_code="CO")
    session.commit()
    plan = atlas.preview(session, _atlas_row("AOS000017", "", spelling))
    session.rollback()
    [row] = plan.rows
    assert (row.action, row.agency_id) == ("update", ours.id)
    assert "name" not in row.changes
    if spelling.casefold() != ours.name.casefold():
        assert "the same agency under another spelling" in row.message


def test_near_duplicates_already_kept_are_offered_for_a_merge(
        session: Session, actor: User) -> None:
    for name in ("Pueblo Police Dept", "Pueblo PD"):
        f.make_agency(session, actor, name=name, state_code="CO")
    session.commit()
    plan = atlas.preview(session, _atlas_row("AOS000017", "", "Pueblo Police Department"))
    session.rollback()
    [row] = plan.rows
    assert row.action == "error"
    assert "2 agencies could be “Pueblo Police Department” in CO" in row.message
    assert "“Pueblo Police Dept”" in row.message and "merge them first" in row.message


def test_an_agency_merged_away_is_found_again_under_its_old_name_and_numbers(
        session: Session, actor: User) -> None:
    atlas.commit(session, actor, _atlas_row("AOS000017", "CO0640100ALPR",
                                            "Broomfield Police Department"))
    atlas.commit(session, actor, _atlas_row("AOS777777", "CO0649999ALPR",
                                            "Broomfield Municipal Patrol"))
    session.commit()
    kept = all_agencies()[("Broomfield Police Department", "CO")]
    folded = all_agencies()[("Broomfield Municipal Patrol", "CO")]
    merging.merge(session, actor, keep_id=kept.id, fold_id=folded.id)
    session.commit()
    for again in (_atlas_row("AOS777777", "CO0649999ALPR", "Broomfield Municipal Patrol"),
                  _atlas_row("AOS777777", "", "Someone Else Entirely"),
                  _atlas_row("", "CO0649999ALPR", "Someone Else Entirely"),
                  _atlas_row("", "", "Broomfield Municipal Patrol")):
        plan = atlas.preview(session, again)
        session.rollback()
        [row] = plan.rows
        assert row.action != "create" and row.agency_id == kept.id, (again, row)
        assert "name" not in row.changes and "atlas_id" not in row.changes, row.changes


def all_places() -> dict[tuple[str, str, str], Jurisdiction]:
    with new_session() as fresh:
        return {(j.name, j.kind, j.state_code): j for j in fresh.exec(select(Jurisdiction))}


def test_the_places_agencies_serve_are_matched_or_made_once(session: Session,
                                                            actor: User) -> None:
    known = f.make_jurisdiction(session, actor, name="Broomfield", state_code="CO",
                                timezone="America/Denver")
    session.commit()
    plan = atlas.preview(session, ATLAS)
    session.rollback()
    rows = {row.name: row for row in plan.rows}
    assert rows["Broomfield Police Department"].new_place is None
    assert rows["Broomfield Police Department"].changes["jurisdiction_id"] == [None, known.id]
    assert rows["Wayne County Sheriff's Office"].new_place == {
        "name": "Wayne County", "kind": "county", "state_code": "NC",
        "timezone": "America/New_York"}
    assert "Wayne County, North Carolina — new" in agency_import.describe(plan)

    atlas.commit(session, actor, ATLAS)
    session.commit()
    places = all_places()
    # Sheriffs by their county, police by their city, each zone from its state.
    assert places[("Navajo County", "county", "AZ")].timezone == "America/Phoenix"
    assert places[("Quartzsite", "city", "AZ")].timezone == "America/Phoenix"
    assert places[("Irvington", "city", "NY")].timezone == "America/New_York"
    assert len([key for key in places if key[0] == "Broomfield"]) == 1
    found = all_agencies()
    assert found[("Broomfield Police Department", "CO")].jurisdiction_id == known.id
    navajo = found[("Navajo County Sheriff's Office", "AZ")]
    assert navajo.jurisdiction_id == places[("Navajo County", "county", "AZ")].id
    # A placeholder number is no ORI.
    assert found[("Burnet County Constables", "TX")].ori == ""
    assert found[("Navajo County Sheriff's Office", "AZ")].ori == "AZ0090000"

    # Imported again, nothing more is made.
    atlas.commit(session, actor, ATLAS)
    session.commit()
    assert all_places().keys() == places.keys()


def test_two_agencies_of_one_new_place_share_the_jurisdiction_made(
        session: Session, actor: User) -> None:
    header, broomfield = ATLAS.decode().splitlines()[:2]
    second = broomfield.replace("AOS000017", "AOS000018").replace(
        "CO0640100ALPR", "CO0640200ALPR").replace("Broomfield Police Department",
                                                  "Broomfield Transit Police")
    atlas.commit(session, actor, f"{header}\n{broomfield}\n{second}\n".encode())
    session.commit()
    [place] = [j for key, j in all_places().items() if key[0] == "Broomfield"]
    assert {a.jurisdiction_id for a in all_agencies().values()} == {place.id}


def test_importing_twice_changes_nothing(session: Session, actor: User) -> None:
    atlas.commit(session, actor, ATLAS)
    session.commit()
    before = {key: (a.id, a.updated_at) for key, a in all_agencies().items()}
    plan, result = atlas.commit(session, actor, ATLAS)
    session.commit()
    assert plan.counts == {"create": 0, "update": 0, "skip": 10, "error": 0}
    assert (result.created, result.updated) == (0, 0)
    assert {key: (a.id, a.updated_at) for key, a in all_agencies().items()} == before


def _with_bad_rows(content: bytes) -> bytes:
    lines = content.decode("utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    short = "AOS999991,XX,Nowhere,,TX"  # stops after 5 of 28 fields
    nameless = rows[0].replace("Broomfield Police Department", "").replace(
        "AOS000017", "AOS999992")
    cameras = rows[1].replace("Automated License Plate Readers", "Body-worn Cameras").replace(
        "Irvington Police Department", "Irvington Body Cameras")
    return "\n".join([header, short, *rows[:3], nameless, cameras, *rows[3:]]).encode()


def test_malformed_rows_are_reported_and_the_rest_import(session: Session,
                                                         actor: User) -> None:
    plan, result = atlas.commit(session, actor, _with_bad_rows(ATLAS))
    session.commit()
    assert plan.ignored_rows == 1
    assert plan.counts == {"create": 10, "update": 0, "skip": 0, "error": 2}
    assert result.errors == [
        {"row": 2, "message": "Row 2 has fewer fields than the header."},
        {"row": 6, "message": "Row 6 has no agency name."},
    ]
    names = {name for name, _ in all_agencies()}
    assert len(names) == 10
    assert "Irvington Body Cameras" not in names


def test_a_file_that_is_not_the_atlas_is_refused(session: Session) -> None:
    with pytest.raises(Invalid, match="not the Atlas of Surveillance file: it lacks the "
                                      "columns AOSNUMBER, City, "):
        atlas.preview(session, DATA_DRIVEN)


# ---- Data Driven ------------------------------------------------------------------------

def test_data_driven_rows_land_on_agencies(session: Session, actor: User) -> None:
    existing = f.make_agency(session, actor, name="American Canyon Police Department",
                             state_code="CA", sharing_partners=3,
                             vendor_id=f.make_vendor(session, actor, name="Vigilant").id)
    plan, result = data_driven.commit(session, actor, DATA_DRIVEN)
    session.commit()
    assert (result.created, result.updated, result.errors) == (199, 1, [])
    found = all_agencies()
    assert len(found) == 200
    canyon = found[("American Canyon Police Department", "CA")]
    assert canyon.id == existing.id
    assert (canyon.sharing_partners, canyon.national_pool) == (27, True)
    assert (canyon.detections, canyon.hits, canyon.detections_period) == (1_424_323, 465,
                                                                          "2016-2017")
    assert vendor_of(canyon) == "Vigilant"  # curated, kept
    assert canyon.data_sharing_report_url == ("https://www.documentcloud.org/documents/"
                                              "4501640-Data-Sharing-Report-American-Canyon-"
                                              "Police.html")
    assert len(canyon.source_links) == 2
    atlanta = found[("Atlanta Police Department", "GA")]
    # "128,555,383*": the asterisk is a footnote; a blank national-pool cell is unknown.
    assert (atlanta.detections, atlanta.hits, atlanta.national_pool) == (128_555_383, 786_580,
                                                                         None)
    # "Vigilant Solutions" is the vendor kept as "Vigilant": no second vendor is made.
    assert vendor_of(atlanta) == "Vigilant"
    acworth = found[("Acworth Police Department", "GA")]
    assert (acworth.detections, acworth.hits, acworth.sharing_partners) == (None, None, 270)
    gardena = found[("Gardena Police Department", "CA")]
    assert (gardena.detections, gardena.hits, gardena.detections_period) == (
        962_274, 469, "all time to 2018")
    forest = found[("U.S. Forest Service", "US")]
    assert (forest.kind, forest.sharing_partners) == ("federal", 390)
    assert found[("Colorado State Patrol", "CO")].sharing_partners is None
    assert found[("Colorado State Patrol", "CO")].kind == "state_police"


def test_data_driven_twice_changes_nothing(session: Session, actor: User) -> None:
    data_driven.commit(session, actor, DATA_DRIVEN)
    session.commit()
    plan = data_driven.preview(session, DATA_DRIVEN)
    assert plan.counts == {"create": 0, "update": 0, "skip": 200, "error": 0}


def test_data_driven_malformed_row(session: Session, actor: User) -> None:
    lines = DATA_DRIVEN.decode("utf-8").splitlines()
    broken = ",".join(lines[5].split(",")[:3])
    bad_state = lines[6].replace(",TX,", ",Texas,", 1)
    content = "\n".join([lines[0], broken, bad_state, *lines[7:12]]).encode()
    plan, result = data_driven.commit(session, actor, content)
    session.commit()
    assert [(e["row"], e["message"]) for e in result.errors] == [
        (2, "Row 2 has fewer fields than the header."),
        (3, "Row 3 has no two-letter state: 'Texas'."),
    ]
    assert result.created == 5


# ---- JSON API ---------------------------------------------------------------------------

def _upload(client: TestClient, path: str, content: bytes, **form: Any) -> Any:
    return client.post(path, files={"file": ("data.csv", io.BytesIO(content), "text/csv")},
                       data={k: str(v).lower() if isinstance(v, bool) else v
                             for k, v in form.items()})


def test_atlas_preview_then_commit_through_the_api(client: TestClient) -> None:
    preview = _upload(client, "/api/v1/imports/atlas", ATLAS)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert (body["committed"], body["counts"]["create"]) == (False, 10)
    assert all_agencies() == {}
    other = _upload(client, "/api/v1/imports/atlas", _with_bad_rows(ATLAS), commit=True,
                    token=body["token"])
    assert other.status_code == 409
    assert all_agencies() == {}
    done = _upload(client, "/api/v1/imports/atlas", ATLAS, commit=True, token=body["token"])
    assert done.status_code == 200, done.text
    assert done.json()["committed"] is True
    assert done.json()["result"]["created"] == 10
    assert len(all_agencies()) == 10
    again = _upload(client, "/api/v1/imports/atlas", ATLAS, commit=True).json()
    assert again["result"] == {"created": 0, "updated": 0, "skipped": 10, "errors": [],
                               "links_added": 0, "links_updated": 0}


def test_data_driven_through_the_api(client: TestClient) -> None:
    done = _upload(client, "/api/v1/imports/data-driven", DATA_DRIVEN, commit=True)
    assert done.status_code == 200, done.text
    assert done.json()["result"]["created"] == 200
    wrong = _upload(client, "/api/v1/imports/data-driven", ATLAS)
    assert wrong.status_code == 422
    assert "A. Agency" in wrong.json()["detail"]
    empty = _upload(client, "/api/v1/imports/atlas", b"")
    assert empty.status_code == 422


def test_a_token_of_another_file_is_refused_by_the_service(session: Session,
                                                           actor: User) -> None:
    with pytest.raises(Conflict):
        atlas.commit(session, actor, ATLAS, token="0" * 32)


# ---- command line -----------------------------------------------------------------------

def test_import_speaks_the_organizers_language(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str],
                                              db: None) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "es")
    path = str(fixture("atlas_of_surveillance_alpr_sample.csv"))
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "s")
    assert main(["import", "atlas", path]) == 0
    out = capsys.readouterr().out
    assert asked == ["¿Escribir estos cambios? [s/N] "]
    assert "10 filas leídas: 10 por crear, 0 por actualizar, 0 por omitir, 0 con errores." in out
    assert "fila     2  crear   Broomfield Police Department (CO)" in out
    assert "Se crearon 10, se actualizaron 0 y se omitieron 0; se dejaron fuera 0 filas con " \
        "errores." in out


def test_import_atlas_asks_and_a_no_writes_nothing(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str],
                                                   db: None) -> None:
    path = str(fixture("atlas_of_surveillance_alpr_sample.csv"))
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["import", "atlas", path]) == 0
    out = capsys.readouterr().out
    assert "10 rows read: 10 to create, 0 to update, 0 to skip, 0 with errors." in out
    assert "row     2  create  Broomfield Police Department (CO)" in out
    assert "Nothing was written." in out
    assert all_agencies() == {}


def test_import_with_yes_writes(capsys: pytest.CaptureFixture[str], db: None) -> None:
    path = str(fixture("eff_data_driven_alpr_2016_2017.csv"))
    assert main(["import", "data-driven", path, "--yes"]) == 0
    assert "Created 200, updated 0, skipped 0" in capsys.readouterr().out
    assert len(all_agencies()) == 200
    assert main(["import", "data-driven", path, "--yes"]) == 0
    assert "Created 0, updated 0, skipped 200" in capsys.readouterr().out


def test_import_of_a_missing_file_fails_cleanly(capsys: pytest.CaptureFixture[str],
                                                db: None, tmp_path: Any) -> None:
    assert main(["import", "atlas", str(tmp_path / "nope.csv"), "--yes"]) == 1
    assert "No file at" in capsys.readouterr().err


# ---- audit ------------------------------------------------------------------------------

def agency_entries(action: str) -> list[AuditEntry]:
    with new_session(read_only=True) as fresh:
        return list(fresh.exec(select(AuditEntry).where(AuditEntry.record_kind == "agency",
                                                        AuditEntry.action == action)).all())


def test_agency_imports_leave_an_audit_entry_per_agency(client: TestClient) -> None:
    ours = client.post("/api/v1/agencies", json={"name": "Broomfield Police Department",
                                                 "state_code": "CO"})
    assert ours.status_code == 201, ours.text
    done = _upload(client, "/api/v1/imports/atlas", ATLAS, commit=True)
    assert (done.json()["result"]["created"], done.json()["result"]["updated"]) == (9, 1)
    created = agency_entries("create")
    assert len(created) == 10  # the one made by hand, and nine imported
    assert {e.actor_label for e in created} == {"admin@example.org"}
    assert "Poughkeepsie Police Department" in {e.changes["name"][1] for e in created}
    [update] = agency_entries("update")
    assert (update.record_id, update.actor_label) == (ours.json()["id"], "admin@example.org")
    assert update.changes["vendor_id"][0] is None
    listed = client.get("/api/v1/audit", params={"record_kind": "agency"}).json()
    assert listed["total"] == 11


def test_a_failed_agency_import_leaves_no_audit_entries(session: Session, actor: User) -> None:
    gone = f.make_agency(session, actor, name="Wayne County Sheriff's Office",
                         state_code="NC").id
    # Kept, so SQLite does not hand the deleted agency's id to the next new one.
    f.make_agency(session, actor, name="Keeper Police Department", state_code="OR")
    plan = atlas.preview(session, ATLAS)
    assert [r.action for r in plan.rows] == ["create"] * 8 + ["update", "create"]
    session.rollback()
    with new_session() as other:
        other.delete(other.get(Agency, gone))
        other.commit()
    before = len(agency_entries("create"))
    with pytest.raises(Conflict, match="Row 10 can no longer be imported"):
        agency_import.apply(session, actor, plan)
    # The rows before the failed one were written, with their entries, in the transaction...
    assert len(session.exec(select(AuditEntry).where(
        AuditEntry.record_kind == "agency", AuditEntry.action == "create")).all()) == before + 8
    session.rollback()
    # ...and went with it.
    assert len(agency_entries("create")) == before
    assert agency_entries("update") == []


def test_an_abbreviated_technology_is_read_as_plate_readers(session: Session) -> None:
    header, broomfield = ATLAS.decode().splitlines()[:2]
    row = broomfield.replace("Automated License Plate Readers", "ALPR")
    assert "ALPR" in row
    plan = atlas.preview(session, f"{header}\n{row}\n".encode())
    session.rollback()
    assert (plan.counts["create"], plan.ignored_rows) == (1, 0)


def _two_rows(first: tuple[str, str, str], second: tuple[str, str, str]) -> bytes:
    """The sample's header and its Broomfield row twice, under the numbers, ORIs and names
    given."""
    header, broomfield = ATLAS.decode().splitlines()[:2]
    lines = [header]
    for number, ori9, name in (first, second):
        cells = broomfield.split(",")
        cells[0], cells[1], cells[5] = number, ori9, name
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(("first", "second"), [
    (("AOS000017", "", "Broomfield County Sheriff's Office"),
     ("AOS009998", "", "Broomfield County Sheriffs Office")),
    (("AOS000017", "", "Broomfield Police Department"), ("AOS009998", "", "Broomfield PD")),
    (("AOS000017", "CO0640100ALPR", "Broomfield Police Department"),
     ("AOS009998", "CO0640100ALPR", "City of Broomfield Police"))])
def test_near_duplicates_in_one_file_make_one_agency(
        session: Session, actor: User, first: tuple[str, str, str],
        second: tuple[str, str, str]) -> None:
    content = _two_rows(first, second)
    plan = atlas.preview(session, content)
    session.rollback()
    made, again = plan.rows
    assert made.action == "create"
    assert (again.action, again.message) == ("skip", "Same agency as row 2.") or \
        again.action == "update"
    atlas.commit(session, actor, content)
    session.commit()
    assert len(all_agencies()) == 1


@pytest.mark.parametrize(("language", "said"), [
    ("en", "oversight import: This is not the Atlas of Surveillance file: it lacks the columns "
           "AOSNUMBER, City, County, Agency, Type of LEA, Technology.\n"),
    ("es", "oversight import: Este no es el archivo de Atlas of Surveillance: le faltan las "
           "columnas AOSNUMBER, City, County, Agency, Type of LEA, Technology.\n")])
def test_import_of_the_wrong_file_names_the_missing_columns(
        language: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], db: None) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", language)
    path = tmp_path / "wrong.csv"
    path.write_bytes(b"name,State\nA,CO\n")
    assert main(["import", "atlas", str(path)]) == 1
    assert capsys.readouterr().err == said


def test_a_file_lacking_one_column_names_it_alone(session: Session) -> None:
    header = ",".join(c for c in atlas.REQUIRED if c != "Technology")
    with pytest.raises(Invalid, match="it lacks the column Technology\\.$"):
        atlas.preview(session, f"{header}\n".encode())
