"""JSON API of campaigns and their lead organizations."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import MISSING_ID, CrudContract, Spec, problem, refused_reference
from tests.factories import make_campaign, make_jurisdiction, make_organization, unique


def payload(session: Session, actor: Any) -> dict[str, Any]:
    return {"name": unique("No Renewal"), "jurisdiction_id": make_jurisdiction(session, actor).id,
            "goal": "cancel_renewal", "status": "active", "description": "Stop the renewal.",
            "policy_asks": [{"ask": "retention_limit", "won": False, "note": "24 hours"},
                            {"ask": "no_immigration_use", "won": True, "note": ""}],
            "start_date": "2026-01-15", "target_date": "2026-06-30",
            "lead_organization_ids": [make_organization(session, actor).id]}


class TestCampaigns(CrudContract):
    spec = Spec(
        path="/api/v1/campaigns", payload=payload,
        rows=({"name": "Audit the Cameras", "goal": "restrict_use"},
              {"name": "Ban the Readers", "goal": "ban_alpr"},
              {"name": "Cut the Contract", "goal": "ban_alpr"}),
        sort="name", q="readers", filter="goal",
        patch={"status": "won", "policy_asks": [{"ask": "search_audits", "won": True,
                                                 "note": "Passed 5-2"}]},
        bad_patch=({"target_date": "2025-01-01"}, "target_date"),
        invalid=[({"policy_asks": [{"ask": "search_audits"}, {"ask": "search_audits"}]},
                  "policy_asks"),
                 ({"policy_asks": [{"ask": "world_peace"}]}, "policy_asks.0.ask"),
                 ({"goal": "win"}, "goal"), ({"lead_organization_ids": [0]},
                                             "lead_organization_ids.0"),
                 ({"lead_organization_ids": list(range(1, 202))}, "lead_organization_ids")],
    )


def test_missing_jurisdiction(client: TestClient, session: Session, actor: Any) -> None:
    refused_reference(client, TestCampaigns.spec, session, actor, "jurisdiction_id", MISSING_ID)


def test_lead_organizations(client: TestClient, session: Session, actor: Any) -> None:
    one, two, three = (make_organization(session, actor) for _ in range(3))
    body = {**payload(session, actor), "lead_organization_ids": [three.id, one.id, one.id]}
    created = client.post("/api/v1/campaigns", json=body).json()
    assert created["lead_organization_ids"] == [one.id, three.id]
    url = f"/api/v1/campaigns/{created['id']}"
    changed = client.patch(url, json={"lead_organization_ids": [two.id]}).json()
    assert changed["lead_organization_ids"] == [two.id]
    kept = client.patch(url, json={"status": "paused"}).json()
    assert kept["lead_organization_ids"] == [two.id]
    body = problem(client.patch(url, json={"lead_organization_ids": [two.id, MISSING_ID]}),
                   422, "lead_organization_ids")
    assert str(MISSING_ID) in body["detail"]
    assert client.get(url).json()["lead_organization_ids"] == [two.id]
    assert client.delete(f"/api/v1/organizations/{two.id}").status_code == 204
    assert client.get(url).json()["lead_organization_ids"] == []


def test_deleting_a_campaign_with_lead_organizations(client: TestClient, session: Session,
                                                     actor: Any) -> None:
    org = make_organization(session, actor)
    campaign = make_campaign(session, actor, lead_organization_ids=[org.id])
    assert client.delete(f"/api/v1/campaigns/{campaign.id}").status_code == 204
    assert client.get(f"/api/v1/organizations/{org.id}").status_code == 200
