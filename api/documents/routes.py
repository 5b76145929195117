"""JSON endpoints for documents: upload, list, download as an attachment, describe, delete."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import FileResponse

from api.auth.models import Visibility
from api.crud import validated
from api.crud_routes import RecordId, crud_router
from api.deps import SessionDep, UserDep
from api.documents import service
from api.documents.models import AttachedTo, DocumentMeta, DocumentRead, DocumentUpdate
from api.fields import MAX_INT, stored_id
from api.settings import get_settings

router = APIRouter()


@router.post("/documents", response_model=DocumentRead, status_code=201, tags=["documents"],
             summary="Upload a document and attach it to a record")
async def upload_document(
    session: SessionDep, actor: UserDep,
    file: Annotated[UploadFile, File(description="The file")],
    attached_kind: Annotated[AttachedTo, Form()],
    attached_id: Annotated[int, Form(ge=1, le=MAX_INT)],
    description: Annotated[str, Form(max_length=20_000)] = "",
    owner_organization_id: Annotated[int | None, Form(ge=1, le=MAX_INT)] = None,
    visibility: Annotated[Visibility, Form(
        description="Who besides its organization may read it; no more widely than the "
                    "record it is on")] = Visibility.private,
) -> Any:
    limit = get_settings().max_upload_bytes
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise service.too_large(limit)
    meta = validated(DocumentMeta, {
        "attached_kind": attached_kind, "attached_id": attached_id, "description": description,
        "owner_organization_id": owner_organization_id, "visibility": visibility})
    doc = service.upload(session, actor, meta=meta, filename=file.filename or "document",
                         content=content)
    session.commit()
    return service.crud.read(session, actor, stored_id(doc))


@router.get("/documents/{record_id}/content", tags=["documents"],
            summary="Download a document's file", response_class=FileResponse)
def download_document(record_id: RecordId, session: SessionDep, actor: UserDep) -> FileResponse:
    doc, path = service.content(session, actor, record_id)
    # Always an attachment, never rendered inline: an uploaded file must not run in our origin.
    return FileResponse(path, media_type=doc.content_type, filename=doc.filename,
                        content_disposition_type="attachment")


_generic = crud_router(service.crud, path="/documents", tag="documents", writable=False)
router.include_router(_generic)


@router.patch("/documents/{record_id}", response_model=DocumentRead, tags=["documents"],
              summary="Rename a document, change its description or who may read it",
              responses={404: {"description": "No such document"}})
def update_document(record_id: RecordId, data: DocumentUpdate, session: SessionDep,
                    actor: UserDep) -> Any:
    service.describe(session, actor, record_id=record_id, data=data)
    session.commit()
    return service.crud.read(session, actor, record_id)


@router.delete("/documents/{record_id}", status_code=204, tags=["documents"],
               summary="Delete a document and its file")
def delete_document(record_id: RecordId, session: SessionDep, actor: UserDep) -> None:
    service.delete(session, actor, record_id)
    session.commit()
