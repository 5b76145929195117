"""JSON API of media contacts and press coverage."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import MISSING_ID, CrudContract, Spec, refused_reference
from tests.factories import make_campaign, make_media_contact, make_press_hit, unique


def contact(session: Session, actor: Any) -> dict[str, Any]:
    return {"name": unique("Jo Writer"), "outlet": "Valley Ledger", "beat": "City hall",
            "email": "jo@ledger.example", "phone": "555-0150", "notes": "Prefers Signal."}


def press_hit(session: Session, actor: Any) -> dict[str, Any]:
    return {"title": unique("Council delays camera vote"), "outlet": "Valley Ledger",
            "url": "https://ledger.example/cameras", "published_on": "2026-02-20",
            "campaign_id": make_campaign(session, actor).id,
            "media_contact_id": make_media_contact(session, actor).id,
            "summary": "Quotes our spokesperson."}


class TestMediaContacts(CrudContract):
    spec = Spec(
        path="/api/v1/media-contacts", payload=contact,
        rows=({"name": "Ari Pen"}, {"name": "Bo Ink", "beat": "Police"}, {"name": "Cam Quill"}),
        sort="name", q="police", filter=None,
        patch={"outlet": "Metro Daily"},
        bad_patch=({"email": "jo@"}, "email"),
        invalid=[({"email": "nobody"}, "email"), ({"outlet": "o" * 201}, "outlet")],
    )
    # Reporters are found by search; the list has no filters.
    test_filter = None


class TestPressHits(CrudContract):
    spec = Spec(
        path="/api/v1/press-hits", payload=press_hit,
        rows=({"published_on": "2026-02-01"},
              {"published_on": "2026-01-01", "summary": "Editorial board backs the ban"},
              {"published_on": "2026-03-01"}),
        sort="published_on", q="editorial", filter="campaign_id",
        patch={"summary": "Front page."},
        bad_patch=({"url": "ledger.example"}, "url"),
        invalid=[({"published_on": "2026-02-30"}, "published_on"), ({"title": None}, "title")],
    )


@pytest.mark.parametrize("field_name", ["campaign_id", "media_contact_id"])
def test_missing_references(client: TestClient, session: Session, actor: Any,
                            field_name: str) -> None:
    refused_reference(client, TestPressHits.spec, session, actor, field_name, MISSING_ID)


def test_deleting_a_reporter_keeps_the_coverage(client: TestClient, session: Session,
                                                actor: Any) -> None:
    hit = make_press_hit(session, actor, media_contact_id=make_media_contact(session, actor).id)
    assert client.delete(f"/api/v1/media-contacts/{hit.media_contact_id}").status_code == 204
    assert client.get(f"/api/v1/press-hits/{hit.id}").json()["media_contact_id"] is None


def test_list_by_date(client: TestClient, session: Session, actor: Any) -> None:
    campaign = make_campaign(session, actor)
    inside = make_press_hit(session, actor, campaign_id=campaign.id, published_on="2026-02-10")
    make_press_hit(session, actor, campaign_id=campaign.id, published_on="2026-03-10")
    page = client.get("/api/v1/press-hits", params={"campaign_id": campaign.id,
                                                    "date_to": "2026-02-28"}).json()
    assert [item["id"] for item in page["items"]] == [inside.id]
