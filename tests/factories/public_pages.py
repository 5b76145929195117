"""A campaign with a record of each kind its public page may show, at the "public" tier and
below, each named with a marker so a leak is found in any page."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.bodies import service as bodies
from api.bodies.models import BodyUpdate
from api.public_pages.models import ShownKind
from api.targets import service as targets
from tests import factories as f
from tests.factories.coalition import marker

# The ground's council takes written comments until noon the day before a meeting, and speaker
# cards until a quarter past its start.
COMMENT_RULES = {"comment_deadline": "time_days_before", "comment_days_before": 1,
                 "comment_due_time": "12:00", "comment_send_to": "clerk@riverbend.example",
                 "speaker_signup": "Fill in a speaker card at the door.",
                 "speaker_signup_closes": 15}


def with_comment_rules(session: Session, actor: Any) -> "Ground":
    """The ground, its council's public-comment rules set."""
    made = make_ground(session, actor)
    bodies.crud.update(session, actor, made.body.id, BodyUpdate(**COMMENT_RULES))
    session.commit()
    return made


@dataclass
class Ground:
    campaign: Any
    body: Any
    # Per kind, the public record's id and marker, and the markers of those shared less widely.
    public: dict[ShownKind, tuple[int, str]] = field(default_factory=dict)
    hidden: dict[ShownKind, list[tuple[int, str]]] = field(default_factory=dict)
    # What the coalition wrote for itself: the campaign's description, notes on records and
    # asks, stance notes.
    coalition_only: list[str] = field(default_factory=list)
    # The public decision-maker's office address, which the page and kit show.
    public_office: str = ""
    hidden_offices: list[str] = field(default_factory=list)


def publish(lead: TestClient, ground: Ground, slug: str, *, publish: bool = True) -> None:
    """The leads choose every public record of the ground for the page at the address (the
    vote with a note), then publish it unless told not to."""
    picks = [f"{kind.value}:{ground.public[kind][0]}" for kind in ShownKind]
    vote_id = ground.public[ShownKind.vote][0]
    saved = lead.post(f"/campaigns/{ground.campaign.id}/public", follow_redirects=False, data={
        "slug": slug, "intro": "Cameras log every car.", "pick": picks, "show_stances": "on",
        f"note:vote:{vote_id}": "Bring a friend."})
    assert saved.status_code == 303, saved.text
    if publish:
        assert lead.post(f"/campaigns/{ground.campaign.id}/public/publish",
                         follow_redirects=False).status_code == 303


def make_ground(session: Session, actor: Any) -> Ground:
    own: list[str] = []

    def note() -> str:
        own.append(marker())
        return own[-1]

    place = f.make_jurisdiction(session, actor, name="Riverbend", timezone="America/Chicago")
    body = f.make_body(session, actor, name="Riverbend Council", jurisdiction_id=place.id,
                       seats=7, majority_needed=4)
    campaign = f.make_campaign(session, actor, name="Riverbend: No Cameras",
                               jurisdiction_id=place.id,
                               description=f"strategy {note()}",
                               policy_asks=[{"ask": "retention_limit", "note": note()},
                                            {"ask": "no_immigration_use", "won": True}])
    org = f.make_organization(session, actor, name="Riverbend Privacy")
    ground = Ground(campaign=campaign, body=body, coalition_only=own)
    agency_public = None
    for vis in ("public", "coalition", "leads", "private"):
        owned = {"visibility": vis, "owner_organization_id": org.id}
        made: dict[ShownKind, tuple[int, str]] = {}
        m = marker()
        office = f"Room {marker()}, City Hall"
        target = f.make_target(session, actor, name=f"Member {m}", body_id=body.id,
                               notes=note(), email=f"member.{vis}@riverbend.example",
                               phone="(312) 555-0140", office_address=office, **owned)
        if vis == "public":
            ground.public_office = office
        else:
            ground.hidden_offices.append(office)
        targets.set_stance(session, actor, target_id=target.id, campaign_id=campaign.id,
                           level="leaning_yes", source="public_statement", note=note())
        made[ShownKind.target] = (target.id, m)
        m = marker()
        vote = f.make_vote(session, actor, title=f"Vote {m}", body_id=body.id,
                           campaign_id=campaign.id, location="City Hall",
                           scheduled_at=datetime(2026, 3, 12, 18, 0), notes=note(), **owned)
        made[ShownKind.vote] = (vote.id, m)
        m = marker()
        agency = f.make_agency(session, actor, name=f"Agency {m}", jurisdiction_id=place.id,
                               fixed_cameras=41, notes=note(), **owned)
        agency_public = agency_public or agency
        made[ShownKind.agency] = (agency.id, m)
        m = marker()
        contract = f.make_contract(session, actor, title=f"Contract {m}",
                                   agency_id=agency_public.id, annual_cost=125000,
                                   start_date=date(2024, 1, 1), end_date=date(2026, 12, 31),
                                   notes=note(), **owned)
        made[ShownKind.contract] = (contract.id, m)
        m = marker()
        request = f.make_records_request(session, actor, subject=f"Request {m}",
                                         agency_id=agency_public.id, campaign_id=campaign.id,
                                         requester_organization_id=org.id, visibility=vis,
                                         notes=note())
        made[ShownKind.records_request] = (request.id, m)
        m = marker()
        story = f.make_press_hit(session, actor, title=f"Story {m}", campaign_id=campaign.id,
                                 summary=note(), outlet="The Gazette",
                                 url="https://news.example/story",
                                 published_on=date(2026, 2, 1), **owned)
        made[ShownKind.press_hit] = (story.id, m)
        for kind, found in made.items():
            if vis == "public":
                ground.public[kind] = found
            else:
                ground.hidden.setdefault(kind, []).append(found)
    session.commit()
    return ground
