"""An agency's timeline reads each part's own values: a contract's yes/no beside a records
request's status in the one statement that reads them all."""

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from api import clock
from api.activity import service as activity
from api.documents.models import AttachedTo
from tests.factories import make_agency, make_contract, make_records_request


def test_a_renewing_contract_beside_a_request_keeps_the_requests_status(
        session: Session, actor: Any) -> None:
    agency = make_agency(session, actor)
    make_contract(session, actor, agency_id=agency.id, auto_renews=True)
    sent = clock.now().date() - timedelta(days=3)
    make_records_request(session, actor, agency_id=agency.id, subject="ALPR audit logs",
                         status="extended", sent_on=sent, due_on=date(2027, 1, 15))
    session.commit()

    events = activity.for_record(session, actor, kind=AttachedTo.agency, record_id=agency.id)

    request = [e for e in events if e.kind == "records_request"]
    assert request and all(e.detail not in ("True", "1", "true") for e in request), request
    assert all("extended" in e.detail.lower() for e in request), request
    contract = {e.what for e in events if e.kind == "contract"}
    assert "Term ends" in contract and "Contract ends" not in contract
