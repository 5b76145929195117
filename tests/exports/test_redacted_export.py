"""A campaign's redacted export holds exactly the records shared at or above the chosen tier that
the exporter may read (a partner: only its own organization's), derived facts only from those,
a summary page that is escaped and self-contained, and formula-safe CSV files."""

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.web.html import fragment, is_full_page

TIERS = ["private", "leads", "coalition", "public"]
KINDS = ["meeting", "action", "task", "request", "target", "person", "document"]
STANCE_PRIVATE = "MarkStancePrivateEnd"
STANCE_PUBLIC = "MarkStancePublicEnd"
PRIVATE_NOTE = "MarkPrivateNoteEnd"
SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
FORMULA = "=2+5+cmd|' /C calc'!A0"
PRIVATE_DAY = datetime(2025, 12, 7, 18, 0, tzinfo=UTC)
PUBLIC_DAY = datetime(2026, 1, 20, 18, 0, tzinfo=UTC)


class Tags(HTMLParser):
    """The elements and attributes of a page, and the text of its style elements."""

    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()
        self.attributes: set[str] = set()
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.add(tag)
        self.attributes |= {name for name, _ in attrs}
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data


def mark(org: str, kind: str, tier: str) -> str:
    return f"Mark{org}{kind}{tier}End"


def at_or_above(tier: str) -> list[str]:
    return TIERS[TIERS.index(tier):]


class World:
    campaign: Any
    orgs: dict[str, Any]
    targets: dict[tuple[str, str], Any]


@pytest.fixture
def world(session: Session, actor: Any, frozen_now: datetime) -> World:
    """Organizations A and B each hold a record of every owned kind at every tier on one
    campaign, with the government facts around it; A also saw a stance in a private meeting."""
    place = f.make_jurisdiction(session, actor, name="Riverton", timezone="America/Los_Angeles")
    body = f.make_body(session, actor, name="Riverton City Council", jurisdiction_id=place.id)
    # The government facts are public, so they go out at every tier.
    police = f.make_agency(session, actor, name="Riverton PD", jurisdiction_id=place.id,
                           policy_url="https://police.example/policy", visibility="public")
    vendor = f.make_vendor(session, actor, name="Plate Cameras Inc")
    contract = f.make_contract(session, actor, title="Riverton ALPR renewal",
                               agency_id=police.id, vendor_id=vendor.id, visibility="public")
    campaign = f.make_campaign(
        session, actor, name="No Cameras in Riverton", jurisdiction_id=place.id,
        description=f"Stop the renewal {IMAGE}",
        policy_asks=[{"ask": "no_immigration_use", "note": "Never for ICE"}])
    f.make_vote(session, actor, title="Renewal of the camera contract", body_id=body.id,
                campaign_id=campaign.id, contract_id=contract.id,
                agenda_url="https://city.example/agenda/7", visibility="public")
    world = World()
    world.campaign = campaign
    world.orgs = {name: f.make_organization(session, actor, name=f"Org {name}")
                  for name in ("A", "B")}
    world.targets = {}
    for name, org in world.orgs.items():
        people = []
        for tier in TIERS:
            owner = {"owner_organization_id": org.id, "visibility": tier}
            world.targets[(name, tier)] = f.make_target(
                session, actor, name=mark(name, "target", tier), body_id=body.id, **owner)
            people.append(f.make_person(
                session, actor, name=mark(name, "person", tier),
                email=f"contact-{name}-{tier}@people.example".lower(), phone="555-0142",
                **owner).id)
            f.make_meeting(session, actor, campaign_id=campaign.id, organization_id=org.id,
                           visibility=tier, summary=mark(name, "meeting", tier))
            f.make_action(session, actor, campaign_id=campaign.id,
                          title=mark(name, "action", tier), **owner)
            f.make_task(session, actor, campaign_id=campaign.id, title=mark(name, "task", tier),
                        **owner)
            f.make_records_request(session, actor, agency_id=police.id,
                                   campaign_id=campaign.id, requester_organization_id=org.id,
                                   visibility=tier, subject=mark(name, "request", tier))
            f.make_document(session, actor, attached_kind="campaign", attached_id=campaign.id,
                            description=mark(name, "document", tier), **owner)
        # People reach a campaign by attending its meetings; notes on it stay with the org.
        f.make_meeting(session, actor, campaign_id=campaign.id, organization_id=org.id,
                       visibility="public", summary=f"Open house of {name}",
                       attendee_ids=people, private_notes=PRIVATE_NOTE)
    a = world.orgs["A"]
    shared_target = world.targets[("A", "public")]
    f.make_meeting(session, actor, campaign_id=campaign.id, organization_id=a.id,
                   visibility="private", held_at=PRIVATE_DAY, summary="Coffee",
                   target_ids=[shared_target.id],
                   stances_observed=[{"target_id": shared_target.id, "level": "leaning_yes",
                                      "note": STANCE_PRIVATE}])
    f.make_meeting(session, actor, campaign_id=campaign.id, organization_id=a.id,
                   visibility="public", held_at=PUBLIC_DAY, summary="Town hall",
                   target_ids=[shared_target.id],
                   stances_observed=[{"target_id": shared_target.id, "level": "opposed",
                                      "note": STANCE_PUBLIC}])
    f.make_action(session, actor, campaign_id=campaign.id, title=SCRIPT,
                  owner_organization_id=a.id, visibility="public")
    f.make_action(session, actor, campaign_id=campaign.id, title=FORMULA,
                  owner_organization_id=a.id, visibility="public")
    session.commit()
    return world


def export(client: TestClient, world: World, tier: str) -> dict[str, str]:
    response = client.get(f"/api/v1/campaigns/{world.campaign.id}/export.zip",
                          params={"tier": tier})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert f"-{tier}-2026-03-02.zip" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def rows(files: dict[str, str], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name])))


def everything(files: dict[str, str]) -> str:
    return "\n".join(files.values())


def expected_markers(exporter_org: str | None, tier: str) -> tuple[set[str], set[str]]:
    """What the export must hold and what it must not: every organization's records for a lead
    (exporter_org None), only its own for a partner; either way only at or above the tier."""
    shown, hidden = set(), {STANCE_PRIVATE, PRIVATE_NOTE}
    for org in ("A", "B"):
        for kind in KINDS:
            for level in TIERS:
                wanted = level in at_or_above(tier) and exporter_org in (None, org)
                (shown if wanted else hidden).add(mark(org, kind, level))
    (shown if exporter_org in (None, "A") else hidden).add(STANCE_PUBLIC)
    return shown, hidden


@pytest.mark.parametrize("tier", ["public", "coalition", "leads"])
def test_each_tier_holds_exactly_what_is_shared_that_widely(
        world: World, client: TestClient, client_as: Callable[..., TestClient],
        tier: str) -> None:
    exporters = {None: client_as("lead"),
                 "A": client_as("partner", organization_id=world.orgs["A"].id),
                 "B": client_as("partner", organization_id=world.orgs["B"].id)}
    for org, exporter in exporters.items():
        text = everything(export(exporter, world, tier))
        shown, hidden = expected_markers(org, tier)
        assert sorted(m for m in shown if m not in text) == [], (org, tier)
        assert sorted(m for m in hidden if m in text) == [], (org, tier)
    # An administrator exports as a lead does: never a private record, whoever owns it.
    text = everything(export(client, world, tier))
    shown, hidden = expected_markers(None, tier)
    assert all(m in text for m in shown) and not any(m in text for m in hidden)


def test_derived_facts_come_only_from_exported_sources(world: World,
                                                      client_as: Callable[..., TestClient]) -> None:
    partner = client_as("partner", organization_id=world.orgs["A"].id)
    files = export(partner, world, "public")
    # The partner may read its private meeting, yet nothing of it leaves: not its stance, not
    # the stance it moved from, not its day as "last met".
    assert "2025-12-07" not in everything(files) and "Dec 7, 2025" not in everything(files)
    target = mark("A", "target", "public")
    changes = [r for r in rows(files, "stance_changes.csv") if r["Decision-maker"] == target]
    assert [(r["Stance before"], r["Stance after"], r["Note"]) for r in changes] == \
        [("not known", "against us", STANCE_PUBLIC)]
    listed = {r["Name"]: r for r in rows(files, "targets.csv")}
    assert listed[target]["Stance"] == "against us"
    assert listed[target]["Last met"].startswith("2026-01-20T10:00")
    # Counted from exported meetings only: the two open ones and the town hall.
    assert len(rows(files, "meetings.csv")) == 3
    assert "Meetings with decision-makers shared at this tier: 3." in files["summary.html"]
    # The government facts go in whoever exports; organizations and accounts do not.
    assert "Riverton ALPR renewal" in files["summary.html"]
    assert "Renewal of the camera contract" in files["summary.html"]
    assert "Org A" not in everything(files) and "Org B" not in everything(files)


def test_contact_details_stay_out_of_the_public_tier(world: World,
                                                     client_as: Callable[..., TestClient]) -> None:
    lead = client_as("lead")
    public = everything(export(lead, world, "public"))
    assert "@people.example" not in public and "555-0142" not in public
    coalition = rows(export(lead, world, "coalition"), "people.csv")
    emails = {r["Email"] for r in coalition}
    assert emails == {f"contact-{org}-{tier}@people.example".lower()
                      for org in ("A", "B") for tier in ("coalition", "public")}


def test_the_summary_is_escaped_and_self_contained(world: World,
                                                   client_as: Callable[..., TestClient]) -> None:
    html = export(client_as("lead"), world, "public")["summary.html"]
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script" not in html.lower()
    # Nothing is fetched from anywhere: not even the URLs the records hold are in it.
    assert "http://" not in html and "https://" not in html
    tags = Tags()
    tags.feed(html)
    assert not tags.found & {"script", "link", "img", "iframe", "object", "embed", "base"}
    assert not tags.attributes & {"src", "srcset", "href", "action", "formaction", "style"}
    assert not any(word in tags.style for word in ("url(", "@import"))
    assert "Public: anyone" in html and "Mar 2, 2026, 9:00 AM PST" in html
    assert "No use for immigration enforcement" in html and "Never for ICE" in html


def test_csv_cells_are_formula_escaped(world: World, client_as: Callable[..., TestClient]) -> None:
    files = export(client_as("lead"), world, "public")
    titles = {r["Title"] for r in rows(files, "actions.csv")}
    assert "'" + FORMULA in titles and FORMULA not in titles


def test_who_may_export_and_what_they_may_ask(world: World, anon_client: TestClient,
                                              client_as: Callable[..., TestClient]) -> None:
    url = f"/api/v1/campaigns/{world.campaign.id}/export.zip"
    viewer = client_as("viewer", organization_id=world.orgs["A"].id)
    assert viewer.get(url).status_code == 403
    assert anon_client.get(url).status_code == 401
    lead = client_as("lead")
    missing = lead.get(f"/api/v1/campaigns/{world.campaign.id + 100_000}/export.zip")
    assert missing.status_code == 404
    for bad in ("secret", "private"):
        refused = lead.get(url, params={"tier": bad})
        assert refused.status_code == 422, bad
        assert "public, coalition or leads" in refused.json()["detail"]
    default = lead.get(url)
    assert default.status_code == 200 and "-public-" in default.headers["content-disposition"]


def test_the_campaign_page_offers_the_export_to_those_who_may(
        world: World, client_as: Callable[..., TestClient]) -> None:
    page = f"/campaigns/{world.campaign.id}"
    form = f'action="/api/v1/campaigns/{world.campaign.id}/export.zip"'
    lead = client_as("lead")
    full = lead.get(page)
    assert full.status_code == 200 and is_full_page(full.text)
    assert form in full.text
    for words in ("Public: anyone", "The whole coalition", "Coalition leads"):
        assert words in full.text
    part = fragment(lead, page)
    assert part.status_code == 200 and form in part.text
    partner = client_as("partner", organization_id=world.orgs["A"].id).get(page).text
    assert form in partner and "only your organization's records go in" in partner
    viewer = client_as("viewer", organization_id=world.orgs["A"].id)
    for response in (viewer.get(page), fragment(viewer, page)):
        assert response.status_code == 200 and form not in response.text
