"""Spreadsheet import of organizations, people and targets: guessed column mapping, per-row
errors, duplicates and the choice made about them, one transaction for the whole file (10,000
rows included), XLSX, the JSON API and the command line."""

import csv
import io
import json
from datetime import date
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.accounts import erasure
from api.auth import audit
from api.auth.models import AuditEntry, User
from api.auth.scoping import act_as
from api.cli import main
from api.db import new_session
from api.errors import Forbidden, Invalid
from api.organizations.models import Organization
from api.people.models import Affiliation, Person
from api.sources import spreadsheets
from api.sources.spreadsheets import Choice
from api.targets.models import Target
from tests import factories as f
from tests.factories import make_user


def as_csv(rows: list[list[Any]], *, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


def count(model: type) -> int:
    # A reader never waits on the writer's lock, and sees only what was committed.
    with new_session(read_only=True) as fresh:
        return fresh.exec(select(sa.func.count()).select_from(model)).one()


def audit_count(action: str, kind: str | None = None) -> int:
    with new_session(read_only=True) as fresh:
        stmt = select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        if kind:
            stmt = stmt.where(AuditEntry.record_kind == kind)
        return fresh.exec(stmt).one()


PEOPLE_HEADER = ["Full Name", "E-mail Address", "Organisation", "Phone Number", "OK to email",
                 "Tags", "Role"]


def test_the_mapping_is_guessed_from_the_headers() -> None:
    people = spreadsheets.CONCEPTS["people"]
    assert spreadsheets.guess_mapping(people, [*PEOPLE_HEADER, "Shoe size"]) == {
        "name": "Full Name", "email": "E-mail Address", "organization": "Organisation",
        "phone": "Phone Number", "ok_to_email": "OK to email", "tags": "Tags", "role": "Role"}
    assert spreadsheets.guess_mapping(people, ["First name", "Last Name", "EMAIL"]) == {
        "first_name": "First name", "last_name": "Last Name", "email": "EMAIL"}
    targets = spreadsheets.CONCEPTS["targets"]
    assert spreadsheets.guess_mapping(targets, ["Name", "Title", "Council", "Ward",
                                                "Term ends"]) == {
        "name": "Name", "title": "Title", "body": "Council", "district": "Ward",
        "term_ends": "Term ends"}


def test_three_bad_rows_are_exactly_the_three_shown(session: Session, actor: User) -> None:
    org_id = f.make_organization(session, actor, name="Privacy Now").id
    rows = [PEOPLE_HEADER]
    for n in range(1, 11):
        rows.append([f"Person {n}", f"p{n}@example.org", "Privacy Now", "", "yes", "", ""])
    rows[3][1] = "not-an-email"           # row 4
    rows[6][2] = "Nobody's Coalition"     # row 7
    rows[9][0] = ""                       # row 10
    plan = spreadsheets.plan(session, concept_name="people", content=as_csv(rows))
    preview = plan.as_dict()
    assert [(r["row"], r["action"]) for r in preview["rows"]] == [
        (4, "error"), (7, "error"), (10, "error")]
    assert preview["errors"] == [
        {"row": 4, "field": "email", "message": "'not-an-email' is not a valid email address"},
        {"row": 7, "field": "organization",
         "message": "unknown organization \"Nobody's Coalition\""},
        {"row": 10, "field": "name", "message": "is missing"},
    ]
    assert preview["counts"] == {"create": 7, "update": 0, "skip": 0, "error": 3}
    assert len(preview["sample"]) == 7
    session.rollback()
    assert count(Person) == 0
    with pytest.raises(Invalid, match="Errors in 3 of the rows"):
        spreadsheets.commit(session, actor, plan)
    result = spreadsheets.commit(session, actor, plan, skip_errors=True)
    session.commit()
    assert (result.created, result.left_out) == (7, [4, 7, 10])
    with new_session() as fresh:
        assert fresh.exec(select(sa.func.count()).select_from(Affiliation).where(
            Affiliation.organization_id == org_id)).one() == 7


def test_duplicates_are_found_and_the_choice_applies(session: Session, actor: User) -> None:
    org = f.make_organization(session, actor, name="Faith Alliance")
    by_email = f.make_person(session, actor, name="Ana Ruiz", email="ana@example.org")
    by_name = f.make_person(session, actor, name="Ben Okafor")
    f.make_affiliation(session, actor, person_id=by_name.id, organization_id=org.id)
    rows = [["Name", "Email", "Organization", "Phone"],
            ["Ana R.", "ANA@example.org", "", "555-0100"],
            ["ben okafor", "", "Faith Alliance", "555-0101"],
            ["Ben Okafor", "", "", "555-0102"],
            ["Cleo Park", "cleo@example.org", "", ""],
            ["Cleo Park", "cleo@example.org", "", ""]]
    content = as_csv(rows)
    plan = spreadsheets.plan(session, concept_name="people", content=content)
    by_row = {r.row: r for r in plan.rows}
    assert (by_row[2].existing_id, by_row[2].match, by_row[2].action) == (by_email.id, "email",
                                                                          "skip")
    assert (by_row[3].existing_id, by_row[3].match) == (by_name.id, "name and organization")
    assert by_row[4].existing_id is None  # same name, but not of that organization
    assert by_row[6].errors == [{"field": "email", "message": "same person as row 5"}]

    plan = spreadsheets.plan(session, concept_name="people", content=content,
                             on_duplicate=Choice.update, decisions={3: Choice.create})
    result = spreadsheets.commit(session, actor, plan, skip_errors=True)
    session.commit()
    assert (result.created, result.updated, result.skipped) == (3, 1, 0)
    with new_session() as fresh:
        ana = fresh.get(Person, by_email.id)
        assert (ana.name, ana.phone, ana.email) == ("Ana R.", "555-0100", "ana@example.org")  # type: ignore[union-attr]
        assert len(fresh.exec(select(Person).where(
            sa.func.lower(Person.name) == "ben okafor")).all()) == 3


def test_a_failure_while_writing_leaves_nothing_behind(session: Session, actor: User) -> None:
    org_id = f.make_organization(session, actor, name="Gone Soon").id
    rows = [["Name", "Email", "Organization"]] + [
        [f"Member {n}", f"m{n}@example.org", "Gone Soon"] for n in range(50)]
    plan = spreadsheets.plan(session, concept_name="people", content=as_csv(rows))
    session.rollback()
    with new_session() as other:
        other.delete(other.get(Organization, org_id))
        other.commit()
    with pytest.raises(IntegrityError):
        spreadsheets.commit(session, actor, plan)
        session.commit()
    session.rollback()
    assert count(Person) == 0
    assert audit_count("create", "person") == audit_count("create", "affiliation") == 0


def test_ten_thousand_rows_import_in_one_transaction(session: Session, actor: User) -> None:
    f.make_organization(session, actor, name="Big Coalition")
    rows = [["First name", "Last name", "Email", "Organization", "Phone", "Text OK", "Tags"]]
    rows += [[f"Given{n}", f"Family{n}", f"person{n}@example.org",
              "Big Coalition" if n % 2 else "", f"555-{n:04d}", "yes" if n % 3 else "no",
              "volunteer; canvass"] for n in range(10_000)]
    content = as_csv(rows)
    plan = spreadsheets.plan(session, concept_name="people", content=content)
    result = spreadsheets.commit(session, actor, plan)
    assert count(Person) == 0  # nothing visible before the one commit
    session.commit()
    assert result.created == 10_000
    assert count(Person) == 10_000
    assert count(Affiliation) == 5_000
    with new_session() as fresh:
        last = fresh.exec(select(Person).where(Person.email == "person9999@example.org")).one()
    assert (last.name, last.ok_to_text, last.tags) == ("Given9999 Family9999", False,
                                                      ["volunteer", "canvass"])


def test_organizations_with_enums_tags_and_a_semicolon_file(session: Session,
                                                            actor: User) -> None:
    f.make_organization(session, actor, name="Existing Org")
    content = as_csv([["Organization", "Type", "Coalition role", "Status", "Website", "Tags"],
                      ["New Partners", "Immigrant Rights", "Co-lead", "joined",
                       "https://new.example.org", "faith, labor"],
                      ["existing org", "privacy", "", "", "", ""],
                      ["Odd One", "astrology", "", "", "ftp://odd", ""]], delimiter=";")
    plan = spreadsheets.plan(session, concept_name="organizations", content=content,
                             decisions={3: Choice.create})
    rows = {r.row: r for r in plan.rows}
    assert rows[2].values == {"name": "New Partners", "kind": "immigrant_rights",
                              "coalition_role": "co_lead", "status": "joined",
                              "website": "https://new.example.org", "tags": ["faith", "labor"]}
    assert rows[3].errors == [{"field": "name", "message": (
        "an organization of this name exists; choose skip or update")}]
    assert [e["field"] for e in rows[4].errors] == ["kind"]
    assert rows[4].errors[0]["message"].startswith("'astrology' must be one of: ")
    result = spreadsheets.commit(session, actor, plan, skip_errors=True)
    session.commit()
    assert result.created == 1
    assert count(Organization) == 2


def test_targets_resolve_bodies_and_owners(session: Session, actor: User) -> None:
    council = f.make_body(session, actor, name="Riverton City Council")
    owner = f.make_organization(session, actor, name="Riverton Privacy")
    content = as_csv([["Name", "Title", "Body", "District", "Term ends", "Owner", "E-mail"],
                      ["Elena Park", "Mayor", "riverton city council", "At large", "11/30/2028",
                       "Riverton Privacy", "park@riverton.example.org"],
                      ["Marcus Bell", "Council Member", "Riverton City Council", "District 1",
                       "2027-01-05", "", ""],
                      ["Nobody", "", "Atlantis Council", "", "someday", "", ""]])
    plan = spreadsheets.plan(session, concept_name="targets", content=content)
    bad = plan.rows[2]
    assert {e["field"] for e in bad.errors} == {"body", "term_ends"}
    spreadsheets.commit(session, actor, plan, skip_errors=True)
    session.commit()
    with new_session() as fresh:
        park = fresh.exec(select(Target).where(Target.name == "Elena Park")).one()
    assert (park.title, park.body_id, park.owner_organization_id, park.term_ends) == (
        "mayor", council.id, owner.id, date(2028, 11, 30))
    again = spreadsheets.plan(session, concept_name="targets", content=content)
    assert [r.match for r in again.rows[:2]] == ["email", "name and body"]


def test_an_xlsx_workbook(session: Session, actor: User) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Email", "OK to call", "Signal"])
    sheet.append(["Dana Wu", "dana@example.org", True, "+1 555 0199"])
    sheet.append([None, None, None, None])
    sheet.append(["Eli Stone", None, "no", 5550123])
    out = io.BytesIO()
    book.save(out)
    plan = spreadsheets.plan(session, concept_name="people", content=out.getvalue(),
                             filename="contacts.xlsx")
    assert [(r.row, r.values) for r in plan.rows] == [
        (2, {"name": "Dana Wu", "email": "dana@example.org", "ok_to_call": True,
             "signal_handle": "+1 555 0199"}),
        (4, {"name": "Eli Stone", "ok_to_call": False, "signal_handle": "5550123"}),
    ]
    with pytest.raises(Invalid, match="not a readable XLSX"):
        spreadsheets.plan(session, concept_name="people", content=b"PK\x03\x04broken")


def test_a_mapping_given_by_hand_is_checked(session: Session) -> None:
    content = as_csv([["Who", "Mail"], ["Fay", "fay@example.org"]])
    with pytest.raises(Invalid, match="Map a column to the name"):
        spreadsheets.plan(session, concept_name="people", content=content)
    with pytest.raises(Invalid, match="no field 'shoe'"):
        spreadsheets.plan(session, concept_name="people", content=content,
                          mapping={"name": "Who", "shoe": "Mail"})
    with pytest.raises(Invalid, match="no column 'Email'"):
        spreadsheets.plan(session, concept_name="people", content=content,
                          mapping={"name": "Who", "email": "Email"})
    plan = spreadsheets.plan(session, concept_name="people", content=content,
                             mapping={"name": "Who", "email": "Mail"})
    assert plan.rows[0].values == {"name": "Fay", "email": "fay@example.org"}


# ---- JSON API and command line ----------------------------------------------------------

def _upload(client: TestClient, concept: str, content: bytes, **form: Any) -> Any:
    return client.post(f"/api/v1/imports/{concept}",
                       files={"file": ("people.csv", io.BytesIO(content), "text/csv")},
                       data={k: json.dumps(v) if isinstance(v, dict) else
                             str(v).lower() if isinstance(v, bool) else v
                             for k, v in form.items()})


def test_preview_and_commit_through_the_api(client: TestClient) -> None:
    content = as_csv([["Who", "Mail", "Phone"], ["Fay Lin", "fay@example.org", "555"],
                      ["Gus Ortiz", "bad", ""]])
    mapping = {"name": "Who", "email": "Mail", "phone": "Phone"}
    preview = _upload(client, "people", content, mapping=mapping)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["mapping"] == mapping
    assert body["counts"] == {"create": 1, "update": 0, "skip": 0, "error": 1}
    assert body["errors"][0]["row"] == 3
    refused = _upload(client, "people", content, mapping=mapping, commit=True,
                      token=body["token"])
    assert refused.status_code == 422
    changed = _upload(client, "people", content, mapping={"name": "Who"}, commit=True,
                      token=body["token"], skip_errors=True)
    assert changed.status_code == 409
    done = _upload(client, "people", content, mapping=mapping, commit=True,
                   token=body["token"], skip_errors=True)
    assert done.status_code == 200, done.text
    assert done.json()["result"] == {"created": 1, "updated": 0, "skipped": 0, "left_out": [3]}
    assert client.get("/api/v1/people", params={"q": "Fay"}).json()["total"] == 1
    assert _upload(client, "agencies", content).status_code == 422
    assert _upload(client, "people", content, mapping="[1]").status_code == 422
    assert _upload(client, "people", content, decisions={"x": "maybe"}).status_code == 422


def test_import_people_from_the_command_line(tmp_path: Any, db: None,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(as_csv([["Name", "Email"], ["Hana Cho", "hana@example.org"],
                             ["", "nobody@example.org"]]))
    assert main(["import", "people", str(path), "--yes"]) == 1
    err = capsys.readouterr()
    assert "Name -> Name" in err.out
    assert "row 3: Name: is missing" in err.out
    assert "Errors in 1 of the rows (the first is row 3)" in err.err
    assert count(Person) == 0
    assert main(["import", "people", str(path), "--yes", "--skip-errors"]) == 0
    assert "Created 1, updated 0, skipped 0; 1 rows with errors left out." in \
        capsys.readouterr().out
    assert count(Person) == 1


# ---- audit ------------------------------------------------------------------------------

def _audit(client: TestClient, kind: str) -> list[dict[str, Any]]:
    page = client.get("/api/v1/audit", params={"record_kind": kind, "limit": 100})
    assert page.status_code == 200, page.text
    return list(page.json()["items"])


def test_an_import_files_an_audit_entry_per_record(client: TestClient) -> None:
    org = client.post("/api/v1/organizations", json={"name": "Audit Allies"}).json()
    ana = client.post("/api/v1/people", json={"name": "Ana Ruiz", "email": "ana@example.org",
                                              "phone": "555-0100"}).json()
    made_by_hand = _audit(client, "person")
    assert [e["action"] for e in made_by_hand] == ["create"]
    content = as_csv([["Name", "Email", "Phone", "Organization", "Tags"],
                      ["Ana Ruiz", "ana@example.org", "555-0199", "", ""],
                      ["Bo Chen", "bo@example.org", "555-0123", "Audit Allies", "canvass"]])
    preview = _upload(client, "people", content, on_duplicate="update").json()
    done = _upload(client, "people", content, on_duplicate="update", commit=True,
                   token=preview["token"])
    assert done.json()["result"]["created"] == 1, done.text
    bo = client.get("/api/v1/people", params={"q": "Bo Chen"}).json()["items"][0]

    people = {(e["action"], e["record_id"]): e for e in _audit(client, "person")}
    assert set(people) == {("create", ana["id"]), ("update", ana["id"]), ("create", bo["id"])}
    update, create = people["update", ana["id"]], people["create", bo["id"]]
    assert update["actor_label"] == create["actor_label"] == "admin@example.org"
    assert update["changes"]["phone"] == ["555-0100", "555-0199"]
    assert "email" not in update["changes"]  # found by it, so left as it was written
    # The same shape as the entry of a person made through the service.
    by_hand = people["create", ana["id"]]
    assert set(create["changes"]) == set(by_hand["changes"])
    assert all(before is None for before, _ in create["changes"].values())
    assert create["changes"]["tags"] == [None, ["canvass"]]
    assert create["changes"]["preferred_contact"] == by_hand["changes"]["preferred_contact"]
    assert type(create["changes"]["created_at"][1]) is str
    assert (create["organization_id"], create["visibility"]) == (None, bo["visibility"])

    memberships = _audit(client, "affiliation")
    assert [(e["action"], e["changes"]["person_id"][1], e["changes"]["organization_id"][1])
            for e in memberships] == [("create", bo["id"], org["id"])]
    assert memberships[0]["visibility"] == bo["visibility"]

    page = client.get("/audit", params={"record_kind": "person"})
    assert f"Created: person #{bo['id']}" in page.text
    assert f"Changed: person #{ana['id']}" in page.text
    assert "555-0100 → 555-0199" in page.text


def test_an_import_of_organizations_and_targets_is_audited(session: Session,
                                                           actor: User) -> None:
    lead = make_user("lead", session=session)
    body_id = f.make_body(session, actor, name="Audit Council").id
    existing = f.make_organization(session, actor, name="Old Name Org", website="")
    act_as(session, lead)
    content = as_csv([["Organization", "Website"],
                      ["Old Name Org", "https://old.example.org"],
                      ["Fresh Org", ""]])
    plan = spreadsheets.plan(session, concept_name="organizations", content=content,
                             on_duplicate=Choice.update)
    spreadsheets.commit(session, lead, plan)
    targets = spreadsheets.plan(session, concept_name="targets", content=as_csv(
        [["Name", "Body", "Owner"], ["Dee Park", "Audit Council", "Fresh Org"]]))
    spreadsheets.commit(session, lead, targets)
    session.commit()
    entries, _ = audit.entries(session, lead, limit=50)
    mine = [(e.action, e.record_kind, e.organization_id, e.actor_label) for e in entries
            if e.actor_id == lead.id]
    fresh = session.exec(select(Organization).where(Organization.name == "Fresh Org")).one()
    assert sorted(mine) == sorted([
        ("create", "organization", fresh.id, lead.email),
        ("update", "organization", existing.id, lead.email),
        ("create", "target", fresh.id, lead.email)])
    update = next(e for e in entries if e.action == "update" and e.actor_id == lead.id)
    assert update.changes["website"] == ["", "https://old.example.org"]
    target = next(e for e in entries if e.record_kind == "target" and e.actor_id == lead.id)
    assert target.changes["body_id"] == [None, body_id]


def test_the_entries_are_part_of_the_import_transaction(session: Session,
                                                         actor: User) -> None:
    content = as_csv([["Name", "Email"], ["Rae Undone", "rae@example.org"]])
    spreadsheets.commit(session, actor, spreadsheets.plan(session, concept_name="people",
                                                          content=content))
    assert len(session.exec(select(AuditEntry).where(
        AuditEntry.record_kind == "person")).all()) == 1
    session.rollback()
    assert count(Person) == 0
    assert audit_count("create", "person") == 0


def test_an_import_with_nothing_new_in_a_row_files_no_update(session: Session,
                                                             actor: User) -> None:
    f.make_organization(session, actor, name="Same Org", website="https://same.example.org")
    content = as_csv([["Organization", "Website"], ["Same Org", "https://same.example.org"]])
    plan = spreadsheets.plan(session, concept_name="organizations", content=content,
                             on_duplicate=Choice.update)
    assert spreadsheets.commit(session, actor, plan).updated == 1
    session.commit()
    assert audit_count("update") == 0


def test_erasing_an_imported_person_erases_their_import_entries(session: Session,
                                                                actor: User) -> None:
    f.make_organization(session, actor, name="Erasure Org")
    content = as_csv([["Name", "Email", "Organization"],
                      ["Eve Gone", "eve@example.org", "Erasure Org"]])
    spreadsheets.commit(session, actor, spreadsheets.plan(session, concept_name="people",
                                                          content=content))
    session.commit()
    eve = session.exec(select(Person).where(Person.email == "eve@example.org")).one()
    assert audit_count("create", "person") == 1
    assert audit_count("create", "affiliation") == 1
    erasure.erase_person(session, actor, eve.id)  # type: ignore[arg-type]
    session.commit()
    assert audit_count("create", "person") == audit_count("create", "affiliation") == 0
    with new_session() as fresh:
        left = fresh.exec(select(AuditEntry.changes).where(
            AuditEntry.record_kind.in_(("person", "affiliation")))).all()  # type: ignore[attr-defined]
    assert "eve@example.org" not in json.dumps(left)


def test_an_update_may_not_move_another_organizations_target(session: Session,
                                                             actor: User) -> None:
    council = f.make_body(session, actor, name="Owners Council")
    theirs = f.make_organization(session, actor, name="Their Org")
    ours = f.make_organization(session, actor, name="Our Org")
    kept = Target(name="Rae Lund", body_id=council.id, owner_organization_id=theirs.id,
                  visibility="coalition")
    session.add(kept)
    session.commit()
    lead = make_user("lead", session=session, organization_id=ours.id)
    act_as(session, lead)
    content = as_csv([["Name", "Body", "Owner", "District"],
                      ["Rae Lund", "Owners Council", "Our Org", "Ward 4"]])
    plan = spreadsheets.plan(session, concept_name="targets", content=content,
                             on_duplicate=Choice.update, actor=lead)
    [row] = plan.rows
    assert row.action == "error"
    assert [e["field"] for e in row.errors] == ["owner_organization_id"]
    assert "Only the members of the organization" in row.errors[0]["message"]
    # Planned without the check, the write refuses it all the same.
    unchecked = spreadsheets.plan(session, concept_name="targets", content=content,
                                  on_duplicate=Choice.update)
    with pytest.raises(Forbidden, match="Row 2: Only the members"):
        spreadsheets.commit(session, lead, unchecked)
    session.rollback()
    # The same row, owner unchanged, updates the rest.
    same = as_csv([["Name", "Body", "Owner", "District"],
                   ["Rae Lund", "Owners Council", "Their Org", "Ward 4"]])
    act_as(session, lead)
    plan = spreadsheets.plan(session, concept_name="targets", content=same,
                             on_duplicate=Choice.update, actor=lead)
    assert spreadsheets.commit(session, lead, plan).updated == 1
    session.commit()
    with new_session(read_only=True) as fresh:
        stored = fresh.get(Target, kept.id)
        assert (stored.owner_organization_id, stored.district) == (theirs.id, "Ward 4")


def test_an_update_may_not_overwrite_notes_the_importer_may_not_read(session: Session,
                                                                   actor: User) -> None:
    kept = f.make_organization(session, actor, name="Quiet Alliance", notes="QUIETNOTES",
                               notes_visibility="private")
    lead = make_user("lead", session=session)
    act_as(session, lead)
    content = as_csv([["Organization", "Notes", "Website"],
                      ["Quiet Alliance", "overwritten", "https://quiet.example.org"]])
    plan = spreadsheets.plan(session, concept_name="organizations", content=content,
                             on_duplicate=Choice.update, actor=lead)
    [row] = plan.rows
    assert row.action == "error"
    assert [(e["field"], e["message"]) for e in row.errors] == [
        ("notes", "Only those who may read this organization's notes may change it.")]
    unchecked = spreadsheets.plan(session, concept_name="organizations", content=content,
                                  on_duplicate=Choice.update)
    with pytest.raises(Forbidden, match="Row 2: Only those who may read"):
        spreadsheets.commit(session, lead, unchecked)
    session.rollback()
    with new_session(read_only=True) as fresh:
        assert fresh.get(Organization, kept.id).notes == "QUIETNOTES"
        logged = fresh.exec(select(AuditEntry).where(AuditEntry.record_kind == "organization",
                                                     AuditEntry.action == "update")).all()
        assert not any("QUIETNOTES" in repr(e.changes) for e in logged)
