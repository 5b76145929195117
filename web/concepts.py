"""Each concept's pages described once: list columns, filters, form sections, related records."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from api import clock
from api.actions import service as actions
from api.actions.models import Action, ActionKind, ActionStatus
from api.agencies import service as agencies
from api.agencies.models import Agency, AgencyKind, Sharing
from api.auth.models import User
from api.bodies import service as bodies
from api.bodies.models import Body, BodyKind
from api.campaigns import service as campaigns
from api.campaigns.models import Campaign, CampaignGoal, CampaignLead, CampaignStatus
from api.contracts import service as contracts
from api.contracts.models import Contract, ContractStatus, Vendor
from api.documents.models import AttachedTo
from api.jurisdictions import service as jurisdictions
from api.jurisdictions.models import Jurisdiction, JurisdictionKind
from api.media import service as media
from api.media.models import MediaContact, PressHit
from api.meetings import service as meetings
from api.meetings.models import Meeting, MeetingAttendee, MeetingTarget
from api.organizations import service as organizations
from api.organizations.models import CoalitionRole, Organization, OrgKind, OrgStatus
from api.people import service as people
from api.people.models import Affiliation, ContactMethod, Person
from api.records_requests import service as records_requests
from api.records_requests.models import RecordsRequest, RequestStatus
from api.targets import service as targets
from api.targets.models import Target, TargetTitle
from api.tasks import service as tasks
from api.tasks.models import Task, TaskStatus
from api.votes import service as votes
from api.votes.models import Vote, VoteKind, VoteStatus
from web import deadlines as request_deadlines
from web import sharing_panels, source_panels
from web.concept_pages import Column, Filter, ListLink, Related, Spec, Through
from web.words import NOTES_SHARING_WORDS, SHARING_WORDS, humanize


@dataclass(frozen=True)
class Ref:
    """How a record of one table is named when another refers to it, and where it lives."""

    model: Any
    label: Any
    noun: str | None
    fmt: Callable[[Any], str] = str


REFS: dict[str, Ref] = {
    "organization": Ref(Organization, Organization.name, "organizations"),
    "person": Ref(Person, Person.name, "people"),
    "jurisdiction": Ref(Jurisdiction, Jurisdiction.name, "jurisdictions"),
    "body": Ref(Body, Body.name, "bodies"),
    "target": Ref(Target, Target.name, "targets"),
    "agency": Ref(Agency, Agency.name, "agencies"),
    "vendor": Ref(Vendor, Vendor.name, "vendors"),
    "contract": Ref(Contract, Contract.title, "contracts"),
    "campaign": Ref(Campaign, Campaign.name, "campaigns"),
    "vote": Ref(Vote, Vote.title, "votes"),
    "meeting": Ref(Meeting, Meeting.held_at, "meetings",
                   lambda v: f"Meeting of {v:%b %-d, %Y}" if v else "Meeting"),
    "action": Ref(Action, Action.title, "actions"),
    "media_contact": Ref(MediaContact, MediaContact.name, "media-contacts"),
    "app_user": Ref(User, User.name, None),
    "task": Ref(Task, Task.title, "tasks"),
    "press_hit": Ref(PressHit, PressHit.title, "press"),
    "records_request": Ref(RecordsRequest, RecordsRequest.subject, "records-requests"),
}


def refs_noun(table: str | None) -> str | None:
    """The URL noun of a table's pages, if it has any."""
    ref = REFS.get(table or "")
    return ref.noun if ref else None


def record_url(kind: str, record_id: int) -> str | None:
    """The page of a record, by the name of its table or kind."""
    if kind == "document":
        return f"/documents/{record_id}"
    noun = refs_noun(kind)
    return f"/{noun}/{record_id}" if noun else None

OPTIONS_LIMIT = 1_000


def ref_options(session: Session, table: str) -> list[tuple[int, str]]:
    """Every record of a table a form can point at, by name."""
    ref = REFS[table]
    stmt = sa.select(ref.model.id, ref.label).order_by(ref.label, ref.model.id)
    return [(i, ref.fmt(label)) for i, label in session.execute(stmt.limit(OPTIONS_LIMIT))]


def ref_labels(session: Session, table: str, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    ref = REFS[table]
    stmt = sa.select(ref.model.id, ref.label).where(ref.model.id.in_(ids))
    return {i: ref.fmt(label) for i, label in session.execute(stmt)}


def _choices(enum: Any) -> tuple[tuple[str, str], ...]:
    return tuple((m.value, humanize(m.value)) for m in enum)


def enum_filter(name: str, label: str, enum: Any) -> Filter:
    return Filter(name, label, "enum", _choices(enum))


def ref_filter(name: str, label: str, table: str) -> Filter:
    return Filter(name, label, "ref", ref=table)


def bool_filter(name: str, label: str) -> Filter:
    return Filter(name, label, "bool")


# Tables joined under another name where one list refers to the same table twice or where the
# name must not clash with the listed table.
OwnerOrg = aliased(Organization, name="owner_org")
TargetBody = aliased(Body, name="target_body")
VoteBody = aliased(Body, name="vote_body")
VotePlace = aliased(Jurisdiction, name="vote_place")
VoteCampaign = aliased(Campaign, name="vote_campaign")
MeetingCampaign = aliased(Campaign, name="meeting_campaign")
MeetingPlace = aliased(Jurisdiction, name="meeting_place")
MeetingOrg = aliased(Organization, name="meeting_org")
ActionCampaign = aliased(Campaign, name="action_campaign")
ActionOrg = aliased(Organization, name="action_org")
ContractAgency = aliased(Agency, name="contract_agency")
ContractVendor = aliased(Vendor, name="contract_vendor")
RequestAgency = aliased(Agency, name="request_agency")
PressCampaign = aliased(Campaign, name="press_campaign")
TaskCampaign = aliased(Campaign, name="task_campaign")
TaskOrg = aliased(Organization, name="task_org")
TaskUser = aliased(User, name="task_user")
BodyPlace = aliased(Jurisdiction, name="body_place")
AgencyPlace = aliased(Jurisdiction, name="agency_place")
CampaignPlace = aliased(Jurisdiction, name="campaign_place")
ContractPlace = aliased(Jurisdiction, name="contract_place")
TaskPlace = aliased(Jurisdiction, name="task_place")
ParentPlace = aliased(Jurisdiction, name="parent_place")


def default_zone(session: Session) -> str:
    """Where a record with no place of its own is shown: on the coalition's clock."""
    return clock.home_zone().key


def _vote_zone(session: Session, record: Any) -> str:
    return bodies.zone(session, record.body_id).key


def _meeting_zone(session: Session, record: Any) -> str:
    if record.campaign_id is None:
        return default_zone(session)
    return campaigns.zone(session, record.campaign_id).key


def _by_campaign(session: Session, record: Any) -> str:
    if getattr(record, "campaign_id", None) is None:
        return default_zone(session)
    return campaigns.zone(session, record.campaign_id).key


def _by_body(session: Session, record: Any) -> str:
    if record.body_id is None:
        return default_zone(session)
    return bodies.zone(session, record.body_id).key


def _by_place(session: Session, record: Any) -> str:
    if record.jurisdiction_id is None:
        return default_zone(session)
    return jurisdictions.zone(session, record.jurisdiction_id).key


def _own_zone(session: Session, record: Any) -> str:
    return record.timezone


def _campaign_zone(session: Session, record: Any) -> str:
    return campaigns.zone(session, record.id).key if record.jurisdiction_id \
        else default_zone(session)


def _fallback_zone(session: Session, record: Any) -> str:
    return default_zone(session)


def _contract_zone(session: Session, record: Any) -> str:
    """Where a contract's deadlines fall: its agency's jurisdiction, as its alerts count them."""
    agency = session.get(Agency, record.agency_id)
    return _by_place(session, agency) if agency is not None else default_zone(session)


def _meeting_extras(session: Session, actor: Any, record: Any) -> dict[str, Any]:
    # None for readers outside the meeting's organization: the page then has no such part.
    return {"private_notes": meetings.private_notes(session, record.id)}


ORGANIZATIONS = Spec(
    noun="organizations", crud=organizations.crud, singular="organization",
    plural="organizations", title_key="name", attached=AttachedTo.organization,
    detail_template="organizations/detail.html", panels=[sharing_panels.organization_export],
    intro="Coalition partners: who they are, their role and how far along they are.",
    zone=_fallback_zone,
    list_links=[ListLink("/imports/organizations", "Import from a spreadsheet", leads_only=True)],
    columns=[
        Column("name", "Name", Organization.name, "title", sort="name"),
        Column("kind", "Kind", Organization.kind, "enum", sort="kind"),
        Column("coalition_role", "Role", Organization.coalition_role, "enum"),
        Column("status", "Status", Organization.status, "enum", sort="status"),
        Column("email", "Email", Organization.email, "email"),
    ],
    filters=[enum_filter("kind", "Kind", OrgKind),
             enum_filter("coalition_role", "Role", CoalitionRole),
             enum_filter("status", "Status", OrgStatus)],
    sections=[("Organization", ["name", "kind", "coalition_role", "status", "tags"]),
              ("Contact", ["website", "email", "phone"]),
              ("Notes", ["notes", "notes_visibility"]),
              ("Sharing", ["default_visibility", "tell_leads_meetings"])],
    overrides={"notes_visibility": {
        "label": "Who can read these notes",
        "choices": list(NOTES_SHARING_WORDS.items()),
        "help": "Besides the organization's own members: everyone else sees the "
                "organization without its notes."},
        "default_visibility": {
        "label": "Share our new records with",
        "choices": list(SHARING_WORDS.items()),
        "help": "What a new meeting, person, task or request of ours starts shared with; "
                "each can still be changed. Empty: the coalition's default."},
        "tell_leads_meetings": {
        "label": "Tell the coalition's leads when we met a decision-maker",
        "help": "Only that a partner met them, and the day, on the whip board and the "
                "campaign page: never what was said or who was there."}},
    related=[
        Related("People", "people", through=Through(Affiliation, "organization_id", "person_id")),
        Related("Targets whose relationship it owns", "targets", fk="owner_organization_id"),
        Related("Meetings", "meetings", fk="organization_id"),
        Related("Actions it owns", "actions", fk="owner_organization_id"),
        Related("Open tasks", "tasks", fk="assignee_organization_id"),
        Related("Campaigns it leads", "campaigns",
                through=Through(CampaignLead, "organization_id", "campaign_id")),
    ],
)

PEOPLE = Spec(
    noun="people", crud=people.crud, singular="person", plural="people", title_key="name",
    attached=AttachedTo.person,
    intro="Organizers, volunteers and allies, with how and whether they may be contacted.",
    zone=_fallback_zone,
    list_links=[ListLink("/imports/people", "Import from a spreadsheet", leads_only=True)],
    columns=[
        Column("name", "Name", Person.name, "title", sort="name"),
        Column("email", "Email", Person.email, "email", sort="email"),
        Column("phone", "Phone", Person.phone),
        Column("preferred_contact", "Prefers", Person.preferred_contact, "enum"),
        Column("ok_to_email", "Email OK", Person.ok_to_email, "bool"),
        Column("ok_to_text", "Texts OK", Person.ok_to_text, "bool"),
    ],
    filters=[enum_filter("preferred_contact", "Prefers", ContactMethod),
             bool_filter("ok_to_email", "Email OK"), bool_filter("ok_to_text", "Texts OK")],
    sections=[("Person", ["name", "tags"]),
              ("Contact", ["email", "phone", "signal_handle", "preferred_contact",
                           "ok_to_email", "ok_to_text", "ok_to_call"]),
              ("Notes", ["notes"])],
    overrides={"ok_to_email": {"label": "OK to email"}, "ok_to_text": {"label": "OK to text"},
               "ok_to_call": {"label": "OK to call"}},
    related=[
        Related("Organizations", "organizations",
                through=Through(Affiliation, "person_id", "organization_id")),
        Related("Meetings attended", "meetings",
                through=Through(MeetingAttendee, "person_id", "meeting_id")),
    ],
)

TARGETS = Spec(
    noun="targets", crud=targets.crud, singular="target", plural="targets", title_key="name",
    attached=AttachedTo.target, detail_template="targets/detail.html",
    intro="Decision-makers: who sits where, and which partner owns the relationship.",
    zone=_by_body,
    list_links=[ListLink("/imports/targets", "Import from a spreadsheet", leads_only=True)],
    columns=[
        Column("name", "Name", Target.name, "title", sort="name"),
        Column("title", "Title", Target.title, "enum", sort="title"),
        Column("body_name", "Body", TargetBody.name, "ref", href=("bodies", "body_id")),
        Column("body_id", "", Target.body_id, "hidden"),
        Column("district", "District", Target.district, sort="district"),
        Column("owner_name", "Relationship owner", OwnerOrg.name, "ref",
               href=("organizations", "owner_organization_id")),
        Column("owner_organization_id", "", Target.owner_organization_id, "hidden"),
        Column("term_ends", "Term ends", Target.term_ends, "date", sort="term_ends"),
    ],
    joins=[(TargetBody, TargetBody.id == Target.body_id),
           (OwnerOrg, OwnerOrg.id == Target.owner_organization_id)],
    filters=[ref_filter("body_id", "Body", "body"), enum_filter("title", "Title", TargetTitle),
             ref_filter("owner_organization_id", "Relationship owner", "organization")],
    sections=[("Seat", ["name", "title", "body_id", "district", "term_ends"]),
              ("Contact", ["email", "phone", "office_address", "website", "staffers"]),
              ("Relationship", ["owner_organization_id", "notes"])],
    overrides={"owner_organization_id": {"label": "Relationship owner"},
               "staffers": {"kind": "textarea"}},
    related=[
        Related("Meetings", "meetings", through=Through(MeetingTarget, "target_id", "meeting_id")),
        Related("Votes of their body", "votes", fk="body_id", value_from="body_id"),
    ],
)

BODIES = Spec(
    noun="bodies", crud=bodies.crud, singular="body", plural="bodies", title_key="name",
    attached=AttachedTo.body, detail_template="bodies/detail.html",
    panels=[source_panels.body_agenda],
    intro="Councils, boards and offices that decide: seats and the votes it takes to win.",
    zone=_by_place,
    columns=[
        Column("name", "Name", Body.name, "title", sort="name"),
        Column("kind", "Kind", Body.kind, "enum", sort="kind"),
        Column("place", "Jurisdiction", BodyPlace.name, "ref",
               href=("jurisdictions", "jurisdiction_id")),
        Column("jurisdiction_id", "", Body.jurisdiction_id, "hidden"),
        Column("seats", "Seats", Body.seats, "number"),
        Column("majority_needed", "Majority", Body.majority_needed, "number"),
    ],
    joins=[(BodyPlace, BodyPlace.id == Body.jurisdiction_id)],
    filters=[enum_filter("kind", "Kind", BodyKind),
             ref_filter("jurisdiction_id", "Jurisdiction", "jurisdiction")],
    sections=[("Body", ["name", "kind", "jurisdiction_id", "seats", "majority_needed",
                        "website"]),
              ("Agenda source", ["agenda_source", "legistar_client"])],
    overrides={"majority_needed": {"label": "Votes needed for a majority"}},
    related=[
        Related("Members", "targets", fk="body_id"),
        Related("Votes", "votes", fk="body_id"),
        Related("Contracts it approves", "contracts", fk="approving_body_id"),
    ],
)

AGENCIES = Spec(
    noun="agencies", crud=agencies.crud, singular="agency", plural="agencies",
    title_key="name", attached=AttachedTo.agency,
    intro="Agencies running plate readers: cameras, retention and who they share with.",
    zone=_by_place,
    list_links=[ListLink("/imports/atlas", "Import the Atlas of Surveillance", leads_only=True),
                ListLink("/imports/data-driven", "Import the EFF Data Driven ALPR dataset",
                         leads_only=True)],
    columns=[
        Column("name", "Name", Agency.name, "title", sort="name"),
        Column("kind", "Kind", Agency.kind, "enum"),
        Column("state_code", "State", Agency.state_code, sort="state_code"),
        Column("alpr_vendor", "Vendor", Agency.alpr_vendor),
        Column("fixed_cameras", "Fixed cameras", Agency.fixed_cameras, "number",
               sort="fixed_cameras"),
        Column("retention_days", "Retention (days)", Agency.retention_days, "number",
               sort="retention_days"),
        Column("shares_with_federal", "Shares with federal", Agency.shares_with_federal, "enum"),
    ],
    filters=[enum_filter("kind", "Kind", AgencyKind),
             ref_filter("jurisdiction_id", "Jurisdiction", "jurisdiction"),
             enum_filter("shares_with_federal", "Shares with federal", Sharing)],
    sections=[("Agency", ["name", "kind", "jurisdiction_id", "state_code"]),
              ("Plate readers", ["alpr_vendor", "fixed_cameras", "mobile_cameras",
                                 "retention_days", "policy_url"]),
              ("Sharing", ["shares_with_federal", "sharing_partners", "sharing_evidence_url",
                           "source_links"]),
              ("Notes", ["notes"])],
    overrides={"source_links": {"kind": "lines", "help": "One link per line."}},
    related=[Related("Contracts", "contracts", fk="agency_id"),
             Related("Records requests", "records-requests", fk="agency_id")],
)

CONTRACTS = Spec(
    noun="contracts", crud=contracts.crud, singular="contract", plural="contracts",
    title_key="title", attached=AttachedTo.contract, detail_template="contracts/detail.html",
    intro="Vendor contracts, with the last day to give notice so they do not renew.",
    zone=_contract_zone,
    columns=[
        Column("title", "Contract", Contract.title, "title", sort="title"),
        Column("agency_name", "Agency", ContractAgency.name, "ref",
               href=("agencies", "agency_id")),
        Column("agency_id", "", Contract.agency_id, "hidden"),
        Column("vendor_name", "Vendor", ContractVendor.name, "ref",
               href=("vendors", "vendor_id")),
        Column("vendor_id", "", Contract.vendor_id, "hidden"),
        Column("status", "Status", Contract.status, "enum", sort="status"),
        Column("annual_cost", "Annual cost", Contract.annual_cost, "money", sort="annual_cost"),
        Column("notice_deadline", "Notice deadline", Contract.notice_deadline, "deadline",
               sort="notice_deadline", zone="timezone"),
        Column("timezone", "", ContractPlace.timezone, "hidden"),
        Column("term_ends", "Term ends", Contract.term_ends, "date", sort="term_ends"),
        Column("auto_renews", "Auto-renews", Contract.auto_renews, "bool"),
    ],
    joins=[(ContractAgency, ContractAgency.id == Contract.agency_id),
           (ContractPlace, ContractPlace.id == ContractAgency.jurisdiction_id),
           (ContractVendor, ContractVendor.id == Contract.vendor_id)],
    filters=[ref_filter("agency_id", "Agency", "agency"),
             ref_filter("vendor_id", "Vendor", "vendor"),
             enum_filter("status", "Status", ContractStatus),
             bool_filter("auto_renews", "Auto-renews")],
    sections=[("Contract", ["title", "agency_id", "vendor_id", "status", "approving_body_id",
                            "document_url"]),
              ("Money", ["annual_cost", "cost_per_camera", "camera_count", "funding_source"]),
              ("Term", ["start_date", "end_date", "auto_renews", "renewal_term_months",
                        "termination_notice_days"]),
              ("Notes", ["notes"])],
    overrides={"approving_body_id": {"label": "Approving body"},
               "termination_notice_days": {"label": "Days of notice needed to end it"}},
    related=[Related("Votes on it", "votes", fk="contract_id")],
)

VOTES = Spec(
    noun="votes", crud=votes.crud, singular="vote", plural="votes", title_key="title",
    attached=AttachedTo.vote, zone=_vote_zone, detail_template="votes/detail.html",
    intro="Decision points on a body's agenda; times are local to the body.",
    columns=[
        Column("scheduled_at", "When", Vote.scheduled_at, "datetime", sort="scheduled_at",
               zone="timezone"),
        Column("timezone", "", VotePlace.timezone, "hidden"),
        Column("title", "Item", Vote.title, "title", sort="title"),
        Column("body_name", "Body", VoteBody.name, "ref", href=("bodies", "body_id")),
        Column("body_id", "", Vote.body_id, "hidden"),
        Column("campaign_name", "Campaign", VoteCampaign.name, "ref",
               href=("campaigns", "campaign_id")),
        Column("campaign_id", "", Vote.campaign_id, "hidden"),
        Column("status", "Status", Vote.status, "enum", sort="status"),
        Column("outcome", "Outcome", Vote.outcome, "enum"),
        Column("consent_calendar", "Consent", Vote.consent_calendar, "bool"),
    ],
    joins=[(VoteBody, VoteBody.id == Vote.body_id),
           (VotePlace, VotePlace.id == VoteBody.jurisdiction_id),
           (VoteCampaign, VoteCampaign.id == Vote.campaign_id)],
    filters=[ref_filter("body_id", "Body", "body"),
             ref_filter("campaign_id", "Campaign", "campaign"),
             enum_filter("kind", "Kind", VoteKind), enum_filter("status", "Status", VoteStatus)],
    sections=[("Vote", ["title", "body_id", "campaign_id", "contract_id", "kind"]),
              ("Agenda", ["scheduled_at", "agenda_item_number", "consent_calendar",
                          "agenda_url", "location"]),
              ("Result", ["status", "outcome", "notes"])],
    overrides={"scheduled_at": {"label": "When (local time of the body)"},
               "consent_calendar": {"label": "On the consent calendar"}},
    related=[Related("Actions for this vote", "actions", fk="vote_id")],
)

MEETINGS = Spec(
    noun="meetings", crud=meetings.crud, singular="meeting", plural="meetings",
    title_key="held_at", attached=AttachedTo.meeting, zone=_meeting_zone,
    detail_context=_meeting_extras,
    intro="Meetings with decision-makers, and what we heard there.",
    columns=[
        Column("held_at", "When", Meeting.held_at, "datetime-title", sort="held_at",
               zone="timezone"),
        Column("timezone", "", MeetingPlace.timezone, "hidden"),
        Column("summary", "Summary", Meeting.summary, "excerpt"),
        Column("campaign_name", "Campaign", MeetingCampaign.name, "ref",
               href=("campaigns", "campaign_id")),
        Column("campaign_id", "", Meeting.campaign_id, "hidden"),
        Column("org_name", "Partner", MeetingOrg.name, "ref",
               href=("organizations", "organization_id")),
        Column("organization_id", "", Meeting.organization_id, "hidden"),
        Column("location", "Where", Meeting.location),
    ],
    joins=[(MeetingCampaign, MeetingCampaign.id == Meeting.campaign_id),
           (MeetingPlace, MeetingPlace.id == MeetingCampaign.jurisdiction_id),
           (MeetingOrg, MeetingOrg.id == Meeting.organization_id)],
    filters=[ref_filter("campaign_id", "Campaign", "campaign"),
             ref_filter("organization_id", "Partner", "organization")],
    sections=[("Meeting", ["held_at", "campaign_id", "organization_id", "location"]),
              ("Who", ["target_ids", "attendee_ids"]),
              ("What we heard", ["summary", "asks", "commitments", "follow_ups"])],
    overrides={"held_at": {"label": "When (local time of the campaign)"},
               "organization_id": {"label": "Partner organization"},
               "target_ids": {"label": "Targets met"},
               "attendee_ids": {"label": "Our people there"},
               # The words of the meeting log, whose follow-ups are tasks of their own.
               "asks": {"label": "What we asked for"},
               "commitments": {"label": "What they committed to"},
               "follow_ups": {"label": "Next steps (notes)"}},
    related=[
        Related("Targets met", "targets", through=Through(MeetingTarget, "meeting_id",
                                                          "target_id")),
        Related("Our people there", "people",
                through=Through(MeetingAttendee, "meeting_id", "person_id")),
        Related("Follow-up tasks", "tasks", fk="meeting_id"),
    ],
)

ACTIONS = Spec(
    noun="actions", crud=actions.crud, singular="action", plural="actions", title_key="title",
    attached=AttachedTo.action,
    intro="The campaign's moves, public and private, and who owns each.",
    zone=_by_campaign,
    columns=[
        Column("title", "Action", Action.title, "title", sort="title"),
        Column("kind", "Kind", Action.kind, "enum", sort="kind"),
        Column("scheduled_on", "On", Action.scheduled_on, "date", sort="scheduled_on"),
        Column("status", "Status", Action.status, "enum", sort="status"),
        Column("campaign_name", "Campaign", ActionCampaign.name, "ref",
               href=("campaigns", "campaign_id")),
        Column("campaign_id", "", Action.campaign_id, "hidden"),
        Column("owner_name", "Owner", ActionOrg.name, "ref",
               href=("organizations", "owner_organization_id")),
        Column("owner_organization_id", "", Action.owner_organization_id, "hidden"),
    ],
    joins=[(ActionCampaign, ActionCampaign.id == Action.campaign_id),
           (ActionOrg, ActionOrg.id == Action.owner_organization_id)],
    filters=[ref_filter("campaign_id", "Campaign", "campaign"),
             ref_filter("owner_organization_id", "Owner", "organization"),
             enum_filter("kind", "Kind", ActionKind),
             enum_filter("status", "Status", ActionStatus)],
    sections=[("Action", ["title", "kind", "campaign_id", "owner_organization_id", "vote_id",
                          "scheduled_on", "status"]),
              ("Plan and outcome", ["description", "outcome"])],
    overrides={"owner_organization_id": {"label": "Owner"}},
    related=[Related("Tasks", "tasks", fk="action_id")],
)

RECORDS_REQUESTS = Spec(
    noun="records-requests", crud=records_requests.crud, singular="records request",
    plural="records requests", title_key="subject", attached=AttachedTo.records_request,
    intro="Public-records requests: what was asked, of whom, and when the answer is due.",
    zone=_by_campaign,
    columns=[
        Column("subject", "Subject", RecordsRequest.subject, "title", sort="subject"),
        Column("agency_name", "Agency", RequestAgency.name, "ref",
               href=("agencies", "agency_id")),
        Column("agency_id", "", RecordsRequest.agency_id, "hidden"),
        Column("status", "Status", RecordsRequest.status, "enum", sort="status"),
        Column("sent_on", "Sent", RecordsRequest.sent_on, "date", sort="sent_on"),
        Column("due_on", "Due", RecordsRequest.due_on, "date", sort="due_on"),
        Column("countdown", "Days left", None, "countdown"),
        Column("tracking_number", "Tracking no.", RecordsRequest.tracking_number),
        Column("due_on_override", "", RecordsRequest.due_on_override, "hidden"),
        Column("state_code", "", RecordsRequest.state_code, "hidden"),
    ],
    joins=[(RequestAgency, RequestAgency.id == RecordsRequest.agency_id)],
    annotate=request_deadlines.annotate,
    list_links=[ListLink("/records-requests/batch", "Send to many agencies")],
    detail_template="records_requests/detail.html",
    filters=[ref_filter("agency_id", "Agency", "agency"),
             ref_filter("campaign_id", "Campaign", "campaign"),
             enum_filter("status", "Status", RequestStatus)],
    sections=[("Request", ["subject", "agency_id", "campaign_id", "requester_organization_id",
                           "law", "state_code", "method"]),
              ("Progress", ["status", "sent_on", "due_on_override", "tracking_number"]),
              ("Text and notes", ["text", "notes"])],
    overrides={"requester_organization_id": {"label": "Requested by"},
               "due_on_override": {"label": "Due date set by a lead (empty: the law's)"}},
    withheld=lambda actor: frozenset() if records_requests.may_override(actor)
    else frozenset({"due_on_override"}),
)

PRESS = Spec(
    noun="press", crud=media.press_hits, singular="press hit", plural="press",
    title_key="title", attached=AttachedTo.press_hit,
    intro="Coverage the campaign has had.",
    zone=_by_campaign,
    columns=[
        Column("title", "Headline", PressHit.title, "title", sort="title"),
        Column("outlet", "Outlet", PressHit.outlet, sort="outlet"),
        Column("published_on", "Published", PressHit.published_on, "date",
               sort="published_on"),
        Column("campaign_name", "Campaign", PressCampaign.name, "ref",
               href=("campaigns", "campaign_id")),
        Column("campaign_id", "", PressHit.campaign_id, "hidden"),
        Column("url", "Link", PressHit.url, "url"),
    ],
    joins=[(PressCampaign, PressCampaign.id == PressHit.campaign_id)],
    filters=[ref_filter("campaign_id", "Campaign", "campaign"),
             ref_filter("media_contact_id", "Reporter", "media_contact")],
    sections=[("Story", ["title", "outlet", "url", "published_on", "campaign_id",
                         "media_contact_id", "summary"])],
    overrides={"media_contact_id": {"label": "Reporter"}, "title": {"label": "Headline"}},
)

MEDIA_CONTACTS = Spec(
    noun="media-contacts", crud=media.contacts, singular="reporter", plural="reporters",
    title_key="name", intro="Reporters the coalition works with.",
    zone=_fallback_zone,
    sections=[("Details", ["name", "outlet", "beat", "email", "phone", "notes"])],
    columns=[
        Column("name", "Name", MediaContact.name, "title", sort="name"),
        Column("outlet", "Outlet", MediaContact.outlet, sort="outlet"),
        Column("beat", "Beat", MediaContact.beat),
        Column("email", "Email", MediaContact.email, "email"),
    ],
    related=[Related("Stories", "press", fk="media_contact_id")],
)

CAMPAIGNS = Spec(
    noun="campaigns", crud=campaigns.crud, singular="campaign", plural="campaigns",
    title_key="name", attached=AttachedTo.campaign, detail_template="campaigns/detail.html",
    intro="Each campaign: a goal in one place, its asks, its targets and its votes.",
    zone=_campaign_zone,
    columns=[
        Column("name", "Campaign", Campaign.name, "title", sort="name"),
        Column("goal", "Goal", Campaign.goal, "enum"),
        Column("status", "Status", Campaign.status, "enum", sort="status"),
        Column("place", "Jurisdiction", CampaignPlace.name, "ref",
               href=("jurisdictions", "jurisdiction_id")),
        Column("jurisdiction_id", "", Campaign.jurisdiction_id, "hidden"),
        Column("target_date", "Target date", Campaign.target_date, "date", sort="target_date"),
    ],
    joins=[(CampaignPlace, CampaignPlace.id == Campaign.jurisdiction_id)],
    filters=[enum_filter("goal", "Goal", CampaignGoal),
             enum_filter("status", "Status", CampaignStatus),
             ref_filter("jurisdiction_id", "Jurisdiction", "jurisdiction")],
    list_links=[ListLink("/campaigns/new-from-playbook", "New campaign from a playbook",
                         leads_only=True)],
    sections=[("Campaign", ["name", "goal", "status", "jurisdiction_id", "start_date",
                            "target_date", "lead_organization_ids"]),
              ("About", ["description"])],
    overrides={"lead_organization_ids": {"label": "Lead organizations"}},
    # What a lead looks for on a campaign beside its board: who still has to do what, the
    # records asked for, the meetings held and the press won.
    related=[Related("Tasks", "tasks", fk="campaign_id"),
             Related("Records requests", "records-requests", fk="campaign_id"),
             Related("Meetings", "meetings", fk="campaign_id"),
             Related("Press", "press", fk="campaign_id")],
)

TASKS = Spec(
    noun="tasks", crud=tasks.crud, singular="task", plural="tasks", title_key="title",
    intro="Follow-ups with an owner and a due date.",
    zone=_by_campaign,
    columns=[
        Column("title", "Task", Task.title, "title", sort="title"),
        Column("status", "Status", Task.status, "enum", sort="status"),
        Column("due_on", "Due", Task.due_on, "deadline", sort="due_on", zone="timezone"),
        Column("timezone", "", TaskPlace.timezone, "hidden"),
        Column("campaign_name", "Campaign", TaskCampaign.name, "ref",
               href=("campaigns", "campaign_id")),
        Column("campaign_id", "", Task.campaign_id, "hidden"),
        Column("org_name", "Organization", TaskOrg.name, "ref",
               href=("organizations", "assignee_organization_id")),
        Column("assignee_organization_id", "", Task.assignee_organization_id, "hidden"),
        Column("user_name", "Person", TaskUser.name),
    ],
    joins=[(TaskCampaign, TaskCampaign.id == Task.campaign_id),
           (TaskPlace, TaskPlace.id == TaskCampaign.jurisdiction_id),
           (TaskOrg, TaskOrg.id == Task.assignee_organization_id),
           (TaskUser, TaskUser.id == Task.assignee_user_id)],
    filters=[enum_filter("status", "Status", TaskStatus),
             ref_filter("campaign_id", "Campaign", "campaign"),
             ref_filter("assignee_organization_id", "Organization", "organization")],
    sections=[("Task", ["title", "status", "due_on", "campaign_id", "assignee_user_id",
                        "assignee_organization_id", "action_id", "meeting_id", "notes"])],
    overrides={"assignee_user_id": {"label": "Assigned to (person)"},
               "assignee_organization_id": {"label": "Assigned to (organization)"},
               "action_id": {"label": "For action"}, "meeting_id": {"label": "From meeting"}},
)

JURISDICTIONS = Spec(
    noun="jurisdictions", crud=jurisdictions.crud, singular="jurisdiction",
    plural="jurisdictions", title_key="name",
    intro="Cities, counties and states, each with its own timezone.",
    detail_template="jurisdictions/detail.html",
    panels=[source_panels.jurisdiction_cameras],
    zone=_own_zone,
    columns=[
        Column("name", "Name", Jurisdiction.name, "title", sort="name"),
        Column("kind", "Kind", Jurisdiction.kind, "enum", sort="kind"),
        Column("state_code", "State", Jurisdiction.state_code, sort="state_code"),
        Column("timezone", "Timezone", Jurisdiction.timezone),
        Column("parent_name", "Part of", ParentPlace.name, "ref",
               href=("jurisdictions", "parent_id")),
        Column("parent_id", "", Jurisdiction.parent_id, "hidden"),
    ],
    joins=[(ParentPlace, ParentPlace.id == Jurisdiction.parent_id)],
    filters=[enum_filter("kind", "Kind", JurisdictionKind)],
    overrides={"parent_id": {"label": "Part of"},
               "timezone": {"help": "An IANA timezone such as America/Chicago."}},
    related=[Related("Bodies", "bodies", fk="jurisdiction_id"),
             Related("Agencies", "agencies", fk="jurisdiction_id"),
             Related("Campaigns", "campaigns", fk="jurisdiction_id")],
)

VENDORS = Spec(
    noun="vendors", crud=contracts.vendors, singular="vendor", plural="vendors",
    title_key="name", intro="Companies selling plate readers.",
    zone=_fallback_zone,
    columns=[Column("name", "Name", Vendor.name, "title", sort="name"),
             Column("website", "Website", Vendor.website, "url")],
    related=[Related("Contracts", "contracts", fk="vendor_id")],
)

# Every concept the pages are built for, by noun.
SPECS: dict[str, Spec] = {spec.noun: spec for spec in (
    ORGANIZATIONS, PEOPLE, TARGETS, BODIES, AGENCIES, CONTRACTS, VOTES, MEETINGS, ACTIONS,
    RECORDS_REQUESTS, PRESS, MEDIA_CONTACTS, CAMPAIGNS, TASKS, JURISDICTIONS, VENDORS)}


def spec_for_table(table: str) -> Spec | None:
    ref = REFS.get(table)
    return SPECS.get(ref.noun) if ref and ref.noun else None


def attached_noun(kind: AttachedTo) -> str | None:
    return next((s.noun for s in SPECS.values() if s.attached == kind), None)


def summary_of(spec: Spec) -> dict[str, Any]:
    return {"noun": spec.noun, "singular": spec.singular, "plural": spec.plural}
