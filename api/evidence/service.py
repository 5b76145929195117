"""Reads and writes of misuse evidence, the timeline of one contract, agency or campaign, and
the briefing packet made from it: only what the reader may read, the subject included."""

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.agencies import service as agencies
from api.auth import scoping
from api.auth.models import User
from api.campaigns import service as campaigns
from api.contracts import service as contracts
from api.crud import Crud
from api.db import table_of
from api.documents import service as documents
from api.documents.models import AttachedTo, DocumentRead
from api.errors import NotFound
from api.evidence.models import (
    EVIDENCE,
    SUBJECTS,
    EvidenceEntry,
    EvidenceEntryRead,
    EvidenceKind,
)
from api.i18n.catalogs import N_

crud: Crud[EvidenceEntry, EvidenceEntryRead] = Crud(**EVIDENCE.crud_options())

_SUBJECT_CRUDS: dict[str, Any] = {"contract": contracts.crud, "agency": agencies.crud,
                                  "campaign": campaigns.crud}
_TITLES = {"contract": "title", "agency": "name", "campaign": "name"}


@dataclass(frozen=True)
class Citation:
    number: int
    citation: str
    url: str


@dataclass(frozen=True)
class PacketEntry:
    entry: EvidenceEntryRead
    citation: Citation | None
    documents: list[DocumentRead] = field(default_factory=list)


@dataclass(frozen=True)
class Timeline:
    subject: str
    subject_id: int
    subject_title: str
    kind: EvidenceKind | None
    entries: list[EvidenceEntryRead]
    # How many entries of each kind the reader may read, whatever the filter.
    counts: dict[str, int]


@dataclass(frozen=True)
class Packet:
    timeline: Timeline
    entries: list[PacketEntry]
    citations: list[Citation]


def _subject(session: Session, actor: User, subject: str, record_id: int) -> Any:
    found = _SUBJECT_CRUDS.get(subject)
    if found is None:
        raise NotFound(N_("There is no such kind of record."))
    return found.get(session, actor, record_id)


# Each kind of subject's entries, newest first, in a statement built once (built afresh, the
# walk of the reader's criteria added to it cost a campaign page more than the read).
_ENTRIES: dict[str, sa.Select[Any]] = {}
_SUBJECT_ID: sa.BindParameter[Any] = sa.bindparam("subject_id")


def _entries_of(subject: str) -> sa.Select[Any]:
    stmt = _ENTRIES.get(subject)
    if stmt is None:
        column = getattr(EvidenceEntry, SUBJECTS[subject])
        columns = [getattr(EvidenceEntry, c.name) for c in table_of(EvidenceEntry).columns]
        stmt = _ENTRIES[subject] = scoping.built_once(
            sa.select(*columns).where(column == _SUBJECT_ID)
            .order_by(EvidenceEntry.occurred_on.desc(), EvidenceEntry.id.desc()))
    return stmt


def timeline(session: Session, actor: User, *, subject: str, record_id: int,
             kind: EvidenceKind | None = None) -> Timeline:
    """The evidence about one contract, agency or campaign, newest first. The session's
    criteria leave out what the reader may not read, and a subject they may not read answers
    as one that does not exist."""
    record = _subject(session, actor, subject, record_id)
    rows = scoping.read(session, _entries_of(subject), {_SUBJECT_ID.key: record_id}).all()
    every = crud.to_read(session, rows)
    counts: dict[str, int] = {}
    for entry in every:
        counts[str(entry.kind)] = counts.get(str(entry.kind), 0) + 1
    shown = [e for e in every if kind is None or e.kind == kind]
    return Timeline(subject=subject, subject_id=record_id,
                    subject_title=str(getattr(record, _TITLES[subject])), kind=kind,
                    entries=shown, counts=counts)


def packet(session: Session, actor: User, *, subject: str, record_id: int,
           kind: EvidenceKind | None = None) -> Packet:
    """The timeline as a briefing: oldest first, as a story is told, each entry with its
    numbered source and the documents on it that the reader may read. One source cited by
    several entries keeps one number."""
    found = timeline(session, actor, subject=subject, record_id=record_id, kind=kind)
    numbers: dict[tuple[str, str], Citation] = {}
    entries = []
    for entry in reversed(found.entries):
        citation = None
        if entry.citation or entry.url:
            key = (entry.citation, entry.url)
            if key not in numbers:
                numbers[key] = Citation(len(numbers) + 1, entry.citation, entry.url)
            citation = numbers[key]
        docs = [DocumentRead.model_validate(d, from_attributes=True) for d in documents.attached(
            session, actor, kind=AttachedTo.evidence_entry, record_id=entry.id)]
        entries.append(PacketEntry(entry, citation, docs))
    return Packet(timeline=found, entries=entries, citations=list(numbers.values()))
