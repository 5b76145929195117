"""JSON endpoints for outside data: agenda sync and suggested votes, dataset and spreadsheet
imports, CSV exports, and OpenStreetMap camera counts."""

import json
import os
from collections.abc import Iterator
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import csv_export
from api.auth import permissions
from api.auth.models import User
from api.crud import ListQuery
from api.crud_routes import RecordId, crud_router, list_params
from api.db import new_session
from api.deps import SessionDep, UserDep
from api.errors import DomainError, Invalid
from api.fields import stored_id
from api.i18n.catalogs import N_
from api.settings import get_settings
from api.sources import (
    atlas,
    data_driven,
    exports,
    overpass,
    sharing_links,
    spreadsheets,
    uploads,
)
from api.sources.agency_import import ImportPlan
from api.sources.agendas import service as agendas
from api.sources.fetching import OutsideError
from api.sources.models import (
    AgencyImportAnswer,
    AgencyImportCommitted,
    AgencyImportPreview,
    AgendaSyncRead,
    CameraCountRead,
    CameraRefresh,
    KeywordsRead,
    KeywordsSet,
    SheetImportAnswer,
    SheetImportCommitted,
    SheetImportPreview,
    SuggestedVoteRead,
    SuggestionConfirm,
)
from api.sources.spreadsheets import Choice
from api.votes import service as votes
from api.votes.models import VoteRead

router = APIRouter()
Upload = Annotated[UploadFile, File(description="The file")]
Commit = Annotated[bool, Form(description="Write the rows; false (the default) only previews")]
Token = Annotated[str | None, Form(max_length=64, description=(
    "The preview's token; when given, the commit is refused unless the file is the same"))]


class UpstreamFailed(DomainError):
    """An outside service failed while we waited on it."""

    status = 502


class SyncResult(BaseModel):
    body_id: int
    ok: bool
    error: str
    events: int
    items: int
    created: int
    updated: int
    moved: int
    votes_moved: list[int]
    state: AgendaSyncRead


# ---- agendas ----------------------------------------------------------------------------

@router.get("/bodies/{record_id}/sync", response_model=AgendaSyncRead, tags=["agendas"],
            summary="How the body's agenda sync last went")
def sync_status(record_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    return agendas.sync_state(session, record_id)


@router.post("/bodies/{record_id}/sync", response_model=SyncResult, tags=["agendas"],
             summary="Fetch the body's upcoming agenda now",
             description="A failure of the agenda platform is reported (ok=false) and kept on "
                         "the body, not raised. Campaign leads and administrators only.")
def sync_now(record_id: RecordId, session: SessionDep, actor: UserDep) -> SyncResult:
    permissions.require_bringing_in(actor)
    # End the request's transaction first: the sync makes outside calls and writes through
    # sessions of its own, and must not wait on this one's write lock.
    session.commit()
    report = agendas.sync_body(new_session, record_id)
    state = agendas.sync_state(session, record_id)
    return SyncResult(**asdict(report),
                      state=AgendaSyncRead.model_validate(state, from_attributes=True))


router.include_router(crud_router(agendas.suggestions, path="/suggested-votes",
                                  tag="suggested votes", writable=False))


@router.post("/suggested-votes/{record_id}/confirm", response_model=VoteRead, status_code=201,
             tags=["suggested votes"], summary="Confirm a suggestion: creates its vote")
def confirm_suggestion(record_id: RecordId, session: SessionDep, actor: UserDep,
                       changes: SuggestionConfirm | None = None) -> Any:
    vote = agendas.confirm(session, actor, record_id, changes)
    session.commit()
    return votes.crud.read(session, actor, stored_id(vote))


@router.post("/suggested-votes/{record_id}/dismiss", response_model=SuggestedVoteRead,
             tags=["suggested votes"], summary="Dismiss a suggestion for good")
def dismiss_suggestion(record_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    agendas.dismiss(session, actor, record_id)
    session.commit()
    return agendas.suggestions.read(session, actor, record_id)


CampaignId = RecordId


@router.get("/campaigns/{campaign_id}/agenda-keywords", response_model=KeywordsRead,
            tags=["agendas"], summary="The words a campaign watches agendas for")
def get_keywords(campaign_id: CampaignId, session: SessionDep, actor: UserDep) -> KeywordsRead:
    words, defaults = agendas.keywords(session, campaign_id)
    return KeywordsRead(campaign_id=campaign_id, keywords=words, uses_defaults=defaults)


@router.put("/campaigns/{campaign_id}/agenda-keywords", response_model=KeywordsRead,
            tags=["agendas"], summary="Set a campaign's agenda keywords (empty: the defaults)")
def put_keywords(campaign_id: CampaignId, data: KeywordsSet, session: SessionDep,
                 actor: UserDep) -> KeywordsRead:
    words, defaults = agendas.set_keywords(session, actor, campaign_id=campaign_id,
                                           phrases=data.keywords)
    session.commit()
    return KeywordsRead(campaign_id=campaign_id, keywords=words, uses_defaults=defaults)


# ---- imports ----------------------------------------------------------------------------

async def _content(actor: User, file: UploadFile) -> bytes:
    # A preview opens and reads the whole file as the import does, so it is for the same people.
    permissions.require_bringing_in(actor)
    return uploads.checked(await file.read(get_settings().max_upload_bytes + 1))


def _agency_import(module: Any, session: Session, actor: User, content: bytes, commit: bool,
                   token: str | None) -> AgencyImportPreview | AgencyImportCommitted:
    if not commit:
        plan: ImportPlan = module.preview(session, content)
        return plan.as_preview()
    plan, result = module.commit(session, actor, content, token=token)
    session.commit()
    return plan.as_committed(result)


@router.post("/imports/atlas", tags=["imports"], response_model=AgencyImportAnswer,
             summary="Import EFF's Atlas of Surveillance CSV (its ALPR rows) into agencies",
             description="Campaign leads and administrators only. Without commit, "
                         "previews; with commit, writes every good row in one transaction.")
async def import_atlas(session: SessionDep, actor: UserDep, file: Upload,
                       commit: Commit = False, token: Token = None
                       ) -> AgencyImportPreview | AgencyImportCommitted:
    content = await _content(actor, file)
    # Reading and planning a large file takes seconds: in a worker thread, so the server
    # answers other requests meanwhile.
    return await run_in_threadpool(_agency_import, atlas, session, actor, content, commit,
                                   token)


@router.post("/imports/data-driven", tags=["imports"], response_model=AgencyImportAnswer,
             summary="Import EFF's ALPR Data Driven dataset onto agencies",
             description="Campaign leads and administrators only. Without commit, "
                         "previews; with commit, writes every good row in one transaction.")
async def import_data_driven(session: SessionDep, actor: UserDep, file: Upload,
                             commit: Commit = False, token: Token = None
                             ) -> AgencyImportPreview | AgencyImportCommitted:
    content = await _content(actor, file)
    return await run_in_threadpool(_agency_import, data_driven, session, actor, content, commit,
                                   token)


def _sharing_import(session: Session, actor: User, content: bytes, commit: bool,
                    token: str | None,
                    source: sharing_links.ReportSource | None) -> sharing_links.SharingImportAnswer:
    if source is None:
        if not commit:
            return sharing_links.preview_data_driven(session, content).answer()
        plan, result = sharing_links.commit_data_driven(session, actor, content, token=token)
    else:
        if not commit:
            return sharing_links.preview_report(session, actor, content, source).answer()
        plan, result = sharing_links.commit_report(session, actor, content, source,
                                                   token=token)
    session.commit()
    return plan.answer(result)


@router.post("/imports/data-driven-sharing", tags=["imports"],
             response_model=sharing_links.SharingImportAnswer,
             summary="Import the sharing links of EFF's ALPR Data Driven dataset",
             description="Campaign leads and administrators only. Each agency's direct "
                         "partners (as the count its Vigilant report gives) and its national "
                         "pool membership. Without commit, previews; with commit, writes the "
                         "whole file in one transaction, making the agencies not kept yet.")
async def import_data_driven_sharing(session: SessionDep, actor: UserDep, file: Upload,
                                     commit: Commit = False, token: Token = None
                                     ) -> sharing_links.SharingImportAnswer:
    content = await _content(actor, file)
    return await run_in_threadpool(_sharing_import, session, actor, content, commit, token,
                                   None)


@router.post("/imports/sharing-report", tags=["imports"],
             response_model=sharing_links.SharingImportAnswer,
             summary="Import one Vigilant agency data sharing report, written out as a CSV",
             description="Campaign leads and administrators only. Columns Agency, State, "
                         "ORI (optional) and Direction (shares with, can query). Without "
                         "commit, previews; with commit, writes the whole file in one "
                         "transaction.")
async def import_sharing_report(
    session: SessionDep, actor: UserDep, file: Upload,
    agency_id: Annotated[int, Form(ge=1, le=2**31 - 1, description="The report's agency")],
    source_url: Annotated[str, Form(max_length=2_000)] = "",
    reported_on: Annotated[str, Form(max_length=10)] = "",
    commit: Commit = False, token: Token = None,
) -> sharing_links.SharingImportAnswer:
    content = await _content(actor, file)
    source = sharing_links.report_source(agency_id, reported_on, source_url)
    return await run_in_threadpool(_sharing_import, session, actor, content, commit, token,
                                   source)


def _json_form(text: str | None, field: str) -> Any:
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(N_("{field_} must be a JSON object."), field_=field, field=field) from exc
    if not isinstance(value, dict):
        raise Invalid(N_("{field_} must be a JSON object."), field_=field, field=field)
    return value


def _decisions(text: str | None) -> dict[int, Choice]:
    raw = _json_form(text, "decisions") or {}
    try:
        return {int(row): Choice(choice) for row, choice in raw.items()}
    except (TypeError, ValueError) as exc:
        raise Invalid(N_("decisions maps row numbers to skip, update or create."),
                      field="decisions") from exc


@router.post("/imports/{concept}", tags=["imports"], response_model=SheetImportAnswer,
             summary="Import organizations, people or targets from a CSV or XLSX file",
             description="Campaign leads and administrators only. Without commit, "
                         "previews: the column mapping (guessed from the headers unless "
                         "given), per-row errors and duplicates. With commit, writes the whole "
                         "file in one transaction.")
async def import_sheet(
    concept: Annotated[str, Path(pattern="^(organizations|people|targets)$")],
    session: SessionDep, actor: UserDep, file: Upload, commit: Commit = False,
    token: Token = None,
    mapping: Annotated[str | None, Form(max_length=20_000, description=(
        'JSON object of field to column header, e.g. {"name": "Full name"}'))] = None,
    on_duplicate: Annotated[Choice, Form()] = Choice.skip,
    decisions: Annotated[str | None, Form(max_length=200_000, description=(
        'JSON object of row number to skip, update or create, e.g. {"7": "update"}'))] = None,
    skip_errors: Annotated[bool, Form(description="Leave rows with errors out")] = False,
) -> SheetImportPreview | SheetImportCommitted:
    content = await _content(actor, file)
    columns = _json_form(mapping, "mapping")
    if columns is not None and not all(isinstance(v, str) for v in columns.values()):
        raise Invalid(N_("mapping maps field names to column headers."), field="mapping")
    chosen = _decisions(decisions)

    def run() -> SheetImportPreview | SheetImportCommitted:
        plan = spreadsheets.plan(session, concept_name=concept, content=content,
                                 filename=file.filename or "", mapping=columns,
                                 on_duplicate=on_duplicate, decisions=chosen, actor=actor)
        if not commit:
            return plan.as_preview()
        result = spreadsheets.commit(session, actor, plan, token=token,
                                     skip_errors=skip_errors)
        session.commit()
        return plan.as_committed(result)

    # Reading, checking and writing a large file takes seconds: in a worker thread, so the
    # server answers other requests meanwhile.
    return await run_in_threadpool(run)


# ---- exports ----------------------------------------------------------------------------

def _csv_response(text: str, filename: str) -> Response:
    return Response(csv_export.encoded(text), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _export_route(concept: str) -> None:
    crud = exports.LISTS[concept]

    def export(session: SessionDep, actor: UserDep,
               params: Annotated[ListQuery, Depends(list_params(crud))]) -> Response:
        return _csv_response(exports.export_list(session, actor, concept, params),
                             f"{concept}.csv")

    export.__name__ = f"export_{concept.replace('-', '_')}"
    router.add_api_route(f"/exports/{concept}.csv", export, methods=["GET"], tags=["exports"],
                         summary=f"Export {concept.replace('-', ' ')} as CSV",
                         response_class=Response,
                         responses={200: {"content": {"text/csv": {}}}})


for _concept in exports.LISTS:
    _export_route(_concept)


ORGANIZATION_EXPORT: dict[str, Any] = {
    "response_class": Response,
    "responses": {200: {"content": {"application/zip": {}}},
                  403: {"description": "Not the organization's own partner, a lead or an "
                                       "administrator"},
                  404: {"description": "No such organization"}},
}
ZIP_CHUNK = 1024 * 1024


def _organization_zip(session: Session, actor: User, record_id: int) -> Response:
    name, archive = exports.export_organization(session, actor, record_id)
    size = archive.seek(0, os.SEEK_END)
    archive.seek(0)

    def chunks() -> Iterator[bytes]:
        with archive:
            while block := archive.read(ZIP_CHUNK):
                yield block

    return StreamingResponse(chunks(), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Content-Length": str(size)})


@router.get("/exports/organizations/{record_id}.zip", tags=["exports"],
            summary="Everything an organization owns, as a ZIP", **ORGANIZATION_EXPORT)
def export_organization(record_id: RecordId, session: SessionDep, actor: UserDep) -> Response:
    return _organization_zip(session, actor, record_id)


@router.get("/organizations/{record_id}/export", tags=["organizations"],
            summary="Everything the organization owns, as a ZIP (the same as "
                    "/exports/organizations/{id}.zip)", **ORGANIZATION_EXPORT)
def export_organization_data(record_id: RecordId, session: SessionDep,
                             actor: UserDep) -> Response:
    return _organization_zip(session, actor, record_id)


# ---- camera counts ----------------------------------------------------------------------

@router.get("/jurisdictions/{record_id}/camera-counts", response_model=list[CameraCountRead],
            tags=["jurisdictions"], summary="ALPR cameras mapped in OpenStreetMap, by maker")
def camera_counts(record_id: RecordId, session: SessionDep, actor: UserDep,
                  latest: Annotated[bool, Query(description="Only the newest count")] = False
                  ) -> Any:
    return overpass.counts(session, record_id, latest_only=latest)


@router.post("/jurisdictions/{record_id}/camera-counts/refresh",
             response_model=list[CameraCountRead], tags=["jurisdictions"],
             summary="Count the jurisdiction's mapped ALPR cameras now",
             description="Campaign leads and administrators only.",
             responses={502: {"description": "OpenStreetMap's Overpass API failed"}})
def refresh_camera_counts(record_id: RecordId, session: SessionDep, actor: UserDep,
                          data: CameraRefresh | None = None) -> Any:
    permissions.require_bringing_in(actor)
    session.commit()  # no write lock held while Overpass counts
    try:
        return overpass.refresh(new_session, record_id,
                                relation_id=data.osm_relation_id if data else None)
    except OutsideError as exc:
        raise UpstreamFailed(exc.message) from exc
