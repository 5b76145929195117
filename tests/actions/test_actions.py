"""JSON API of campaign actions."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import MISSING_ID, CrudContract, Spec, refused_reference
from tests.factories import make_action, make_campaign, make_organization, make_vote, unique


def payload(session: Session, actor: Any) -> dict[str, Any]:
    campaign = make_campaign(session, actor)
    return {"title": unique("Pack the chambers"), "kind": "rally", "campaign_id": campaign.id,
            "owner_organization_id": make_organization(session, actor).id,
            "vote_id": make_vote(session, actor, campaign_id=campaign.id).id,
            "scheduled_on": "2026-04-14", "status": "planned",
            "description": "Bring signs.", "outcome": ""}


class TestActions(CrudContract):
    spec = Spec(
        path="/api/v1/actions", payload=payload,
        rows=({"scheduled_on": "2026-04-01", "kind": "letter"},
              {"scheduled_on": "2026-03-01", "kind": "op_ed", "description": "Newspaper piece"},
              {"scheduled_on": "2026-05-01", "kind": "op_ed"}),
        sort="scheduled_on", q="newspaper", filter="kind",
        patch={"status": "done", "outcome": "Forty people spoke."},
        bad_patch=({"title": ""}, "title"),
        invalid=[({"kind": "riot"}, "kind"), ({"scheduled_on": "2026-13-01"}, "scheduled_on"),
                 ({"status": "someday"}, "status"), ({"outcome": "\x00"}, "outcome")],
    )


@pytest.mark.parametrize("field_name", ["campaign_id", "owner_organization_id", "vote_id"])
def test_missing_references(client: TestClient, session: Session, actor: Any,
                            field_name: str) -> None:
    refused_reference(client, TestActions.spec, session, actor, field_name, MISSING_ID)


def test_list_by_date(client: TestClient, session: Session, actor: Any) -> None:
    inside = make_action(session, actor, scheduled_on="2026-04-10")
    make_action(session, actor, scheduled_on="2026-06-10")
    page = client.get("/api/v1/actions",
                      params={"date_from": "2026-04-01", "date_to": "2026-04-30"}).json()
    assert [item["id"] for item in page["items"]] == [inside.id]
