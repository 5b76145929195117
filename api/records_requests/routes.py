"""JSON endpoints for records requests, their status history, letters, documents received,
requests to many agencies, the records-law table and the letter templates."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from api.crud_routes import RecordId, crud_router
from api.deps import SessionDep, UserDep
from api.errors import Invalid, NotFound
from api.fields import MAX_INT, Id, LongText, Name, ShortText
from api.i18n.catalogs import N_
from api.records_requests import laws, letter_source, letters, service
from api.records_requests.laws import RecordsLawRead
from api.records_requests.letters import LetterRead, LetterTemplateRead
from api.records_requests.models import (
    BatchCreate,
    RecordsRequestRead,
    RequestDocumentLinks,
    RequestDocumentRead,
    RequestStatusChangeRead,
    StatusChangeCreate,
)
from api.settings import get_settings

router = APIRouter()
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_INT)]


class LetterSourceRead(BaseModel):
    key: str
    title: str
    text: str


# The language a letter is written in: English by default, since agencies answer in English.
LetterLanguage = Literal["en", "es"]
LANGUAGE_HELP = "The letter's language: en (the default) or es"


class LetterPreview(SQLModel):
    agency_id: Id
    language: LetterLanguage = Field(default="en", description=LANGUAGE_HELP)
    subject: Name
    requester_organization_id: Id | None = None
    requester_name: ShortText = ""
    requester_email: ShortText = ""
    requester_address: LongText = ""


class BatchRead(BaseModel):
    items: list[RecordsRequestRead]


def _requester(name: str, email: str, address: str) -> service.Requester:
    return service.Requester(name=name, email=email, address=address)


# ---- collections first, so their names are never read as a request id -----------------

@router.get("/records-requests/overdue", response_model=list[RecordsRequestRead],
            tags=["records-requests"], summary="Open requests past their deadline")
def overdue_requests(session: SessionDep, actor: UserDep) -> list[RecordsRequestRead]:
    return service.overdue(session, actor)


@router.get("/records-requests/documents", response_model=list[RequestDocumentRead],
            tags=["records-requests"],
            summary="Documents received that concern an agency, contract or target")
def documents_concerning(session: SessionDep, actor: UserDep, agency_id: OptionalId = None,
                         contract_id: OptionalId = None, target_id: OptionalId = None) -> Any:
    return service.documents_concerning(session, actor, agency_id=agency_id,
                                        contract_id=contract_id, target_id=target_id)


@router.post("/records-requests/batch", response_model=BatchRead, status_code=201,
             tags=["records-requests"],
             summary="Send one letter to many agencies: one request each, each with its own "
                     "law and due date")
def create_batch(data: BatchCreate, session: SessionDep, actor: UserDep) -> BatchRead:
    created = service.create_batch(session, actor, data)
    session.commit()
    return BatchRead(items=service.crud.to_read(session, created))


# ---- one request -------------------------------------------------------------------------

@router.post("/records-requests/{record_id}/status", response_model=RecordsRequestRead,
             tags=["records-requests"], summary="Change a request's status and record why",
             responses={404: {"description": "No such records request"}})
def change_status(record_id: RecordId, data: StatusChangeCreate, session: SessionDep,
                  actor: UserDep) -> Any:
    service.change_status(session, actor, request_id=record_id, change=data)
    session.commit()
    return service.crud.read(session, actor, record_id)


@router.get("/records-requests/{record_id}/history", response_model=list[RequestStatusChangeRead],
            tags=["records-requests"], summary="Every status change of a request, oldest first")
def status_history(record_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    return service.history(session, actor, record_id)


@router.get("/records-requests/{record_id}/letter", response_model=LetterRead,
            tags=["records-requests"],
            summary="The request's letter from a template: first request, follow-up or appeal")
def request_letter(
    record_id: RecordId, session: SessionDep, actor: UserDep,
    template: Annotated[str, Query(min_length=1, max_length=100, description=(
        "A letter template key; the first request covering every ALPR record by default"))
    ] = "alpr_all",
    requester_name: Annotated[str, Query(max_length=200)] = "",
    requester_email: Annotated[str, Query(max_length=200)] = "",
    requester_address: Annotated[str, Query(max_length=1000)] = "",
    language: Annotated[LetterLanguage, Query(description=LANGUAGE_HELP)] = "en",
) -> Any:
    return service.letter(session, actor, request_id=record_id, template_key=template,
                          requester=_requester(requester_name, requester_email,
                                               requester_address), language=language)


@router.get("/records-requests/{record_id}/documents", response_model=list[RequestDocumentRead],
            tags=["records-requests"], summary="Documents received for a request")
def request_documents(record_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    return service.request_documents(session, actor, record_id)


@router.post("/records-requests/{record_id}/documents", response_model=RequestDocumentRead,
             status_code=201, tags=["records-requests"],
             summary="Attach a document received, and link it to what it concerns")
async def attach_document(
    record_id: RecordId, session: SessionDep, actor: UserDep,
    file: Annotated[UploadFile, File(description="The file")],
    description: Annotated[str, Form(max_length=20_000)] = "",
    received_on: Annotated[date | None, Form()] = None,
    agency_id: Annotated[int | None, Form(ge=1, le=MAX_INT)] = None,
    contract_id: Annotated[int | None, Form(ge=1, le=MAX_INT)] = None,
    target_id: Annotated[int | None, Form(ge=1, le=MAX_INT)] = None,
) -> Any:
    limit = get_settings().max_upload_bytes
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise Invalid(N_("The file is larger than the {value} MB limit."),
                      value=limit // (1024 * 1024),
                      field="file")
    row = service.attach_document(
        session, actor, request_id=record_id, filename=file.filename or "document",
        content=content, description=description,
        links=RequestDocumentLinks(received_on=received_on, agency_id=agency_id,
                                   contract_id=contract_id, target_id=target_id))
    session.commit()
    return row


@router.patch("/records-requests/{record_id}/documents/{document_id}",
              response_model=RequestDocumentRead, tags=["records-requests"],
              summary="Change what a received document concerns")
def link_document(record_id: RecordId,
                  document_id: RecordId,
                  data: RequestDocumentLinks, session: SessionDep, actor: UserDep) -> Any:
    row = service.link_document(session, actor, request_id=record_id, document_id=document_id,
                                links=data)
    session.commit()
    return row


router.include_router(crud_router(service.crud, path="/records-requests",
                                  tag="records-requests"))


# ---- the law table and the letter templates ----------------------------------------------

@router.get("/records-laws", response_model=list[RecordsLawRead], tags=["records-laws"],
            summary="The records-law deadline of every state, DC and federal FOIA")
def records_laws() -> Any:
    return [law.summary() for law in laws.all_laws().values()]


@router.get("/records-laws/{code}", response_model=RecordsLawRead, tags=["records-laws"],
            summary="One jurisdiction's records law")
def records_law(code: Annotated[str, Path(min_length=2, max_length=2)]) -> Any:
    law = laws.law_for(code)
    if law is None:
        raise NotFound(N_("No records law for '{value}'."), value=code.upper())
    return law.summary()


@router.get("/letter-templates", response_model=list[LetterTemplateRead],
            tags=["letter-templates"], summary="Letter templates for records requests")
def letter_templates(
    kind: Annotated[letters.LetterKind | None, Query()] = None,
    state: Annotated[str | None, Query(min_length=2, max_length=2,
                                       description="Only letters that fit this state")] = None,
) -> Any:
    return [t.read() for t in letters.templates()
            if (kind is None or t.kind == kind) and (state is None or t.fits(state))]


@router.get("/letter-templates/{key}/text", response_model=LetterSourceRead,
            tags=["letter-templates"],
            summary="A letter template as text to edit, its placeholders kept",
            description="The text renders for each agency as the template does; edited, it is "
                        "what a batch of requests takes as `text`. 422 for a template whose "
                        "text cannot be edited.")
def letter_text(key: Annotated[str, Path(max_length=100)]) -> LetterSourceRead:
    found = letters.template(key)
    return LetterSourceRead(key=found.key, title=found.title,
                            text=letter_source.source(found.key))


@router.post("/letter-templates/{key}/render", response_model=LetterRead,
             tags=["letter-templates"],
             summary="A first-request letter to one agency, to read and edit before sending")
def render_letter(key: Annotated[str, Path(max_length=100)], data: LetterPreview,
                  session: SessionDep, actor: UserDep) -> Any:
    return service.preview(
        session, actor, template_key=key, agency_id=data.agency_id, subject=data.subject,
        requester_organization_id=data.requester_organization_id,
        requester=_requester(data.requester_name, data.requester_email,
                             data.requester_address), language=data.language)
