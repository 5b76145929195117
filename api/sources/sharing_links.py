"""Sharing links from outside data: EFF's "Data Driven" dataset (how many agencies each LEARN
agency shares with, and whether it joined the national pool) and one Vigilant "agency data
sharing report" written out as a CSV. Previewed, then committed; agencies matched by ORI,
then name and state, made when unknown; a link kept twice is never added twice."""

from dataclasses import asdict, dataclass, field
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlmodel import Session, select

from api import clock
from api.agencies import service as agencies
from api.agencies.models import Agency, AgencyCreate, AgencyKind, PartialDate
from api.auth import permissions
from api.auth.models import User
from api.crud import insert_checked, validated
from api.db import table_of
from api.errors import Conflict, Invalid, Problems
from api.fields import (
    IN_FUTURE,
    MAX_INT,
    MAX_NAME,
    TOO_EARLY,
    Name,
    Url,
    date_problem,
    is_state,
    stored_id,
)
from api.i18n.catalogs import N_, gettext, ngettext
from api.sharing import service as sharing
from api.sharing.models import Confidence, SharingKind, SharingLink, SourceKind
from api.sources import agency_import, data_driven

NATIONAL_POOL = "Vigilant LEARN national pool"
REPORT = "Vigilant data sharing report"
REPORT_COLUMNS = ("Agency", "State")
# How a report's list reads: the report's agency shares with the row's, or can search its reads.
DIRECTIONS = {"shares with": SharingKind.shares_with, "shares_with": SharingKind.shares_with,
              "outgoing": SharingKind.shares_with,
              "can query": SharingKind.can_query, "can_query": SharingKind.can_query,
              "incoming": SharingKind.can_query, "shared with": SharingKind.can_query}


@dataclass(frozen=True)
class Named:
    """An agency as a file names it."""

    name: str
    state: str
    ori: str = ""


@dataclass
class LinkFacts:
    row: int
    subject: Named | None = None
    subject_id: int | None = None
    kind: SharingKind = SharingKind.shares_with
    partner: Named | None = None
    partner_name: str = ""
    partner_count: int | None = None
    source_url: str = ""
    reported_on: str = ""
    error: str = ""
    # The file names the agency but says nothing it shares: it is kept all the same, so its
    # exposure (none known) can be read.
    agency_only: bool = False


class ReportSource(BaseModel):
    """What a sharing report's CSV does not say of itself: whose report it is, where it is
    kept and when it was made."""

    agency_id: int
    source_url: Url = ""
    reported_on: PartialDate = ""
    confidence: Confidence = Confidence.confirmed


# A report's date and address refused in plain words, as the page and the command line say them.
REPORT_SAID = {"reported_on": N_("Write the report's date as a year, a year and month, or a "
                                 "day: 2019, 2019-05 or 2019-05-14."),
               "source_url": N_("Give the report's address as it is, starting with https://.")}


def report_source(agency_id: int, reported_on: str, source_url: str) -> ReportSource:
    """The report's source checked, each refusal in plain words beside its field."""
    try:
        source = validated(ReportSource, {"agency_id": agency_id, "reported_on": reported_on,
                                          "source_url": source_url})
        problem = date_problem(source.reported_on)
        if problem:
            raise Invalid(problem, field="reported_on")
        return source
    except Invalid as exc:
        problems = []
        for one in Problems.each(exc):
            where = (one.field or "").split(".")[0]
            plain = where in REPORT_SAID and one.template not in (TOO_EARLY, IN_FUTURE)
            problems.append(Invalid(REPORT_SAID[where], field=where) if plain else one)
        raise Problems.of(problems) from exc


class SharingImportAnswer(BaseModel):
    """A sharing import's preview (committed false) or what it wrote (committed true)."""

    kind: str
    token: str
    total_rows: int
    counts: dict[str, int]
    new_agencies: list[str]
    matched_agencies: list[str] = []
    links: list[dict[str, Any]]
    committed: bool = False
    result: dict[str, Any] | None = None


@dataclass
class LinkPlan:
    row: int
    action: str  # add, update, keep or error
    agency: str
    partner: str
    kind: str
    message: str = ""


@dataclass
class SharingPlan:
    kind: str
    token: str
    total_rows: int
    links: list[LinkPlan]
    # Agencies the file names that are not kept here yet: made by the commit.
    new_agencies: list[str]
    source_kind: str
    confidence: str
    # Agencies the file names that are kept here already, as they are kept.
    matched_agencies: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        found = {action: 0 for action in ("add", "update", "keep", "error")}
        for link in self.links:
            found[link.action] += 1
        return found

    def answer(self, result: "SharingResult | None" = None) -> SharingImportAnswer:
        return SharingImportAnswer(
            kind=self.kind, token=self.token, total_rows=self.total_rows, counts=self.counts,
            new_agencies=self.new_agencies, matched_agencies=self.matched_agencies,
            links=[asdict(link) for link in self.links],
            committed=result is not None, result=asdict(result) if result else None)


@dataclass
class SharingResult:
    agencies_created: int = 0
    links_added: int = 0
    links_updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


class _Agencies:
    """The agencies kept, found as an import finds them: by ORI, then name and state, then a
    near spelling."""

    def __init__(self, session: Session) -> None:
        self.by_ori: dict[str, Any] = {}
        self.by_name: dict[tuple[str, str], Any] = {}
        self.by_loose: dict[tuple[str, str], Any] = {}
        # The columns a match reads, not whole records: the index holds every agency kept.
        agency: Any
        for agency in session.exec(select(Agency.id, Agency.name, Agency.state_code, Agency.ori)
                                   .order_by(Agency.id)).all():
            state = agency.state_code.upper()
            if agency.ori:
                self.by_ori.setdefault(agency.ori, agency)
            self.by_name.setdefault((agency_import.name_key(agency.name), state), agency)
            self.by_loose.setdefault((agency_import.loose_key(agency.name), state), agency)

    def find(self, named: Named) -> Any:
        state = named.state.upper()
        return (self.by_ori.get(named.ori) if named.ori else None) \
            or self.by_name.get((agency_import.name_key(named.name), state)) \
            or self.by_loose.get((agency_import.loose_key(named.name), state))

    def plan(self, named: Named) -> "_ToMake":
        """An agency the file names that is not kept, entered as it would be once made: a
        later row naming it again, by its ORI or its name spelt either way, finds it."""
        planned = _ToMake(name=named.name, state_code=named.state, named=named)
        self.by_name[(agency_import.name_key(named.name), named.state)] = planned
        self.by_loose.setdefault((agency_import.loose_key(named.name), named.state), planned)
        if named.ori:
            self.by_ori[named.ori] = planned
        return planned


_AGENCY_NAME: TypeAdapter[str] = TypeAdapter(Name)


def _name_problem(row: int, name: str) -> str:
    """Why a row's agency name could not be kept as an agency's: refused at the preview, so
    the commit never meets it."""
    try:
        _AGENCY_NAME.validate_python(name)
    except ValidationError:
        if len(name) > MAX_NAME:
            return gettext("Row {row} has an agency name longer than 200 characters.").format(
                row=row)
        return gettext("Row {row}: the agency name holds characters that cannot be kept."
                       ).format(row=row)
    return ""


def _named(name: str, state: str, ori: str = "") -> Named:
    return Named(" ".join(name.split()), state.strip().upper(),
                 agency_import.ori_of(ori, state) if ori else "")


# ---- reading the files ------------------------------------------------------------------------

def _not_a_state(row: int, state: str) -> str:
    return gettext("Row {row}: “{state}” is not a state code such as CA.").format(
        row=row, state=state)


# What the dataset writes where it has no count or no answer; anything else unreadable is a
# mistake the preview names rather than a row quietly left without its link.
UNKNOWN = ("", "not provided", "data incomplete", "n/a", "unknown")


def _data_driven_problem(row: int, record: dict[str, str], has_link: bool) -> str:
    """Why a row's sharing cannot be read as the dataset writes it: a count that is no count
    or larger than a count can be kept, a pool answer that is neither yes nor no, a report
    link that is no web address."""
    count_cell = record["C. Direct Sharing"]
    partners = data_driven.number(count_cell)
    if partners is None and count_cell.strip().casefold() not in UNKNOWN:
        return gettext("Row {row}: “{value}” is not a number of agencies.").format(
            row=row, value=count_cell.strip())
    if partners is not None and partners > MAX_INT:
        return gettext("Row {row}: {value} agencies is more than can be kept.").format(
            row=row, value=partners)
    pool_cell = record["D. NVLS"]
    if data_driven.national_pool(pool_cell) is None and \
            pool_cell.strip().casefold() not in UNKNOWN:
        return gettext("Row {row}: the national pool answer is “Y” or “N”, not “{value}”."
                       ).format(row=row, value=pool_cell.strip())
    if not has_link and record["R1. Data Sharing Link"].strip():
        return gettext("Row {row}: the sharing report link is not a web address.").format(
            row=row)
    return ""


def read_data_driven(content: bytes) -> list[LinkFacts]:
    """Each agency's direct partners (counted, not named) and its national pool membership."""
    facts: list[LinkFacts] = []
    for row, record, problem in agency_import.csv_records(
            content, required=data_driven.REQUIRED, dataset=data_driven.DATASET):
        if problem:
            facts.append(LinkFacts(row=row, error=problem))
            continue
        subject = _named(record[data_driven.AGENCY], record[data_driven.STATE])
        if not subject.name or len(subject.state) != 2:
            facts.append(LinkFacts(row=row, error=gettext(
                "Row {row} names no agency and state.").format(row=row)))
            continue
        if not is_state(subject.state):
            facts.append(LinkFacts(row=row, error=_not_a_state(row, subject.state)))
            continue
        if problem := _name_problem(row, subject.name):
            facts.append(LinkFacts(row=row, error=problem))
            continue
        report = agency_import.links_in(record["R1. Data Sharing Link"])
        url = report[0] if report else ""
        problem = _data_driven_problem(row, record, bool(report))
        if problem:
            facts.append(LinkFacts(row=row, error=problem))
            continue
        partners = data_driven.number(record["C. Direct Sharing"])
        if partners:
            facts.append(LinkFacts(row=row, subject=subject, partner_count=partners,
                                   source_url=url))
        if data_driven.national_pool(record["D. NVLS"]):
            facts.append(LinkFacts(row=row, subject=subject, partner_name=NATIONAL_POOL,
                                   source_url=url))
        if not facts or facts[-1].row != row:
            facts.append(LinkFacts(row=row, subject=subject, agency_only=True))
    return facts


def read_report(content: bytes, source: ReportSource) -> list[LinkFacts]:
    """One report's agencies: each a partner the report's agency shares with or can query."""
    facts: list[LinkFacts] = []
    for row, record, problem in agency_import.csv_records(content, required=REPORT_COLUMNS,
                                                          dataset=REPORT):
        if problem:
            facts.append(LinkFacts(row=row, error=problem))
            continue
        partner = _named(record["Agency"], record["State"], record.get("ORI", ""))
        direction = " ".join(record.get("Direction", "").casefold().split()) or "shares with"
        kind = DIRECTIONS.get(direction)
        if not partner.name:
            facts.append(LinkFacts(row=row, error=gettext(
                "Row {row} names no agency.").format(row=row)))
        elif partner.state and not is_state(partner.state):
            facts.append(LinkFacts(row=row, error=_not_a_state(row, partner.state)))
        elif problem := _name_problem(row, partner.name):
            facts.append(LinkFacts(row=row, error=problem))
        elif kind is None:
            facts.append(LinkFacts(row=row, error=gettext(
                "Row {row}: the direction is “shares with” or “can query”.").format(row=row)))
        else:
            facts.append(LinkFacts(row=row, subject_id=source.agency_id, kind=kind,
                                   partner=partner, source_url=source.source_url,
                                   reported_on=source.reported_on))
    return facts


# ---- planning and carrying out ----------------------------------------------------------------

def _key(agency_id: Any, kind: str, partner_id: Any, partner_name: str,
         url: str) -> tuple[Any, ...]:
    """What makes two links one: the same agencies, direction and source."""
    return (agency_id, kind, partner_id, "" if partner_id else partner_name.casefold(), url)


def _kept(session: Session) -> dict[tuple[Any, ...], Any]:
    """The links kept, by what makes two links one: the columns an import compares, not whole
    records (a record is read only for a link the import changes)."""
    columns = (SharingLink.id, SharingLink.agency_id, SharingLink.kind,
               SharingLink.partner_agency_id, SharingLink.partner_name, SharingLink.source_url,
               SharingLink.partner_count, SharingLink.reported_on)
    rows: list[Any] = list(session.execute(sa.select(*columns)).all())
    return {_key(link.agency_id, link.kind, link.partner_agency_id, link.partner_name,
                 link.source_url): link for link in rows}


def _label(named: Named | None, agency: Agency | None) -> str:
    if agency is not None:
        return f"{agency.name} ({agency.state_code})" if agency.state_code else agency.name
    return f"{named.name} ({named.state})" if named and named.state else (named.name if named
                                                                          else "")


def _to_itself(subject: Any, partner: Any) -> bool:
    # As the API refuses it (api.sharing.service): a report naming its own agency.
    return _same(subject, partner)


def _identity(found: Any, named: Named | None) -> Any:
    """What tells an agency apart in a preview: its id when kept, how the file first named it
    when it is still to be made."""
    if found is None:
        return named
    return found.named if isinstance(found, _ToMake) else found.id


def _itself(row: int) -> str:
    return gettext("Row {row} names the report's own agency: an agency does not share its "
                   "plate reads with itself.").format(row=row)


def _plan(session: Session, *, kind: str, token: str, facts: list[LinkFacts],
          source_kind: SourceKind, confidence: Confidence) -> SharingPlan:
    index = _Agencies(session)
    kept = _kept(session)
    new: dict[Named, None] = {}
    matched: dict[str, None] = {}
    seen: set[tuple[Any, ...]] = set()
    plans: list[LinkPlan] = []
    rows = {f.row for f in facts}

    def found_or_planned(named: Named) -> Any:
        found = index.find(named)
        if found is None:
            found = index.plan(named)
            new.setdefault(named, None)
        elif not isinstance(found, _ToMake):
            matched.setdefault(_label(None, found), None)
        return found

    for f in facts:
        if f.error:
            plans.append(LinkPlan(f.row, "error", "", "", "", f.error))
            continue
        subject = session.get(Agency, f.subject_id) if f.subject_id else \
            found_or_planned(f.subject) if f.subject else None
        partner = found_or_planned(f.partner) if f.partner else None
        if f.agency_only:
            continue
        if _to_itself(subject, partner):
            plans.append(LinkPlan(f.row, "error", "", "", "", _itself(f.row)))
            continue
        partner_label = _label(f.partner, partner) if f.partner else (
            f.partner_name or gettext(
                "{count} agencies the file counts without naming them").format(
                count=f.partner_count))
        # An agency still to be made is told apart by how the file names it.
        key = _key(_identity(subject, f.subject), f.kind, _identity(partner, f.partner),
                   f.partner_name or (f.partner.name if f.partner else ""), f.source_url)
        current = kept.get(key)
        if key in seen:
            action = "keep"
        elif current is None:
            action = "add"
        elif (f.partner_count != current.partner_count
              or (f.reported_on and f.reported_on != current.reported_on)):
            action = "update"
        else:
            action = "keep"
        seen.add(key)
        plans.append(LinkPlan(f.row, action, _label(f.subject, subject), partner_label,
                              f.kind.value))
    return SharingPlan(kind=kind, token=token, total_rows=len(rows), links=plans,
                       new_agencies=[_label(n, None) for n in new],
                       matched_agencies=list(matched),
                       source_kind=source_kind.value, confidence=confidence.value)


def preview_data_driven(session: Session, content: bytes) -> SharingPlan:
    return _plan(session, kind="data-driven", token=agency_import.file_token("dds", content),
                 facts=read_data_driven(content), source_kind=SourceKind.vigilant_report,
                 confidence=Confidence.confirmed)


def _subject(session: Session, actor: User, source: ReportSource) -> None:
    # The report's agency is one the importer reads: another answers as missing.
    agencies.crud.get(session, actor, source.agency_id)


def preview_report(session: Session, actor: User, content: bytes,
                   source: ReportSource) -> SharingPlan:
    _subject(session, actor, source)
    token = agency_import.file_token("report", content, str(source.agency_id),
                                     source.source_url, source.reported_on)
    return _plan(session, kind="sharing-report", token=token,
                 facts=read_report(content, source), source_kind=SourceKind.vigilant_report,
                 confidence=source.confidence)


def _agency_to_make(named: Named) -> AgencyCreate:
    kind = agency_import.kind_from(named.name)
    if sharing.is_immigration(named.name):
        kind = AgencyKind.federal
    return AgencyCreate(name=named.name, state_code=named.state if len(named.state) == 2 else "",
                        ori=named.ori, kind=kind)


def _same(one: Any, other: Any) -> bool:
    # An agency still to be made has no id yet: it is itself and no other.
    return one is not None and other is not None and (
        one is other or (one.id is not None and one.id == other.id))


@dataclass
class _ToMake:
    """An agency the file names that is not kept: what an import reads of it before and after
    it is made (building a whole record for each costs more than writing it)."""

    name: str
    state_code: str
    named: Named
    id: int | None = None


def _agencies_to_make(session: Session, index: _Agencies,
                      facts: list[LinkFacts]) -> list[tuple[Named, Any]]:
    """The agencies the file names that are not kept, in the order the rows name them, each
    entered in the index as it would be once made: a later row naming it again finds it by
    its ORI or its name and state, as it would find it kept."""
    to_make: list[tuple[Named, Any]] = []

    def found_or_planned(named: Named) -> Any:
        found: Any = index.find(named)
        if found is None:
            found = index.plan(named)
            to_make.append((named, found))
        return found

    for f in facts:
        if f.error:
            continue
        subject = session.get(Agency, f.subject_id) if f.subject_id else \
            found_or_planned(f.subject) if f.subject else None
        if subject is None or f.agency_only or f.partner is None:
            continue
        if not _same(subject, index.find(f.partner)):
            found_or_planned(f.partner)
    return to_make


def apply(session: Session, actor: User, plan: SharingPlan, facts: list[LinkFacts], *,
          token: str | None = None, one_by_one: bool = False) -> SharingResult:
    """Make the agencies the file names that are not kept, then add the new links and bring
    the changed ones up to date. The caller commits: the whole file is one transaction.

    The new agencies and links are written in bulk, each checked, audited, indexed for search
    and counted as a change as one made alone would be; `one_by_one` makes each through the
    per-record path instead, which a large file holds the database for many seconds."""
    permissions.require_bringing_in(actor)
    if token is not None and token != plan.token:
        raise Conflict(N_("The file is not the one that was previewed; preview it again."),
                       field="token")
    result = SharingResult()
    index = _Agencies(session)
    kept = _kept(session)
    to_make = _agencies_to_make(session, index, facts)
    wanted = [_agency_to_make(named) for named, _ in to_make]
    made: list[Any] = [agencies.crud.create(session, actor, one) for one in wanted] \
        if one_by_one else \
        agencies.crud.create_many(session, actor, wanted)
    for (_, planned), agency in zip(to_make, made, strict=True):
        planned.id, planned.name, planned.state_code = (
            (agency.id, agency.name, agency.state_code) if one_by_one else
            (agency["id"], agency["name"], agency["state_code"]))
    result.agencies_created = len(made)
    # A link's columns as a new one holds them, for those written in bulk.
    blank = {column.key: getattr(SharingLink(agency_id=0), column.key)
             for column in table_of(SharingLink).c if column.key != "id"}
    now = clock.now()

    def agency_of(named: Named) -> Agency:
        found = index.find(named)
        if found is None:  # pragma: no cover - every agency named was made above
            raise RuntimeError(f"{named} was neither kept nor made")
        return found

    new_links: list[Any] = []
    for f in facts:
        if f.error:
            result.errors.append({"row": f.row, "message": f.error})
            continue
        subject = session.get(Agency, f.subject_id) if f.subject_id else \
            agency_of(f.subject) if f.subject else None
        if subject is None or f.agency_only:
            continue
        if _to_itself(subject, index.find(f.partner) if f.partner else None):
            result.errors.append({"row": f.row, "message": _itself(f.row)})
            continue
        partner = agency_of(f.partner) if f.partner else None
        name = f.partner_name if partner is None else ""
        key = _key(subject.id, f.kind, partner.id if partner else None,
                   f.partner_name or (f.partner.name if f.partner else ""), f.source_url)
        current: Any = kept.get(key)
        if current is None:
            values: dict[str, Any] = dict(
                agency_id=stored_id(subject), kind=f.kind,
                partner_agency_id=partner.id if partner else None, partner_name=name,
                partner_count=f.partner_count, pool=f.partner_name == NATIONAL_POOL,
                immigration=sharing.is_immigration(partner.name if partner else name),
                source_kind=SourceKind(plan.source_kind), source_url=f.source_url,
                reported_on=f.reported_on, confidence=Confidence(plan.confidence),
                dataset=plan.kind)
            link: Any
            if one_by_one:
                link = SharingLink(**values)
                session.add(link)
            else:
                link = SimpleNamespace(**{**blank, **values, "created_at": now,
                                          "updated_at": now})
                new_links.append(link)
            kept[key] = link
            result.links_added += 1
        elif (f.partner_count != current.partner_count
              or (f.reported_on and f.reported_on != current.reported_on)):
            # A link kept already is read whole and flushed with its change; one this file
            # adds is written with it.
            if not isinstance(current, (SharingLink, SimpleNamespace)):
                current = kept[key] = session.get(SharingLink, current.id)
            current.partner_count = f.partner_count
            current.reported_on = f.reported_on or current.reported_on
            if one_by_one:
                session.add(current)
            result.links_updated += 1
        else:
            result.unchanged += 1
    insert_checked(session, SharingLink, [vars(link) for link in new_links])
    session.flush()
    return result


def commit_data_driven(session: Session, actor: User, content: bytes, *,
                       token: str | None = None) -> tuple[SharingPlan, SharingResult]:
    plan = preview_data_driven(session, content)
    return plan, apply(session, actor, plan, read_data_driven(content), token=token)


def commit_report(session: Session, actor: User, content: bytes, source: ReportSource, *,
                  token: str | None = None) -> tuple[SharingPlan, SharingResult]:
    plan = preview_report(session, actor, content, source)
    return plan, apply(session, actor, plan, read_report(content, source), token=token)



# ---- in words ---------------------------------------------------------------------------------

def preview_words(plan: SharingPlan) -> str:
    """What an import would write, in one line: the command line's preview and the page's."""
    counts = plan.counts
    return gettext("{rows}; links: {add} to add, {update} to update, {keep} unchanged; "
                   "agencies: {new} to add, {matched} matched; rows with problems: {errors}."
                   ).format(rows=ngettext("%(num)d row", "%(num)d rows", plan.total_rows)
                            % {"num": plan.total_rows}, add=counts["add"],
                            update=counts["update"], keep=counts["keep"],
                            new=len(plan.new_agencies), matched=len(plan.matched_agencies),
                            errors=len({link.row for link in plan.links
                                        if link.action == "error"}))


def result_words(result: SharingResult) -> str:
    """What an import wrote, in one line."""
    return gettext("Links: {added} added, {updated} updated, {unchanged} unchanged; agencies "
                   "added: {created}; bad rows left out: {errors}.").format(
        added=result.links_added, updated=result.links_updated, unchanged=result.unchanged,
        created=result.agencies_created, errors=len(result.errors))
