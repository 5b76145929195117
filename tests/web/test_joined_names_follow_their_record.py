"""A list names a joined record (a contract's or a request's agency) only to those who may read
that record: a shared contract of a private agency shows no agency name to others, in the
page, its CSV, or the alert about it."""

from datetime import date
from typing import Any

from sqlmodel import Session

from api import clock
from api.alerts import subjects
from api.alerts.models import SubjectKind
from api.auth.models import Role
from tests.factories import make_agency, make_contract, make_organization, make_records_request
from tests.web.html import plain


def test_a_private_agency_is_not_named_beside_a_shared_contract(
        client_as: Any, session: Session, actor: Any) -> None:
    ours, theirs = make_organization(session, actor), make_organization(session, actor)
    agency = make_agency(session, actor, name="SECRETAGENCY task force",
                         owner_organization_id=ours.id, visibility="private")
    made = make_contract(session, actor, title="Shared lease", agency_id=agency.id,
                         owner_organization_id=ours.id, visibility="coalition",
                         end_date=date(2027, 6, 30), auto_renews=False,
                         termination_notice_days=60)
    member = client_as(Role.partner, organization_id=ours.id)
    outsider = client_as(Role.partner, organization_id=theirs.id)
    lead = client_as(Role.lead)
    assert "SECRETAGENCY" in plain(member.get("/contracts").text)
    for reader in (outsider, lead):
        listed = reader.get("/contracts")
        assert "Shared lease" in plain(listed.text)
        assert "SECRETAGENCY" not in listed.text
        assert "SECRETAGENCY" not in reader.get("/contracts.csv").text
    # The alert about the contract says where it is only for an agency everyone may read.
    [told] = subjects.load(session, SubjectKind.notice_deadline, ids={made.id}, now=clock.now())
    assert told.place == ""


def test_a_letter_to_an_agency_not_shared_with_the_reader_is_refused_plainly(
        client_as: Any, session: Session, actor: Any) -> None:
    ours, theirs = make_organization(session, actor), make_organization(session, actor)
    agency = make_agency(session, actor, name="SECRETAGENCY records unit", state_code="CA",
                         owner_organization_id=ours.id, visibility="private")
    made = make_records_request(session, actor, agency_id=agency.id,
                                requester_organization_id=ours.id, visibility="coalition")
    session.commit()
    url = f"/api/v1/records-requests/{made.id}/letter"
    assert client_as(Role.partner, organization_id=ours.id).get(url).status_code == 200
    refused = client_as(Role.partner, organization_id=theirs.id).get(url)
    assert refused.status_code == 422
    assert "agency is not shared with you" in refused.json()["detail"]
    assert "SECRETAGENCY" not in refused.text
