"""The one place tests make records: plain functions that create each kind through its service,
with sensible defaults a test overrides by keyword, committed so other sessions (the app's, the
alert dispatcher's, a subprocess's) see the record at once. Grounds several tests share are
here too (a campaign with its lead, one record of every kind); the permission tests' coalition,
every sensitive record at every visibility, is tests.factories.coalition."""

import itertools
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api import clock
from api.actions import service as actions
from api.agencies import service as agencies
from api.alerts import service as alerts
from api.alerts.models import AlertDefaultsInstalled
from api.auth import tokens
from api.auth.models import Role, User
from api.bodies import service as bodies
from api.campaigns import service as campaigns
from api.contracts import service as contracts
from api.crud import Crud
from api.db import get_engine
from api.documents import service as documents
from api.documents.models import AttachedTo, DocumentMeta
from api.evidence import service as evidence
from api.jurisdictions import service as jurisdictions
from api.known_outcomes import service as known_outcomes
from api.media import service as media
from api.meetings import service as meetings
from api.organizations import service as organizations
from api.people import service as people
from api.records_requests import service as records_requests
from api.records_requests.models import RecordsRequest
from api.sharing import service as sharing
from api.targets import service as targets
from api.tasks import service as tasks
from api.vendors import service as vendors
from api.votes import service as votes

_serial = itertools.count(1)

# The timezone of a place made for an agency of each state.
ZONES = {"CA": "America/Los_Angeles", "CO": "America/Denver", "TX": "America/Chicago",
         "VT": "America/New_York", "NY": "America/New_York", "PA": "America/New_York",
         "DC": "America/New_York", "US": "America/New_York"}


def unique(prefix: str) -> str:
    """A value no other call returns, for columns that must be unique."""
    return f"{prefix} {next(_serial)}"


def at_noon(day: date) -> None:
    """Freezes the clock at noon UTC on a day (morning in every US zone)."""
    clock.freeze(datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC))


def _create(crud: Crud[Any, Any], session: Session, actor: Any, values: dict[str, Any]) -> Any:
    obj = crud.create(session, actor, crud.create_schema.model_validate(values))
    session.commit()
    return obj


def update(crud: Crud[Any, Any], session: Session, actor: Any, record_id: int,
           **changes: Any) -> Any:
    """Changes a record through its service, committed."""
    obj = crud.update(session, actor, record_id, crud.update_schema.model_validate(changes))
    session.commit()
    return obj


# ---- accounts and the coalition ---------------------------------------------------------

def make_user(role: Role | str, *, session: Session | None = None, password: str | None = None,
              **values: Any) -> User:
    """An account, committed: in the test's session when given, else in a session of its own,
    so a fixture with no session can make one; with a password only when given (hashing is slow
    on purpose)."""
    from api.auth import passwords  # noqa: PLC0415

    values.setdefault("email", f"{role}-{tokens.new_token()[:8].lower()}@example.org")
    values.setdefault("name", f"A {role}")
    user = User(role=Role(role), **values,
                password_hash=passwords.hash_password(password) if password else None)
    with (Session(get_engine(), expire_on_commit=False) if session is None
          else nullcontext(session)) as s:
        s.add(user)
        s.commit()
    return user


def make_organization(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Coalition Partner"), "kind": "privacy"}
    return _create(organizations.crud, session, actor, {**values, **overrides})


def make_person(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Volunteer"), "ok_to_email": True}
    return _create(people.crud, session, actor, {**values, **overrides})


def make_affiliation(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"role": "organizer", **overrides}
    values.setdefault("person_id", make_person(session, actor).id)
    values.setdefault("organization_id", make_organization(session, actor).id)
    return _create(people.affiliations, session, actor, values)


# ---- places, decision-makers and agencies -----------------------------------------------

def make_sharing_link(session: Session, actor: Any, *, agency_id: int | None = None,
                      **overrides: Any) -> Any:
    """A link saying the agency (a new one unless told) shares its plate reads with a partner
    (a task force by name unless told)."""
    if agency_id is None:
        agency_id = make_agency(session, actor).id
    values = {"agency_id": agency_id, "kind": "shares_with", "source_kind": "news",
              "source_url": "https://news.example/sharing", "reported_on": "2019",
              **overrides}
    if "partner_agency_id" not in values and "partner_name" not in values:
        values["partner_name"] = unique("Task Force")
    return _create(sharing.crud, session, actor, values)


def make_jurisdiction(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Springfield"), "kind": "city", "state_code": "CA",
              "timezone": "America/Los_Angeles"}
    return _create(jurisdictions.crud, session, actor, {**values, **overrides})


def make_body(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("City Council"), "kind": "city_council", "seats": 7,
              "majority_needed": 4, **overrides}
    values.setdefault("jurisdiction_id", make_jurisdiction(session, actor).id)
    return _create(bodies.crud, session, actor, values)


def make_target(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Council Member"), "title": "council_member",
              "district": "District 1", **overrides}
    return _create(targets.crud, session, actor, values)


def make_agency(session: Session, actor: Any, *, with_place: bool = False,
                **overrides: Any) -> Any:
    """A police department in California unless told; a federal agency has no state. With
    `with_place`, in a new city of its state, on that state's clock."""
    values = {"name": unique("Police Department"), "kind": "police_department", **overrides}
    values.setdefault("state_code", "" if values["kind"] == "federal" else "CA")
    if with_place:
        state = values["state_code"] or "CA"
        values.setdefault("jurisdiction_id", make_jurisdiction(
            session, actor, state_code=state,
            timezone=ZONES.get(state, "America/New_York")).id)
    return _create(agencies.crud, session, actor, values)


# ---- contracts and records requests -----------------------------------------------------

def make_vendor(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Camera Vendor"), "website": "https://vendor.example"}
    return _create(vendors.crud, session, actor, {**values, **overrides})


def make_contract(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"title": unique("ALPR Contract"), "start_date": date(2024, 7, 1),
              "end_date": date(2026, 6, 30), "termination_notice_days": 60,
              "auto_renews": True, **overrides}
    values.setdefault("agency_id", make_agency(session, actor).id)
    # Made as told: a deadline already past is what the test asked for.
    values.setdefault("confirm_past_deadline", True)
    return _create(contracts.crud, session, actor, values)


def make_records_request(session: Session, actor: Any, *, due_on: date | None = None,
                         **overrides: Any) -> Any:
    """A records request, under the law of its agency's state unless law and state_code say;
    due_on, when given, is set as is, whatever that law would compute."""
    values = {"subject": unique("ALPR audit logs"), **overrides}
    values.setdefault("agency_id", make_agency(session, actor).id)
    made = _create(records_requests.crud, session, actor, values)
    if due_on is not None:
        session.execute(sa.update(RecordsRequest).where(RecordsRequest.id == made.id)
                        .values(due_on=due_on))
        session.commit()
        made.due_on = due_on
    return made


def make_document(session: Session, actor: Any, *, content: bytes = b"name,role\nAna,lead\n",
                  filename: str = "roster.csv", **overrides: Any) -> Any:
    """A document; attached to a new organization unless attached_kind/attached_id say where."""
    values = {"description": "", **overrides}
    if "attached_id" not in values:
        values["attached_kind"] = AttachedTo.organization
        values["attached_id"] = make_organization(session, actor).id
    doc = documents.upload(session, actor, meta=DocumentMeta.model_validate(values),
                           filename=filename, content=content)
    session.commit()
    return doc


# ---- campaigns and their work -----------------------------------------------------------

def make_campaign(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Stop the Cameras"), "goal": "cancel_renewal", "status": "active"}
    return _create(campaigns.crud, session, actor, {**values, **overrides})


def make_vote(session: Session, actor: Any, **overrides: Any) -> Any:
    """A vote; one whose day is behind the clock (beyond the votes service's grace) is made as
    held unless a status is given, since a vote still scheduled there is refused."""
    values = {"title": unique("Renewal vote"), "kind": "renewal",
              "scheduled_at": datetime(2026, 4, 14, 1, 0, tzinfo=UTC), **overrides}
    values.setdefault("body_id", make_body(session, actor).id)
    # A vote the coalition wants passed unless a test says otherwise: one only watched has
    # no count toward a win.
    values.setdefault("our_position", "for")
    if "status" not in values:
        when = votes.crud.create_schema.model_validate(values).scheduled_at
        values["status"] = vote_status_on(session, values["body_id"], when)
    return _create(votes.crud, session, actor, values)


def vote_status_on(session: Session, body_id: int, when: datetime) -> str:
    """"held" for a vote whose day is behind the clock, beyond the votes service's grace (the
    suite runs on the real clock, past many of its dates), else "scheduled"."""
    passed = votes.date_problem(session, when=when, status="scheduled",
                                body_id=body_id) == votes.PASSED
    return "held" if passed else "scheduled"


def make_meeting(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"held_at": datetime(2026, 3, 1, 18, 0, tzinfo=UTC), "location": "City Hall",
              "summary": unique("Met with staff"), **overrides}
    with logged_after(values["held_at"]):
        return _create(meetings.crud, session, actor, values)


@contextmanager
def logged_after(held_at: datetime | str) -> Iterator[None]:
    """A meeting is logged once it has happened: one dated after the test's "now" is made as
    of the day after it, and the test's clock is put back."""
    at = datetime.fromisoformat(held_at) if isinstance(held_at, str) else held_at
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    if clock.now() >= at:
        yield
        return
    before = clock.source()
    clock.freeze(at + timedelta(days=1))
    try:
        yield
    finally:
        clock.set_clock(before)


def make_action(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"title": unique("Call-in day"), "kind": "call_in_day",
              "scheduled_on": date(2026, 4, 10)}
    return _create(actions.crud, session, actor, {**values, **overrides})


def make_task(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"title": unique("Follow up"), "due_on": date(2026, 3, 20)}
    return _create(tasks.crud, session, actor, {**values, **overrides})


def make_media_contact(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Reporter"), "outlet": "The Daily", "email": "desk@daily.example"}
    return _create(media.contacts, session, actor, {**values, **overrides})


def make_press_hit(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"title": unique("Council weighs cameras"), "outlet": "The Daily",
              "published_on": date(2026, 2, 1)}
    return _create(media.press_hits, session, actor, {**values, **overrides})


def make_evidence_entry(session: Session, actor: Any, **overrides: Any) -> Any:
    """A news story about a contract (one made for it unless told what it is about)."""
    values = {"title": unique("Officer searched plates for a personal dispute"),
              "kind": "news_story", "occurred_on": date(2025, 6, 1),
              "citation": "The Daily, June 1, 2025", "url": "https://daily.example/story",
              **overrides}
    if not any(values.get(k) for k in ("contract_id", "agency_id", "campaign_id")):
        values["contract_id"] = make_contract(session, actor).id
    return _create(evidence.crud, session, actor, values)


def make_known_outcome(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"place": unique("Shelbyville"), "state_code": "CA", "latitude": 37.8,
              "longitude": -122.3, "outcome": "contract_cancelled",
              "decided_on": date(2025, 4, 1), "vendor": "Flock Safety",
              "citation": "Shelbyville council minutes", **overrides}
    return _create(known_outcomes.crud, session, actor, values)


# ---- alerts -----------------------------------------------------------------------------

def make_alert_rule(session: Session, actor: Any, campaign_id: int | None, **spec: Any) -> Any:
    """An alert rule of a campaign (None: of every campaign); unless the spec says, reminders
    of a vote to the campaign's leads in the app, from two weeks before to the day."""
    values = {"subject": "vote", "offsets": ["14d", "7d", "3d", "1d", "0d"],
              "direction": "before", "recipients": ["campaign_leads"], "channels": ["in_app"],
              **spec}
    made = alerts.create_rules_from_specs(session, actor, campaign_id=campaign_id,
                                          specs=[values])[0]
    session.commit()
    return made


@dataclass
class CampaignGround:
    """A campaign in a jurisdiction, with a lead organization and one of its members."""

    jurisdiction: Any
    body: Any
    campaign: Any
    lead_org: Any
    lead: Any


def make_campaign_ground(session: Session, actor: Any, timezone: str = "America/Los_Angeles", *,
                         defaults: bool = False, installed_at: datetime | None = None
                         ) -> CampaignGround:
    """A campaign with a council and a lead. Without `defaults`, as if its default alert rules
    had been installed (at `installed_at`, else now) and deleted: the tests declare the rules
    they mean."""
    place = make_jurisdiction(session, actor, timezone=timezone)
    body = make_body(session, actor, jurisdiction_id=place.id,
                     name=unique("Riverton City Council"))
    org = make_organization(session, actor)
    campaign = make_campaign(session, actor, jurisdiction_id=place.id,
                             lead_organization_ids=[org.id])
    if not defaults:
        session.add(AlertDefaultsInstalled(campaign_id=campaign.id,
                                           installed_at=installed_at or clock.now()))
        session.commit()
    lead = make_user("partner", session=session, organization_id=org.id, name="Ana Ruiz")
    return CampaignGround(place, body, campaign, org, lead)


# ---- one of everything ------------------------------------------------------------------

def make_one_of_each(session: Session, actor: Any) -> dict[str, int]:
    """One record of every kind, by table name, with the records they point at."""
    org = make_organization(session, actor)
    body = make_body(session, actor)
    campaign = make_campaign(session, actor, lead_organization_ids=[org.id])
    target = make_target(session, actor, body_id=body.id)
    contract = make_contract(session, actor)
    action = make_action(session, actor, campaign_id=campaign.id)
    contact = make_media_contact(session, actor)
    made = [org, body, campaign, target, contract, action, contact,
            make_meeting(session, actor, campaign_id=campaign.id, target_ids=[target.id]),
            make_affiliation(session, actor, organization_id=org.id),
            make_vote(session, actor, body_id=body.id, campaign_id=campaign.id),
            make_task(session, actor, campaign_id=campaign.id, action_id=action.id),
            make_records_request(session, actor, agency_id=contract.agency_id),
            make_press_hit(session, actor, campaign_id=campaign.id, media_contact_id=contact.id),
            make_vendor(session, actor),
            make_evidence_entry(session, actor, contract_id=contract.id),
            make_known_outcome(session, actor),
            make_document(session, actor, attached_kind="organization", attached_id=org.id),
            # Not the administrator: deleting this one must not lock the rest of the run out.
            make_user("viewer", session=session)]
    world = {type(obj).__tablename__: obj.id for obj in made}
    for obj in made:
        for column in type(obj).__table__.columns:
            if column.foreign_keys and getattr(obj, column.name) is not None:
                world.setdefault(next(iter(column.foreign_keys)).column.table.name,
                                 getattr(obj, column.name))
    return world
