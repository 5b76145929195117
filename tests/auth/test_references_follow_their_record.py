"""A shared record that points at one its reader may not read answers with nothing there: no
id tells another organization that a private agency, vote, target or meeting exists. The
record's own organization still reads every reference."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session

from api import clock
from api.accounts import service as accounts
from api.auth import references
from api.auth.models import Role
from api.contracts.models import ContractOutcome, Outcome
from api.crud import Crud
from api.documents import service as documents
from api.documents.models import AttachedTo
from api.people import service as people
from api.records_requests.models import RequestDocument
from api.sources.agendas import service as suggested_votes
from tests import factories as f
from web.concepts import SPECS


@pytest.fixture
def world(session: Session, actor: Any, client_as: Callable[..., TestClient]) -> Any:
    """Organization A's private agency, vote, target and meeting, each named by a record A
    shares with the whole coalition; members of A and B, and a lead of neither."""
    org_a = f.make_organization(session, actor, name="Riverton Immigrant Rights Network")
    org_b = f.make_organization(session, actor, name="Riverton Faith Alliance")
    mine = {"owner_organization_id": org_a.id, "visibility": "private"}
    shared = {"owner_organization_id": org_a.id, "visibility": "coalition"}
    agency = f.make_agency(session, actor, **mine)
    vote = f.make_vote(session, actor, **mine)
    target = f.make_target(session, actor, **mine)
    open_target = f.make_target(session, actor)
    meeting = f.make_meeting(session, actor, organization_id=org_a.id, visibility="private")

    class World:
        pass

    w: Any = World()
    w.session, w.actor = session, actor
    w.org_a = org_a
    w.agency, w.vote, w.target, w.open_target, w.meeting = (agency, vote, target, open_target,
                                                            meeting)
    w.contract = f.make_contract(session, actor, agency_id=agency.id, **shared)
    w.action = f.make_action(session, actor, vote_id=vote.id, **shared)
    w.task = f.make_task(session, actor, meeting_id=meeting.id, **shared)
    w.shared_meeting = f.make_meeting(session, actor, organization_id=org_a.id,
                                      visibility="coalition",
                                      target_ids=[target.id, open_target.id])
    w.request = f.make_records_request(session, actor, agency_id=agency.id,
                                       requester_organization_id=org_a.id,
                                       visibility="coalition")
    session.add(ContractOutcome(contract_id=w.contract.id, outcome=Outcome.renewed,
                                decided_on=date(2026, 2, 1), vote_id=vote.id, note=""))
    doc = f.make_document(session, actor, attached_kind=AttachedTo.records_request,
                          attached_id=w.request.id, owner_organization_id=org_a.id,
                          visibility="coalition")
    session.add(RequestDocument(records_request_id=w.request.id, document_id=doc.id,
                                agency_id=agency.id, target_id=target.id))
    session.commit()
    w.a = client_as(Role.partner, org_a.id)
    w.b = client_as(Role.partner, org_b.id)
    w.lead = client_as(Role.lead)
    w.admin = client_as(Role.admin)
    return w


def _answers(client: TestClient, w: Any) -> dict[str, Any]:
    """What the reader is told of each reference, through details and lists alike."""
    def one(path: str) -> Any:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        return response.json()

    def listed(path: str, record_id: int) -> Any:
        [row] = [r for r in one(path)["items"] if r["id"] == record_id]
        return row

    contract = one(f"/api/v1/contracts/{w.contract.id}")
    assert listed("/api/v1/contracts", w.contract.id)["agency_id"] == contract["agency_id"]
    request = one(f"/api/v1/records-requests/{w.request.id}")
    assert (listed("/api/v1/records-requests", w.request.id)["agency_id"]
            == request["agency_id"])
    action = one(f"/api/v1/actions/{w.action.id}")
    assert listed("/api/v1/actions", w.action.id)["vote_id"] == action["vote_id"]
    [document] = one(f"/api/v1/records-requests/{w.request.id}/documents")
    [outcome] = one(f"/api/v1/contracts/{w.contract.id}/outcomes")
    return {
        "contract.agency_id": contract["agency_id"],
        "request.agency_id": request["agency_id"],
        "action.vote_id": action["vote_id"],
        "task.meeting_id": one(f"/api/v1/tasks/{w.task.id}")["meeting_id"],
        "meeting.target_ids": one(f"/api/v1/meetings/{w.shared_meeting.id}")["target_ids"],
        "document.agency_id": document["agency_id"],
        "document.target_id": document["target_id"],
        "outcome.vote_id": outcome["vote_id"],
        "documents about the agency": len(one(
            f"/api/v1/records-requests/documents?agency_id={w.agency.id}")),
    }


def test_the_owner_reads_every_reference(world: Any) -> None:
    w = world
    assert _answers(w.a, w) == {
        "contract.agency_id": w.agency.id, "request.agency_id": w.agency.id,
        "action.vote_id": w.vote.id, "task.meeting_id": w.meeting.id,
        "meeting.target_ids": sorted([w.target.id, w.open_target.id]),
        "document.agency_id": w.agency.id, "document.target_id": w.target.id,
        "outcome.vote_id": w.vote.id, "documents about the agency": 1}


@pytest.mark.parametrize("reader", ["b", "lead"])
def test_others_read_the_shared_record_without_the_private_ids(world: Any,
                                                                reader: str) -> None:
    w = world
    assert _answers(getattr(w, reader), w) == {
        "contract.agency_id": None, "request.agency_id": None, "action.vote_id": None,
        "task.meeting_id": None, "meeting.target_ids": [w.open_target.id],
        "document.agency_id": None, "document.target_id": None, "outcome.vote_id": None,
        "documents about the agency": 0}


def test_the_contract_page_does_not_link_a_vote_the_reader_may_not_read(world: Any) -> None:
    w = world
    assert f"/votes/{w.vote.id}" in w.a.get(f"/contracts/{w.contract.id}").text
    page = w.b.get(f"/contracts/{w.contract.id}")
    assert page.status_code == 200
    assert f"/votes/{w.vote.id}" not in page.text
    assert f"/agencies/{w.agency.id}" not in page.text


def test_a_lead_updating_a_shared_record_is_answered_without_the_private_id(
        world: Any) -> None:
    w = world
    response = w.lead.patch(f"/api/v1/contracts/{w.contract.id}", json={"notes": "Renewal due"})
    assert response.status_code == 200, response.text
    assert response.json()["agency_id"] is None
    # The reference itself stays: the owner still reads it.
    assert w.a.get(f"/api/v1/contracts/{w.contract.id}").json()["agency_id"] == w.agency.id


def every_crud() -> list[Crud[Any, Any]]:
    """The concepts' pages' machinery, and that of the tables read through the API without a
    page of their own."""
    return [*(spec.crud for spec in SPECS.values()), accounts.crud, documents.crud,
            people.affiliations, suggested_votes.suggestions]


def test_every_reference_that_may_be_hidden_may_be_read_as_empty() -> None:
    """Each read schema takes None wherever a reference may be hidden, so hiding one never
    turns an answer into a server error."""
    checked = 0
    for crud in every_crud():
        for name in references.scoped_references(crud.model):
            field = crud.read_schema.model_fields.get(name)
            if field is None:
                continue
            try:
                TypeAdapter(field.annotation).validate_python(None)
            except ValidationError:
                pytest.fail(f"{crud.read_schema.__name__}.{name} cannot be empty")
            checked += 1
    assert checked >= 6


def test_a_shared_deadline_stays_on_the_dashboard_without_its_private_agency(
        session: Session, actor: Any, world: Any) -> None:
    w = world
    today = clock.today()
    contract = f.make_contract(session, actor, agency_id=w.agency.id, title="Flock renewal",
                               start_date=today - timedelta(days=300),
                               end_date=today + timedelta(days=70), auto_renews=False,
                               termination_notice_days=30, owner_organization_id=w.org_a.id,
                               visibility="coalition")
    request = f.make_records_request(session, actor, agency_id=w.agency.id,
                                     subject="Camera audit logs", status="sent",
                                     sent_on=today - timedelta(days=3),
                                     requester_organization_id=w.org_a.id,
                                     visibility="coalition")
    assert contract.notice_deadline and request.due_on
    for reader in (w.a, w.b, w.lead):
        page = reader.get("/")
        assert page.status_code == 200
        assert "Flock renewal" in page.text and "Camera audit logs" in page.text
        assert (w.agency.name in page.text) is (reader is w.a)


@pytest.fixture
def lists(session: Session, actor: Any, world: Any) -> Any:
    """A's coalition vote and meeting, each telling of its private target and an open one."""
    w = world
    campaign = f.make_campaign(session, actor)
    both = [w.target.id, w.open_target.id]
    w.vote_with_members = f.make_vote(
        session, actor, owner_organization_id=w.org_a.id, visibility="coalition",
        campaign_id=campaign.id, member_votes=[{"target_id": t, "vote": "no"} for t in both])
    w.meeting_with_stances = f.make_meeting(
        session, actor, organization_id=w.org_a.id, visibility="coalition",
        campaign_id=campaign.id, target_ids=both,
        stances_observed=[{"target_id": t, "level": "opposed", "note": "Said no"} for t in both])
    return w


def _members(client: TestClient, w: Any) -> tuple[list[int], list[int]]:
    vote = client.get(f"/api/v1/votes/{w.vote_with_members.id}").json()
    meeting = client.get(f"/api/v1/meetings/{w.meeting_with_stances.id}").json()
    return ([m["target_id"] for m in vote["member_votes"]],
            [s["target_id"] for s in meeting["stances_observed"]])


def test_lists_inside_a_record_leave_out_what_the_reader_may_not_read(lists: Any) -> None:
    w = lists
    both = sorted([w.target.id, w.open_target.id])
    assert tuple(sorted(x) for x in _members(w.a, w)) == (both, both)
    for reader in (w.b, w.lead):
        assert _members(reader, w) == ([w.open_target.id], [w.open_target.id])
        listed = reader.get("/api/v1/votes").json()["items"]
        [row] = [v for v in listed if v["id"] == w.vote_with_members.id]
        assert [m["target_id"] for m in row["member_votes"]] == [w.open_target.id]


def test_a_lead_edits_a_shared_record_without_touching_what_it_may_not_read(
        lists: Any) -> None:
    w = lists
    for path, change in ((f"/api/v1/records-requests/{w.request.id}", {"notes": "Chase"}),
                         (f"/api/v1/meetings/{w.meeting_with_stances.id}", {"location": "Hall"}),
                         (f"/api/v1/votes/{w.vote_with_members.id}", {"member_votes": []})):
        response = w.lead.patch(path, json=change)
        assert response.status_code == 200, (path, response.text)
        assert str(w.target.id) not in str(response.json().get("member_votes", ""))
    # The lead emptied the members it could see; the partner's private one stays.
    assert _members(w.a, w)[0] == [w.target.id]
    assert w.a.get(f"/api/v1/records-requests/{w.request.id}").json()["agency_id"] == w.agency.id


def test_filtering_by_a_record_the_reader_may_not_read_finds_nothing(world: Any) -> None:
    w = world
    for path in (f"/api/v1/contracts?agency_id={w.agency.id}",
                 f"/api/v1/records-requests?agency_id={w.agency.id}",
                 f"/api/v1/actions?vote_id={w.vote.id}",
                 f"/api/v1/tasks?meeting_id={w.meeting.id}"):
        assert w.a.get(path).json()["total"] == 1, path
        for reader in (w.b, w.lead):
            assert reader.get(path).json()["total"] == 0, path
    assert w.contract.title in w.a.get(f"/contracts?agency_id={w.agency.id}").text
    assert w.contract.title not in w.b.get(f"/contracts?agency_id={w.agency.id}").text


def test_the_audit_log_names_only_what_the_lead_may_read(lists: Any) -> None:
    w = lists
    entries = w.lead.get("/api/v1/audit?limit=500").json()["items"]
    seen = {(e["record_kind"], e["record_id"]): e["changes"] for e in entries}
    contract = seen[("contract", w.contract.id)]
    assert contract["agency_id"] == [None, None]
    assert seen[("action", w.action.id)]["vote_id"] == [None, None]
    assert seen[("task", w.task.id)]["meeting_id"] == [None, None]
    members = seen[("vote", w.vote_with_members.id)]["member_votes"]
    assert [m["target_id"] for m in members[1]] == [w.open_target.id]
    # The owner's own lead reads every reference (the log is a lead's or an admin's).
    admin_view = {(e["record_kind"], e["record_id"]): e["changes"] for e in
                  w.admin.get("/api/v1/audit?limit=500").json()["items"]}
    assert admin_view[("contract", w.contract.id)]["agency_id"] == [None, w.agency.id]


def test_a_redacted_export_names_an_action_s_vote_only_if_the_vote_goes_out(
        session: Session, actor: Any, world: Any) -> None:
    import csv
    import io
    import zipfile

    w = world
    campaign = f.make_campaign(session, actor)
    action = f.make_action(session, actor, campaign_id=campaign.id, vote_id=w.vote.id,
                           owner_organization_id=w.org_a.id, visibility="public")
    response = w.lead.get(f"/api/v1/campaigns/{campaign.id}/export.zip?tier=coalition")
    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        name = next(n for n in archive.namelist() if n.endswith("actions.csv"))
        rows = list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
    [row] = [r for r in rows if r["ID"] == str(action.id)]
    assert row["Vote ID"] == ""


def test_naming_a_hidden_reference_as_it_stands_tells_nothing(world: Any) -> None:
    w = world
    # The lead may change the shared contract, but not learn which private agency it names:
    # sending that agency's id is answered as any id they may not read, whether or not the
    # contract already names it.
    other = f.make_contract(w.session, w.actor, owner_organization_id=w.org_a.id,
                            visibility="coalition")
    w.session.commit()
    answers = [w.lead.patch(f"/api/v1/contracts/{contract_id}", json={"agency_id": w.agency.id})
               for contract_id in (w.contract.id, other.id)]
    assert [a.status_code for a in answers] == [422, 422], [a.text for a in answers]
    assert answers[0].json()["detail"] == answers[1].json()["detail"] == (
        f"No agency with id {w.agency.id}.")
    # Its owner names it as before.
    kept = w.a.patch(f"/api/v1/contracts/{w.contract.id}", json={"agency_id": w.agency.id})
    assert kept.status_code == 200, kept.text
