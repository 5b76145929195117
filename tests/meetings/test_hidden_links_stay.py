"""Someone who edits a shared record's links changes only the links they can see: a lead who
sets a partner's shared meeting's decision-makers keeps the partner's link to its private
target, which the lead was never shown."""

from datetime import timedelta
from typing import Any

from sqlmodel import Session

from api import clock
from api.auth.models import Role
from tests.factories import make_organization, make_target


def test_a_lead_edit_keeps_a_link_the_lead_cannot_see(client_as: Any, session: Session,
                                                       actor: Any) -> None:
    ours = make_organization(session, actor)
    private = make_target(session, actor, owner_organization_id=ours.id, visibility="private")
    shared, other = (make_target(session, actor, visibility="coalition") for _ in range(2))
    member = client_as(Role.partner, organization_id=ours.id)
    lead = client_as(Role.lead)
    made = member.post("/api/v1/meetings", json={
        "held_at": (clock.now() - timedelta(days=1)).isoformat(), "visibility": "coalition",
        "target_ids": [private.id, shared.id], "summary": "Hallway talk"})
    assert made.status_code == 201, made.text
    url = f"/api/v1/meetings/{made.json()['id']}"
    assert lead.get(url).json()["target_ids"] == [shared.id]
    changed = lead.patch(url, json={"target_ids": [other.id]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["target_ids"] == [other.id]
    assert sorted(member.get(url).json()["target_ids"]) == sorted([private.id, other.id])
