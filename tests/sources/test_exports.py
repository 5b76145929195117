"""CSV exports: every list, with the list's filters; cells that a spreadsheet would run as
formulas kept as text; an export read back by the spreadsheet import; an organization's ZIP."""

import csv
import io
import zipfile

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import User
from api.sources import exports, spreadsheets
from tests import factories as f


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_every_list_exports_with_its_read_fields(client: TestClient) -> None:
    paths = set(client.app.openapi()["paths"])  # type: ignore[attr-defined]
    lists = {p.removeprefix("/api/v1/").split("/")[0] for p in paths
             if p.startswith("/api/v1/") and p.count("/") == 3}
    # Every list of records in the JSON API but user accounts has its export; playbooks,
    # records laws and letter templates are reference data kept as files, not records.
    reference = {"letter-templates", "playbooks", "playbook-errors", "records-laws"}
    personal = {"follows", "notifications", "me", "audit", "saved-searches"}
    # The coalition's own settings are one row, not a list.
    settings = {"instance-settings"}
    assert lists - set(exports.LISTS) - {"exports", "imports", "stances"} - reference - personal \
        - settings == {"users"}
    for concept in exports.LISTS:
        done = client.get(f"/api/v1/exports/{concept}.csv")
        assert done.status_code == 200, (concept, done.text)
        assert done.headers["content-type"] == "text/csv; charset=utf-8"
        assert done.headers["content-disposition"] == f'attachment; filename="{concept}.csv"'
        header = next(csv.reader(io.StringIO(done.content.decode("utf-8-sig"))))
        assert header == list(exports.LISTS[concept].read_schema.model_fields)


def test_organizations_export_with_filters_and_formula_guard(client: TestClient,
                                                             session: Session,
                                                             actor: User) -> None:
    f.make_organization(session, actor, name="=HYPERLINK(\"http://x\")", kind="faith",
                        tags=["faith", "north side"], phone="+1 555 0100")
    f.make_organization(session, actor, name="Plain Partners", kind="privacy")
    everything = rows_of(client.get("/api/v1/exports/organizations.csv").text)
    assert [r["name"] for r in everything] == ["'=HYPERLINK(\"http://x\")", "Plain Partners"]
    assert everything[0]["tags"] == "faith; north side"
    assert everything[0]["phone"] == "'+1 555 0100"
    assert everything[1]["email"] == ""
    faith = rows_of(client.get("/api/v1/exports/organizations.csv",
                               params={"kind": "faith"}).text)
    assert len(faith) == 1
    assert client.get("/api/v1/exports/organizations.csv",
                      params={"sort": "nope"}).status_code == 422


def test_an_export_reads_back_as_the_same_records(session: Session, actor: User) -> None:
    f.make_organization(session, actor, name="=SUM(A1)", tags=["a", "b"], phone="+1 555",
                        email="sum@example.org", coalition_role="co_lead")
    f.make_organization(session, actor, name="Second")
    text = exports.export_list(session, actor, "organizations")
    plan = spreadsheets.plan(session, concept_name="organizations", content=text.encode())
    assert plan.counts == {"create": 0, "update": 0, "skip": 2, "error": 0}
    first = plan.rows[0]
    assert (first.match, first.values["name"], first.values["phone"], first.values["tags"]) == (
        "email", "=SUM(A1)", "+1 555", ["a", "b"])
    assert first.values["coalition_role"] == "co_lead"


def test_votes_export_lists_member_votes_as_json(client: TestClient, session: Session,
                                                 actor: User) -> None:
    body = f.make_body(session, actor)
    member = f.make_target(session, actor, body_id=body.id)
    vote = client.post("/api/v1/votes", json={
        "title": "Flock renewal", "body_id": body.id, "scheduled_at": "2031-04-01T18:00:00Z",
        "member_votes": [{"target_id": member.id, "vote": "no"}]})
    assert vote.status_code == 201, vote.text
    [row] = rows_of(client.get("/api/v1/exports/votes.csv").text)
    assert row["member_votes"] == f'[{{"target_id": {member.id}, "vote": "no"}}]'
    assert row["scheduled_at"] == "2031-04-01T18:00:00Z"


def test_everything_an_organization_owns(client: TestClient, session: Session,
                                         actor: User) -> None:
    ours = f.make_organization(session, actor, name="Ours")
    theirs = f.make_organization(session, actor, name="Theirs")
    member = f.make_person(session, actor, name="Member of ours",
                           owner_organization_id=ours.id)
    f.make_person(session, actor, name="Kept by them", owner_organization_id=theirs.id)
    f.make_affiliation(session, actor, person_id=member.id, organization_id=ours.id,
                       role="organizer")
    f.make_target(session, actor, name="Our target", owner_organization_id=ours.id)
    f.make_target(session, actor, name="Their target", owner_organization_id=theirs.id)
    f.make_campaign(session, actor, name="Led by us", lead_organization_ids=[ours.id])
    done = client.get(f"/api/v1/exports/organizations/{ours.id}.zip")
    assert done.status_code == 200
    assert done.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(done.content))
    tables = {"organization", "accounts", "people", "affiliations", "targets", "campaigns_led",
              "meetings", "actions", "tasks", "records_requests", "documents", "agencies",
              "contracts", "votes", "media_contacts", "press_hits", "sharing_links", "evidence",
              "outcomes_elsewhere"}
    assert set(archive.namelist()) == ({f"{t}.csv" for t in tables} | {f"{t}.json" for t in tables}
                                       | {"notes.txt", "meeting_notes.csv", "README.txt"})

    def names(filename: str, column: str = "name") -> list[str]:
        return [r[column] for r in rows_of(archive.read(filename).decode())]

    assert names("organization.csv") == ["Ours"]
    assert names("people.csv") == ["Member of ours"]
    assert names("affiliations.csv", "role") == ["organizer"]
    assert names("targets.csv") == ["Our target"]
    assert names("campaigns_led.csv") == ["Led by us"]
    assert names("meetings.csv") == []
    assert client.get("/api/v1/exports/organizations/999999.zip").status_code == 404


def test_every_owned_kind_leaves_with_its_organization() -> None:
    """A kind an organization owns goes out in its export: a new one cannot be forgotten."""
    import api.models  # noqa: F401  (every table declared)
    from api.auth import table_access

    exported = {o.crud.model for o in exports._owned(1)}
    # Notes on a meeting leave in their own file, read as their reader may read them; the
    # audit log is the coalition's account of who did what, not a record the organization keeps.
    kept_apart = {"meeting_note", "audit_entry"}
    missing = {m.__tablename__ for m in table_access.owned()
               if m not in exported and m.__tablename__ not in kept_apart}
    assert missing == set()
