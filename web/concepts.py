"""The registry of each concept's pages: its declaration (api/<concept>/models.py) and its
service's Crud, with what only the pages have (templates, panels, zones, related records,
form wording, list links, intro), built from one explicit list."""

from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api import clock
from api.actions import models as actions_models
from api.actions import service as actions
from api.actions.models import Action
from api.agencies import models as agencies_models
from api.agencies import service as agencies
from api.agencies.models import Agency
from api.auth import permissions
from api.auth.models import User
from api.auth.scoping import built_once, read
from api.bodies import models as bodies_models
from api.bodies import service as bodies
from api.bodies.models import Body
from api.campaigns import models as campaigns_models
from api.campaigns import service as campaigns
from api.campaigns.models import Campaign, CampaignLead
from api.contracts import models as contracts_models
from api.contracts import service as contracts
from api.contracts.models import Contract
from api.documents.models import AttachedTo
from api.evidence import models as evidence_models
from api.evidence import service as evidence
from api.evidence.models import EvidenceEntry
from api.i18n.catalogs import N_, gettext
from api.i18n.formatting import format_when
from api.jurisdictions import models as jurisdictions_models
from api.jurisdictions import service as jurisdictions
from api.jurisdictions.models import Jurisdiction
from api.known_outcomes import models as known_outcomes_models
from api.known_outcomes import service as known_outcomes
from api.known_outcomes.models import KnownOutcome
from api.media import models as media_models
from api.media import service as media
from api.media.models import MediaContact, PressHit
from api.meetings import models as meetings_models
from api.meetings import service as meetings
from api.meetings.models import Meeting, MeetingAttendee, MeetingTarget
from api.organizations import models as organizations_models
from api.organizations import service as organizations
from api.organizations.models import Organization
from api.people import models as people_models
from api.people import service as people
from api.people.models import Affiliation, Person
from api.records_requests import models as records_requests_models
from api.records_requests import service as records_requests
from api.records_requests.models import (
    RecordsRequest,
    RecordsRequestContract,
    RecordsRequestTarget,
)
from api.sharing import models as sharing_models
from api.sharing import service as sharing
from api.sharing.models import SharingLink
from api.targets import models as targets_models
from api.targets import service as targets
from api.targets.models import Target
from api.tasks import models as tasks_models
from api.tasks import service as tasks
from api.tasks.models import Task
from api.vendors import models as vendors_models
from api.vendors import service as vendors
from api.vendors.models import Vendor
from api.votes import models as votes_models
from api.votes import service as votes
from api.votes.models import Vote
from web import deadlines as request_deadlines
from web import evidence_panels, exposure_panels, sharing_panels, source_panels
from web.concept_pages import (
    Column,
    ListLink,
    Nouns,
    Ref,
    Related,
    Spec,
    Through,
    declared_spec,
)
from web.forms import declared_labels, label_from_name
from web.words import NOTES_SHARING_WORDS, SHARING_WORDS

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
                   lambda v: meeting_title(v) if v else gettext("Meeting")),
    "action": Ref(Action, Action.title, "actions"),
    "media_contact": Ref(MediaContact, MediaContact.name, "media-contacts"),
    "app_user": Ref(User, User.name, None),
    "task": Ref(Task, Task.title, "tasks"),
    "press_hit": Ref(PressHit, PressHit.title, "press"),
    "records_request": Ref(RecordsRequest, RecordsRequest.subject, "records-requests"),
    "evidence_entry": Ref(EvidenceEntry, EvidenceEntry.title, "evidence"),
    "known_outcome": Ref(KnownOutcome, KnownOutcome.place, "outcomes-elsewhere"),
    "sharing_link": Ref(SharingLink, SharingLink.partner_name, "sharing-links"),
}


def meeting_title(held: datetime) -> str:
    """A meeting's name, which is its day: it has no title of its own."""
    return gettext("Meeting of {day}").format(day=format_when(held, "date"))


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


IDS: sa.BindParameter[Any] = sa.bindparam("ids", expanding=True)


@cache
def _options(table: str) -> sa.Select[Any]:
    # Made once for each table: building a statement (and working out its cache key with the
    # reader's criteria) cost more than running it.
    ref = REFS[table]
    return built_once(sa.select(ref.model.id, ref.label).order_by(ref.label, ref.model.id)
                      .limit(OPTIONS_LIMIT))


@cache
def _labels(table: str) -> sa.Select[Any]:
    ref = REFS[table]
    return built_once(sa.select(ref.model.id, ref.label).where(ref.model.id.in_(IDS)))


def ref_options(session: Session, table: str) -> list[tuple[int, str]]:
    """Every record of a table a form can point at, by name."""
    ref = REFS[table]
    return [(i, ref.fmt(label)) for i, label in read(session, _options(table))]


def ref_labels(session: Session, table: str, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    ref = REFS[table]
    return {i: ref.fmt(label) for i, label in read(session, _labels(table),
                                                    {IDS.key: list(ids)})}


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


def _meeting_extras(session: Session, actor: User, record: Any) -> dict[str, Any]:
    # None for readers outside the meeting's organization: the page then has no such part.
    return {"private_notes": meetings.private_notes(session, record.id)}


# How the pages name each concept's records (web.concept_pages.Nouns): singular, plural, the
# list's title, and the phrases a sentence takes whole.
NOUNS: dict[str, Nouns] = {
    "organizations": Nouns(N_("organization"), N_("organizations"), N_("Organizations"),
                           N_("an organization"), N_("the organization"),
                           N_("this organization"), N_("New organization")),
    "people": Nouns(N_("person"), N_("people"), N_("People"), N_("a person"), N_("the person"),
                    N_("this person"), N_("New person")),
    "targets": Nouns(N_("target"), N_("targets"), N_("Targets"), N_("a target"),
                     N_("the target"), N_("this target"), N_("New target")),
    "bodies": Nouns(N_("body"), N_("bodies"), N_("Bodies"), N_("a body"), N_("the body"),
                    N_("this body"), N_("New body")),
    "agencies": Nouns(N_("agency"), N_("agencies"), N_("Agencies"), N_("an agency"),
                      N_("the agency"), N_("this agency"), N_("New agency")),
    "contracts": Nouns(N_("contract"), N_("contracts"), N_("Contracts"), N_("a contract"),
                       N_("the contract"), N_("this contract"), N_("New contract")),
    "votes": Nouns(N_("vote"), N_("votes"), N_("Votes"), N_("a vote"), N_("the vote"),
                   N_("this vote"), N_("New vote")),
    "meetings": Nouns(N_("meeting"), N_("meetings"), N_("Meetings"), N_("a meeting"),
                      N_("the meeting"), N_("this meeting"), N_("New meeting")),
    "actions": Nouns(N_("action"), N_("actions"), N_("Actions"), N_("an action"),
                     N_("the action"), N_("this action"), N_("New action")),
    "records-requests": Nouns(N_("records request"), N_("records requests"),
                              N_("Records requests"), N_("a records request"),
                              N_("the records request"), N_("this records request"),
                              N_("New records request")),
    "press": Nouns(N_("press hit"), N_("press"), N_("Press"), N_("a press hit"),
                   N_("the press hit"), N_("this press hit"), N_("New press hit")),
    "media-contacts": Nouns(N_("reporter"), N_("reporters"), N_("Reporters"), N_("a reporter"),
                            N_("the reporter"), N_("this reporter"), N_("New reporter")),
    "campaigns": Nouns(N_("campaign"), N_("campaigns"), N_("Campaigns"), N_("a campaign"),
                       N_("the campaign"), N_("this campaign"), N_("New campaign")),
    "tasks": Nouns(N_("task"), N_("tasks"), N_("Tasks"), N_("a task"), N_("the task"),
                   N_("this task"), N_("New task")),
    "jurisdictions": Nouns(N_("jurisdiction"), N_("jurisdictions"), N_("Jurisdictions"),
                           N_("a jurisdiction"), N_("the jurisdiction"),
                           N_("this jurisdiction"), N_("New jurisdiction")),
    "vendors": Nouns(N_("vendor"), N_("vendors"), N_("Vendors"), N_("a vendor"),
                     N_("the vendor"), N_("this vendor"), N_("New vendor")),
    "evidence": Nouns(N_("evidence entry"), N_("evidence entries"), N_("Evidence of misuse"),
                      N_("an evidence entry"), N_("the evidence entry"),
                      N_("this evidence entry"), N_("New evidence entry")),
    "outcomes-elsewhere": Nouns(N_("outcome elsewhere"), N_("outcomes elsewhere"),
                                N_("Outcomes elsewhere"), N_("an outcome elsewhere"),
                                N_("the outcome elsewhere"), N_("this outcome elsewhere"),
                                N_("New outcome elsewhere")),
    "sharing-links": Nouns(N_("sharing link"), N_("sharing links"), N_("Sharing links"),
                           N_("a sharing link"), N_("the sharing link"),
                           N_("this sharing link"), N_("New sharing link")),
}


ORGANIZATIONS = declared_spec(
    organizations_models.ORGANIZATIONS, organizations.crud, REFS, noun="organizations",
    nouns=NOUNS["organizations"],
    attached=AttachedTo.organization,
    detail_template="organizations/detail.html",
    panels=[sharing_panels.organization_export],
    intro=N_("Coalition partners: who they are, their role and how far along they are."),
    zone=_fallback_zone,
    list_links=[ListLink("/imports/organizations", N_("Import from a spreadsheet"),
                         leads_only=True)],
    overrides={"notes_visibility": {
        "label": N_("Who can read these notes"),
        "choices": list(NOTES_SHARING_WORDS.items()),
        "help": N_("Besides the organization's own members: everyone else sees the "
                   "organization without its notes.")},
        "default_visibility": {
        "label": N_("Share our new records with"),
        "choices": list(SHARING_WORDS.items()),
        "help": N_("What a new meeting, person, task or request of ours starts shared with; "
                   "each can still be changed. Empty: the coalition's default.")},
        "tell_leads_meetings": {
        "label": N_("Tell the coalition's leads when we met a decision-maker"),
        "help": N_("Only that a partner met them, and the day, on the whip board and the "
                   "campaign page: never what was said or who was there.")}},
    related=[
        Related(N_("People"), "people",
                through=Through(Affiliation, "organization_id", "person_id")),
        Related(N_("Targets whose relationship it owns"), "targets", fk="owner_organization_id"),
        Related(N_("Meetings"), "meetings", fk="organization_id"),
        Related(N_("Actions it owns"), "actions", fk="owner_organization_id"),
        Related(N_("Open tasks"), "tasks", fk="assignee_organization_id"),
        Related(N_("Campaigns it leads"), "campaigns",
                through=Through(CampaignLead, "organization_id", "campaign_id")),
    ],
)

PEOPLE = declared_spec(
    people_models.PEOPLE, people.crud, REFS, noun="people",
    nouns=NOUNS["people"],
    attached=AttachedTo.person,
    intro=N_("Organizers, volunteers and allies, with how and whether they may be contacted."),
    zone=_fallback_zone,
    list_links=[ListLink("/imports/people", N_("Import from a spreadsheet"), leads_only=True)],
    overrides={"ok_to_email": {"label": N_("OK to email")},
               "ok_to_text": {"label": N_("OK to text")},
               "ok_to_call": {"label": N_("OK to call")}},
    related=[
        Related(N_("Organizations"), "organizations",
                through=Through(Affiliation, "person_id", "organization_id")),
        Related(N_("Meetings attended"), "meetings",
                through=Through(MeetingAttendee, "person_id", "meeting_id")),
    ],
)

TARGETS = declared_spec(
    targets_models.TARGETS, targets.crud, REFS, noun="targets",
    nouns=NOUNS["targets"],
    attached=AttachedTo.target,
    detail_template="targets/detail.html",
    intro=N_("Decision-makers: who sits where, and which partner owns the relationship."),
    zone=_by_body,
    panels=[evidence_panels.target_wins],
    list_links=[ListLink("/imports/targets", N_("Import from a spreadsheet"), leads_only=True)],
    overrides={"owner_organization_id": {"label": N_("Relationship owner")},
               "staffers": {"kind": "textarea"}},
    related=[
        Related(N_("Meetings"), "meetings",
                through=Through(MeetingTarget, "target_id", "meeting_id")),
        Related(N_("Votes of their body"), "votes", fk="body_id", value_from="body_id"),
        Related(N_("Records requests about them"), "records-requests",
                through=Through(RecordsRequestTarget, "target_id", "records_request_id")),
    ],
)

BODIES = declared_spec(
    bodies_models.BODIES, bodies.crud, REFS, noun="bodies",
    nouns=NOUNS["bodies"],
    attached=AttachedTo.body,
    detail_template="bodies/detail.html",
    panels=[source_panels.body_agenda],
    intro=N_("Councils, boards and offices that decide: seats and the votes it takes to win."),
    zone=_by_place,
    overrides={"majority_needed": {"label": N_("Votes needed for a majority")},
               "legistar_client": {"help": N_("The part before .legistar.com, e.g. sanjose.")},
               "legistar_body_name": {
                   "label": N_("This body's name on Legistar"),
                   "help": N_("A client's agendas cover all its bodies (committees included): "
                              "the name picks this body's meetings, e.g. City Council. Empty: "
                              "every body's.")},
               "comment_hours_before": {
                   "help": N_("When written comments are due so many hours before the meeting "
                              "starts.")},
               "comment_days_before": {
                   "help": N_("With a time of day: 1 for the day before the meeting, 0 for its "
                              "own day.")},
               "comment_due_time": {
                   "help": N_("On the 24-hour clock, e.g. 12:00 for “by noon the day "
                              "before”.")},
               "comment_send_to": {
                   "help": N_("The clerk's email, a web form's address or a mailing address.")},
               "speaker_signup": {"kind": "textarea"},
               "speaker_signup_closes": {
                   "help": N_("0: when the meeting starts. Empty: the rules do not say.")},
               "legistar_token": {
                   "kind": "secret", "label": N_("Legistar token"),
                   "help": N_("Only for clients that ask for one. Never shown again; left "
                              "empty, the token kept stays (tick the box below it to remove "
                              "it).")}},
    related=[
        Related(N_("Members"), "targets", fk="body_id"),
        Related(N_("Votes"), "votes", fk="body_id"),
        Related(N_("Contracts it approves"), "contracts", fk="approving_body_id"),
    ],
)

AGENCIES = declared_spec(
    agencies_models.AGENCIES, agencies.crud, REFS, noun="agencies",
    nouns=NOUNS["agencies"],
    attached=AttachedTo.agency,
    detail_template="agencies/detail.html",
    panels=[source_panels.agency_sources, exposure_panels.agency_exposure,
            evidence_panels.agency_evidence],
    intro=N_("Agencies running plate readers: cameras, retention and who they share with."),
    zone=_by_place,
    list_links=[ListLink("/imports/atlas", N_("Import the Atlas of Surveillance"),
                         leads_only=True),
                ListLink("/imports/data-driven", N_("Import the EFF Data Driven ALPR dataset"),
                         leads_only=True)],
    overrides={"source_links": {"kind": "lines", "help": N_("One link per line.")},
               "ori": {"label": N_("ORI"),
                       "help": N_("The FBI's nine-character originating agency identifier, "
                                  "e.g. CO0640100.")}},
    related=[Related(N_("Contracts"), "contracts", fk="agency_id"),
             Related(N_("Records requests"), "records-requests", fk="agency_id")],
)

CONTRACTS = declared_spec(
    contracts_models.CONTRACTS, contracts.crud, REFS, noun="contracts",
    nouns=NOUNS["contracts"],
    attached=AttachedTo.contract,
    detail_template="contracts/detail.html",
    intro=N_("Vendor contracts, with the last day to give notice so they do not renew."),
    panels=[evidence_panels.contract_evidence],
    zone=_contract_zone,
    overrides={"approving_body_id": {"label": N_("Approving body")},
               "termination_notice_days": {"label": N_("Days of notice needed to end it")}},
    related=[Related(N_("Votes on it"), "votes", fk="contract_id"),
             Related(N_("Records requests about it"), "records-requests",
                     through=Through(RecordsRequestContract, "contract_id",
                                     "records_request_id"))],
    list_zone="agency_id",
)

VOTES = declared_spec(
    votes_models.VOTES, votes.crud, REFS, noun="votes",
    nouns=NOUNS["votes"],
    attached=AttachedTo.vote,
    zone=_vote_zone,
    detail_template="votes/detail.html",
    intro=N_("Decision points on a body's agenda; times are local to the body."),
    overrides={"scheduled_at": {"label": N_("When (local time of the body)")},
               "time_not_announced": {
                   "help": N_("Tick it while the agenda gives no time: the vote shows its day "
                              "and “time not announced”, and calendars show it all day.")},
               "consent_calendar": {"label": N_("On the consent calendar")},
               "our_position": {
                   "label": N_("Our position"),
                   "choices": [("for", N_("For it: we want it to pass")),
                               ("against", N_("Against it: we want it to fail")),
                               ("amend", N_("Amend it")), ("watch", N_("Watching"))],
                   "help": N_("Whether a yes vote is a win: the counts of this vote say 'with "
                              "us' and what it takes to win from it.")}},
    related=[Related(N_("Actions for this vote"), "actions", fk="vote_id")],
    # A vote's time not announced shows its day alone in the list.
    also_select=["time_not_announced"],
    list_zone="body_id",
)

MEETINGS = declared_spec(
    meetings_models.MEETINGS, meetings.crud, REFS, noun="meetings",
    nouns=NOUNS["meetings"],
    attached=AttachedTo.meeting,
    zone=_meeting_zone,
    detail_context=_meeting_extras,
    intro=N_("Meetings with decision-makers, and what we heard there."),
    overrides={"held_at": {"label": N_("When (local time of the campaign)")},
               "organization_id": {"label": N_("Partner organization")},
               "target_ids": {"label": N_("Targets met")},
               "attendee_ids": {"label": N_("Our people there")},
               # The words of the meeting log, whose follow-ups are tasks of their own.
               "asks": {"label": N_("What we asked for")},
               "commitments": {"label": N_("What they committed to")},
               "follow_ups": {"label": N_("Next steps (notes)")}},
    related=[
        Related(N_("Targets met"), "targets", through=Through(MeetingTarget, "meeting_id",
                                                          "target_id")),
        Related(N_("Our people there"), "people",
                through=Through(MeetingAttendee, "meeting_id", "person_id")),
        Related(N_("Follow-up tasks"), "tasks", fk="meeting_id"),
    ],
    list_zone="campaign_id",
)

ACTIONS = declared_spec(
    actions_models.ACTIONS, actions.crud, REFS, noun="actions",
    nouns=NOUNS["actions"],
    attached=AttachedTo.action,
    intro=N_("The campaign's moves, public and private, and who owns each."),
    zone=_by_campaign,
    overrides={"owner_organization_id": {"label": N_("Owner")}},
    related=[Related(N_("Tasks"), "tasks", fk="action_id")],
)

RECORDS_REQUESTS = declared_spec(
    records_requests_models.RECORDS_REQUESTS, records_requests.crud, REFS, noun="records-requests",
    nouns=NOUNS["records-requests"],
    attached=AttachedTo.records_request,
    intro=N_("Public-records requests: what was asked, of whom, and when the answer is due."),
    zone=_by_campaign,
    # Days left to the answer, worked out for each page of rows from the fields it needs.
    annotate=request_deadlines.annotate,
    computed=[("due_on", Column("countdown", N_("Days left"), None, "countdown"))],
    also_select=["due_on_override", "state_code"],
    list_links=[ListLink("/records-requests/batch", N_("Send to many agencies"))],
    detail_template="records_requests/detail.html",
    overrides={"requester_organization_id": {"label": N_("Requested by")},
               "due_on_override": {"label": N_("Due date set by a lead (empty: the law's)")},
               "contract_ids": {"label": N_("Contracts it is about")},
               "target_ids": {"label": N_("Officials it is about"),
                              "help": N_("Whose emails, calendars or decisions it asks for.")}},
    withheld=lambda actor: frozenset() if permissions.may_override_due_date(actor)
    else frozenset({"due_on_override"}),
)

PRESS = declared_spec(
    media_models.PRESS_HITS, media.press_hits, REFS, noun="press",
    nouns=NOUNS["press"],
    attached=AttachedTo.press_hit,
    intro=N_("Coverage the campaign has had."),
    zone=_by_campaign,
    overrides={"media_contact_id": {"label": N_("Reporter")}, "title": {"label": N_("Headline")}},
)

MEDIA_CONTACTS = declared_spec(
    media_models.MEDIA_CONTACTS, media.contacts, REFS, noun="media-contacts",
    nouns=NOUNS["media-contacts"],
    intro=N_("Reporters the coalition works with."),
    zone=_fallback_zone,
    related=[Related(N_("Stories"), "press", fk="media_contact_id")],
)

CAMPAIGNS = declared_spec(
    campaigns_models.CAMPAIGNS, campaigns.crud, REFS, noun="campaigns",
    nouns=NOUNS["campaigns"],
    attached=AttachedTo.campaign,
    detail_template="campaigns/detail.html",
    intro=N_("Each campaign: a goal in one place, its asks, its targets and its votes."),
    zone=_campaign_zone,
    panels=[evidence_panels.campaign_evidence],
    list_links=[ListLink("/campaigns/new-from-playbook", N_("New campaign from a playbook"),
                         leads_only=True)],
    overrides={"lead_organization_ids": {"label": N_("Lead organizations")},
               "contract_ids": {"label": N_("Contracts")}},
    # What a lead looks for on a campaign beside its board: who still has to do what, the
    # records asked for, the meetings held and the press won.
    related=[Related(N_("Tasks"), "tasks", fk="campaign_id"),
             Related(N_("Records requests"), "records-requests", fk="campaign_id"),
             Related(N_("Meetings"), "meetings", fk="campaign_id"),
             Related(N_("Press"), "press", fk="campaign_id")],
)

TASKS = declared_spec(
    tasks_models.TASKS, tasks.crud, REFS, noun="tasks",
    nouns=NOUNS["tasks"],
    intro=N_("Follow-ups with an owner and a due date."),
    zone=_by_campaign,
    overrides={"assignee_user_id": {"label": N_("Assigned to (person)")},
               "assignee_organization_id": {"label": N_("Assigned to (organization)")},
               "action_id": {"label": N_("For action")},
               "meeting_id": {"label": N_("From meeting")}},
    list_zone="campaign_id",
)

JURISDICTIONS = declared_spec(
    jurisdictions_models.JURISDICTIONS, jurisdictions.crud, REFS, noun="jurisdictions",
    nouns=NOUNS["jurisdictions"],
    intro=N_("Cities, counties and states, each with its own timezone."),
    detail_template="jurisdictions/detail.html",
    panels=[source_panels.jurisdiction_cameras, exposure_panels.jurisdiction_exposure,
            evidence_panels.jurisdiction_wins],
    zone=_own_zone,
    overrides={"parent_id": {"label": N_("Part of")},
               "timezone": {"kind": "timezone",
                            "help": N_("The local time of the place: its meetings, votes and "
                                       "deadlines are reckoned in it.")}},
    related=[Related(N_("Bodies"), "bodies", fk="jurisdiction_id"),
             Related(N_("Agencies"), "agencies", fk="jurisdiction_id"),
             Related(N_("Campaigns"), "campaigns", fk="jurisdiction_id")],
)

VENDORS = declared_spec(
    vendors_models.VENDORS, vendors.crud, REFS, noun="vendors",
    nouns=NOUNS["vendors"],
    intro=N_("Companies selling plate readers: the agencies whose cameras they made and the "
             "contracts signed with them."),
    zone=_fallback_zone,
    related=[Related(N_("Agencies"), "agencies", fk="vendor_id"),
             Related(N_("Contracts"), "contracts", fk="vendor_id")],
)

EVIDENCE = declared_spec(
    evidence_models.EVIDENCE, evidence.crud, REFS, noun="evidence",
    nouns=NOUNS["evidence"],
    attached=AttachedTo.evidence_entry,
    intro=N_("Dated evidence of plate-reader misuse (audit-log findings, records, news, "
             "lawsuits, testimony, policy violations), each with its source."),
    zone=_fallback_zone,
    overrides={"contract_id": {"label": N_("Contract it is about")},
               "agency_id": {"label": N_("Agency it is about")},
               "campaign_id": {"label": N_("Campaign it is about")}},
)

OUTCOMES_ELSEWHERE = declared_spec(
    known_outcomes_models.KNOWN_OUTCOMES, known_outcomes.crud, REFS,
    noun="outcomes-elsewhere", nouns=NOUNS["outcomes-elsewhere"],
    intro=N_("What other places decided about their plate readers: contracts cancelled or not "
             "renewed, ordinances, restrictions, campaigns lost."),
    zone=_fallback_zone,
    list_links=[ListLink("/outcome-imports", N_("Import from a CSV file"), leads_only=True)],
    overrides={"latitude": {"help": N_("The place's center, in decimal degrees, e.g. 37.77.")},
               "longitude": {"help": N_("West of Greenwich is negative, e.g. -122.42.")}},
)

SHARING_LINKS = declared_spec(
    sharing_models.SHARING_LINKS, sharing.crud, REFS, noun="sharing-links",
    nouns=NOUNS["sharing-links"],
    intro=N_("Who can search an agency's plate reads: each link with its source. The agency's "
             "page adds them up and draws them."),
    zone=_fallback_zone,
)

# Every concept the pages are built for, by noun.
SPECS: dict[str, Spec] = {spec.noun: spec for spec in (
    ORGANIZATIONS, PEOPLE, TARGETS, BODIES, AGENCIES, CONTRACTS, VOTES, MEETINGS, ACTIONS,
    RECORDS_REQUESTS, PRESS, MEDIA_CONTACTS, CAMPAIGNS, TASKS, JURISDICTIONS, VENDORS,
    EVIDENCE, OUTCOMES_ELSEWHERE, SHARING_LINKS)}
# The labels declared with the concepts' fields, by field name: the history and the error
# messages, which know only a field's name, say it as its form does.
LABELS: dict[str, str] = declared_labels(spec.create_schema for spec in SPECS.values())


# Each concept's own labels, by the table its records live in: an official's "title" is their
# office, where LABELS says the title of most records.
TABLE_LABELS: dict[str, dict[str, str]] = {
    spec.model.__tablename__: declared_labels([spec.create_schema]) for spec in SPECS.values()}


def label_for(name: str, table: str = "") -> str:
    """A field's label: the one declared with it in its concept's models (those of the records
    of `table` where it is known), else one made from its name, which only a field declared
    without a title falls back on."""
    return (TABLE_LABELS.get(table, {}).get(name) or LABELS.get(name)
            or label_from_name(name))


def spec_for_table(table: str) -> Spec | None:
    ref = REFS.get(table)
    return SPECS.get(ref.noun) if ref and ref.noun else None


def attached_noun(kind: AttachedTo) -> str | None:
    return next((s.noun for s in SPECS.values() if s.attached == kind), None)


def summary_of(spec: Spec) -> dict[str, Any]:
    return {"noun": spec.noun, "singular": spec.singular, "plural": spec.plural}
