"""A small coalition for permission tests: two organizations, and every kind of sensitive record
at every visibility, each carrying a unique marker so a leak can be found in any response."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session

from api.actions import service as actions
from api.agencies import service as agencies
from api.auth.models import Role, Visibility
from api.campaigns import service as campaigns
from api.documents import service as documents
from api.documents.models import AttachedTo, DocumentMeta
from api.meetings import service as meetings
from api.organizations import service as organizations
from api.people import service as people
from api.records_requests import service as records_requests
from api.targets import service as targets
from api.tasks import service as tasks

VISIBILITIES = [v.value for v in Visibility]


@dataclass
class Record:
    kind: str
    id: int
    owner: int | None
    visibility: str
    markers: list[str] = field(default_factory=list)


@dataclass
class World:
    org_a: int
    org_b: int
    records: list[Record]

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
    from api.campaigns.models import CampaignCreate
    from api.organizations.models import OrganizationCreate

    org_a = organizations.crud.create(session, actor, OrganizationCreate(
        name=f"Org A {marker()}", kind="privacy")).id
    org_b = organizations.crud.create(session, actor, OrganizationCreate(
        name=f"Org B {marker()}", kind="faith")).id
    agency = agencies.crud.create(session, actor, AgencyCreate(name="Riverton PD")).id
    campaign = campaigns.crud.create(session, actor, CampaignCreate(name="No renewal")).id
    records: list[Record] = []
    for owner in (org_b, org_a):
        for vis in VISIBILITIES:
            records.extend(_records(session, actor, owner=owner, vis=vis, agency=agency,
                                    campaign=campaign))
    session.commit()
    return World(org_a, org_b, records)


def _records(session: Session, actor: object, *, owner: int, vis: str, agency: int,
             campaign: int) -> list[Record]:
    from api.actions.models import ActionCreate
    from api.meetings.models import MeetingCreate
    from api.people.models import AffiliationCreate, PersonCreate
    from api.records_requests.models import RecordsRequestCreate
    from api.targets.models import TargetCreate
    from api.tasks.models import TaskCreate

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

    m = marker()
    meeting = meetings.crud.create(session, actor, MeetingCreate(
        held_at=datetime(2026, 3, 1, 18, tzinfo=UTC), summary=m, organization_id=owner,
        visibility=vis))
    out.append(Record("meeting", meeting.id, owner, vis, [m]))

    m = marker()
    task = tasks.crud.create(session, actor, TaskCreate(
        title=f"Task {m}", notes=m, owner_organization_id=owner, visibility=vis))
    out.append(Record("task", task.id, owner, vis, [m]))

    m = marker()
    request = records_requests.crud.create(session, actor, RecordsRequestCreate(
        subject=f"Request {m}", notes=m, agency_id=agency, requester_organization_id=owner,
        visibility=vis))
    out.append(Record("records_request", request.id, owner, vis, [m]))

    m = marker()
    action = actions.crud.create(session, actor, ActionCreate(
        title=f"Action {m}", description=m, owner_organization_id=owner, visibility=vis))
    out.append(Record("action", action.id, owner, vis, [m]))

    m = marker()
    document = documents.upload(session, actor, meta=DocumentMeta(
        attached_kind=AttachedTo.agency, attached_id=agency, description=m,
        owner_organization_id=owner, visibility=vis), filename=f"{m}.txt",
        content=f"minutes {m}\n".encode())
    out.append(Record("document", document.id, owner, vis, [m]))
    return out
