"""What a private meeting observed goes with it: deleting the meeting does not leave its stance
changes behind to be read with the target alone, by readers the meeting was never shared with;
and the stance copy the planner keeps writes nothing to the audit log a lead reads."""

from datetime import UTC, timedelta
from typing import Any

from sqlmodel import Session

from api import clock
from api.auth.models import Role
from tests.factories import make_campaign, make_organization, make_target


def test_deleting_a_private_meeting_tells_nobody_what_it_observed(
        client_as: Any, session: Session, actor: Any) -> None:
    ours, theirs = make_organization(session, actor), make_organization(session, actor)
    target = make_target(session, actor, visibility="coalition")
    campaign = make_campaign(session, actor)
    member = client_as(Role.partner, organization_id=ours.id)
    outsider = client_as(Role.partner, organization_id=theirs.id)
    lead = client_as(Role.lead)
    held = (clock.now() - timedelta(days=1)).astimezone(UTC).isoformat()
    made = member.post("/api/v1/meetings", json={
        "held_at": held, "campaign_id": campaign.id, "visibility": "private",
        "target_ids": [target.id], "summary": "Coffee",
        "stances_observed": [{"target_id": target.id, "level": "champion",
                              "note": "QUIETWORD is with us"}]})
    assert made.status_code == 201, made.text
    history = f"/api/v1/targets/{target.id}/stance-history"
    assert "QUIETWORD" in member.get(history).text
    assert member.delete(f"/api/v1/meetings/{made.json()['id']}").status_code == 204
    for reader in (member, outsider, lead):
        assert "QUIETWORD" not in reader.get(history).text
        assert "champion" not in reader.get(f"/targets/{target.id}").text
    audit = lead.get("/api/v1/audit", params={"record_kind": "stance"})
    assert audit.status_code == 200 and "champion" not in audit.text
