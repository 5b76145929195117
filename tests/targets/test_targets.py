"""JSON API of targets and their stances on each campaign, with the history of every change."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import MISSING_ID, CrudContract, Spec, problem, refused_reference
from tests.factories import make_body, make_campaign, make_organization, make_target, unique


def payload(session: Session, actor: Any) -> dict[str, Any]:
    return {"name": unique("Dana Reyes"), "title": "supervisor",
            "body_id": make_body(session, actor).id, "district": "District 3",
            "term_ends": "2028-12-31", "email": "dreyes@county.example", "phone": "555-0110",
            "website": "https://county.example/reyes", "staffers": "Sam (scheduler)",
            "owner_organization_id": make_organization(session, actor).id, "notes": "Swing vote."}


class TestTargets(CrudContract):
    spec = Spec(
        path="/api/v1/targets", payload=payload,
        rows=({"name": "Avery Stone", "title": "mayor"},
              {"name": "Blake Moss", "title": "council_member", "district": "Ward 9"},
              {"name": "Casey Lund", "title": "council_member"}),
        sort="name", q="ward 9", filter="title",
        patch={"district": "District 4", "term_ends": "2030-12-31"},
        bad_patch=({"term_ends": "2026-02-30"}, "term_ends"),
        invalid=[({"email": "reyes at county"}, "email"), ({"title": "king"}, "title"),
                 ({"website": "not a link"}, "website"), ({"name": "\t"}, "name")],
    )


@pytest.mark.parametrize("field_name", ["body_id", "owner_organization_id"])
def test_missing_references(client: TestClient, session: Session, actor: Any,
                            field_name: str) -> None:
    refused_reference(client, TestTargets.spec, session, actor, field_name, MISSING_ID)


def test_stance_changes_are_kept(client: TestClient, session: Session, actor: Any,
                                 admin: Any) -> None:
    target = make_target(session, actor)
    campaign = make_campaign(session, actor)
    url = f"/api/v1/targets/{target.id}/stances/{campaign.id}"
    first = client.put(url, json={"level": "leaning_yes", "source": "public_statement",
                                  "note": "Said so at the forum."})
    assert first.status_code == 200, first.text
    assert (first.json()["level"], first.json()["campaign_id"]) == ("leaning_yes", campaign.id)
    assert client.put(url, json={"level": "opposed"}).json()["level"] == "opposed"

    current = client.get(f"/api/v1/targets/{target.id}/stances").json()
    assert [(s["campaign_id"], s["level"]) for s in current] == [(campaign.id, "opposed")]
    by_campaign = client.get("/api/v1/stances", params={"campaign_id": campaign.id}).json()
    assert [(s["target_id"], s["level"]) for s in by_campaign] == [(target.id, "opposed")]

    history = client.get(f"/api/v1/targets/{target.id}/stance-history").json()
    assert [(h["from_level"], h["to_level"], h["source"]) for h in history] == [
        ("leaning_yes", "opposed", "other"),
        ("unknown", "leaning_yes", "public_statement"),
    ]
    assert history[1]["note"] == "Said so at the forum."
    # Recorded by whoever made the change through the API: the signed-in administrator.
    assert history[0]["recorded_by_id"] == admin.id


def test_stance_history_by_campaign(client: TestClient, session: Session, actor: Any) -> None:
    target = make_target(session, actor)
    one, two = make_campaign(session, actor), make_campaign(session, actor)
    for campaign, level in ((one, "champion"), (two, "undecided")):
        client.put(f"/api/v1/targets/{target.id}/stances/{campaign.id}", json={"level": level})
    history = client.get(f"/api/v1/targets/{target.id}/stance-history",
                         params={"campaign_id": two.id}).json()
    assert [(h["campaign_id"], h["to_level"]) for h in history] == [(two.id, "undecided")]


def test_stance_errors(client: TestClient, session: Session, actor: Any) -> None:
    target = make_target(session, actor)
    campaign = make_campaign(session, actor)
    problem(client.put(f"/api/v1/targets/{MISSING_ID}/stances/{campaign.id}",
                       json={"level": "champion"}), 404)
    problem(client.put(f"/api/v1/targets/{target.id}/stances/{MISSING_ID}",
                       json={"level": "champion"}), 404)
    problem(client.put(f"/api/v1/targets/{target.id}/stances/{campaign.id}",
                       json={"level": "ecstatic"}), 422, "level")
    problem(client.put(f"/api/v1/targets/{target.id}/stances/{campaign.id}",
                       json={"level": "champion", "source": "rumour"}), 422, "source")
    problem(client.get(f"/api/v1/targets/{MISSING_ID}/stance-history"), 404)
    problem(client.get(f"/api/v1/targets/{MISSING_ID}/stances"), 404)
    assert client.get(f"/api/v1/targets/{target.id}/stance-history").json() == []


def test_deleting_a_body_keeps_its_members(client: TestClient, session: Session,
                                           actor: Any) -> None:
    target = make_target(session, actor, body_id=make_body(session, actor).id)
    assert client.delete(f"/api/v1/bodies/{target.body_id}").status_code == 204
    assert client.get(f"/api/v1/targets/{target.id}").json()["body_id"] is None
