"""A partner exports what its organization shares, at a tier it picks: exactly its own records
shared at least that widely, never its private ones or another organization's, never its
notes kept for itself; only its members and administrators may ask, for a tier that exists."""

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.exports.test_redacted_export import Tags
from tests.web.html import fragment, is_full_page, plain

TIERS = ["private", "leads", "coalition", "public"]
KINDS = ["meeting", "action", "task", "request", "target", "person", "document", "vote",
         "agency", "contract", "reporter", "story", "evidence", "elsewhere", "link"]
KEPT = "MarkKeptForOurselvesEnd"
SEEN_PRIVATE = "MarkSeenInPrivateEnd"
SEEN_PUBLIC = "MarkSeenInPublicEnd"
SCRIPT = "<script>alert(1)</script>"


def mark(org: str, kind: str, tier: str) -> str:
    return f"Mark{org}{kind}{tier}End"


class World:
    orgs: dict[str, Any]
    council: Any


@pytest.fixture
def world(session: Session, actor: Any, frozen_now: datetime) -> World:
    """Organizations A and B each hold a record of every owned kind at every tier; A met a
    public council member twice, once in private, and kept notes for itself."""
    place = f.make_jurisdiction(session, actor, name="Riverton", timezone="America/Los_Angeles")
    body = f.make_body(session, actor, name="Riverton City Council", jurisdiction_id=place.id)
    police = f.make_agency(session, actor, name="Riverton PD", jurisdiction_id=place.id)
    campaign = f.make_campaign(session, actor, name="No Cameras", jurisdiction_id=place.id)
    world = World()
    world.orgs = {name: f.make_organization(session, actor, name=f"Org {name}")
                  for name in ("A", "B")}
    world.council = f.make_target(session, actor, name="Council Member Ruiz", body_id=body.id,
                                  visibility="public")
    for name, org in world.orgs.items():
        for tier in TIERS:
            owner = {"owner_organization_id": org.id, "visibility": tier}
            f.make_target(session, actor, name=mark(name, "target", tier), body_id=body.id,
                          email=f"{name}-{tier}@office.example".lower(), **owner)
            person = f.make_person(session, actor, name=mark(name, "person", tier),
                                   email=f"{name}-{tier}@people.example".lower(), **owner)
            f.make_meeting(session, actor, campaign_id=campaign.id, organization_id=org.id,
                           visibility=tier, summary=mark(name, "meeting", tier),
                           attendee_ids=[person.id], private_notes=KEPT)
            f.make_action(session, actor, campaign_id=campaign.id,
                          title=mark(name, "action", tier), **owner)
            f.make_task(session, actor, title=mark(name, "task", tier), **owner)
            f.make_records_request(session, actor, agency_id=police.id,
                                   requester_organization_id=org.id, visibility=tier,
                                   subject=mark(name, "request", tier))
            f.make_document(session, actor, attached_kind="campaign", attached_id=campaign.id,
                            description=mark(name, "document", tier), **owner)
            f.make_vote(session, actor, title=mark(name, "vote", tier), body_id=body.id,
                        campaign_id=campaign.id, **owner)
            agency = f.make_agency(session, actor, name=mark(name, "agency", tier), **owner)
            f.make_contract(session, actor, title=mark(name, "contract", tier),
                            agency_id=agency.id, **owner)
            f.make_media_contact(session, actor, name=mark(name, "reporter", tier),
                                 email=f"{name}-{tier}@press.example".lower(), **owner)
            f.make_press_hit(session, actor, title=mark(name, "story", tier), **owner)
            f.make_evidence_entry(session, actor, title=mark(name, "evidence", tier),
                                  agency_id=police.id, **owner)
            f.make_known_outcome(session, actor, place=mark(name, "elsewhere", tier), **owner)
            f.make_sharing_link(session, actor, agency_id=police.id,
                                partner_name=mark(name, "link", tier), **owner)
    a = world.orgs["A"]
    f.make_meeting(session, actor, campaign_id=campaign.id, organization_id=a.id,
                   visibility="private", held_at=datetime(2026, 2, 3, 18, tzinfo=UTC),
                   summary="Coffee", target_ids=[world.council.id],
                   stances_observed=[{"target_id": world.council.id, "level": "opposed",
                                      "note": SEEN_PRIVATE}])
    f.make_meeting(session, actor, campaign_id=campaign.id, organization_id=a.id,
                   visibility="public", held_at=datetime(2026, 1, 20, 18, tzinfo=UTC),
                   summary="Town hall", target_ids=[world.council.id],
                   stances_observed=[{"target_id": world.council.id, "level": "leaning_yes",
                                      "note": SEEN_PUBLIC}])
    f.make_action(session, actor, title=SCRIPT, owner_organization_id=a.id,
                  visibility="public")
    session.commit()
    return world


def url(world: World, org: str = "A") -> str:
    return f"/api/v1/organizations/{world.orgs[org].id}/shared-export.zip"


def export(client: TestClient, world: World, tier: str) -> dict[str, str]:
    response = client.get(url(world), params={"tier": tier})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "no-store"
    assert f'org-a-shared-{tier}-2026-03-02.zip"' in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def rows(files: dict[str, str], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name])))


@pytest.mark.parametrize("tier", ["public", "coalition", "leads"])
def test_each_tier_holds_exactly_our_records_shared_that_widely(
        world: World, client: TestClient, client_as: Callable[..., TestClient],
        tier: str) -> None:
    member = client_as("partner", organization_id=world.orgs["A"].id)
    for exporter in (member, client):
        files = export(exporter, world, tier)
        text = "\n".join(files.values())
        wanted = {mark("A", kind, level) for kind in KINDS
                  for level in TIERS[TIERS.index(tier):]}
        left_out = ({mark(org, kind, level) for org in ("A", "B") for kind in KINDS
                     for level in TIERS} - wanted) | {KEPT, SEEN_PRIVATE}
        assert sorted(m for m in wanted if m not in text) == []
        assert sorted(m for m in left_out if m in text) == []
        assert set(files) == {"summary.html", "targets.csv", "stance_changes.csv",
                              "meetings.csv", "actions.csv", "tasks.csv",
                              "records_requests.csv", "people.csv", "documents.csv",
                              "votes.csv", "agencies.csv", "contracts.csv",
                              "media_contacts.csv", "press_hits.csv", "evidence.csv",
                              "outcomes_elsewhere.csv", "sharing_links.csv"}
        # Nothing of the organizations or the accounts: only what the records say.
        assert "Org B" not in text


def test_what_was_seen_and_where_goes_only_with_a_shared_meeting(
        world: World, client_as: Callable[..., TestClient]) -> None:
    files = export(client_as("partner", organization_id=world.orgs["A"].id), world, "public")
    changes = [(r["Decision-maker"], r["Stance before"], r["Stance after"], r["Note"])
               for r in rows(files, "stance_changes.csv")]
    assert changes == [("Council Member Ruiz", "not known", "leaning with us", SEEN_PUBLIC)]
    town_hall = [r for r in rows(files, "meetings.csv") if r["Summary"] == "Town hall"]
    assert [r["Decision-makers"] for r in town_hall] == ["Council Member Ruiz"]
    assert "Coffee" not in "\n".join(files.values())
    # Named, not exported: the council member is nobody's record to hand out.
    assert "Council Member Ruiz" not in {r["Name"] for r in rows(files, "targets.csv")}
    # Attendees are named when their own records go out at the tier.
    attended = {r["Summary"]: r["Attendees"] for r in rows(files, "meetings.csv")}
    assert attended[mark("A", "meeting", "public")] == mark("A", "person", "public")


def test_contact_details_stay_out_of_the_public_tier(
        world: World, client_as: Callable[..., TestClient]) -> None:
    member = client_as("partner", organization_id=world.orgs["A"].id)
    public = "\n".join(export(member, world, "public").values())
    for domain in ("@people.example", "@office.example", "@press.example"):
        assert domain not in public
    coalition = export(member, world, "coalition")
    assert {r["Email"] for r in rows(coalition, "people.csv")} == {
        "a-coalition@people.example", "a-public@people.example"}
    assert {r["Email"] for r in rows(coalition, "media_contacts.csv")} == {
        "a-coalition@press.example", "a-public@press.example"}


def test_the_summary_is_readable_escaped_and_self_contained(
        world: World, client_as: Callable[..., TestClient]) -> None:
    html = export(client_as("partner", organization_id=world.orgs["A"].id), world,
                  "public")["summary.html"]
    assert "Org A: what we share" in html and "Public: anyone" in html
    assert "Jan 20, 2026" in html and "Council Member Ruiz" in html
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Feb 3, 2026" not in html
    tags = Tags()
    tags.feed(html)
    assert not tags.found & {"script", "link", "img", "iframe", "object", "embed", "base"}
    assert not tags.attributes & {"src", "srcset", "href", "action", "formaction", "style"}
    assert '"Segoe UI"' in tags.style


def test_only_its_members_and_administrators_may_export_and_only_at_a_tier(
        world: World, client: TestClient, client_as: Callable[..., TestClient],
        anon_client: TestClient) -> None:
    a, b = world.orgs["A"].id, world.orgs["B"].id
    refused = {"partner of another organization": client_as("partner", organization_id=b),
               "lead of another organization": client_as("lead", organization_id=b),
               "lead of none": client_as("lead"),
               "viewer of the organization": client_as("viewer", organization_id=a)}
    for who, other in refused.items():
        assert other.get(url(world)).status_code == 403, who
    assert anon_client.get(url(world)).status_code == 401
    lead_member = client_as("lead", organization_id=a)
    assert lead_member.get(url(world), params={"tier": "leads"}).status_code == 200
    member = client_as("partner", organization_id=a)
    missing = member.get(f"/api/v1/organizations/{a + b + 100_000}/shared-export.zip")
    assert missing.status_code == 404
    for bad in ("private", "everyone", ""):
        answer = member.get(url(world), params={"tier": bad})
        if bad:
            assert answer.status_code == 422, bad
            assert "public, coalition or leads" in answer.json()["detail"]
        else:
            assert answer.status_code == 200
            assert "-shared-public-" in answer.headers["content-disposition"]
    assert client.get(url(world), params={"tier": "coalition"}).status_code == 200


def test_the_organization_page_offers_it_to_its_members(
        world: World, client_as: Callable[..., TestClient]) -> None:
    page = f"/organizations/{world.orgs['A'].id}"
    form = f'action="{url(world)}"'
    member = client_as("partner", organization_id=world.orgs["A"].id)
    full = member.get(page)
    assert full.status_code == 200 and is_full_page(full.text) and form in full.text
    text = plain(full.text)
    assert "Export what we share" in text
    for words in ("Public: anyone", "The whole coalition", "Coalition leads"):
        assert words in text
    part = fragment(member, page)
    assert part.status_code == 200 and form in part.text
    for other in (client_as("partner", organization_id=world.orgs["B"].id),
                  client_as("viewer", organization_id=world.orgs["A"].id), client_as("lead")):
        assert form not in other.get(page).text
