"""A small coalition for permission tests: two organizations, and every kind of sensitive record
at every visibility, each carrying a unique marker so a leak can be found in any response."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from api.actions import service as actions
from api.agencies import service as agencies
from api.auth.models import Role, Visibility
from api.bodies import service as bodies
from api.campaigns import service as campaigns
from api.contracts import service as contracts
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
from api.sharing import service as sharing
from api.targets import service as targets
from api.tasks import service as tasks
from api.vendors import service as vendors
from api.vendors.models import VendorCreate
from api.votes import service as votes
from tests.factories import vote_status_on

VISIBILITIES = [v.value for v in Visibility]


@dataclass
class Record:
    kind: str
    id: int
    owner: int | None
    visibility: str
    markers: list[str] = field(default_factory=list)
    # The agency a sharing link is about, when it is not the coalition's own.
    about: int | None = None


@dataclass
class World:
    org_a: int
    org_b: int
    records: list[Record]
    campaign: int = 0
    # What no one but its owner, a user none of the matrix signs in as, may ever see.
    personal: list[str] = field(default_factory=list)
    # What only the coalition's leads and administrators see: its webhooks (whose address's
    # path is a password) and what is queued for them or for others.
    keepers_only: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[Record]:
        return [r for r in self.records if r.kind == kind]


def marker() -> str:
    return f"MARK{uuid.uuid4().hex[:16]}"


def may_read(role: str | None, org: int | None, record: Record) -> bool:
    """The rules, restated independently of api/auth/permissions.py."""
    if role == Role.admin:
        return True
    if role is None:
        return False
    if org is not None and record.owner == org:
        return True
    if role == Role.lead:
        return record.visibility != "private" or record.owner is None
    return record.visibility in ("coalition", "public")


def build(session: Session, actor: object) -> World:
    from api.agencies.models import AgencyCreate
    from api.bodies.models import BodyCreate
    from api.campaigns.models import CampaignCreate
    from api.jurisdictions.models import JurisdictionCreate
    from api.organizations.models import OrganizationCreate
    from api.targets.models import TargetCreate

    # Each organization's notes are its own alone: read by its members and administrators.
    a_notes, b_notes = marker(), marker()
    org_a = organizations.crud.create(session, actor, OrganizationCreate(
        name=f"Org A {marker()}", kind="privacy", notes=a_notes,
        notes_visibility="private")).id
    org_b = organizations.crud.create(session, actor, OrganizationCreate(
        name=f"Org B {marker()}", kind="faith", notes=b_notes, notes_visibility="private")).id
    agency_mark = marker()
    # The coalition's own agency (no owner), as an import makes it.
    campaign = campaigns.crud.create(session, actor, CampaignCreate(name="No renewal")).id
    # A vendor is a public fact about a company: every member reads it, whoever's agencies
    # and contracts point at it.
    vendor_mark = marker()
    vendor = vendors.crud.create(session, actor, VendorCreate(
        name=f"Plate Cameras {vendor_mark}", notes=vendor_mark)).id
    # Placed, so its page tells the wins known near it.
    city = jurisdictions.crud.create(session, actor, JurisdictionCreate(
        name="Riverton", kind="city", state_code="CA", timezone="America/Los_Angeles",
        latitude=37.80, longitude=-122.27)).id
    agency = agencies.crud.create(session, actor, AgencyCreate(
        name=f"Riverton PD {agency_mark}", jurisdiction_id=city)).id
    body = bodies.crud.create(session, actor, BodyCreate(
        name="Riverton City Council", kind="city_council", jurisdiction_id=city)).id
    # A public decision-maker every meeting observes: what is said of them in a meeting is
    # as private as the meeting, however open the target.
    open_mark = marker()
    shared = targets.crud.create(session, actor, TargetCreate(
        name=f"Council Member {open_mark}", visibility="public")).id
    records: list[Record] = [Record("target", shared, None, "public", [open_mark]),
                             Record("agency", agency, None, "coalition", [agency_mark]),
                             Record("vendor", vendor, None, "public", [vendor_mark]),
                             Record("organization_note", org_a, org_a, "private", [a_notes]),
                             Record("organization_note", org_b, org_b, "private", [b_notes])]
    for vis in VISIBILITIES:
        # Organizations nobody signed in belongs to, with notes shared at each tier.
        m = marker()
        other = organizations.crud.create(session, actor, OrganizationCreate(
            name=f"Org {vis} notes", notes=m, notes_visibility=vis)).id
        records.append(Record("organization_note", other, other, vis, [m]))
    place = Place(agency=agency, campaign=campaign, body=body, shared=shared, vendor=vendor)
    tiers = [(owner, vis) for owner in (org_b, org_a) for vis in VISIBILITIES]
    for turn, (owner, vis) in enumerate(tiers):
        records.extend(_records(session, actor, owner=owner, vis=vis, place=place,
                                turn=len(records)))
        # A day of its own each, so no day of the calendar has more than it shows.
        records.extend(_coalition_records(session, actor, owner=owner, vis=vis, place=place,
                                          day=3 + turn))
    personal = [marker()]
    records.append(_saved_search(session, actor, org_a, personal[0]))
    keepers_only = _coalition_channel(session, actor, records)
    session.commit()
    return World(org_a, org_b, records, campaign=campaign, personal=personal,
                 keepers_only=keepers_only)


def _coalition_channel(session: Session, actor: object, records: list[Record]) -> list[str]:
    """A webhook of the coalition with a post queued for it about a vote every member reads,
    and an email queued for someone else: the name, the address's secret path and the titles
    are the markers."""
    from api.alerts.models import AlertOutbox, Channel, WebhookEndpoint

    name, path, post, mail = marker(), marker(), marker(), marker()
    # Switched off, so nothing here ever tries to send to it.
    endpoint = WebhookEndpoint(name=f"Slack {name}", url=f"https://hooks.example.org/T0/{path}",
                               flavor="slack", secret=f"whsec_{marker()}", enabled=False)
    session.add(endpoint)
    session.flush()
    vote = next(r for r in records if r.kind == "vote" and r.visibility == "coalition")
    due = datetime(2099, 1, 1, tzinfo=UTC)
    for key, title, to in ((post, f"Vote {post}", {"channel": Channel.webhook,
                                                    "endpoint_id": endpoint.id}),
                           (mail, f"Vote {mail}", {"channel": Channel.email,
                                                    "user_id": actor.id})):
        session.add(AlertOutbox(dedupe_key=key, message_id=key, subject_kind="vote",
                                subject_id=vote.id, occurrence="x", title=title,
                                link=f"/votes/{vote.id}", due_at=due, next_attempt_at=due,
                                **to))
    session.flush()
    return [name, path, post, mail]


def _saved_search(session: Session, actor: object, organization_id: int, name: str) -> Record:
    """A saved search with alerts on, of a member of the first organization, and the alert it
    queued: one person's own. Returns the public vendor it found, which everyone reads."""
    from api.auth.models import User
    from api.search import saved
    from api.search.models import SavedSearchCreate

    owner = User(email=f"{name.lower()}@example.org", name="Saved Search Owner",
                 role=Role.partner, organization_id=organization_id)
    session.add(owner)
    session.flush()
    saved.create(session, owner, SavedSearchCreate(name=f"Search {name}", query=name,
                                                   alert=True))
    found = vendors.crud.create(session, actor, VendorCreate(name=f"Found {name}"))  # type: ignore[arg-type]
    saved.alert_new_matches(session)
    return Record("vendor", found.id, None, "public", [name])


@dataclass(frozen=True)
class Place:
    """The shared records the world's records point at."""

    agency: int
    campaign: int
    body: int
    shared: int
    vendor: int


# The month the world's votes and contract deadlines fall in, for the calendar.
MONTH = "2026-03"


def _coalition_records(session: Session, actor: object, *, owner: int, vis: str,
                       place: Place, day: int) -> list[Record]:
    """The kinds about the campaign's ground, each at the tier: an agency, a contract whose
    notice deadline and a vote that fall on a day of MONTH, a reporter and a story, evidence
    of misuse about the contract, the coalition's agency and the campaign, and a win known
    elsewhere near Riverton."""
    from api.agencies.models import AgencyCreate, AgencyLink
    from api.contracts.models import ContractCreate, ContractOutcome, Outcome
    from api.evidence.models import EvidenceEntryCreate
    from api.known_outcomes.models import KnownOutcomeCreate
    from api.media.models import MediaContactCreate, PressHitCreate
    from api.sharing.models import SharingLinkCreate
    from api.votes.models import VoteCreate

    shared = {"owner_organization_id": owner, "visibility": vis}
    out = []
    m = marker()
    agency = agencies.crud.create(session, actor, AgencyCreate(
        name=f"Agency {m}", notes=m, vendor_id=place.vendor, **shared))
    # A dated source is read with its agency, and only with it.
    source = marker()
    session.add(AgencyLink(agency_id=agency.id, url=f"https://news.example/{source}",
                           source=f"The Gazette {source}", published="2019-05-14"))
    out.append(Record("agency", agency.id, owner, vis, [m, source]))
    # A link the whole coalition may read about this agency: read only by those who may
    # read the agency, so at the agency's tier (the link's own is wider).
    m = marker()
    link = sharing.crud.create(session, actor, SharingLinkCreate(
        agency_id=agency.id, partner_name=f"Sheriff {m}", source_url=f"https://news.example/{m}",
        owner_organization_id=owner, visibility="coalition"))
    out.append(Record("sharing_link", link.id, owner, vis, [m], about=agency.id))
    # Who can search the coalition's agency's reads, as this organization found it: counted
    # and shown on the agency's and its jurisdiction's pages only to those who read the link.
    m = marker()
    link = sharing.crud.create(session, actor, SharingLinkCreate(
        agency_id=place.agency, partner_name=f"Task Force {m}",
        source_url=f"https://news.example/{m}", **shared))
    out.append(Record("sharing_link", link.id, owner, vis, [m]))
    m = marker()
    notice = date(2026, 3, day)
    contract = contracts.crud.create(session, actor, ContractCreate(
        title=f"Contract {m}", notes=m, agency_id=place.agency, vendor_id=place.vendor,
        start_date=date(2024, 1, 1),
        end_date=notice + timedelta(days=30), termination_notice_days=30,
        # Its deadline is the world's, behind the clock of a later test: made as told.
        confirm_past_deadline=True, **shared))
    # What was decided as an earlier term ended is read with the contract, and only with it.
    decided = marker()
    session.add(ContractOutcome(contract_id=contract.id, outcome=Outcome.renegotiated,
                                decided_on=date(2024, 1, 1), note=decided))
    out.append(Record("contract", contract.id, owner, vis, [m, decided]))
    m = marker()
    held_at = datetime(2026, 3, day, 18, tzinfo=UTC)
    vote = votes.crud.create(session, actor, VoteCreate(
        title=f"Vote {m}", notes=m, body_id=place.body, campaign_id=place.campaign,
        scheduled_at=held_at, status=vote_status_on(session, place.body, held_at), **shared))
    out.append(Record("vote", vote.id, owner, vis, [m]))
    m = marker()
    contact = media.contacts.create(session, actor, MediaContactCreate(
        name=f"Reporter {m}", notes=m, **shared))
    out.append(Record("media_contact", contact.id, owner, vis, [m]))
    m = marker()
    story = media.press_hits.create(session, actor, PressHitCreate(
        title=f"Story {m}", summary=m, campaign_id=place.campaign,
        published_on=date(2026, 3, day), **shared))
    out.append(Record("press_hit", story.id, owner, vis, [m]))
    m, said = marker(), marker()
    entry = evidence.crud.create(session, actor, EvidenceEntryCreate(
        title=f"Evidence {m}", summary=said, kind="audit_finding", occurred_on=date(2025, 2, day),
        citation=f"Audit log {m}", contract_id=contract.id, agency_id=place.agency,
        campaign_id=place.campaign, **shared))
    out.append(Record("evidence_entry", entry.id, owner, vis, [m, said]))
    m, said = marker(), marker()
    # Within the 50 miles of Riverton, so the nearest wins tell it to whoever may read it.
    won = known_outcomes.crud.create(session, actor, KnownOutcomeCreate(
        place=f"Oakfield {m}", state_code="CA", latitude=37.85, longitude=-122.25,
        outcome="not_renewed", decided_on=date(2025, 3, day), vendor=f"Vendor {m}",
        citation="Council minutes", notes=said, **shared))
    out.append(Record("known_outcome", won.id, owner, vis, [m, said]))
    return out


# Each meeting sees a different level than the one before, so each records a change.
LEVELS = ["leaning_yes", "undecided", "leaning_no"]


def _records(session: Session, actor: object, *, owner: int, vis: str, place: Place,
             turn: int) -> list[Record]:
    from api.actions.models import ActionCreate
    from api.meetings.models import MeetingCreate, StanceObserved
    from api.people.models import AffiliationCreate, PersonCreate
    from api.records_requests.models import RecordsRequestCreate, StatusChangeCreate
    from api.targets.models import TargetCreate
    from api.tasks.models import TaskCreate

    agency, campaign, shared = place.agency, place.campaign, place.shared
    out = []
    m = marker()
    person = people.crud.create(session, actor, PersonCreate(
        name=f"Person {m}", notes=m, owner_organization_id=owner, visibility=vis))
    role = marker()
    people.affiliations.create(session, actor, AffiliationCreate(
        person_id=person.id, organization_id=owner, role=role))
    out.append(Record("person", person.id, owner, vis, [m, role]))

    m = marker()
    target = targets.crud.create(session, actor, TargetCreate(
        name=f"Target {m}", notes=m, owner_organization_id=owner, visibility=vis))
    note = marker()
    targets.set_stance(session, actor, target_id=target.id, campaign_id=campaign,
                       level="leaning_yes", note=note)
    out.append(Record("target", target.id, owner, vis, [m, note]))

    m, seen, kept = marker(), marker(), marker()
    meeting = meetings.crud.create(session, actor, MeetingCreate(
        held_at=datetime(2026, 3, 1, 18, tzinfo=UTC), summary=m, organization_id=owner,
        visibility=vis, campaign_id=campaign, target_ids=[shared], private_notes=kept,
        stances_observed=[StanceObserved(target_id=shared, level=LEVELS[turn % len(LEVELS)],
                                         note=seen)]))
    out.append(Record("meeting", meeting.id, owner, vis, [m, seen]))
    # The notes for the organization only: never shared, whatever the meeting's visibility.
    out.append(Record("meeting_note", meeting.id, owner, "private", [kept]))

    m = marker()
    task = tasks.crud.create(session, actor, TaskCreate(
        title=f"Task {m}", notes=m, owner_organization_id=owner, visibility=vis))
    out.append(Record("task", task.id, owner, vis, [m]))

    m, said = marker(), marker()
    request = records_requests.crud.create(session, actor, RecordsRequestCreate(
        subject=f"Request {m}", notes=m, agency_id=agency, requester_organization_id=owner,
        visibility=vis))
    records_requests.change_status(session, actor, request_id=request.id,
                                   change=StatusChangeCreate(status="sent", note=said))
    out.append(Record("records_request", request.id, owner, vis, [m, said]))

    m = marker()
    action = actions.crud.create(session, actor, ActionCreate(
        title=f"Action {m}", description=m, owner_organization_id=owner, visibility=vis))
    out.append(Record("action", action.id, owner, vis, [m]))

    m = marker()
    # On the public decision-maker: a file is shared no more widely than its record.
    document = documents.upload(session, actor, meta=DocumentMeta(
        attached_kind=AttachedTo.target, attached_id=shared, description=m,
        owner_organization_id=owner, visibility=vis), filename=f"{m}.txt",
        content=f"minutes {m}\n".encode())
    out.append(Record("document", document.id, owner, vis, [m]))
    return out
