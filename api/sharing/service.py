"""Reads and writes of sharing links, and the exposure they add up to: who can search an
agency's plate reads, directly and through a partner, counted from the links the reader may
read."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from api.agencies import service as agencies
from api.agencies.models import Agency
from api.auth import permissions, scoping
from api.auth.models import User
from api.crud import Crud
from api.documents import service as documents
from api.documents.models import AttachedTo, Document, DocumentMeta
from api.errors import Invalid
from api.fields import date_problem, stored_id, stored_values
from api.i18n.catalogs import N_, gettext
from api.jurisdictions import service as jurisdictions
from api.sharing.models import (
    SHARING_LINKS,
    SharingKind,
    SharingLink,
    SharingLinkCreate,
    SharingLinkRead,
)


def _prepare(session: Session, actor: Any, values: dict[str, Any],
             existing: SharingLink | None) -> dict[str, Any]:
    """A link names its partner (an agency kept here, a name, or a count of unnamed ones),
    never the agency itself, and a partner known to be immigration enforcement is marked."""
    merged = {**(stored_values(existing) if existing is not None else {}),
              **{k: v for k, v in values.items() if v is not None or existing is None}}
    partner = merged.get("partner_agency_id")
    if partner is None and not (merged.get("partner_name") or "").strip() \
            and merged.get("partner_count") is None:
        raise Invalid(N_("Name who the plate reads are shared with."), field="partner_name")
    if partner is not None and (merged.get("partner_name") or "").strip():
        raise Invalid(N_("Choose the partner agency or write its name, not both."),
                      field="partner_name")
    if not (merged.get("source_url") or "").strip() and merged.get("document_id") is None:
        raise Invalid(N_("Give the source: its address, or the document itself."),
                      field="source_url")
    if "reported_on" in values and (existing is None
                                    or values["reported_on"] != existing.reported_on):
        problem = date_problem(values["reported_on"])
        if problem:
            raise Invalid(problem, field="reported_on")
    if ("document_id" in values or "agency_id" in values) and not _kept_on_agency(
            session, actor, merged.get("document_id"), merged.get("agency_id")):
        raise Invalid(N_("Choose a document kept on this agency: the document a link cites "
                         "is kept with its agency."), field="document_id")
    if partner is not None and partner == merged.get("agency_id"):
        raise Invalid(N_("An agency does not share its plate reads with itself."),
                      field="partner_agency_id")
    if _marks_itself(existing, merged):
        named = merged.get("partner_name") or ""
        if partner is not None:
            found = session.get(Agency, partner)
            named = found.name if found is not None else ""
        values["immigration"] = is_immigration(named)
    return values


def _kept_on_agency(session: Session, actor: Any, document_id: int | None,
                    agency_id: int | None) -> bool:
    """Whether the document a link cites is kept on the link's agency. One the actor may not
    read, or that does not exist, is left to the reference check, which answers alike for
    both."""
    if document_id is None:
        return True
    document = session.get(Document, document_id)
    if document is None or not permissions.can_read(actor, document):
        return True
    return document.attached_kind == AttachedTo.agency and document.attached_id == agency_id


def _marks_itself(existing: SharingLink | None, merged: dict[str, Any]) -> bool:
    """Whether the immigration mark is worked out from the partner's name: only when the writer
    said nothing of it (a new link without it, or a new partner with the mark left as it
    was); a writer's own yes or no stands."""
    if existing is None or merged.get("immigration") is None:
        return merged.get("immigration") is None
    if merged.get("immigration") != existing.immigration:
        return False
    return (merged.get("partner_name"), merged.get("partner_agency_id")) != (
        existing.partner_name, existing.partner_agency_id)


crud: Crud[SharingLink, SharingLinkRead] = Crud(**SHARING_LINKS.crud_options(),
                                                 prepare=_prepare)


def add(session: Session, actor: User, data: SharingLinkCreate, *,
        evidence: tuple[str, bytes] | None = None) -> SharingLink:
    """A link found by hand, with the document that shows it kept on the agency, shared no
    more widely than the link. It needs its source: an address or the document."""
    agencies.crud.get(session, actor, data.agency_id)
    if evidence is not None:
        filename, content = evidence
        document = documents.upload(session, actor, meta=DocumentMeta(
            attached_kind=AttachedTo.agency, attached_id=data.agency_id,
            description=gettext("Evidence of plate-reader data sharing"),
            owner_organization_id=data.owner_organization_id,
            visibility=data.visibility), filename=filename, content=content)
        data = data.model_copy(update={"document_id": document.id})
    return crud.create(session, actor, data)

# Immigration enforcement by the names its agencies go by, "and" or "&" alike; a link may say
# so itself too. The Department of Homeland Security (DHS) counts as well: it is the parent of
# ICE, CBP and HSI, and reads shared with the department reach them. The initials count only
# as upper-case words: "Ice Lake Police Department" is a city's police.
IMMIGRATION = re.compile(
    r"\b(?:ICE|HSI|CBP|DHS|ERO)\b|"
    r"(?i:\b(?:immigration\s*(?:and|&)\s*customs|homeland security|"
    r"customs\s*(?:and|&)\s*border|border patrol|"
    r"enforcement\s*(?:and|&)\s*removal\s*operations)\b)")
# One partner spelled several ways counts once: its full name and initials, with or without
# "U.S.", and "&" for "and", are one agency.
KNOWN_NAMES = {
    "ice": "ice", "immigration and customs enforcement": "ice",
    "cbp": "cbp", "customs and border protection": "cbp",
    "hsi": "hsi", "homeland security investigations": "hsi",
    "dhs": "dhs", "department of homeland security": "dhs",
    "ero": "ero", "enforcement and removal operations": "ero",
}
_PREFIX = re.compile(r"^(?:the |us |united states )+")


def is_immigration(name: str) -> bool:
    return bool(IMMIGRATION.search(name or ""))


def partner_key(name: str) -> str:
    """The same for every spelling of one known partner; the name, case aside, otherwise."""
    words = re.sub(r"[^\w\s]", "", (name or "").casefold().replace("&", " and "))
    words = _PREFIX.sub("", " ".join(words.replace("u s ", "us ").split()))
    words = re.sub(r"\s*\((ice|cbp|hsi|dhs|ero)\)$", "", words)
    return KNOWN_NAMES.get(words, words)


class Reader(BaseModel):
    """One who can search the reads: an agency kept here, a pool, or partners counted by a
    source without their names; with the link that says so."""

    link_id: int
    agency_id: int | None = None
    name: str
    state_code: str = ""
    count: int | None = None
    pool: bool = False
    immigration: bool = False
    kind: SharingKind
    source_kind: str
    source_url: str = ""
    document_id: int | None = None
    reported_on: str = ""
    confidence: str
    # The agency of the subject this reader reaches (a jurisdiction has several).
    through_agency_id: int


class ExposureRead(BaseModel):
    """Who can search the plate reads of one agency, or of a jurisdiction's agencies."""

    agency_ids: list[int]
    direct: int
    states: int
    state_codes: list[str]
    pools: list[str]
    immigration: list[str]
    immigration_year: str = ""
    second_degree: int
    second_degree_states: int
    readers: list[Reader]
    second_readers: list[Reader] = []
    # National pools reached through a partner: named apart, not counted as agencies.
    second_pools: list[str] = []
    # Links by which the subjects can search other agencies' reads, the other agency named.
    searches: list[Reader] = []


@dataclass
class _Reach:
    named: dict[int, Agency] = field(default_factory=dict)
    # Partners a source names that are not kept as agencies (by their name, case aside).
    by_name: set[str] = field(default_factory=set)
    readers: list[Reader] = field(default_factory=list)
    # Per subject agency, the most agencies a source counts without naming them.
    counted: dict[int, int] = field(default_factory=dict)
    named_per_subject: dict[int, set[Any]] = field(default_factory=dict)

    def total(self) -> int:
        unnamed = sum(max(0, counted - len(self.named_per_subject.get(subject, ())))
                      for subject, counted in self.counted.items())
        return len(self.named) + len(self.by_name) + unnamed


def _readable(model: type, actor: User | None) -> sa.ColumnElement[bool]:
    condition = permissions.visible(model, actor)
    return sa.true() if condition is None else condition


@dataclass
class _Linked:
    """Links about some agencies' reads in one direction, with the agencies and documents
    they name that the reader may read."""

    links: list[SharingLink]
    known: dict[int, Agency]
    documents: set[int]


SUBJECTS: sa.BindParameter[Any] = sa.bindparam("subjects", expanding=True)
NAMED: sa.BindParameter[Any] = sa.bindparam("named", expanding=True)


def _links_about(actor: User | None, outward: SharingKind) -> Any:
    inward = SharingKind.can_query if outward == SharingKind.shares_with else \
        SharingKind.shares_with
    return (select(SharingLink).where(
        sa.or_(sa.and_(col(SharingLink.agency_id).in_(SUBJECTS), SharingLink.kind == outward),
               sa.and_(col(SharingLink.partner_agency_id).in_(SUBJECTS),
                       SharingLink.kind == inward)),
        _readable(SharingLink, actor))
        .order_by(col(SharingLink.reported_on).desc(), col(SharingLink.id)))


def _linked(session: Session, actor: User | None, subjects: set[int], *,
            outward: SharingKind) -> _Linked:
    """Links where a subject is the agency and the kind is `outward`, or the partner and the
    kind is the other one: with shares_with, who reads the subjects' reads; with can_query,
    whose reads the subjects read. Each statement is made once per kind of reader: made on
    every page, they cost an agency's page more than reading its links."""
    links = list(session.exec(
        scoping.kept_for(("sharing links", outward), actor,
                         lambda: _links_about(actor, outward)),
        params={SUBJECTS.key: sorted(subjects)}).all())
    ids = {i for link in links for i in (link.agency_id, link.partner_agency_id) if i}
    agencies_named = scoping.kept_for(("agencies named", ), actor, lambda: select(Agency).where(
        col(Agency.id).in_(NAMED), _readable(Agency, actor)))
    known = {stored_id(a): a for a in session.exec(
        agencies_named, params={NAMED.key: sorted(ids)}).all()} if ids else {}
    documents = {i for link in links if (i := link.document_id)}
    documents_named = scoping.kept_for(("documents named", ), actor, lambda: select(
        Document.id).where(col(Document.id).in_(NAMED), _readable(Document, actor)))
    readable_documents = set(session.exec(
        documents_named, params={NAMED.key: sorted(documents)}).all()) if documents else set()
    # A link naming an agency the reader may not read is left out, not shown nameless.
    links = [link for link in links if link.agency_id in known and (
        not link.partner_agency_id or link.partner_agency_id in known)]
    return _Linked(links, known, {i for i in readable_documents if i is not None})


def _reader(link: SharingLink, found: _Linked, *, subject: int,
            other: int | None) -> Reader:
    """The link as seen from the subject: the other side named, kept here or by name."""
    agency = found.known.get(other) if other else None
    name = agency.name if agency is not None else link.partner_name
    return Reader(
        link_id=stored_id(link), agency_id=other, name=name,
        state_code=agency.state_code if agency is not None else "",
        count=link.partner_count if agency is None else None, pool=link.pool,
        immigration=link.immigration, kind=link.kind, source_kind=link.source_kind,
        source_url=link.source_url,
        document_id=link.document_id if link.document_id in found.documents else None,
        reported_on=link.reported_on, confidence=link.confidence, through_agency_id=subject)


def _reach(session: Session, actor: User | None, subjects: set[int]) -> _Reach:
    """The direct readers of the subjects' reads: partners they share with, and agencies that
    say they can query them; a link is counted only where the reader may read it and every
    agency it names."""
    reach = _Reach()
    if not subjects:
        return reach
    found = _linked(session, actor, subjects, outward=SharingKind.shares_with)
    for link in found.links:
        if link.kind == SharingKind.shares_with:
            subject, reader_id = link.agency_id, link.partner_agency_id
        else:
            subject, reader_id = link.partner_agency_id or 0, link.agency_id
        agency = found.known.get(reader_id) if reader_id else None
        if agency is not None and reader_id in subjects:
            continue
        name = agency.name if agency is not None else link.partner_name
        reader = _reader(link, found, subject=subject, other=reader_id)
        reach.readers.append(reader)
        if link.pool:
            # A national pool is no agency: named apart, never counted among them.
            continue
        if agency is not None and reader_id is not None:
            reach.named[reader_id] = agency
            reach.named_per_subject.setdefault(subject, set()).add(reader_id)
        elif reader.count is not None:
            reach.counted[subject] = max(reach.counted.get(subject, 0), reader.count)
        elif not reader.pool and name.strip():
            reach.by_name.add(name.strip().casefold())
            reach.named_per_subject.setdefault(subject, set()).add(name.strip().casefold())
    return reach


def _once(names: Iterable[str]) -> list[str]:
    """Each partner once, as it is first spelled."""
    found: dict[str, str] = {}
    for name in names:
        found.setdefault(partner_key(name), name)
    return list(found.values())


def exposure_of(session: Session, actor: User | None, agency_ids: list[int]) -> ExposureRead:
    """The exposure of the agencies' reads taken together: the agencies that can search them
    (named ones, and those a source counts without naming, taken as including the named), the
    states they are in, pools and immigration enforcement among them, and the agencies that
    can search a direct reader's reads in turn (second degree)."""
    subjects = set(agency_ids)
    direct = _reach(session, actor, subjects)
    second = _reach(session, actor, set(direct.named))
    # Reached through a partner, and not already a direct reader or a subject.
    second.named = {i: a for i, a in second.named.items()
                    if i not in direct.named and i not in subjects}
    second.by_name -= direct.by_name
    second.readers = [r for r in second.readers
                      if r.agency_id is None or r.agency_id in second.named]
    states = sorted({a.state_code for a in direct.named.values() if a.state_code})
    flagged = [r for r in direct.readers if r.immigration]
    # The newest source says best what holds now.
    years = sorted({r.reported_on[:4] for r in flagged if r.reported_on})
    return ExposureRead(
        agency_ids=sorted(subjects), direct=direct.total(), states=len(states),
        state_codes=states,
        pools=sorted({r.name for r in direct.readers if r.pool}),
        immigration=_once(r.name for r in flagged),
        immigration_year=years[-1] if years else "",
        second_degree=second.total(),
        second_pools=sorted({r.name for r in second.readers if r.pool} - {
            r.name for r in direct.readers if r.pool}),
        second_degree_states=len({a.state_code for a in second.named.values()
                                  if a.state_code} - set(states)),
        readers=direct.readers, second_readers=second.readers)


def searched_by(session: Session, actor: User | None, subjects: set[int]) -> list[Reader]:
    """The links by which the subjects can search another agency's reads (they can query it,
    or it shares with them), each naming that agency; only links the reader may read, about
    agencies the reader may read."""
    found = _linked(session, actor, subjects, outward=SharingKind.can_query)
    readers = []
    for link in found.links:
        if link.kind == SharingKind.can_query:
            subject, other = link.agency_id, link.partner_agency_id
        else:
            subject, other = link.partner_agency_id or 0, link.agency_id
        readers.append(_reader(link, found, subject=subject, other=other))
    return readers


def agency_exposure(session: Session, actor: User, agency_id: int) -> ExposureRead:
    """An agency's exposure; one the reader may not read answers as missing."""
    agencies.crud.get(session, actor, agency_id)
    exposure = exposure_of(session, actor, [agency_id])
    exposure.searches = searched_by(session, actor, {agency_id})
    return exposure


def jurisdiction_exposure(session: Session, actor: User,
                          jurisdiction_id: int) -> ExposureRead:
    """The exposure of every agency of the jurisdiction the reader may read, taken together."""
    jurisdictions.crud.get(session, actor, jurisdiction_id)
    ids = session.exec(select(Agency.id).where(Agency.jurisdiction_id == jurisdiction_id,
                                               _readable(Agency, actor))).all()
    return exposure_of(session, actor, [i for i in ids if i is not None])
