"""Uploaded documents: size-limited, type-sniffed, stored under the data directory."""

import hashlib
import secrets
from pathlib import Path
from typing import Any

import filetype
import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.auth import permissions
from api.auth.models import User, Visibility
from api.auth.scoping import built_once
from api.crud import Crud
from api.documents.models import AttachedTo, Document, DocumentMeta, DocumentRead, DocumentUpdate
from api.errors import NO_SUCH, Forbidden, Invalid, NotFound, Term
from api.i18n.catalogs import N_
from api.settings import get_settings

# What a coalition actually attaches: scans, letters, spreadsheets, photos. Types are taken
# from the bytes, never from the name or the browser's claim.
ALLOWED_TYPES = {
    "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "text/plain", "text/csv",
}

crud = Crud(
    Document, create=DocumentMeta, update=DocumentUpdate, read=DocumentRead, label="document",
    search=("filename", "description"), filters=("attached_kind", "attached_id"),
    sort=("filename", "size_bytes"), default_sort="-created_at",
)


def sniff(content: bytes, filename: str) -> str:
    """The content type the bytes show; refuses anything not on the allowed list."""
    kind = filetype.guess(content)
    if kind is not None:
        mime = kind.mime
    else:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Invalid(N_("This file type is not accepted."), field="file") from exc
        if b"\x00" in content:
            raise Invalid(N_("This file type is not accepted."), field="file")
        mime = "text/csv" if filename.lower().endswith(".csv") else "text/plain"
    if mime not in ALLOWED_TYPES:
        raise Invalid(N_("Files of type {mime} are not accepted."), mime=mime, field="file")
    return mime


def parent_of(session: Session, kind: AttachedTo | str, record_id: int) -> Any:
    """The record a document is (or goes) on, as the session may read it: one it may not
    read answers as missing."""
    model = permissions.attached()[Document].parents[AttachedTo(kind).value]
    parent = session.get(model, record_id)
    if parent is None:
        raise Invalid(NO_SUCH, noun=Term(AttachedTo(kind).value.replace("_", " ")), id=record_id,
                      field="attached_id")
    return parent


def _check_parent(session: Session, actor: User, kind: AttachedTo, record_id: int) -> Any:
    """The record a document goes on must be one the actor may read (else it answers as
    missing) and change: reading another organization's shared meeting is no licence to add
    files to it."""
    parent = parent_of(session, kind, record_id)
    if not permissions.can_write(actor, parent):
        raise Forbidden(N_("Only those who may change this {noun} can attach documents to it."),
                        noun=Term(kind.value.replace("_", " ")))
    return parent


def sharing_limit(session: Session, kind: AttachedTo | str, record_id: int) -> Visibility:
    """The widest a document on this record may be shared: as widely as the record."""
    return permissions.widest_under(parent_of(session, kind, record_id))


def _within(visibility: Visibility, limit: Visibility, kind: AttachedTo | str) -> Visibility:
    if permissions.wider_than(visibility, limit):
        noun = AttachedTo(kind).value.replace("_", " ")
        raise Invalid(N_("visibility: a document is shared no more widely than the {noun} it "
                         "is on: {value} or narrower."),
                      noun=Term(noun), value=limit.value, field="visibility")
    return visibility


def _clean_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip()
    name = "".join(c for c in name if c.isprintable())[:255]
    return name or "document"


def too_large(limit: int) -> Invalid:
    size = f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
    return Invalid(N_("The file is larger than the limit of {size}."), size=size, field="file")


def upload(session: Session, actor: User, *, meta: DocumentMeta, filename: str,
           content: bytes) -> Document:
    most = get_settings().max_upload_bytes
    if len(content) > most:
        raise too_large(most)
    if not content:
        raise Invalid(N_("The file is empty."), field="file")
    parent = _check_parent(session, actor, meta.attached_kind, meta.attached_id)
    limit = permissions.widest_under(parent)
    if meta.visibility is not None:
        visibility = _within(meta.visibility, limit, meta.attached_kind)
    elif type(parent) in permissions.owned():
        visibility = limit
    else:
        # A record everyone signed in reads sets no limit: the maker's own default.
        visibility = permissions.default_visibility(session, actor) or Visibility.private
    name = _clean_name(filename)
    mime = sniff(content, name)
    stored_name = secrets.token_hex(16)
    folder = get_settings().documents_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored_name).write_bytes(content)
    doc = Document(
        filename=name, content_type=mime, size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(), stored_name=stored_name,
        description=meta.description, attached_kind=meta.attached_kind,
        attached_id=meta.attached_id, uploaded_by_id=getattr(actor, "id", None),
        owner_organization_id=meta.owner_organization_id, visibility=visibility,
    )
    session.add(doc)
    session.flush()
    return doc


def describe(session: Session, actor: User, *, record_id: int, data: DocumentUpdate) -> Document:
    """Change a document's name, description or who may read it (no more widely than the
    record it is on); the file itself stays as uploaded."""
    doc = crud.get(session, actor, record_id)
    changes = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise Invalid(N_("{name}: must not be empty."), name=name, field=name)
    if "filename" in changes:
        if not changes["filename"].strip():
            raise Invalid(N_("filename: must not be empty."), field="filename")
        doc.filename = _clean_name(changes["filename"])
    if "description" in changes:
        doc.description = changes["description"]
    if "visibility" in changes:
        limit = sharing_limit(session, doc.attached_kind, doc.attached_id)
        doc.visibility = _within(changes["visibility"], limit, doc.attached_kind)
    doc.updated_at = clock.now()
    session.add(doc)
    session.flush()
    return doc


def content(session: Session, actor: User, record_id: int) -> tuple[Document, Path]:
    doc = crud.get(session, actor, record_id)
    path = get_settings().documents_dir / doc.stored_name
    if not path.is_file():
        raise NotFound(N_("The file of this document is missing from storage."))
    return doc, path


def delete(session: Session, actor: User, record_id: int) -> None:
    doc = crud.get(session, actor, record_id)
    path = get_settings().documents_dir / doc.stored_name
    crud.delete(session, actor, record_id)
    path.unlink(missing_ok=True)


KIND = sa.bindparam("attached_kind", type_=Document.attached_kind.type)
RECORD = sa.bindparam("attached_id", type_=sa.Integer())
# Made once, for any record: a statement built on each call cost more than running it.
_ATTACHED = built_once(select(Document)
                       .where(Document.attached_kind == KIND, Document.attached_id == RECORD)
                       .order_by(Document.created_at.desc()))


def attached(session: Session, actor: User, *, kind: AttachedTo, record_id: int) -> list[Document]:
    return list(session.exec(_ATTACHED, params={KIND.key: kind, RECORD.key: record_id}).all())
