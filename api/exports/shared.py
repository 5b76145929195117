"""What one organization shares, exported at a tier it picks: its own records shared at least
that widely, as the campaign export's CSV files and a readable summary of its own."""

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, SQLModel, select

from api import clock
from api.actions.models import Action
from api.agencies.models import Agency
from api.auth import permissions
from api.auth.models import User, Visibility
from api.bodies.models import Body
from api.contracts.models import Contract
from api.documents.models import Document
from api.errors import NO_SUCH, Forbidden, NotFound, Term
from api.evidence.models import EvidenceEntry
from api.exports import redacted
from api.exports.redacted import Selection, StanceStep, Table, plain, said
from api.fields import stored_id
from api.i18n.catalogs import N_, gettext
from api.known_outcomes.models import KnownOutcome
from api.media.models import MediaContact, PressHit
from api.meetings.models import Meeting, MeetingAttendee, MeetingTarget
from api.organizations.models import Organization
from api.people.models import Person
from api.records_requests.models import RecordsRequest
from api.sharing.models import SharingLink
from api.targets.models import StanceChange, Target
from api.targets.service import moved_from
from api.tasks.models import Task
from api.vendors.models import Vendor
from api.votes.models import Vote


@dataclass(frozen=True)
class Sharing:
    """The export being made: whose records, at what tier, read as whom."""

    session: Session
    actor: User
    tier: Visibility
    organization_id: int

    def shared(self, model: type[SQLModel]) -> list[Any]:
        """A row goes out when the organization owns it and shares it at least as widely as
        the tier (and the exporter may read it, which a member always may)."""
        spec = permissions.owned()[model]
        return [*redacted.shared_at(model, self.actor, self.tier),
                getattr(model, spec.owner) == self.organization_id]

    def open_at_tier(self, model: type[SQLModel]) -> list[Any]:
        """Rows of any owner shared at least as widely as the tier: named, never exported."""
        return redacted.shared_at(model, self.actor, self.tier)

    def all(self, stmt: Any) -> list[Any]:
        return list(self.session.exec(stmt).all())

    def meeting_ids(self) -> Any:
        return select(Meeting.id).where(*self.shared(Meeting))


def select_records(session: Session, actor: User, *, organization_id: int,
                   tier: Visibility | str | None) -> tuple[Organization, Selection]:
    """The organization and what goes out for it at the tier. Refuses anyone but its members
    and administrators (Forbidden), a tier one may not export at (Invalid), and an organization
    that does not exist (NotFound).

    What goes in: the organization's meetings, actions, tasks, records requests, targets,
    people, document descriptions, votes, agencies, contracts, press contacts and coverage,
    evidence of misuse, outcomes elsewhere and sharing links
    whose visibility is at or above the tier; the stances seen
    in those meetings, and "last met" from them; the names of the decision-makers they were
    about when those are shared at the tier too. Never: its private records, its notes kept on
    its meetings for itself, another organization's records, accounts, stored files, and at
    the public tier no one's contact details."""
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound(NO_SUCH, noun=Term(N_("organization")), id=organization_id)
    if not permissions.may_export_organization(actor, organization_id):
        raise Forbidden(N_("Only this organization's members (not its viewers) and "
                           "administrators can export what it shares."))
    chosen = redacted.tier_named(tier)
    zone = clock.home_zone()
    found = Selection(campaign=None, tier=chosen, made=clock.local(clock.now(), zone), zone=zone,
                      everyones=False)
    going = Sharing(session, actor, chosen, organization_id)
    _records(found, going)
    _decision_makers(found, going)
    _people(found, going)
    _government(found, going)
    return organization, found


@dataclass
class Press:
    """The organization's press contacts and coverage that go out."""

    contacts: list[MediaContact]
    hits: list[PressHit]


def _records(found: Selection, going: Sharing) -> None:
    found.meetings = going.all(select(Meeting).where(*going.shared(Meeting))
                               .order_by(Meeting.held_at, Meeting.id))
    found.actions = going.all(select(Action).where(*going.shared(Action)).order_by(
        Action.scheduled_on.is_(None), Action.scheduled_on, Action.id))
    tasks = going.all(select(Task).where(*going.shared(Task)).order_by(
        Task.due_on.is_(None), Task.due_on, Task.id))
    # A follow-up may retell what was said where it came from: it goes only with its source.
    meetings, actions = {m.id for m in found.meetings}, {a.id for a in found.actions}
    found.tasks = [t for t in tasks if (t.meeting_id is None or t.meeting_id in meetings)
                   and (t.action_id is None or t.action_id in actions)]
    found.requests = going.all(select(RecordsRequest).where(
        *going.shared(RecordsRequest)).order_by(
        RecordsRequest.sent_on.is_(None), RecordsRequest.sent_on, RecordsRequest.id))
    found.documents = going.all(select(Document).where(*going.shared(Document))
                                .order_by(Document.id))


def _decision_makers(found: Selection, going: Sharing) -> None:
    found.targets = going.all(select(Target).where(*going.shared(Target))
                              .order_by(Target.name, Target.id))
    links = list(going.session.execute(
        select(MeetingTarget.meeting_id, MeetingTarget.target_id)
        .where(MeetingTarget.meeting_id.in_(going.meeting_ids()))))
    changes = going.all(select(StanceChange).where(
        StanceChange.meeting_id.in_(going.meeting_ids()))
        .order_by(StanceChange.recorded_at, StanceChange.id))
    mentioned = {t for _, t in links} | {c.target_id for c in changes}
    own = {t.id: t.name for t in found.targets}
    found.target_names = dict(going.session.execute(
        select(Target.id, Target.name).where(
            Target.id.in_(mentioned - set(own)), *going.open_at_tier(Target))).all())
    named = set(own) | set(found.target_names)
    # Within a history of one target on one campaign: the export spans campaigns, and a stance
    # on one is no earlier stance on another.
    found.stance_steps.extend(StanceStep(change, earlier) for change, earlier in
                              moved_from(c for c in changes if c.target_id in named))
    held = {m.id: m.held_at for m in found.meetings}
    for meeting_id, target_id in links:
        if target_id not in named:
            continue
        found.meeting_targets.setdefault(meeting_id, []).append(target_id)
        if target_id in own and (target_id not in found.last_met
                                 or held[meeting_id] > found.last_met[target_id]):
            found.last_met[target_id] = held[meeting_id]


def _people(found: Selection, going: Sharing) -> None:
    found.people = going.all(select(Person).where(*going.shared(Person))
                             .order_by(Person.name, Person.id))
    person_ids = {p.id for p in found.people}
    for meeting_id, person_id in going.session.execute(
            select(MeetingAttendee.meeting_id, MeetingAttendee.person_id)
            .where(MeetingAttendee.meeting_id.in_(going.meeting_ids()))):
        if person_id in person_ids:
            found.meeting_people.setdefault(meeting_id, []).append(person_id)


def _government(found: Selection, going: Sharing) -> None:
    """What the organization itself recorded of votes, agencies and contracts."""
    found.votes = going.all(select(Vote).where(*going.shared(Vote))
                            .order_by(Vote.scheduled_at, Vote.id))
    found.agencies = going.all(select(Agency).where(*going.shared(Agency))
                               .order_by(Agency.name, Agency.id))
    found.contracts = going.all(select(Contract).where(*going.shared(Contract)).order_by(
        Contract.notice_deadline.is_(None), Contract.notice_deadline, Contract.id))
    vendor_ids = ({c.vendor_id for c in found.contracts if c.vendor_id is not None}
                  | {a.vendor_id for a in found.agencies if a.vendor_id is not None})
    found.vendors = dict(going.session.execute(select(Vendor.id, Vendor.name).where(
        Vendor.id.in_(vendor_ids))).all())


def _press(going: Sharing) -> Press:
    return Press(
        contacts=going.all(select(MediaContact).where(*going.shared(MediaContact))
                           .order_by(MediaContact.name, MediaContact.id)),
        hits=going.all(select(PressHit).where(*going.shared(PressHit)).order_by(
            PressHit.published_on.is_(None), PressHit.published_on, PressHit.id)))


@dataclass
class Findings:
    """What the organization found out and recorded: evidence of misuse, outcomes elsewhere
    and who can search an agency's reads."""

    evidence: list[EvidenceEntry]
    outcomes: list[KnownOutcome]
    links: list[SharingLink]

    def agency_ids(self) -> set[int]:
        return ({e.agency_id for e in self.evidence if e.agency_id is not None}
                | {k.agency_id for k in self.links}
                | {k.partner_agency_id for k in self.links if k.partner_agency_id is not None})


def _findings(going: Sharing) -> Findings:
    return Findings(
        evidence=going.all(select(EvidenceEntry).where(*going.shared(EvidenceEntry)).order_by(
            EvidenceEntry.occurred_on, EvidenceEntry.id)),
        outcomes=going.all(select(KnownOutcome).where(*going.shared(KnownOutcome)).order_by(
            KnownOutcome.decided_on, KnownOutcome.id)),
        links=going.all(select(SharingLink).where(*going.shared(SharingLink)).order_by(
            SharingLink.id)))


def _findings_tables(found: Findings, agencies: dict[int, str]) -> list[Table]:
    return [
        Table("evidence", N_("the evidence of misuse we recorded"), (
            "id", "title", "kind", "occurred_on", "summary", "citation", "url", "agency",
            "visibility"),
            [(e.id, e.title, said(e.kind), e.occurred_on, e.summary, e.citation, e.url,
              agencies.get(e.agency_id or 0, ""), said(e.visibility)) for e in found.evidence]),
        Table("outcomes_elsewhere", N_("the outcomes elsewhere we recorded"), (
            "id", "place", "state_code", "latitude", "longitude", "outcome", "decided_on",
            "vendor", "citation", "url", "notes", "visibility"),
            [(k.id, k.place, k.state_code, k.latitude, k.longitude, said(k.outcome),
              k.decided_on, k.vendor, k.citation, k.url, k.notes, said(k.visibility))
             for k in found.outcomes]),
        Table("sharing_links", N_("who can search an agency's reads, as we found it"), (
            "id", "agency", "kind", "partner_agency", "partner_name", "partner_count", "pool",
            "immigration", "source_kind", "source_url", "reported_on", "confidence",
            "visibility"),
            [(k.id, agencies.get(k.agency_id, ""), said(k.kind),
              agencies.get(k.partner_agency_id or 0, ""), k.partner_name, k.partner_count,
              k.pool, k.immigration, said(k.source_kind), k.source_url, k.reported_on,
              said(k.confidence), said(k.visibility)) for k in found.links]),
    ]


def _press_tables(found: Selection, press: Press) -> list[Table]:
    contacts = found.with_contacts
    return [
        Table("media_contacts", N_("our press contacts"), (
            "id", "name", "outlet", "beat", "notes", "visibility",
            *(("email", "phone") if contacts else ())),
            [(m.id, m.name, m.outlet, m.beat, m.notes, said(m.visibility),
              *((m.email, m.phone) if contacts else ())) for m in press.contacts]),
        Table("press_hits", N_("the coverage we recorded"), (
            "id", "title", "outlet", "url", "published_on", "summary", "visibility"),
            [(p.id, p.title, p.outlet, p.url, p.published_on, p.summary, said(p.visibility))
             for p in press.hits]),
    ]


def _names(session: Session, going: Sharing, found: Selection,
           findings: Findings) -> tuple[dict[int, str], dict[int, str]]:
    """The bodies and agencies the exported records name, when they are shared at the tier."""
    body_ids = {t.body_id for t in found.targets if t.body_id is not None}
    body_ids |= {v.body_id for v in found.votes}
    body_ids |= {c.approving_body_id for c in found.contracts if c.approving_body_id}
    agency_ids = ({r.agency_id for r in found.requests} | {c.agency_id for c in found.contracts}
                  | findings.agency_ids())
    bodies = dict(session.execute(select(Body.id, Body.name).where(
        Body.id.in_(body_ids), *going.open_at_tier(Body))).all())
    agencies = dict(session.execute(select(Agency.id, Agency.name).where(
        Agency.id.in_(agency_ids), *going.open_at_tier(Agency))).all())
    return bodies, agencies


def export_organization(session: Session, actor: User, *, organization_id: int,
                        tier: Visibility | str | None) -> tuple[str, bytes]:
    """The file name and bytes of the organization's ZIP at the tier: summary.html and a CSV
    file per kind of record."""
    organization, found = select_records(session, actor, organization_id=organization_id,
                                         tier=tier)
    going = Sharing(session, actor, found.tier, organization_id)
    findings = _findings(going)
    bodies, agencies = _names(session, going, found, findings)
    agencies.update({stored_id(a): a.name for a in found.agencies})
    targets = {**found.target_names, **{stored_id(t): t.name for t in found.targets}}
    made = [*redacted.record_tables(found, body_names=bodies, agency_names=agencies,
                                    ours=True),
            redacted.votes_table(found, body_names=bodies, target_names=targets, ours=True),
            *redacted.government_tables(found, body_names=bodies, agency_names=agencies),
            *_press_tables(found, _press(going)), *_findings_tables(findings, agencies)]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        redacted.write_archive(zipped, summary_html(organization, found, made), made)
    slug = redacted.slug(organization.name, fallback="organization")
    return f"{slug}-shared-{found.tier.value}-{found.made:%Y-%m-%d}.zip", archive.getvalue()


# ---- the summary -----------------------------------------------------------------------------

def summary_html(organization: Organization, found: Selection, made: list[Table]) -> str:
    """One self-contained page, as the campaign summary: style inline, nothing fetched."""
    zone = found.zone
    names = {**found.target_names, **{stored_id(t): t.name for t in found.targets}}
    context = {
        "organization": organization.name,
        "tier": gettext(redacted.TIER_WORDS[found.tier]),
        "made": redacted.moment(found.made, zone),
        "with_contacts": found.with_contacts,
        "targets": [{"name": t.name, "district": t.district,
                     "last_met": redacted.day(clock.local(found.last_met[t.id], zone))
                     if t.id in found.last_met else ""} for t in found.targets],
        "meetings": [{"day": redacted.day(clock.local(m.held_at, zone)),
                      "with": ", ".join(
                          names[i] for i in found.meeting_targets.get(stored_id(m), [])),
                      "location": m.location} for m in found.meetings],
        "requests": [{"subject": r.subject, "sent": redacted.day(r.sent_on),
                      "status": plain(r.status, r), "due": redacted.day(r.due_on)}
                     for r in found.requests],
        "actions": [{"title": a.title, "kind": plain(a.kind),
                     "on": redacted.day(a.scheduled_on), "status": plain(a.status, a)}
                    for a in found.actions],
        "counts": {"tasks": len(found.tasks), "people": len(found.people),
                   "documents": len(found.documents)},
        **redacted.summary_words(made),
    }
    return redacted.summaries().get_template("organization.html").render(**context)
