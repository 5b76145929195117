"""Erasure on request: a person's record and everything kept about them is removed for good,
and the audit log keeps only that an erasure happened."""


import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.auth import audit, permissions
from api.auth.models import AuditEntry, User, Visibility
from api.db import table_of
from api.documents.models import AttachedTo, Document
from api.people import service as people
from api.people.models import Affiliation, Person
from api.search import forget as search
from api.settings import get_settings
from api.supporters import service as supporters


def erase_person(session: Session, actor: User, person_id: int) -> None:
    """Removes the person, their memberships, attendance, attached documents and every audit
    entry that held their data. The caller commits, then calls `settle`."""
    person = people.crud.get(session, actor, person_id)
    permissions.require_write(actor, person, deleting=True)
    owner, visibility = person.owner_organization_id, person.visibility
    affiliation_ids = list(session.exec(select(Affiliation.id).where(
        Affiliation.person_id == person_id)).all())
    documents = list(session.exec(select(Document).where(
        Document.attached_kind == AttachedTo.person, Document.attached_id == person_id)).all())
    search.forget_person(session, person_id)
    if person.email:
        # A supporter is known only by the address: erased with the person who has it.
        supporters.forget_address(session, person.email)
    folder = get_settings().documents_dir
    for document in documents:
        (folder / document.stored_name).unlink(missing_ok=True)
    document_ids = [d.id for d in documents]
    # Core statements, so no audit entry copies what is being erased.
    if document_ids:
        session.execute(sa.delete(table_of(Document)).where(
            table_of(Document).c.id.in_(document_ids)))
    session.execute(sa.delete(table_of(Affiliation)).where(
        table_of(Affiliation).c.person_id == person_id))
    session.execute(sa.delete(table_of(Person)).where(
        table_of(Person).c.id == person_id))
    entries = table_of(AuditEntry)
    about = [sa.and_(entries.c.record_kind == "person", entries.c.record_id == person_id)]
    if affiliation_ids:
        about.append(sa.and_(entries.c.record_kind == "affiliation",
                             entries.c.record_id.in_(affiliation_ids)))
    if document_ids:
        about.append(sa.and_(entries.c.record_kind == "document",
                             entries.c.record_id.in_(document_ids)))
    session.execute(sa.delete(entries).where(sa.or_(*about)))
    session.expunge(person)
    audit.record(session, action="erase", record_kind="person", record_id=person_id,
                 organization_id=owner, visibility=Visibility(visibility))


def settle(engine: Engine) -> None:
    """After the commit: make the database files forget the erased bytes. SQLite overwrites
    deleted content (secure_delete); the write-ahead log is folded in and truncated.
    PostgreSQL's VACUUM reclaims the dead row versions."""
    if engine.dialect.name == "sqlite":
        # On the raw connection: a checkpoint cannot run inside the transaction SQLAlchemy
        # would begin first.
        raw = engine.raw_connection()
        try:
            driver = raw.driver_connection
            if driver is not None:  # None only once the connection is closed
                driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM person, affiliation, document, audit_entry, supporter")
