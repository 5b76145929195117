"""Redacted campaign exports: exactly which records leave at a tier, as CSV files and a summary."""

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlmodel import Session, SQLModel, select

from api import clock, csv_export
from api.actions.models import Action
from api.agencies.models import Agency
from api.auth import permissions
from api.auth.models import User, Visibility
from api.bodies.models import Body
from api.campaigns import service as campaigns
from api.campaigns.models import Campaign, policy_asks_of
from api.contracts.models import Contract
from api.documents.models import AttachedTo, Document
from api.errors import Forbidden, Invalid
from api.exports.headings import heading
from api.fields import stored_id
from api.i18n import catalogs
from api.i18n.catalogs import N_, gettext
from api.i18n.choice_words import humanize
from api.i18n.formatting import format_when
from api.jurisdictions.models import Jurisdiction
from api.meetings.models import Meeting, MeetingAttendee, MeetingTarget
from api.people.models import Person
from api.records_requests.models import RecordsRequest
from api.targets.models import StanceChange, StanceLevel, Target
from api.targets.service import moved_from
from api.targets.stance_words import one_stance
from api.tasks.models import Task
from api.vendors.models import Vendor
from api.votes.models import Vote, VoteStatus, member_votes_of, of_campaigns

# From most closed to most open: a record goes out at a tier when it is shared at least as wide.
# The tiers one may export at, most open first; a private record never leaves in an export.
TIERS = (Visibility.public, Visibility.coalition, Visibility.leads)
DEFAULT_TIER = Visibility.public
# Marked for the catalog: the pages offering an export say them in the reader's language.
TIER_WORDS = {
    Visibility.public: N_("Public: anyone"),
    Visibility.coalition: N_("The whole coalition"),
    Visibility.leads: N_("Coalition leads"),
}
# A policy ask in words, as the campaign's page says it.
ASK_WORDS = {
    "retention_limit": N_("Retention limit"),
    "no_outside_sharing": N_("No sharing outside the agency"),
    "no_immigration_use": N_("No use for immigration enforcement"),
    "public_annual_report": N_("Public annual report"),
    "search_audits": N_("Audits of every search"),
    "community_control_ordinance": N_("Community control ordinance"),
}
LIKELY_YES = frozenset({StanceLevel.champion.value, StanceLevel.leaning_yes.value})
AHEAD = frozenset({VoteStatus.scheduled.value, VoteStatus.postponed.value})
GOVERNMENT = (Agency, Contract, Vote)


def tier_named(value: str | None) -> Visibility:
    """The tier a request names; the default when it names none."""
    text = (value or "").strip().lower()
    if not text:
        return DEFAULT_TIER
    for tier in TIERS:
        if tier.value == text:
            return tier
    raise Invalid(N_("Choose the tier to export at: public, coalition or leads. Records shared "
                  "only with their own organization never leave in an export."), field="tier")


def exports_everyones(actor: User) -> bool:
    """Whether the actor's export holds every organization's readable records, not only its
    own organization's."""
    return permissions.acts_as_lead(actor)


def shared_at(model: type[SQLModel], actor: User, tier: Visibility) -> list[Any]:
    """The conditions a row must meet to be shared at the tier and read by the actor, whoever
    owns it; none for a kind without owners."""
    spec = permissions.owned().get(model)
    if spec is None:
        return []
    conditions: list[Any] = [getattr(model, spec.visibility).in_(permissions.shared_at_least(tier))]
    # Stated here too, not only left to the session's scope, so a session that is not scoped
    # (the command line) exports no more than the actor may read.
    readable = permissions.visible(model, actor)
    if readable is not None:
        conditions.append(readable)
    return conditions


def _shared(model: type[SQLModel], actor: User, tier: Visibility) -> list[Any]:
    """The conditions a row must meet to go out at the tier; none for a kind without owners."""
    spec = permissions.owned().get(model)
    if spec is None:
        return []
    conditions = shared_at(model, actor, tier)
    if not exports_everyones(actor):
        org = getattr(actor, "organization_id", None)
        owner = getattr(model, spec.owner)
        mine = owner == org if org is not None else sa.false()
        # The government's facts the coalition keeps (no organization's) go out with a
        # partner's export too, at their own visibility: the campaign is about them.
        conditions.append(sa.or_(mine, owner.is_(None)) if model in GOVERNMENT else mine)
    return conditions


@dataclass
class StanceStep:
    """An exported stance change, its "from" taken from the previous exported change so an
    observation left out is not told through the next one."""

    change: StanceChange
    from_level: str


@dataclass
class Selection:
    """Everything that goes out for one campaign (or, with none, one organization) at one
    tier."""

    campaign: Campaign | None
    tier: Visibility
    made: datetime
    zone: ZoneInfo
    everyones: bool
    jurisdiction: Jurisdiction | None = None
    bodies: list[Body] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    vendors: dict[int, str] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    # Names of decision-makers shared at the tier that are not exported themselves (another
    # organization's), to say whom an exported meeting or stance was about.
    target_names: dict[int, str] = field(default_factory=dict)
    standing: dict[int, str] = field(default_factory=dict)
    last_met: dict[int, datetime] = field(default_factory=dict)
    stance_steps: list[StanceStep] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    meeting_targets: dict[int, list[int]] = field(default_factory=dict)
    meeting_people: dict[int, list[int]] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    requests: list[RecordsRequest] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    # Each body's timezone: a vote is at a local hour where its body sits.
    body_zones: dict[int, ZoneInfo] = field(default_factory=dict)

    @property
    def with_contacts(self) -> bool:
        return self.tier != Visibility.public

    @property
    def exported_campaign(self) -> Campaign:
        """The campaign a campaign's export is about. An organization's export has none, and
        never asks."""
        if self.campaign is None:
            raise ValueError("an organization's export is about no campaign")
        return self.campaign


def _value(found: Any) -> Any:
    return getattr(found, "value", found)


def select_records(session: Session, actor: User, *, campaign_id: int,
                   tier: Visibility | str | None) -> Selection:
    """What goes out for the campaign at the tier. Refuses viewers (Forbidden), a tier one may
    not export at (Invalid), and a campaign the actor may not read as one that does not exist
    (NotFound).

    What goes in at a tier (private < leads < coalition < public):
    - Records of owned kinds (meetings, actions, tasks, records requests, targets, people,
      document metadata) only when their visibility is at or above the tier and the exporter
      may read them. A lead or administrator exports every such record; a partner only its
      own organization's.
    - Which of them belong to the campaign: its meetings, actions, tasks and records requests;
      the targets sitting on its bodies, observed in its stance changes or met in its exported
      meetings; the people who attended its exported meetings; documents attached to the
      campaign or to any exported record. A task made from a meeting or action goes only with
      that meeting or action.
    - Facts derived from records, only from exported sources: a stance change when its target
      and its meeting (if any) go in, its "from" stance being the previous exported change's;
      where a target stands is its latest exported change; "last met" and every count come
      from exported rows only.
    - Government facts: the campaign, its jurisdiction, its votes and the bodies they and its
      targets sit on, the jurisdiction's agencies and those of exported requests, and their
      contracts. Votes, agencies and contracts go in when shared at or above the tier, for a
      partner when they are its own or the coalition's (no organization's). The coalition's
      working notes on them do not.
    - Never: meetings' private notes, user accounts, audit entries, organizations, stored
      files, and at the public tier no contact details (e-mail, phone, Signal, office address,
      staffers, a request letter with its requester's name and address)."""
    if not permissions.may_export_campaign(actor):
        raise Forbidden(N_("Viewers can read but not export. Ask a lead or a partner member."))
    chosen = tier_named(tier)
    campaign = campaigns.crud.get(session, actor, campaign_id)
    zone = campaigns.zone(session, campaign.id)
    found = Selection(campaign=campaign, tier=chosen, made=clock.local(clock.now(), zone),
                      zone=zone, everyones=exports_everyones(actor))
    going = Going(session, actor, chosen, stored_id(campaign))
    _campaign_records(found, going)
    _decision_makers(found, going)
    _people(found, going)
    _government(found, going)
    _documents(found, going)
    return found


@dataclass(frozen=True)
class Going:
    """The export being made: who for, at what tier, of which campaign."""

    session: Session
    actor: User
    tier: Visibility
    campaign_id: int

    def shared(self, model: type[SQLModel]) -> list[Any]:
        return _shared(model, self.actor, self.tier)

    def all(self, stmt: Any) -> list[Any]:
        return list(self.session.exec(stmt).all())

    def meeting_ids(self) -> Any:
        """The exported meetings' ids, as a subquery: a campaign may have more meetings than a
        statement may list."""
        return select(Meeting.id).where(Meeting.campaign_id == self.campaign_id,
                                        *self.shared(Meeting))


def _campaign_records(found: Selection, going: Going) -> None:
    ours = going.campaign_id
    found.meetings = going.all(select(Meeting).where(
        Meeting.campaign_id == ours, *going.shared(Meeting)).order_by(Meeting.held_at,
                                                                      Meeting.id))
    found.actions = going.all(select(Action).where(
        Action.campaign_id == ours, *going.shared(Action)).order_by(
        Action.scheduled_on.is_(None), Action.scheduled_on, Action.id))
    tasks = going.all(select(Task).where(Task.campaign_id == ours, *going.shared(Task))
                      .order_by(Task.due_on.is_(None), Task.due_on, Task.id))
    # A follow-up may retell what was said where it came from.
    meetings, actions = {m.id for m in found.meetings}, {a.id for a in found.actions}
    found.tasks = [t for t in tasks if (t.meeting_id is None or t.meeting_id in meetings)
                   and (t.action_id is None or t.action_id in actions)]
    found.requests = going.all(select(RecordsRequest).where(
        RecordsRequest.campaign_id == ours, *going.shared(RecordsRequest)).order_by(
        RecordsRequest.sent_on.is_(None), RecordsRequest.sent_on, RecordsRequest.id))
    found.votes = going.all(select(Vote).where(of_campaigns(ours), *going.shared(Vote))
                            .order_by(Vote.scheduled_at, Vote.id))


def _campaign_bodies(found: Selection, going: Going) -> set[int]:
    """The bodies the campaign's votes go to and those of its jurisdiction."""
    ids = {v.body_id for v in found.votes}
    place = found.exported_campaign.jurisdiction_id
    if place is not None:
        ids |= set(going.session.exec(select(Body.id).where(Body.jurisdiction_id == place)))
    return ids


def _decision_makers(found: Selection, going: Going) -> None:
    """The targets, where each stands and when each was last met, from exported rows only."""
    changes = going.all(select(StanceChange).where(
        StanceChange.campaign_id == going.campaign_id,
        sa.or_(StanceChange.meeting_id.is_(None),
               StanceChange.meeting_id.in_(
                   select(Meeting.id).where(*going.shared(Meeting)))))
        .order_by(StanceChange.recorded_at, StanceChange.id))
    links = list(going.session.execute(
        select(MeetingTarget.meeting_id, MeetingTarget.target_id)
        .where(MeetingTarget.meeting_id.in_(going.meeting_ids()))))
    related = {c.target_id for c in changes} | {t for _, t in links}
    found.targets = going.all(select(Target).where(
        *going.shared(Target),
        sa.or_(Target.body_id.in_(_campaign_bodies(found, going)),
               Target.id.in_(related))).order_by(Target.name, Target.id))
    target_ids = {t.id for t in found.targets}
    for change, earlier in moved_from(c for c in changes if c.target_id in target_ids):
        found.stance_steps.append(StanceStep(change, earlier))
        found.standing[change.target_id] = str(_value(change.to_level))
    held = {stored_id(m): m.held_at for m in found.meetings}
    for meeting_id, target_id in links:
        if target_id not in target_ids:
            continue
        found.meeting_targets.setdefault(meeting_id, []).append(target_id)
        if target_id not in found.last_met or held[meeting_id] > found.last_met[target_id]:
            found.last_met[target_id] = held[meeting_id]


def _people(found: Selection, going: Going) -> None:
    """Those who attended the exported meetings, when their own records go out."""
    attended = list(going.session.execute(
        select(MeetingAttendee.meeting_id, MeetingAttendee.person_id)
        .where(MeetingAttendee.meeting_id.in_(going.meeting_ids()))))
    found.people = going.all(select(Person).where(
        Person.id.in_(select(MeetingAttendee.person_id).where(
            MeetingAttendee.meeting_id.in_(going.meeting_ids()))),
        *going.shared(Person)).order_by(Person.name, Person.id))
    person_ids = {p.id for p in found.people}
    for meeting_id, person_id in attended:
        if person_id in person_ids:
            found.meeting_people.setdefault(meeting_id, []).append(person_id)


def _government(found: Selection, going: Going) -> None:
    """The jurisdiction, bodies, agencies and contracts around the campaign."""
    session, place = going.session, found.exported_campaign.jurisdiction_id
    body_ids = _campaign_bodies(found, going)
    body_ids |= {t.body_id for t in found.targets if t.body_id is not None}
    found.bodies = going.all(select(Body).where(Body.id.in_(body_ids), *going.shared(Body))
                             .order_by(Body.name, Body.id))
    if place is not None:
        found.jurisdiction = session.get(Jurisdiction, place)
    places = {b.jurisdiction_id for b in found.bodies}
    named = dict(session.execute(select(Jurisdiction.id, Jurisdiction.timezone).where(
        Jurisdiction.id.in_(places))).all())
    found.body_zones = {stored_id(b): clock.zone_named(named.get(b.jurisdiction_id))
                        for b in found.bodies}
    local = set(session.exec(select(Agency.id).where(Agency.jurisdiction_id == place))) \
        if place is not None else set()
    found.contracts = going.all(select(Contract).where(
        sa.or_(Contract.id.in_({v.contract_id for v in found.votes}),
               Contract.agency_id.in_(local),
               Contract.approving_body_id.in_({b.id for b in found.bodies})),
        *going.shared(Contract)).order_by(Contract.notice_deadline.is_(None),
                                          Contract.notice_deadline, Contract.id))
    agency_ids = (local | {c.agency_id for c in found.contracts}
                  | {r.agency_id for r in found.requests})
    found.agencies = going.all(select(Agency).where(
        Agency.id.in_(agency_ids), *going.shared(Agency)).order_by(Agency.name, Agency.id))
    vendor_ids = ({c.vendor_id for c in found.contracts if c.vendor_id is not None}
                  | {a.vendor_id for a in found.agencies if a.vendor_id is not None})
    found.vendors = dict(session.execute(select(Vendor.id, Vendor.name).where(
        Vendor.id.in_(vendor_ids))).all())


def _documents(found: Selection, going: Going) -> None:
    """Documents attached to the campaign or to a record that goes out."""
    attached: dict[AttachedTo, Any] = {
        AttachedTo.campaign: [going.campaign_id],
        AttachedTo.meeting: going.meeting_ids(),
        AttachedTo.action: [a.id for a in found.actions],
        AttachedTo.records_request: [r.id for r in found.requests],
        AttachedTo.target: [t.id for t in found.targets],
        AttachedTo.person: [p.id for p in found.people],
        AttachedTo.vote: [v.id for v in found.votes],
        AttachedTo.body: [b.id for b in found.bodies],
        AttachedTo.agency: [a.id for a in found.agencies],
        AttachedTo.contract: [c.id for c in found.contracts],
    }
    found.documents = going.all(select(Document).where(
        sa.or_(*(sa.and_(Document.attached_kind == kind, Document.attached_id.in_(ids))
                 for kind, ids in attached.items())),
        *going.shared(Document)).order_by(Document.id))


# ---- the files -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Table:
    """One CSV file: its name (the same in every language), what it holds (marked for the
    catalog), its columns' keys (headings.heading says them) and its rows, whose choices are
    already said in the exporter's language."""

    name: str
    what: str
    header: Sequence[str]
    rows: list[Sequence[Any]]

    def headings(self) -> list[str]:
        return [gettext(heading(self.name, key)) for key in self.header]

    def document(self) -> bytes:
        """The file in the language in force: its headings, and yes or no for each checkbox,
        as a list's CSV says them; dates stay YYYY-MM-DD and numbers plain."""
        return csv_export.document(self.headings(), ([_yes_no(v) for v in row]
                                                     for row in self.rows))


def _yes_no(value: Any) -> Any:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return value


def said(value: Any, of: Any = None) -> str:
    """A stored choice in the exporter's words ("activa", "aliado"); empty for none."""
    if value is None or value == "":
        return ""
    return humanize(value, of)


def stance(level: Any) -> str:
    """A stance in the campaign's terms, as the whip board and the vote page say it."""
    return one_stance(level) if level else ""


def write_archive(zipped: zipfile.ZipFile, summary: str, made: list[Table]) -> None:
    """summary.html and a CSV file per table, in the language in force."""
    zipped.writestr("summary.html", summary.encode("utf-8"))
    for table in made:
        # With a byte order mark, spreadsheet programs read the CSV as UTF-8.
        zipped.writestr(f"{table.name}.csv", table.document())


def _when(at: datetime | None, zone: ZoneInfo) -> str:
    return clock.local(at, zone).isoformat(timespec="minutes") if at else ""


def _names(ids: Iterable[int], names: dict[int, str]) -> list[str]:
    return [names[i] for i in ids if i in names]


def tables(found: Selection) -> list[Table]:
    """The CSV files of a campaign's selection: only the columns that may go out at its tier."""
    c = found.campaign
    assert c is not None
    place = found.jurisdiction
    body_names = {stored_id(b): b.name for b in found.bodies}
    agency_names = {stored_id(a): a.name for a in found.agencies}
    target_names = {stored_id(t): t.name for t in found.targets}
    return [
        Table("campaign", N_("the campaign"), (
            "name", "goal", "status", "description", "jurisdiction", "state_code", "start_date",
            "target_date", "vote_date", "notice_deadline"), [(
                c.name, said(c.goal), said(c.status, c), c.description,
                place.name if place else "", place.state_code if place else "", c.start_date,
                c.target_date, c.vote_date, c.notice_deadline)]),
        Table("policy_asks", N_("what the campaign asks for"), ("ask", "won", "note"),
              [(_ask(a["ask"]), bool(a.get("won")), a.get("note", ""))
               for a in policy_asks_of(c)]),
        Table("bodies", N_("the bodies that decide"), (
            "id", "name", "kind", "seats", "majority_needed", "website"),
            [(b.id, b.name, said(b.kind), b.seats, b.majority_needed, b.website)
             for b in found.bodies]),
        votes_table(found, body_names=body_names, target_names=target_names),
        *record_tables(found, body_names=body_names, agency_names=agency_names),
        *government_tables(found, body_names=body_names, agency_names=agency_names),
    ]


def _ask(ask: Any) -> str:
    words = ASK_WORDS.get(str(ask))
    return gettext(words) if words else said(ask)


def votes_table(found: Selection, *, body_names: dict[int, str], target_names: dict[int, str],
                ours: bool = False) -> Table:
    zone = found.zone
    return Table("votes", N_("our votes") if ours else N_("the campaign's votes"), (
        "id", "title", "body", "scheduled_at", "agenda_item_number", "kind",
        "consent_calendar", "location", "status", "outcome", "member_votes", "agenda_url"),
        [(v.id, v.title, body_names.get(v.body_id, ""), _when(v.scheduled_at, zone),
          v.agenda_item_number, said(v.kind), v.consent_calendar, v.location,
          said(v.status, v), said(v.outcome),
          [f"{target_names[int(m['target_id'])]}: {said(m['vote'])}" for m in member_votes_of(v)
           if int(m["target_id"]) in target_names], v.agenda_url)
         for v in found.votes])


def record_tables(found: Selection, *, body_names: dict[int, str],
                  agency_names: dict[int, str], ours: bool = False) -> list[Table]:
    """The CSV files of the owned records a selection holds, and of the facts derived from
    them: the same for a campaign's export and an organization's."""
    zone, contacts = found.zone, found.with_contacts
    target_names = {**found.target_names, **{stored_id(t): t.name for t in found.targets}}
    person_names = {stored_id(p): p.name for p in found.people}
    # An action names its vote only where the vote goes out too.
    exported_votes = {v.id for v in found.votes}
    return [
        Table("targets", N_("the decision-makers"), (
            "id", "name", "office", "body", "district", "term_ends", "stance", "last_met",
            "website", "notes", "visibility",
            *(("email", "phone", "office_address", "staffers") if contacts else ())),
            [(t.id, t.name, said(t.title), body_names.get(t.body_id or 0, ""), t.district,
              t.term_ends, stance(found.standing.get(stored_id(t), StanceLevel.unknown.value)),
              _when(found.last_met.get(stored_id(t)), zone), t.website, t.notes,
              said(t.visibility),
              *((t.email, t.phone, t.office_address, t.staffers) if contacts else ()))
             for t in found.targets]),
        Table("stance_changes", N_("how the decision-makers' stances moved"), (
            "target_id", "target", "from_level", "to_level", "source", "note", "meeting_id",
            "recorded_at"),
            [(s.change.target_id, target_names[s.change.target_id], stance(s.from_level),
              stance(s.change.to_level), said(s.change.source), s.change.note,
              s.change.meeting_id, _when(s.change.recorded_at, zone))
             for s in found.stance_steps]),
        Table("meetings", N_("meetings with decision-makers"), (
            "id", "held_at", "location", "summary", "asks", "commitments", "follow_ups",
            "targets", "attendees", "visibility"),
            [(m.id, _when(m.held_at, zone), m.location, m.summary, m.asks, m.commitments,
              m.follow_ups, _names(found.meeting_targets.get(stored_id(m), []), target_names),
              _names(found.meeting_people.get(stored_id(m), []), person_names),
              said(m.visibility))
             for m in found.meetings]),
        Table("actions", N_("our actions") if ours else N_("the campaign's actions"), (
            "id", "title", "kind", "scheduled_on", "status", "description", "outcome",
            "vote_id", "visibility"),
            [(a.id, a.title, said(a.kind), a.scheduled_on, said(a.status, a), a.description,
              a.outcome, a.vote_id if a.vote_id in exported_votes else None,
              said(a.visibility)) for a in found.actions]),
        Table("tasks", N_("our tasks") if ours else N_("the campaign's tasks"), (
            "id", "title", "due_on", "status", "notes", "action_id", "meeting_id",
            "visibility"),
            [(t.id, t.title, t.due_on, said(t.status, t), t.notes, t.action_id, t.meeting_id,
              said(t.visibility)) for t in found.tasks]),
        Table("records_requests", N_("public-records requests and where they stand"), (
            "id", "subject", "agency", "law", "state_code", "sent_on", "method",
            "tracking_number", "status", "due_on", "notes", "visibility",
            *(("text",) if contacts else ())),
            [(r.id, r.subject, agency_names.get(r.agency_id, ""), r.law, r.state_code,
              r.sent_on, said(r.method), r.tracking_number, said(r.status, r), r.due_on,
              r.notes, said(r.visibility), *((r.text,) if contacts else ()))
             for r in found.requests]),
        Table("people", N_("people who attended the meetings"), (
            "id", "name", "tags", "notes", "visibility",
            *(("email", "phone", "signal_handle", "preferred_contact", "ok_to_email",
               "ok_to_text", "ok_to_call") if contacts else ())),
            [(p.id, p.name, p.tags, p.notes, said(p.visibility),
              *((p.email, p.phone, p.signal_handle, said(p.preferred_contact), p.ok_to_email,
                 p.ok_to_text, p.ok_to_call) if contacts else ()))
             for p in found.people]),
        Table("documents",
              N_("documents about these records (their descriptions, not the files)"), (
                  "id", "filename", "content_type", "size_bytes", "description",
                  "attached_kind", "attached_id", "visibility"),
              [(d.id, d.filename, d.content_type, d.size_bytes, d.description,
                said(d.attached_kind), d.attached_id, said(d.visibility))
               for d in found.documents]),
    ]


def government_tables(found: Selection, *, body_names: dict[int, str],
                      agency_names: dict[int, str]) -> list[Table]:
    """The agencies and contracts a selection holds."""
    return [
        Table("agencies", N_("the agencies that run the cameras"), (
            "id", "name", "kind", "state_code", "vendor", "fixed_cameras",
            "mobile_cameras", "retention_days", "shares_with_federal", "sharing_partners",
            "national_pool", "detections", "hits", "detections_period", "policy_url",
            "sharing_evidence_url"),
            [(a.id, a.name, said(a.kind), a.state_code, found.vendors.get(a.vendor_id or 0, ""),
              a.fixed_cameras, a.mobile_cameras, a.retention_days, said(a.shares_with_federal),
              a.sharing_partners, a.national_pool, a.detections, a.hits, a.detections_period,
              a.policy_url, a.sharing_evidence_url) for a in found.agencies]),
        Table("contracts", N_("the camera contracts and their deadlines"), (
            "id", "title", "agency", "vendor", "status", "annual_cost", "cost_per_camera",
            "camera_count", "start_date", "end_date", "auto_renews", "renewal_term_months",
            "termination_notice_days", "notice_deadline", "approving_body", "funding_source",
            "document_url"),
            [(k.id, k.title, agency_names.get(k.agency_id, ""),
              found.vendors.get(k.vendor_id or 0, ""), said(k.status, k), k.annual_cost,
              k.cost_per_camera, k.camera_count, k.start_date, k.end_date, k.auto_renews,
              k.renewal_term_months, k.termination_notice_days, k.notice_deadline,
              body_names.get(k.approving_body_id or 0, ""), k.funding_source, k.document_url)
             for k in found.contracts]),
    ]


def slug(name: str, *, fallback: str = "campaign") -> str:
    # Plain letters only: the name goes into a header, where other characters break it.
    return "".join(ch if ch.isascii() and ch.isalnum() else "-"
                   for ch in name.lower()).strip("-") or fallback


def export_campaign(session: Session, actor: User, *, campaign_id: int,
                    tier: Visibility | str | None) -> tuple[str, bytes]:
    """The file name and bytes of the campaign's ZIP at the tier: summary.html and a CSV file
    per kind of record. Small enough to make in memory: it holds no stored files."""
    found = select_records(session, actor, campaign_id=campaign_id, tier=tier)
    made = tables(found)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        write_archive(zipped, summary_html(found, made), made)
    name = f"{slug(found.exported_campaign.name)}-{found.tier.value}-{found.made:%Y-%m-%d}.zip"
    return name, archive.getvalue()


# ---- the summary -----------------------------------------------------------------------------

def day(value: date | datetime | None) -> str:
    """A day as the exporter's language writes it ("Mar 2, 2026", "2 mar 2026")."""
    return format_when(value, "date") if value else ""


def moment(at: datetime | None, zone: ZoneInfo) -> str:
    """An instant on the wall clock where it happens, with the zone's abbreviation."""
    if at is None:
        return ""
    local = clock.local(at, zone)
    return f"{day(local)}, {format_when(local, 'time')} {local.tzname()}"


def plain(value: Any, of: Any = None) -> str:
    """A stored choice as the summary says it, in the exporter's language."""
    return said(value, of)


def _upcoming(found: Selection) -> list[dict[str, Any]]:
    now = clock.now()
    bodies = {stored_id(b): b for b in found.bodies}
    standing = found.standing
    rows = []
    for vote in found.votes:
        if vote.scheduled_at < now or _value(vote.status) not in AHEAD:
            continue
        body = bodies.get(vote.body_id)
        members = [t for t in found.targets if t.body_id == vote.body_id]
        likely = sum(1 for t in members if standing.get(stored_id(t)) in LIKELY_YES)
        needed = None
        if body is not None:
            needed = body.majority_needed or (body.seats // 2 + 1 if body.seats else None)
        rows.append({"vote": vote, "body": body.name if body else "",
                     "when": moment(vote.scheduled_at,
                                     found.body_zones.get(vote.body_id, found.zone)),
                     "listed": len(members), "likely": likely, "needed": needed})
    return rows


@cache
def summaries() -> Environment:
    """The summaries' templates (api/exports/summaries): the campaign's and an
    organization's, one layout and style. Autoescaped throughout: every value in a summary is
    text someone typed."""
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "summaries"),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    # Said in the language in force when a summary is made: the exporter's. Trimmed as the
    # pages' templates are, so a message's words are the catalog's whatever the line breaks.
    env.policies["ext.i18n.trimmed"] = True
    # Said in the language in force when a summary is made: the exporter's.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        catalogs.gettext, catalogs.ngettext, newstyle=True, pgettext=catalogs.pgettext)
    return env


def summary_words(made: list[Table]) -> dict[str, Any]:
    """What every summary says around its own sections: its language and its files."""
    return {"lang": catalogs.current(),
            "files": [{"name": f"{t.name}.csv", "what": gettext(t.what), "rows": len(t.rows)}
                      for t in made]}


def summary_html(found: Selection, made: list[Table] | None = None) -> str:
    """The readable summary: one HTML file with its style inline, nothing fetched from anywhere
    and no script, so it opens the same offline, in a mail client or printed."""
    made = made if made is not None else tables(found)
    campaign = found.exported_campaign
    asks = [{"label": _ask(a["ask"]), "won": bool(a.get("won")),
             "note": a.get("note", "")} for a in policy_asks_of(campaign)]
    bodies = {stored_id(b): b.name for b in found.bodies}
    agencies = {stored_id(a): a.name for a in found.agencies}
    context = {
        "campaign": campaign,
        "goal": _capitalized(plain(campaign.goal)),
        "status": plain(campaign.status, campaign),
        "place": found.jurisdiction.name if found.jurisdiction else "",
        "target_date": day(campaign.target_date),
        "asks": asks,
        "tier": gettext(TIER_WORDS[found.tier]),
        "made": moment(found.made, found.zone),
        "everyones": found.everyones,
        "with_contacts": found.with_contacts,
        "targets": [{"name": t.name, "title": plain(t.title),
                     "body": bodies.get(t.body_id or 0, ""), "district": t.district,
                     "stance": stance(found.standing.get(stored_id(t), "unknown")),
                     "last_met": day(clock.local(found.last_met[t.id], found.zone))
                     if t.id in found.last_met else ""} for t in found.targets],
        "upcoming": _upcoming(found),
        "contracts": [{"title": k.title, "agency": agencies.get(k.agency_id, ""),
                       "vendor": found.vendors.get(k.vendor_id or 0, ""),
                       "status": plain(k.status, k), "end": day(k.end_date),
                       "notice": day(k.notice_deadline), "auto_renews": k.auto_renews}
                      for k in found.contracts],
        "requests": [{"subject": r.subject, "agency": agencies.get(r.agency_id, ""),
                      "sent": day(r.sent_on), "status": plain(r.status, r),
                      "due": day(r.due_on)} for r in found.requests],
        "actions": [{"title": a.title, "kind": plain(a.kind), "on": day(a.scheduled_on),
                     "status": plain(a.status, a)} for a in found.actions],
        "meetings": len(found.meetings),
        **summary_words(made),
    }
    return summaries().get_template("campaign.html").render(**context)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
