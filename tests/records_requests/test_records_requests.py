"""JSON API of public-records requests."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import MISSING_ID, CrudContract, Spec, refused_reference
from tests.factories import make_agency, make_campaign, make_organization, unique


def payload(session: Session, actor: Any) -> dict[str, Any]:
    return {"subject": unique("ALPR sharing logs"), "agency_id": make_agency(session, actor).id,
            "campaign_id": make_campaign(session, actor).id,
            "requester_organization_id": make_organization(session, actor).id,
            "law": "CPRA", "state_code": "CA", "text": "All audit logs since 2024.",
            "sent_on": "2026-02-02", "method": "portal", "tracking_number": "R-2026-88",
            "status": "sent", "notes": ""}


class TestRecordsRequests(CrudContract):
    spec = Spec(
        path="/api/v1/records-requests", payload=payload,
        rows=({"subject": "Audit logs", "status": "sent"},
              {"subject": "Board emails", "tracking_number": "R-77", "status": "denied"},
              {"subject": "Contract drafts", "status": "denied"}),
        sort="subject", q="r-77", filter="status",
        patch={"tracking_number": "R-2026-89", "notes": "Portal says in review."},
        bad_patch=({"sent_on": None}, "sent_on"),
        invalid=[({"due_on_override": "2026-01-01"}, "due_on_override"),
                 ({"status": "acknowledged", "sent_on": None}, "sent_on"),
                 ({"state_code": "C"}, "state_code"), ({"method": "carrier_pigeon"}, "method"),
                 ({"subject": "s" * 201}, "subject")],
    )


@pytest.mark.parametrize("field_name", ["agency_id", "campaign_id",
                                        "requester_organization_id"])
def test_missing_references(client: TestClient, session: Session, actor: Any,
                            field_name: str) -> None:
    refused_reference(client, TestRecordsRequests.spec, session, actor, field_name, MISSING_ID)


def test_draft_needs_no_sent_date(client: TestClient, session: Session, actor: Any) -> None:
    body = {**payload(session, actor), "status": "draft", "sent_on": None}
    assert client.post("/api/v1/records-requests", json=body).status_code == 201
