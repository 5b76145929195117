"""Exports: any list as CSV, and everything an organization owns as one ZIP with its files."""

import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import IO, Any, get_args

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from api import clock, csv_export
from api.accounts import service as accounts
from api.actions import service as actions
from api.actions.models import Action
from api.agencies import service as agencies
from api.auth import permissions
from api.auth.models import User
from api.bodies import service as bodies
from api.campaigns import service as campaigns
from api.campaigns.models import Campaign, CampaignLead
from api.contracts import service as contracts
from api.crud import Crud, ListQuery
from api.documents import service as documents
from api.documents.models import Document
from api.errors import NO_SUCH, Forbidden, NotFound, Term
from api.evidence import service as evidence
from api.i18n.catalogs import N_
from api.jurisdictions import service as jurisdictions
from api.known_outcomes import service as known_outcomes
from api.media import service as media
from api.meetings import service as meetings
from api.meetings.models import Meeting, MeetingNote
from api.organizations import service as organizations
from api.organizations.models import Organization
from api.people import service as people
from api.people.models import Affiliation, Person
from api.records_requests import service as records_requests
from api.records_requests.models import RecordsRequest
from api.settings import get_settings
from api.sharing import service as sharing
from api.sources.agendas import service as agendas
from api.targets import service as targets
from api.targets.models import Target
from api.tasks import service as tasks
from api.tasks.models import Task
from api.vendors import service as vendors
from api.votes import service as votes

PAGE = 500
# An archive larger than this goes to a temporary file rather than memory: documents add up.
SPOOL_BYTES = 8 * 1024 * 1024

LISTS: dict[str, Crud[Any, Any]] = {
    "organizations": organizations.crud, "people": people.crud,
    "affiliations": people.affiliations, "jurisdictions": jurisdictions.crud,
    "bodies": bodies.crud, "targets": targets.crud, "agencies": agencies.crud,
    "vendors": vendors.crud, "contracts": contracts.crud, "campaigns": campaigns.crud,
    "votes": votes.crud, "meetings": meetings.crud, "actions": actions.crud,
    "tasks": tasks.crud, "records-requests": records_requests.crud,
    "documents": documents.crud, "media-contacts": media.contacts,
    "press-hits": media.press_hits, "suggested-votes": agendas.suggestions,
    "sharing-links": sharing.crud, "evidence": evidence.crud,
    "known-outcomes": known_outcomes.crud,
}


def _holds_decimal(annotation: Any) -> bool:
    return annotation is Decimal or any(_holds_decimal(a) for a in get_args(annotation))


@cache
def _decimal_fields(schema: type[BaseModel]) -> frozenset[str]:
    return frozenset(name for name, f in schema.model_fields.items()
                     if _holds_decimal(f.annotation))


def table_csv(crud: Crud[Any, Any], rows: list[dict[str, Any]]) -> str:
    """Rows as the JSON API reads them, as CSV with the read schema's fields for columns."""
    columns = list(crud.read_schema.model_fields)
    # The JSON form of a row writes amounts as text; as text, a spreadsheet could not add them.
    schema: type[BaseModel] = crud.read_schema
    amounts = _decimal_fields(schema)

    def value(name: str, found: Any) -> Any:
        return Decimal(found) if name in amounts and isinstance(found, str) else found

    return csv_export.write(columns, ([value(name, row.get(name)) for name in columns]
                                      for row in rows))


def _read_all(session: Session, crud: Crud[Any, Any],
              stmt: sa.Select[Any]) -> tuple[list[Any], list[dict[str, Any]]]:
    """The records of the statement and their JSON form, a page at a time."""
    objs: list[Any] = []
    rows: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = list(session.execute(stmt.limit(PAGE).offset(offset)).scalars().all())
        objs.extend(page)
        rows.extend(read.model_dump(mode="json") for read in crud.to_read(session, page))
        if len(page) < PAGE:
            return objs, rows
        offset += PAGE


def export_list(session: Session, actor: User, concept: str,
                params: ListQuery | None = None) -> str:
    """A list as CSV, with the same filters, search and order as the JSON list."""
    if concept not in LISTS:
        raise KeyError(concept)
    crud = LISTS[concept]
    params = params or ListQuery()
    stmt = crud.query(actor, params).order_by(*crud.order(params.sort))
    return table_csv(crud, _read_all(session, crud, stmt)[1])


# ---- everything an organization owns ---------------------------------------------------------

@dataclass(frozen=True)
class Owned:
    name: str
    what: str
    crud: Crud[Any, Any]
    where: Any


def _owned(organization_id: int) -> list[Owned]:
    ours = select(Person.id).where(Person.owner_organization_id == organization_id)
    led = select(CampaignLead.campaign_id).where(
        CampaignLead.organization_id == organization_id)
    return [
        Owned("organization", "the organization's own record", organizations.crud,
              Organization.id == organization_id),
        Owned("accounts", "its members' accounts (no passwords or two-factor secrets)",
              accounts.crud, User.organization_id == organization_id),
        Owned("people", "the people it keeps", people.crud,
              Person.owner_organization_id == organization_id),
        Owned("affiliations", "those people's memberships", people.affiliations,
              Affiliation.person_id.in_(ours)),
        Owned("targets", "the targets whose relationship it owns", targets.crud,
              Target.owner_organization_id == organization_id),
        Owned("campaigns_led", "the campaigns it leads", campaigns.crud,
              Campaign.id.in_(led)),
        Owned("meetings", "its meetings", meetings.crud,
              Meeting.organization_id == organization_id),
        Owned("actions", "the actions it owns", actions.crud,
              Action.owner_organization_id == organization_id),
        Owned("tasks", "the tasks it owns", tasks.crud,
              Task.owner_organization_id == organization_id),
        Owned("records_requests", "the records requests it filed", records_requests.crud,
              RecordsRequest.requester_organization_id == organization_id),
        Owned("documents", "the documents it owns; their files are in documents/",
              documents.crud, Document.owner_organization_id == organization_id),
        *(Owned(name, what, crud, crud.model.owner_organization_id == organization_id)
          for name, what, crud in (
              ("agencies", "the agencies it keeps", agencies.crud),
              ("contracts", "the contracts it keeps", contracts.crud),
              ("votes", "the votes it keeps", votes.crud),
              ("media_contacts", "the reporters it keeps", media.contacts),
              ("press_hits", "the press it keeps", media.press_hits),
              ("sharing_links", "the sharing links it found", sharing.crud),
              ("evidence", "the evidence of misuse it recorded", evidence.crud),
              ("outcomes_elsewhere", "the outcomes elsewhere it recorded",
               known_outcomes.crud))),
    ]


def _meeting_notes(session: Session, organization_id: int) -> list[tuple[int, str, str]]:
    """The organization's private notes on its meetings, as the reader may read them: kept
    apart from the meetings table, so they leave only in the organization's own export."""
    rows = session.execute(
        select(MeetingNote.meeting_id, Meeting.held_at, MeetingNote.text)
        .join(Meeting, Meeting.id == MeetingNote.meeting_id)
        .where(MeetingNote.organization_id == organization_id, MeetingNote.text != "")
        .order_by(MeetingNote.meeting_id))
    return [(meeting_id, f"{clock.local(held):%Y-%m-%d %H:%M %Z}", text)
            for meeting_id, held, text in rows]


def _archive_name(document: Document) -> str:
    # A name someone typed, made safe to unpack: no folders, no hidden files, and the id first
    # so two documents of one name both arrive.
    name = Path(document.filename.replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).lstrip(".") or "document"
    return f"documents/{document.id}-{name}"


def export_organization(session: Session, actor: User,
                        organization_id: int) -> tuple[str, IO[bytes]]:
    """The file name and the ZIP (rewound, to be closed by the caller) of everything an
    organization owns that the actor may read: its record, accounts, people and their
    memberships, targets, the campaigns it leads, meetings, actions, tasks, records requests,
    documents with their files, and its notes, with a README saying what is where. Its own
    members who write, leads and administrators may export it."""
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound(NO_SUCH, noun=Term(N_("organization")), id=organization_id)
    if not permissions.may_manage_organization(actor, organization_id):
        raise Forbidden(N_("Only the organization's own partners, the coalition's leads and "
                        "administrators can export its data."))
    made = clock.local(clock.now())
    contents: list[str] = []
    missing: list[str] = []
    archive_file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
            for owned in _owned(organization_id):
                model = owned.crud.model
                objs, rows = _read_all(session, owned.crud,
                                       select(model).where(owned.where).order_by(model.id))
                archive.writestr(f"{owned.name}.csv",
                                 csv_export.encoded(table_csv(owned.crud, rows)))
                archive.writestr(f"{owned.name}.json",
                                 json.dumps(rows, indent=2, ensure_ascii=False))
                count = f"{len(rows)} record{'' if len(rows) == 1 else 's'}"
                contents.append(f"{owned.name}.csv and {owned.name}.json: {owned.what} ({count})")
                if model is Document:
                    folder = get_settings().documents_dir
                    for document in objs:
                        path = folder / document.stored_name
                        if path.is_file():
                            archive.write(path, _archive_name(document))
                        else:
                            missing.append(f"{document.id} {document.filename}")
            # A lead reads an organization's notes only where it shares them with the leads.
            readable = permissions.can_read_field(actor, organization, "notes")
            archive.writestr("notes.txt", organization.notes if readable else "")
            contents.append("notes.txt: the organization's notes")
            notes = _meeting_notes(session, organization_id)
            archive.writestr("meeting_notes.csv", csv_export.document(
                ("meeting_id", "held_at", "notes"), notes))
            contents.append(f"meeting_notes.csv: its notes kept for itself on its meetings "
                            f"({len(notes)})")
            archive.writestr("README.txt", _readme(organization, made, contents, missing))
    except BaseException:
        archive_file.close()
        raise
    archive_file.seek(0)
    # Plain letters only: the name goes into a header, where other characters break it.
    slug = "".join(c if c.isascii() and c.isalnum() else "-"
                   for c in organization.name.lower()).strip("-")
    return f"{slug or 'organization'}-{made:%Y-%m-%d}.zip", archive_file


def _readme(organization: Organization, made: datetime, contents: list[str],
            missing: list[str]) -> str:
    lines = [
        f"Everything {organization.name} owns in Oversight, exported {made:%Y-%m-%d %H:%M %Z}.",
        "",
        "Each table is here twice: as CSV for spreadsheets and as JSON with every value as "
        "stored. In the CSV files, text that a spreadsheet would run as a formula starts with "
        "an apostrophe. Records of other organizations are not here, even those shared with "
        "the coalition.",
        "",
        *contents,
    ]
    if missing:
        lines += ["", "Documents whose files were missing from storage:", *missing]
    return "\n".join(lines) + "\n"
