"""CSV exports: any list as the JSON API shows it, and everything an organization owns as a
ZIP of CSV files. User accounts are not coalition data and are left to the accounts pages."""

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from api.actions import service as actions
from api.actions.models import Action
from api.agencies import service as agencies
from api.bodies import service as bodies
from api.campaigns import service as campaigns
from api.campaigns.models import Campaign, CampaignLead
from api.contracts import service as contracts
from api.crud import Crud, ListQuery
from api.documents import service as documents
from api.documents.models import AttachedTo, Document
from api.jurisdictions import service as jurisdictions
from api.media import service as media
from api.meetings import service as meetings
from api.meetings.models import Meeting
from api.organizations import service as organizations
from api.organizations.models import Organization
from api.people import service as people
from api.people.models import Affiliation, Person
from api.records_requests import service as records_requests
from api.records_requests.models import RecordsRequest
from api.sources.agendas import service as agendas
from api.targets import service as targets
from api.targets.models import Target
from api.tasks import service as tasks
from api.tasks.models import Task
from api.votes import service as votes

PAGE = 500
# Text a spreadsheet program would run as a formula gets a leading apostrophe (OWASP's CSV
# injection advice); the spreadsheet import takes it off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

LISTS: dict[str, Crud[Any]] = {
    "organizations": organizations.crud, "people": people.crud,
    "affiliations": people.affiliations, "jurisdictions": jurisdictions.crud,
    "bodies": bodies.crud, "targets": targets.crud, "agencies": agencies.crud,
    "vendors": contracts.vendors, "contracts": contracts.crud, "campaigns": campaigns.crud,
    "votes": votes.crud, "meetings": meetings.crud, "actions": actions.crud,
    "tasks": tasks.crud, "records-requests": records_requests.crud,
    "documents": documents.crud, "media-contacts": media.contacts,
    "press-hits": media.press_hits, "suggested-votes": agendas.suggestions,
}


def cell(value: Any) -> str:
    """One value as spreadsheet text: lists of plain values joined with "; ", nested records as
    JSON, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        if all(not isinstance(v, dict | list) for v in value):
            text = "; ".join(cell(v) for v in value)
        else:
            text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(name)) for name in columns])
    return out.getvalue()


def _read_all(session: Session, crud: Crud[Any], stmt: sa.Select[Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    offset = 0
    while True:
        objs = list(session.exec(stmt.limit(PAGE).offset(offset)).all())
        rows.extend(crud.to_read(session, objs))
        if len(objs) < PAGE:
            return rows
        offset += PAGE


def export_list(session: Session, actor: Any, concept: str,
                params: ListQuery | None = None) -> str:
    """A list as CSV, with the same filters, search and order as the JSON list."""
    if concept not in LISTS:
        raise KeyError(concept)
    crud = LISTS[concept]
    params = params or ListQuery()
    stmt = crud.query(actor, params).order_by(*crud.order(params.sort))
    return _csv(list(crud.read_schema.model_fields), _read_all(session, crud, stmt))


@dataclass(frozen=True)
class Owned:
    filename: str
    crud: Crud[Any]
    where: Any


def _owned(organization_id: int) -> list[Owned]:
    members = select(Affiliation.person_id).where(Affiliation.organization_id == organization_id)
    led = select(CampaignLead.campaign_id).where(
        CampaignLead.organization_id == organization_id)
    return [
        Owned("organization.csv", organizations.crud, Organization.id == organization_id),
        Owned("people.csv", people.crud, Person.id.in_(members)),  # type: ignore[union-attr]
        Owned("affiliations.csv", people.affiliations,
              Affiliation.organization_id == organization_id),
        Owned("targets.csv", targets.crud, Target.owner_organization_id == organization_id),
        Owned("campaigns_led.csv", campaigns.crud, Campaign.id.in_(led)),  # type: ignore[union-attr]
        Owned("meetings.csv", meetings.crud, Meeting.organization_id == organization_id),
        Owned("actions.csv", actions.crud, Action.owner_organization_id == organization_id),
        Owned("tasks.csv", tasks.crud, Task.assignee_organization_id == organization_id),
        Owned("records_requests.csv", records_requests.crud,
              RecordsRequest.requester_organization_id == organization_id),
        Owned("documents.csv", documents.crud,
              sa.and_(Document.attached_kind == AttachedTo.organization,
                      Document.attached_id == organization_id)),
    ]


def export_organization(session: Session, actor: Any, organization_id: int) -> bytes:
    """Everything an organization owns (its record, members and their memberships, the targets
    whose relationship it owns, campaigns it leads, its meetings, actions, tasks, records
    requests and documents) as a ZIP of CSV files."""
    organizations.crud.get(session, actor, organization_id)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for owned in _owned(organization_id):
            model = owned.crud.model
            stmt = select(model).where(owned.where).order_by(model.id)  # type: ignore[attr-defined]
            rows = _read_all(session, owned.crud, stmt)
            archive.writestr(owned.filename,
                             _csv(list(owned.crud.read_schema.model_fields), rows))
    return out.getvalue()
