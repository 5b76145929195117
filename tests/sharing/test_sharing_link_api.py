"""A sharing link changed through the JSON API: a field given as null is left as it was or
refused in words, never a server error."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f


@pytest.mark.parametrize("field", ["reported_on", "partner_name", "source_url", "kind"])
def test_a_null_field_in_a_change_is_no_server_error(client: TestClient, session: Session,
                                                     actor: Any, field: str) -> None:
    link = f.make_sharing_link(session, actor)
    session.commit()
    answer = client.patch(f"/api/v1/sharing-links/{link.id}", json={field: None})
    assert answer.status_code in (200, 422), answer.text


def test_a_day_the_calendar_lacks_is_refused_in_a_change(client: TestClient, session: Session,
                                                         actor: Any) -> None:
    link = f.make_sharing_link(session, actor)
    session.commit()
    answer = client.patch(f"/api/v1/sharing-links/{link.id}", json={"reported_on": "2019-02-30"})
    assert answer.status_code == 422


def test_a_link_cites_only_a_document_kept_on_its_agency(client: TestClient, session: Session,
                                                        actor: Any) -> None:
    ours = f.make_agency(session, actor, name="Riverton Police Department")
    other = f.make_agency(session, actor, name="Oakdale Police Department")
    session.commit()
    on_ours = f.make_document(session, actor, attached_kind="agency", attached_id=ours.id)
    on_other = f.make_document(session, actor, attached_kind="agency", attached_id=other.id)
    sent = {"agency_id": ours.id, "partner_name": "Reno PD", "source_kind": "records_request"}
    refused = client.post("/api/v1/sharing-links", json={**sent, "document_id": on_other.id})
    assert refused.status_code == 422 and "kept on this agency" in refused.text
    made = client.post("/api/v1/sharing-links", json={**sent, "document_id": on_ours.id})
    assert made.status_code == 201, made.text
    moved = client.patch(f"/api/v1/sharing-links/{made.json()['id']}",
                         json={"agency_id": other.id})
    assert moved.status_code == 422 and "kept on this agency" in moved.text
    assert client.patch(f"/api/v1/sharing-links/{made.json()['id']}",
                        json={"agency_id": other.id, "document_id": on_other.id}
                        ).status_code == 200
