"""Bringing outside datasets about agencies in: match each row to an agency by name and state,
plan what would be created, updated or skipped, and apply that plan in one transaction.

A dataset owns its own facts (its id, its counts, its report links) and overwrites them when it
knows a value; facts people curate (vendor, notes, jurisdiction) are only filled where empty;
source links are added to, never replaced, and a dated source already kept takes the dataset's
new date. A vendor is the Vendor record its name means, however the dataset spells it."""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, select

from api.agencies import links as agency_links
from api.agencies import service as agencies
from api.agencies.models import (
    Agency,
    AgencyAlias,
    AgencyCreate,
    AgencyKind,
    AgencyLinkBase,
    AgencyUpdate,
)
from api.auth import permissions
from api.auth.models import User
from api.crud import validated
from api.errors import Conflict, DomainError, Invalid
from api.fields import MAX_NAME, stored_id
from api.i18n.catalogs import N_, gettext, ngettext
from api.jurisdictions import service as jurisdictions
from api.jurisdictions import states
from api.jurisdictions.models import Jurisdiction, JurisdictionCreate
from api.sources import csv_files
from api.sources.models import AgencyImportCommitted, AgencyImportPreview
from api.vendors import names as vendor_names
from api.vendors import service as vendors

LINK = re.compile(r"https?://[^\s,;\"'<>]+", re.IGNORECASE)
STATE = re.compile(r"^[A-Za-z]{2}$")
CURATED = ("vendor_id", "notes", "jurisdiction_id", "atlas_id", "ori")
ORI = re.compile(r"^[A-Z]{2}[0-9A-Z]{7}$")
# Words agency names are written many ways, each to one spelling: "Pueblo Police Dept" and
# "Pueblo PD" are the Pueblo Police Department, "Sheriff Office" the Sheriff's Office.
SPELLINGS = {"dept": "department", "pd": "police department", "sheriffs": "sheriff",
             "co": "county", "twp": "township", "ofc": "office", "so": "sheriff office",
             "hwy": "highway", "univ": "university"}


@dataclass
class AgencyFacts:
    """One dataset row, in the agency's terms."""

    row: int
    name: str = ""
    state: str = ""
    kind: AgencyKind = AgencyKind.other
    owned: dict[str, Any] = field(default_factory=dict)
    curated: dict[str, Any] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    # (jurisdiction kind, name) the agency serves, when the dataset says.
    place: tuple[str, str] | None = None
    # The vendor's name as the dataset writes it.
    vendor: str = ""
    # Sources with their dates (AgencyLink fields), checked as they were read.
    dated_links: list[dict[str, str]] = field(default_factory=list)
    # What was wrong in the row but did not stop it: a link left out, a date not understood.
    warnings: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class RowPlan:
    row: int
    name: str
    state: str
    action: str  # create, update, skip or error
    agency_id: int | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field: [now, after]
    message: str = ""
    # The place the agency serves, made by the import when no jurisdiction matches it.
    new_place: dict[str, str] | None = None
    # The place in words, and whether it is there already: "Pueblo, Colorado — existing".
    place: str = ""
    # The vendor the agency's plate readers will point at: {"name", "id" (None when new)}.
    vendor: dict[str, Any] | None = None
    # Dated sources to add ("new") or to bring up to date ("changed"), and how many the
    # agency keeps as they are.
    links: list[dict[str, str]] = field(default_factory=list)
    links_unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    # Agencies kept that could each be this one, to be merged before the row can be imported:
    # [{"id", "name"}, ...].
    duplicates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportPlan:
    kind: str
    token: str
    total_rows: int
    ignored_rows: int
    rows: list[RowPlan]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "skip": 0, "error": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "token": self.token, "total_rows": self.total_rows,
                "ignored_rows": self.ignored_rows, "counts": self.counts,
                "rows": [asdict(row) for row in self.rows]}

    def as_preview(self) -> AgencyImportPreview:
        return AgencyImportPreview.model_validate(self.as_dict())

    def as_committed(self, result: "ImportResult") -> AgencyImportCommitted:
        return AgencyImportCommitted.model_validate({**self.as_dict(), "result": asdict(result)})


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    links_added: int = 0
    links_updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


# ---- reading ----------------------------------------------------------------------------

def file_token(kind: str, content: bytes, *extra: str) -> str:
    """Names a file (and the choices made about it), so a commit can prove it is what was
    previewed."""
    digest = hashlib.sha256(kind.encode())
    digest.update(b"\0" + content)
    for part in extra:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()[:32]


def csv_records(content: bytes, *, required: tuple[str, ...],
                dataset: str) -> Iterator[tuple[int, dict[str, str], str]]:
    """(row number, record, problem) for each data row; the header is row 1 and blank lines are
    left out. A record with more or fewer fields than the header comes with a problem instead
    of being guessed at. Read a row at a time within the import limits (api.sources.csv_files),
    so a file past them is refused before its rows are held."""
    rows = csv_files.rows(content, delimiter=",")
    header = [h.strip() for h in next(rows, [])]
    missing = [name for name in required if name not in header]
    if missing:
        # One column or several: English and Spanish both say one apart from many.
        message = (N_("This is not the {dataset} file: it lacks the column {columns}.")
                   if len(missing) == 1 else
                   N_("This is not the {dataset} file: it lacks the columns {columns}."))
        raise Invalid(message, dataset=dataset, columns=", ".join(missing), field="file")
    row = 1
    for cells in rows:
        if not cells:
            continue
        row += 1
        if len(cells) > len(header):
            yield row, {}, gettext("Row {row} has more fields than the header.").format(row=row)
        elif len(cells) < len(header):
            yield row, {}, gettext("Row {row} has fewer fields than the header.").format(
                row=row)
        else:
            yield row, {k: v.strip() for k, v in zip(header, cells, strict=True)}, ""


def links_in(*texts: str) -> list[str]:
    found: list[str] = []
    for text in texts:
        for link in LINK.findall(text or ""):
            link = link.rstrip(".)")
            if len(link) <= 2000 and link not in found:
                found.append(link)
    return found


MONTH_DAY_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")
MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{4})$")
WRITTEN = ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%B %Y", "%b %Y")


def partial_date(text: str) -> str | None:
    """A dataset's date as precise as it is written: "2019", "2019-05" or "2019-05-14"; empty
    for no date, None for one that is no date ("13/45/2019")."""
    text = " ".join(text.split())
    if not text:
        return ""
    try:
        if re.fullmatch(r"\d{4}", text):
            return text if 1900 <= int(text) <= 2100 else None
        if found := MONTH_DAY_YEAR.match(text):
            month, day, year = (int(part) for part in found.groups())
            year += 2000 if year < 100 else 0
            return date(year, month, day).isoformat()
        if found := MONTH_YEAR.match(text):
            return date(int(found[2]), int(found[1]), 1).isoformat()[:7]
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return date.fromisoformat(text + "-01").isoformat()[:7]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        return None
    for layout in WRITTEN:
        try:
            parsed = datetime.strptime(text, layout).date()  # noqa: DTZ007 - a day, no time
        except ValueError:
            continue
        return parsed.isoformat() if "%d" in layout else parsed.isoformat()[:7]
    return None


def _shown(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def dated_link(row: int, label: str, cells: dict[str, str], *,
               dataset: str) -> tuple[dict[str, str] | None, list[str]]:
    """One source from a row's cells (url, published, source, kind, snapshot_url), checked:
    a link that is no web address is left out, a date or snapshot that does not read is
    dropped from it; each said in a warning for the preview."""
    warnings: list[str] = []
    url = cells.get("url", "").strip()
    if not url:
        return None, warnings
    values = {"url": url, "source": " ".join(cells.get("source", "").split())[:200],
              "kind": " ".join(cells.get("kind", "").split())[:200], "dataset": dataset,
              "published": "", "snapshot_url": ""}
    try:
        AgencyLinkBase.model_validate({"url": url})
        if not urlsplit(url).hostname:
            raise ValueError("no host")
    except ValueError:
        warnings.append(gettext("Row {row}: {label} “{url}” is not a web address (http or "
                                "https); it is left out.").format(
            row=row, label=label, url=_shown(url)))
        return None, warnings
    published = partial_date(cells.get("published", ""))
    if published is None:
        warnings.append(gettext("Row {row}: the date of {label}, “{date}”, is not a date; the "
                                "link is kept without one.").format(
            row=row, label=label, date=_shown(cells["published"])))
    else:
        values["published"] = published
    snapshot = cells.get("snapshot_url", "").strip()
    if snapshot:
        try:
            AgencyLinkBase.model_validate({"url": url, "snapshot_url": snapshot})
            values["snapshot_url"] = snapshot
        except ValueError:
            warnings.append(gettext("Row {row}: the snapshot of {label}, “{url}”, is not a web "
                                    "address; the link is kept without it.").format(
                row=row, label=label, url=_shown(snapshot)))
    return values, warnings


def kind_from(text: str) -> AgencyKind:
    """The agency kind an agency's type or name suggests."""
    lowered = text.casefold()
    if "sheriff" in lowered:
        return AgencyKind.sheriff
    if any(w in lowered for w in ("state police", "state patrol", "highway patrol",
                                  "department of public safety")):
        return AgencyKind.state_police
    if "fusion" in lowered:
        return AgencyKind.fusion_center
    if "federal" in lowered or lowered.startswith(("u.s.", "us ", "united states")):
        return AgencyKind.federal
    if "police" in lowered:
        return AgencyKind.police_department
    return AgencyKind.other


def check_name_and_state(facts: AgencyFacts) -> AgencyFacts:
    if facts.error:
        return facts
    if not facts.name:
        facts.error = gettext("Row {row} has no agency name.").format(row=facts.row)
    elif len(facts.name) > MAX_NAME:
        facts.error = gettext("Row {row} has an agency name longer than 200 characters.").format(
            row=facts.row)
    elif not STATE.match(facts.state):
        facts.error = gettext("Row {row} has no two-letter state: {state!r}.").format(
            row=facts.row, state=facts.state)
    facts.state = facts.state.upper()
    return facts


# ---- planning ---------------------------------------------------------------------------

def name_key(name: str) -> str:
    """Agency names compared without case, punctuation or spacing differences."""
    lowered = name.casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^\w\s]", "", lowered).split())


def loose_key(name: str) -> str:
    """An agency name with its common abbreviations and spellings made one: near-duplicates
    share it."""
    return " ".join(SPELLINGS.get(word, word) for word in name_key(name).split())


def ori_of(value: str, state: str) -> str:
    """The ORI a dataset's identifier starts with ("CO0640100ALPR"), or empty. An ORI starts
    with its state's code; a placeholder ("XX0000125") is none."""
    head = value.strip().upper()[:9]
    return head if ORI.match(head) and head[:2] == state.strip().upper() else ""


@dataclass
class Found:
    agencies: list[Agency]
    # How: "atlas" or "ori" (the dataset's own identifiers), "name", or "spelling".
    by: str = ""


class _Index:
    def __init__(self, session: Session) -> None:
        self.by_name: dict[tuple[str, str], list[Agency]] = {}
        self.by_loose: dict[tuple[str, str], list[Agency]] = {}
        self.by_atlas: dict[str, Agency] = {}
        self.by_ori: dict[str, list[Agency]] = {}
        self.by_alias: dict[tuple[str, str], Agency] = {}
        # In the order they were made, so look-alikes are named the same way on every database.
        self.agencies_read = session.exec(select(Agency).order_by(Agency.id)).all()
        for agency in self.agencies_read:
            state = agency.state_code.upper()
            self.by_name.setdefault((name_key(agency.name), state), []).append(agency)
            self.by_loose.setdefault((loose_key(agency.name), state), []).append(agency)
            if agency.atlas_id:
                self.by_atlas[agency.atlas_id] = agency
            if agency.ori:
                self.by_ori.setdefault(agency.ori, []).append(agency)
        # Names and numbers of agencies merged into one of these: the kept agency answers to
        # them (an agency the reader may not read lends none).
        kept = {stored_id(a): a for a in self.agencies_read}
        for alias in session.exec(select(AgencyAlias)).all():
            known = kept.get(alias.agency_id)
            if known is None:
                continue
            agency = known
            state = (alias.state_code or agency.state_code).upper()
            for index, key in ((self.by_name, name_key(alias.name)),
                               (self.by_loose, loose_key(alias.name))):
                found = index.setdefault((key, state), [])
                if agency not in found:
                    found.append(agency)
            if alias.atlas_id:
                self.by_alias.setdefault(("atlas_id", alias.atlas_id), agency)
            if alias.ori:
                self.by_alias.setdefault(("ori", alias.ori), agency)
        self.places: dict[tuple[str, str, str], int] = {}
        self.place_names: dict[int, str] = {}
        for place in session.exec(select(Jurisdiction)).all():
            self.place_names[stored_id(place)] = states.place_name(place.name, place.state_code)
            for name in {place.name, place.name.removesuffix(" County")}:
                self.places.setdefault((place.kind, name_key(name), place.state_code),
                                       stored_id(place))
        self.vendors = vendors.by_key(session)
        self.links = agency_links.by_agency(session)

    def find(self, facts: AgencyFacts) -> Found:
        atlas_id = facts.curated.get("atlas_id")
        if atlas_id and atlas_id in self.by_atlas:
            return Found([self.by_atlas[atlas_id]], "atlas")
        ori = facts.curated.get("ori")
        if ori and ori in self.by_ori:
            return Found(self.by_ori[ori], "ori")
        # A number the kept agency of a merge answers to: never a rename of it.
        for key in (("atlas_id", atlas_id), ("ori", ori)):
            if key[1] and key in self.by_alias:
                return Found([self.by_alias[key]], "alias")
        exact = self.by_name.get((name_key(facts.name), facts.state), [])
        if exact:
            return Found(exact, "name")
        return Found(self.by_loose.get((loose_key(facts.name), facts.state), []), "spelling")

    def place(self, facts: AgencyFacts) -> int | None:
        if facts.place is None:
            return None
        kind, name = facts.place
        for candidate in (name, name.removesuffix(" County")):
            found = self.places.get((kind, name_key(candidate), facts.state))
            if found:
                return found
        return None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _changes(agency: Agency, facts: AgencyFacts, place_id: int | None) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name, value in facts.owned.items():
        if value is not None and value != "" and getattr(agency, name) != value:
            changes[name] = [getattr(agency, name), value]
    curated = {**facts.curated, "jurisdiction_id": place_id}
    for name, value in curated.items():
        if not _empty(value) and _empty(getattr(agency, name)):
            changes[name] = [getattr(agency, name), value]
    current = list(agency.source_links or [])
    added = [link for link in facts.links if link not in current]
    if added:
        changes["source_links"] = [current, current + added]
    return changes


def _create_values(facts: AgencyFacts, place_id: int | None) -> dict[str, Any]:
    values: dict[str, Any] = {"name": facts.name, "state_code": facts.state, "kind": facts.kind,
                              "source_links": facts.links, "jurisdiction_id": place_id}
    for source in (facts.curated, facts.owned):
        values.update({k: v for k, v in source.items() if not _empty(v)})
    return values


def _new_place(facts: AgencyFacts) -> dict[str, str] | None:
    """The jurisdiction to make for a row whose place no jurisdiction matches, checked now so
    the preview tells of a bad one."""
    if facts.place is None:
        return None
    kind, name = facts.place
    values = {"name": " ".join(name.split()), "kind": kind, "state_code": facts.state,
              "timezone": states.zone_of(facts.state)}
    validated(JurisdictionCreate, values)
    return values


def _vendor(index: "_Index", facts: AgencyFacts) -> dict[str, Any] | None:
    """The vendor a row names, found among those kept under any of its spellings; a new one
    is made under its canonical name when the import is applied. Its id is a curated fact."""
    if not facts.vendor:
        return None
    found = vendors.find(index.vendors, facts.vendor)
    facts.curated["vendor_id"] = found.id if found else None
    return {"name": found.name if found else vendor_names.canonical(facts.vendor),
            "id": found.id if found else None}


def _place_label(index: "_Index", place_id: int | None,
                 new_place: dict[str, str] | None) -> str:
    """Where the agency is, as the preview says it: "Pueblo, Colorado — existing"."""
    if place_id is not None:
        return gettext("{place} — existing").format(place=index.place_names.get(place_id, ""))
    if new_place:
        return gettext("{place} — new").format(
            place=states.place_name(new_place["name"], new_place["state_code"]))
    return ""


def _matched(agency: Agency, facts: AgencyFacts, by: str,
             changes: dict[str, list[Any]]) -> str:
    """What the preview says of how a row found its agency; a rename under the dataset's own
    identifier becomes a change of the name."""
    if name_key(agency.name) == name_key(facts.name):
        return ""
    if by in ("atlas", "ori"):
        changes["name"] = [agency.name, facts.name]
        said = (gettext("Renamed under the same Atlas number: “{old}” becomes “{new}”.")
                if by == "atlas" else
                gettext("Renamed under the same ORI: “{old}” becomes “{new}”."))
        return said.format(old=agency.name, new=facts.name)
    return gettext("Matched “{name}”, the same agency under another spelling; its name "
                   "stays.").format(name=agency.name)


def plan(session: Session, *, kind: str, token: str, facts: list[AgencyFacts],
         ignored_rows: int = 0) -> ImportPlan:
    """What importing these rows would do, without writing anything."""
    index = _Index(session)
    rows: list[RowPlan] = []
    claimed: dict[Any, int] = {}
    for item in facts:
        item = check_name_and_state(item)
        row = RowPlan(row=item.row, name=item.name, state=item.state, action="error")
        rows.append(row)
        if item.error:
            row.message = item.error
            continue
        match = index.find(item)
        found = match.agencies
        if len(found) > 1:
            names = ", ".join(f"“{a.name}”" for a in found[:4])
            row.message = gettext("{count} agencies could be “{name}” in {state} ({names}): "
                                  "merge them first.").format(
                count=len(found), name=item.name, state=item.state, names=names)
            row.duplicates = [{"id": a.id, "name": a.name} for a in found]
            continue
        key = found[0].id if found else (loose_key(item.name), item.state)
        # An agency new to us named twice in one file, under another spelling or name but its
        # own ORI or Atlas number, is one agency too.
        keys = [key, *((kind, value) for kind in ("ori", "atlas_id")
                       if (value := item.curated.get(kind)))]
        earlier = next((claimed[k] for k in keys if k in claimed), None)
        if earlier is not None:
            row.action, row.agency_id = "skip", found[0].id if found else None
            row.message = gettext("Same agency as row {row}.").format(row=earlier)
            continue
        for k in keys:
            claimed[k] = item.row
        place_id = index.place(item)
        row.warnings = item.warnings
        row.vendor = _vendor(index, item)
        try:
            row.new_place = _new_place(item) if place_id is None else None
            if found:
                agency = found[0]
                row.agency_id = agency.id
                row.changes = _changes(agency, item, place_id)
                row.message = _matched(agency, item, match.by, row.changes)
                current = {name: getattr(agency, name) for name in AgencyCreate.model_fields}
                validated(AgencyCreate, {**current, **{k: v[1] for k, v in row.changes.items()}})
                if agency.jurisdiction_id is not None:
                    row.new_place = None
                    place_id = agency.jurisdiction_id
                if agency.vendor_id is not None:
                    row.vendor = None  # curated: the vendor people chose stays
                kept = index.links.get(stored_id(agency), {})
                for link in item.dated_links:
                    what = agency_links.difference(kept.get(link["url"]), link)
                    if what:
                        row.links.append({**link, "status": what})
                    else:
                        row.links_unchanged += 1
                row.action = ("update" if row.changes or row.new_place or row.links
                              or (row.vendor and row.vendor["id"] is None) else "skip")
                if row.action == "skip":
                    row.message = row.message or gettext("Already up to date.")
            else:
                values = _create_values(item, place_id)
                validated(AgencyCreate, values)
                row.action = "create"
                row.changes = {name: [None, value] for name, value in values.items()}
                row.links = [{**link, "status": "new"} for link in item.dated_links]
            row.place = _place_label(index, place_id, row.new_place)
        except Invalid as exc:
            row.action, row.message = "error", gettext("Row {row}: {message}").format(
                row=item.row, message=exc.message)
    return ImportPlan(kind=kind, token=token, total_rows=len(facts) + ignored_rows,
                      ignored_rows=ignored_rows, rows=rows)


def apply(session: Session, actor: User, import_plan: ImportPlan, *,
          token: str | None = None) -> ImportResult:
    """Carry out a plan: creates and updates through the agency service, rows with errors left
    out and reported. The caller commits, so the whole import is one transaction."""
    permissions.require_bringing_in(actor)
    if token is not None and token != import_plan.token:
        raise Conflict(N_("The file is not the one that was previewed; preview it again."),
                       field="token")
    result = ImportResult()
    made_places: dict[tuple[str, str, str], int] = {}
    known_vendors = vendors.by_key(session)
    for row in import_plan.rows:
        try:
            if row.action in ("create", "update"):
                values = {name: change[1] for name, change in row.changes.items()}
                if row.vendor and row.vendor["id"] is None:
                    values["vendor_id"] = vendors.find_or_make(session, actor, row.vendor["name"],
                                                               known_vendors).id
            if row.action == "create":
                values["jurisdiction_id"] = (values.get("jurisdiction_id")
                                             or _place_made(session, actor, row, made_places))
                agency = agencies.crud.create(session, actor, AgencyCreate(**values))
                _keep_links(session, stored_id(agency), row, result)
                result.created += 1
            elif row.action == "update":
                if row.new_place:
                    values["jurisdiction_id"] = _place_made(session, actor, row, made_places)
                agency_id = row.agency_id
                if agency_id is None:
                    raise ValueError("an update is planned only for an agency that was found")
                agencies.crud.get(session, actor, agency_id)
                if values:
                    agencies.crud.update(session, actor, agency_id, AgencyUpdate(**values))
                _keep_links(session, agency_id, row, result)
                result.updated += 1
            elif row.action == "skip":
                result.skipped += 1
            else:
                result.errors.append({"row": row.row, "message": row.message})
        except DomainError as exc:
            # Validation ran during planning; this is a record that changed since, and the
            # whole import stops rather than writing part of it.
            raise Conflict(N_("Row {row} can no longer be imported ({message_}); preview the "
                              "file again."), row=row.row, message_=exc.message) from exc
    return result


def _keep_links(session: Session, agency_id: int, row: RowPlan, result: ImportResult) -> None:
    kept = agency_links.keep(session, agency_id, [
        {name: value for name, value in link.items() if name != "status"} for link in row.links])
    result.links_added += kept.added
    result.links_updated += kept.changed


def _place_made(session: Session, actor: User, row: RowPlan,
                made: dict[tuple[str, str, str], int]) -> int | None:
    """The jurisdiction the row's agency serves, made once however many rows name it."""
    if row.new_place is None:
        return None
    key = (row.new_place["kind"], name_key(row.new_place["name"]), row.new_place["state_code"])
    if key not in made:
        place = jurisdictions.crud.create(session, actor,
                                        JurisdictionCreate.model_validate(row.new_place))
        made[key] = stored_id(place)
    return made[key]


# What a row would do, as the command line's preview says it.
ROW_ACTIONS = {"create": N_("create"), "update": N_("update"), "skip": N_("skip"),
               "error": N_("error")}


def describe(import_plan: ImportPlan, *, limit: int = 50) -> str:
    """The plan as text for the command line: counts, then the rows that would change."""
    counts = import_plan.counts
    said = (gettext("{total} rows read, {ignored} about other technologies left alone: "
                    "{create} to create, {update} to update, {skip} to skip, {error} with "
                    "errors.") if import_plan.ignored_rows else
            gettext("{total} rows read: {create} to create, {update} to update, {skip} to "
                    "skip, {error} with errors."))
    lines = [said.format(total=import_plan.total_rows, ignored=import_plan.ignored_rows,
                         create=counts["create"], update=counts["update"],
                         skip=counts["skip"], error=counts["error"])]
    shown = [row for row in import_plan.rows if row.action != "skip"]
    for row in shown[:limit]:
        action = gettext(ROW_ACTIONS.get(row.action, row.action))
        label = "  " + gettext("row {row}").format(row=f"{row.row:>5}") + \
            f"  {action:<6}  {row.name} ({row.state})"
        place = f"; {row.place}" if row.place else ""
        links = ("; " + ngettext("{count} link new or re-dated", "{count} links new or re-dated",
                                 len(row.links)).format(count=len(row.links))
                 if row.links else "")
        if row.action == "error":
            lines.append(f"{label}: {row.message}")
        elif row.action == "update":
            said = f" ({row.message})" if row.message else ""
            lines.append(f"{label}: " + ", ".join(sorted(row.changes)) + said + place + links)
        else:
            lines.append(label + place + links)
        lines.extend(f"           {warning}" for warning in row.warnings)
    if len(shown) > limit:
        lines.append("  " + gettext("… and {count} more").format(count=len(shown) - limit))
    return "\n".join(lines)
