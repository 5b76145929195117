"""Spreadsheet import of organizations, people and targets: read a CSV or XLSX file, map its
columns (guessed from the headers), preview every row with its errors and duplicates, and commit
the whole file in one transaction."""

import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlmodel import Session, SQLModel, select

from api import clock, csv_export
from api.auth import audit, permissions
from api.auth.models import User
from api.bodies.models import Body
from api.concepts import Concept as Declared
from api.concepts import python_type
from api.crud import insert_with_ids
from api.errors import Conflict, Forbidden, Invalid
from api.i18n import locales
from api.i18n.catalogs import N_, gettext, translations
from api.i18n.validation_words import words_for
from api.organizations.models import (
    ORGANIZATIONS,
    CoalitionRole,
    Organization,
    OrganizationCreate,
    OrgKind,
    OrgStatus,
)
from api.people.models import PEOPLE, Affiliation, ContactMethod, Person, PersonCreate
from api.sources import csv_files, workbooks
from api.sources.agency_import import file_token
from api.sources.import_limits import ImportLimits
from api.sources.models import SheetImportCommitted, SheetImportPreview
from api.targets.models import TARGETS, Target, TargetCreate, TargetTitle

CHUNK = 500
# English and Spanish: a sheet filled in by a Spanish-speaking partner says sí and no.
TRUE = frozenset({"yes", "y", "true", "t", "1", "x", "✓", "ok", "sí", "si", "s", "verdadero"})
FALSE = frozenset({"", "no", "n", "false", "f", "0", "-", "falso"})
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y")


class Choice(StrEnum):
    skip = "skip"
    update = "update"
    create = "create"


@dataclass(frozen=True)
class Column:
    """A field a spreadsheet column can fill, and the headers that usually mean it."""

    name: str
    kind: str  # text, bool, tags, enum, date, organization, body
    synonyms: tuple[str, ...] = ()
    enum: type[Enum] | None = None


@dataclass(frozen=True)
class Concept:
    name: str
    label: str
    model: type[SQLModel]
    schema: type[BaseModel]
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def _text(name: str, *synonyms: str) -> Column:
    return Column(name, "text", (name.replace("_", " "), *synonyms))


def _bool(name: str, *synonyms: str) -> Column:
    return Column(name, "bool", (name.replace("_", " "), *synonyms))


EMAIL = _text("email", "e mail", "email address", "e mail address", "contact email")
PHONE = _text("phone", "phone number", "telephone", "tel", "mobile", "cell")
NOTES = _text("notes", "note", "comments", "comment", "description")
TAGS = Column("tags", "tags", ("tags", "tag", "labels", "label"))
WEBSITE = _text("website", "web site", "url", "site", "homepage", "web")

def _with_declared(sheet: Concept, declared: Declared) -> Concept:
    """The columns named here, with their usual headers, then every other text field that the
    concept's declaration edits in a form: a text field added to the concept is read from a
    file too, under its name or its list heading (headings), and so from the list's own CSV."""
    named = {column.name for column in sheet.columns}
    added = tuple(_text(role.name) for role in declared.fields
                  if role.section and role.name not in named
                  and python_type(sheet.schema, role.name) is str)
    return replace(sheet, columns=sheet.columns + added)


CONCEPTS: dict[str, Concept] = {
    "organizations": _with_declared(Concept(
        "organizations", "organization", Organization, OrganizationCreate, (
        _text("name", "organization", "organisation", "organization name", "org", "org name",
              "group", "group name"),
        Column("kind", "enum", ("kind", "type", "organization type", "org type", "category"),
               OrgKind),
        Column("coalition_role", "enum", ("coalition role", "role"), CoalitionRole),
        Column("status", "enum", ("status",), OrgStatus),
        WEBSITE, EMAIL, PHONE, NOTES, TAGS,
    )), ORGANIZATIONS),
    "people": _with_declared(Concept("people", "person", Person, PersonCreate, (
        _text("name", "full name", "person", "contact name", "contact"),
        _text("first_name", "first", "given name", "firstname"),
        _text("last_name", "last", "surname", "family name", "lastname"),
        EMAIL, PHONE,
        _text("signal_handle", "signal", "signal number"),
        Column("preferred_contact", "enum", ("preferred contact", "contact method",
                                             "preferred contact method"), ContactMethod),
        _bool("ok_to_email", "email ok", "email opt in", "can email", "email consent"),
        _bool("ok_to_text", "text ok", "sms ok", "can text", "text consent"),
        _bool("ok_to_call", "call ok", "can call", "call consent"),
        NOTES, TAGS,
        Column("organization", "organization", ("organization", "organisation", "org", "group",
                                                "affiliation", "organization name")),
        _text("role", "position", "role at organization"),
    )), PEOPLE),
    "targets": _with_declared(Concept("targets", "target", Target, TargetCreate, (
        _text("name", "full name", "official", "member", "decision maker"),
        Column("title", "enum", ("title", "position", "office"), TargetTitle),
        Column("body", "body", ("body", "council", "board", "legislative body", "body name")),
        _text("district", "ward", "seat"),
        Column("term_ends", "date", ("term ends", "term end", "term expires", "term ending",
                                     "term")),
        EMAIL, PHONE,
        _text("office_address", "address", "office"),
        WEBSITE,
        _text("staffers", "staff", "staff members"),
        Column("owner_organization", "organization", ("owner organization", "owner",
                                                      "relationship owner", "organization")),
        NOTES,
    )), TARGETS),
}


def concept(name: str) -> Concept:
    if name not in CONCEPTS:
        raise Invalid(N_("Spreadsheets can hold {value}, not '{name}'."),
                      value=', '.join(CONCEPTS), name=name,
                      field="concept")
    return CONCEPTS[name]


# ---- reading files ----------------------------------------------------------------------

@dataclass
class Sheet:
    headers: list[str]
    # (spreadsheet row number, cells as text); the header is row 1, blank rows are left out.
    rows: list[tuple[int, list[str]]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else \
            value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # An export wrote text that starts like a formula behind an apostrophe; it goes again here.
    return csv_export.unescaped(text)


def _unique_headers(raw: Sequence[Any]) -> list[str]:
    headers: list[str] = []
    for index, value in enumerate(raw, start=1):
        name = _cell(value) or f"Column {index}"
        base, n = name, 2
        while name in headers:
            name, n = f"{base} ({n})", n + 1
        headers.append(name)
    return headers


def _sheet(rows: Iterable[Sequence[Any]]) -> Sheet:
    limits = ImportLimits.from_settings()
    iterator = iter(rows)
    first = next(iterator, None)
    if first is not None and len(first) > limits.max_cells:
        raise limits.too_many_cells()
    if first is None or not any(_cell(v) for v in first):
        raise Invalid(N_("The file is empty or its first row holds no column names."), field="file")
    headers = _unique_headers(first)
    data: list[tuple[int, list[str]]] = []
    cells_read = len(first)
    for number, raw in enumerate(iterator, start=2):
        # Blank rows and cells count too: a workbook can declare a million empty rows, each
        # as wide as its widest, and reading them costs as much as reading full ones.
        cells_read += len(raw) or 1
        if cells_read > limits.max_cells:
            raise limits.too_many_cells()
        cells = [_cell(v) for v in raw]
        if not any(cells):
            continue
        if len(data) >= limits.max_rows:
            raise limits.too_many_rows()
        data.append((number, (cells + [""] * len(headers))[: max(len(headers), len(cells))]))
    return Sheet(headers, data)


def read_sheet(content: bytes, filename: str = "") -> Sheet:
    """The first sheet of an XLSX workbook, or a CSV file (comma, semicolon or tab separated)."""
    if filename.lower().endswith((".xlsx", ".xlsm")) or content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    return _sheet(csv_files.rows(content))


def _read_xlsx(content: bytes) -> Sheet:
    import openpyxl  # noqa: PLC0415  (only needed for workbooks)

    workbooks.check(content)
    try:
        # Read-only: a row at a time, never the whole sheet; no links to other workbooks.
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True,
                                      keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise Invalid(N_("The file is not a readable XLSX workbook."), field="file") from exc
    try:
        return _sheet(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


# ---- mapping ----------------------------------------------------------------------------

# Each field a spreadsheet column can fill, by its name on the record's own pages; shown in
# the reader's language (the templates translate them).
LABELS = {"name": N_("Name"), "first_name": N_("First name"), "last_name": N_("Last name"),
          "email": N_("Email"), "phone": N_("Phone"), "signal_handle": N_("Signal handle"),
          "preferred_contact": N_("Preferred contact"), "ok_to_email": N_("OK to email"),
          "ok_to_text": N_("OK to text"), "ok_to_call": N_("OK to call"),
          "notes": N_("Notes"), "tags": N_("Tags"), "organization": N_("Organization"),
          "role": N_("Role"), "kind": N_("Kind"), "coalition_role": N_("Coalition role"),
          "status": N_("Status"), "website": N_("Website"), "title": N_("Office"),
          "body": N_("Body"), "district": N_("District"), "term_ends": N_("Term ends"),
          "office_address": N_("Office address"), "staffers": N_("Staffers"),
          "owner_organization": N_("Owner organization"), "row": N_("Row")}


# The label a field is declared with on its concept, for a field the importer reads because
# the declaration edits it (_with_declared).
DECLARED_LABELS = {column.name: title for sheet in CONCEPTS.values() for column in sheet.columns
                   if column.name not in LABELS
                   and (title := sheet.schema.model_fields[column.name].title)}

# Labels a field went by before, which files exported then still carry as headings: an
# official's office was once labelled "Title" ("Título" in Spanish).
FORMER_LABELS = {"title": (N_("Title"),)}


def label_of(name: str) -> str:
    text = name.replace("_", " ")
    return LABELS.get(name) or DECLARED_LABELS.get(name) or text[:1].upper() + text[1:]


# Each kind's own pages, whose list headings a file exported from them carries.
LISTED = {"people": PEOPLE, "organizations": ORGANIZATIONS, "targets": TARGETS}


def headings(target: Concept) -> dict[str, list[str]]:
    """Each field's label in every language Oversight speaks: a file exported from its own
    pages in Spanish has Spanish column headings. The pages and the command line both match
    a file's headings with these."""
    out: dict[str, list[str]] = {}
    # The list page's column headings too, which its CSV export writes ("Prefers").
    listed = {_read_as(target, column.name, column.ref): column.label
              for column in LISTED[target.name].columns()}
    for column in target.columns:
        labels = [label_of(column.name), *([listed[column.name]] if column.name in listed
                                           else []), *FORMER_LABELS.get(column.name, ())]
        for language in locales.SUPPORTED:
            out.setdefault(column.name, []).extend(translations(language).gettext(label)
                                                   for label in labels)
    return out


def _read_as(target: Concept, name: str, ref: str | None) -> str:
    """The column the import reads a listed field as: a reference ("owner_organization_id")
    is read by the name of the record it refers to ("owner_organization")."""
    named = {column.name for column in target.columns}
    return name.removesuffix("_id") if ref and name.removesuffix("_id") in named else name


def _normal(header: str) -> str:
    # Accents go, so that "Organización" and "Organizacion" are the same heading.
    bare = "".join(c for c in unicodedata.normalize("NFKD", header.casefold())
                   if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare).split())


def guess_mapping(target: Concept, headers: Sequence[str],
                  also: Mapping[str, Sequence[str]] | None = None) -> dict[str, str]:
    """field -> header, from the headers' usual names, then the field's names in `also` (its
    labels in each language); each header is used once."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    by_normal = {_normal(h): h for h in reversed(headers)}
    for column in target.columns:
        for synonym in (column.name.replace("_", " "), *column.synonyms,
                        *(also or {}).get(column.name, ())):
            header = by_normal.get(_normal(synonym))
            if header and header not in used:
                mapping[column.name] = header
                used.add(header)
                break
    return mapping


def check_mapping(target: Concept, headers: Sequence[str],
                  mapping: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in mapping.items() if v}
    known = {c.name for c in target.columns}
    for name, header in clean.items():
        if name not in known:
            raise Invalid(N_("A {thing} has no field '{name}'; fields: {fields}."),
                          thing=gettext(target.label), name=name,
                          fields=", ".join(sorted(known)), field="mapping")
        if header not in headers:
            raise Invalid(N_("The file has no column '{header}'."), header=header, field="mapping")
    if "name" not in clean and not ({"first_name", "last_name"} & clean.keys()):
        raise Invalid(N_("Map a column to the name."), field="mapping")
    return clean


# ---- planning ---------------------------------------------------------------------------

@dataclass
class RowResult:
    row: int
    action: str  # create, update, skip or error
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    existing_id: int | None = None
    match: str = ""  # "email", "name", "name and organization", "name and body"
    organization_id: int | None = None  # a person's organization
    role: str = ""
    # The validated record, kept so committing does not validate every row a second time.
    record: dict[str, Any] | None = field(default=None, repr=False)


@dataclass
class SheetPlan:
    concept: str
    token: str
    headers: list[str]
    mapping: dict[str, str]
    rows: list[RowResult]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "skip": 0, "error": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def as_dict(self, *, sample: int = 20) -> dict[str, Any]:
        """The preview: counts, every row with an error or a duplicate, and a sample of the
        rest."""
        target = CONCEPTS[self.concept]
        notable = [row for row in self.rows if row.errors or row.existing_id]
        plain = [row for row in self.rows if not (row.errors or row.existing_id)][:sample]
        return {
            "concept": self.concept, "token": self.token, "headers": self.headers,
            "mapping": self.mapping, "fields": [c.name for c in target.columns],
            "unmapped_headers": [h for h in self.headers if h not in self.mapping.values()],
            "total_rows": len(self.rows), "counts": self.counts,
            "errors": [{"row": r.row, "field": e["field"], "message": e["message"]}
                       for r in notable for e in r.errors],
            "rows": [_row_dict(r) for r in notable], "sample": [_row_dict(r) for r in plain],
        }

    def as_preview(self) -> SheetImportPreview:
        return SheetImportPreview.model_validate(self.as_dict())

    def as_committed(self, result: "SheetResult") -> SheetImportCommitted:
        return SheetImportCommitted.model_validate({**self.as_dict(), "result": asdict(result)})


def _row_dict(row: RowResult) -> dict[str, Any]:
    out = asdict(row)
    del out["record"]
    out["values"] = json.loads(json.dumps(row.values, default=str))
    return out


class _Lookup:
    """Existing records the file's rows may duplicate or refer to, fetched in chunks."""

    def __init__(self, session: Session, target: Concept, rows: list[dict[str, Any]]) -> None:
        self.organizations = {name.casefold(): oid for oid, name in session.exec(
            select(Organization.id, Organization.name))}
        self.bodies: dict[str, list[int]] = {}
        if target.name == "targets":
            for bid, name in session.exec(select(Body.id, Body.name)):
                self.bodies.setdefault(name.casefold(), []).append(bid)
        model: Any = target.model
        emails = sorted({str(r["email"]).casefold() for r in rows if r.get("email")})
        names = sorted({str(r["name"]).casefold() for r in rows if r.get("name")})
        self.by_email: dict[str, int] = {}
        for chunk in _chunks(emails):
            stmt = select(model.id, model.email).where(sa.func.lower(model.email).in_(chunk))
            for rid, email in session.exec(stmt):
                self.by_email.setdefault(email.casefold(), rid)
        self.by_name: dict[tuple[str, int | None], int] = {}
        for chunk in _chunks(names):
            lowered = sa.func.lower(model.name)
            if target.name == "people":
                named = (select(Person.id, Person.name, Affiliation.organization_id)
                         .outerjoin(Affiliation, Affiliation.person_id == Person.id)
                         .where(lowered.in_(chunk)))
            elif target.name == "targets":
                named = select(Target.id, Target.name, Target.body_id).where(lowered.in_(chunk))
            else:
                named = select(model.id, model.name, sa.null()).where(lowered.in_(chunk))
            for rid, name, other in session.exec(named):
                self.by_name.setdefault((name.casefold(), other), rid)


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _choice_words(value: str) -> set[str]:
    """A stored choice's words in every language Oversight speaks, as its pages and its own
    exports write them ("in person", "en persona"), the value itself among them."""
    spaced = value.replace("_", " ")
    found = {value, spaced}
    for language in locales.SUPPORTED:
        found.update(translations(language).gettext(words)
                     for words in (spaced, value.replace("_", "-")))
    return {_normal(words) for words in found}


def _enum_value(enum: type[Enum], text: str) -> Any:
    wanted = _normal(text)
    for member in enum:
        if wanted == _normal(member.name) or wanted in _choice_words(str(member.value)):
            return member.value
    raise ValueError(gettext("{value} must be one of: {choices}").format(
        value=repr(text), choices=", ".join(
            gettext(str(m.value).replace("_", " ")) for m in enum)))


def _date_value(text: str) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text[:10] if pattern == "%Y-%m-%d" else text,
                                     pattern).date()
        except ValueError:
            continue
    raise ValueError(gettext("{value} is not a date (use YYYY-MM-DD)").format(value=repr(text)))


def _convert(column: Column, text: str) -> Any:
    if column.kind == "bool":
        lowered = text.casefold()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
        raise ValueError(gettext("{value} must be yes or no").format(value=repr(text)))
    if column.kind == "tags":
        return [t.strip() for t in re.split(r"[;,]", text) if t.strip()]
    if column.kind == "enum" and column.enum is not None:
        return _enum_value(column.enum, text)
    if column.kind == "date":
        return _date_value(text)
    return text


def _raw_values(target: Concept, mapping: dict[str, str], headers: list[str],
                cells: list[str]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    positions = {h: i for i, h in enumerate(headers)}
    values: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for name, header in mapping.items():
        text = cells[positions[header]].strip() if positions[header] < len(cells) else ""
        if not text:
            continue
        column = target.column(name)
        try:
            values[name] = _convert(column, text)
        except ValueError as exc:
            errors.append({"field": name, "message": str(exc)})
    if target.name == "people" and "name" not in values:
        full = " ".join(str(values.get(k, "")) for k in ("first_name", "last_name")).strip()
        if full:
            values["name"] = full
    values.pop("first_name", None)
    values.pop("last_name", None)
    return values, errors


def _validate(schema: type[BaseModel],
              values: dict[str, Any]) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """The record as the concept's schema makes it, or the errors it found."""
    try:
        return schema.model_validate(values).model_dump(), []
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if not isinstance(p, int))
            message = words_for(err, name_choices=True)
            if err.get("type") == "missing":
                message = gettext("is missing")
            elif where == "email":
                message = gettext("{value} is not a valid email address").format(
                    value=repr(values.get("email")))
            out.append({"field": where or "row", "message": message})
        return None, out


def plan(session: Session, *, concept_name: str, content: bytes, filename: str = "",
         mapping: dict[str, str] | None = None, on_duplicate: Choice = Choice.skip,
         decisions: dict[int, Choice] | None = None, actor: User | None = None) -> SheetPlan:
    """What importing the file would do: every row validated, references resolved, duplicates
    of existing records (same email; same name and organization or body) and of earlier rows
    found, and the chosen skip / update / create applied. Given the actor, an update that
    would change who owns a record or who may read it, which only its own organization may,
    is that row's error. Nothing is written."""
    target = concept(concept_name)
    sheet = read_sheet(content, filename)
    chosen = check_mapping(target, sheet.headers,
                           guess_mapping(target, sheet.headers, also=headings(target))
                           if mapping is None else mapping)
    decisions = decisions or {}
    parsed = [(number, *_raw_values(target, chosen, sheet.headers, cells))
              for number, cells in sheet.rows]
    lookup = _Lookup(session, target, [values for _, values, _ in parsed])
    token = file_token(target.name, content, json.dumps(chosen, sort_keys=True),
                       on_duplicate.value, json.dumps({str(k): v.value for k, v in
                                                       sorted(decisions.items())}))
    seen_email: dict[str, int] = {}
    seen_name: dict[tuple[str, int | None], int] = {}
    results: list[RowResult] = []
    for number, values, errors in parsed:
        result = RowResult(row=number, action="create", errors=list(errors))
        results.append(result)
        _resolve(target, lookup, values, result)
        if "name" not in values and not any(e["field"] == "name" for e in result.errors):
            result.errors.append({"field": "name", "message": gettext("is missing")})
        if not result.errors:
            result.record, schema_errors = _validate(target.schema, values)
            result.errors.extend(schema_errors)
        result.values = values
        if result.errors:
            result.action = "error"
            continue
        email = str(values.get("email") or "").casefold()
        name_key = (str(values["name"]).casefold(), _other(target, values, result))
        earlier = seen_email.get(email) if email else None
        earlier = earlier or seen_name.get(name_key)
        if earlier:
            result.action = "error"
            result.errors.append({"field": "email" if email in seen_email else "name",
                                  "message": f"same {target.label} as row {earlier}"})
            continue
        if email:
            seen_email[email] = number
        seen_name[name_key] = number
        if email and email in lookup.by_email:
            result.existing_id, result.match = lookup.by_email[email], "email"
        elif name_key in lookup.by_name:
            result.existing_id = lookup.by_name[name_key]
            result.match = {"people": "name and organization", "targets": "name and body"}.get(
                target.name, "name")
        if result.existing_id is not None:
            choice = decisions.get(number, on_duplicate)
            result.action = choice.value
            if choice == Choice.create and target.name == "organizations" \
                    and result.match == "name":
                result.action = "error"
                result.errors.append({"field": "name", "message": (
                    "an organization of this name exists; choose skip or update")})
    if actor is not None:
        for row, fields in _fixed_changes(session, actor, target, results):
            row.action = "error"
            row.errors += [{"field": name, "message": _refusal(target, name)}
                           for name in fields]
    return SheetPlan(concept=target.name, token=token, headers=sheet.headers, mapping=chosen,
                     rows=results)


def _fixed_changes(session: Session, actor: User, target: Concept,
                   rows: list[RowResult]) -> list[tuple[RowResult, list[str]]]:
    """The update rows that change fields of a stored record the actor may not change: who
    owns it and who reads it (permissions.fixed_fields), and fields the actor may not read
    (an organization's notes shared less widely than the organization), which they could
    otherwise overwrite unseen; and those fields."""
    wanted = {row.existing_id: row for row in rows
              if row.action == Choice.update.value and row.existing_id is not None}
    model: Any = target.model
    out: list[tuple[RowResult, list[str]]] = []
    ids = sorted(wanted)
    for start in range(0, len(ids), CHUNK):
        for record in session.exec(select(model).where(model.id.in_(ids[start:start + CHUNK]))):
            row = wanted[record.id]
            given = _record(target, row)
            guarded = permissions.unreadable_fields(actor, record, model=model)
            hidden = guarded | {permissions.guarded()[model][n].visibility for n in guarded}
            changed = sorted(name for name in permissions.fixed_fields(actor, record) | hidden
                             if name in row.values and given.get(name) != getattr(record, name))
            if changed:
                out.append((row, changed))
    return sorted(out, key=lambda found: found[0].row)


def _refusal(target: Concept, name: str) -> str:
    if name in permissions.guarded().get(target.model, {}) or any(
            g.visibility == name for g in permissions.guarded().get(target.model, {}).values()):
        return (f"Only those who may read this {target.label}'s "
                f"{name.replace('_visibility', '').replace('_', ' ')} may change it.")
    return permissions.fixed_refusal(target.model)


def _other(target: Concept, values: dict[str, Any], result: RowResult) -> int | None:
    if target.name == "people":
        return result.organization_id
    if target.name == "targets":
        return values.get("body_id")
    return None


def _resolve(target: Concept, lookup: _Lookup, values: dict[str, Any],
             result: RowResult) -> None:
    """Turn names of organizations and bodies into ids; an unknown one is the row's error."""
    if target.name == "people":
        result.role = str(values.pop("role", ""))[:200]
        name = values.pop("organization", None)
        if name:
            result.organization_id = lookup.organizations.get(str(name).casefold())
            if result.organization_id is None:
                result.errors.append({"field": "organization", "message": gettext(
                    "unknown organization {name}").format(name=repr(name))})
    if target.name == "targets":
        owner = values.pop("owner_organization", None)
        if owner:
            values["owner_organization_id"] = lookup.organizations.get(str(owner).casefold())
            if values["owner_organization_id"] is None:
                result.errors.append({"field": "owner_organization", "message": gettext(
                    "unknown organization {name}").format(name=repr(owner))})
        body = values.pop("body", None)
        if body:
            found = lookup.bodies.get(str(body).casefold(), [])
            if len(found) == 1:
                values["body_id"] = found[0]
            else:
                problem = gettext("several bodies are named {name}") if found else gettext(
                    "unknown body {name}")
                result.errors.append({"field": "body",
                                      "message": problem.format(name=repr(body))})


# ---- committing -------------------------------------------------------------------------

@dataclass
class SheetResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    left_out: list[int] = field(default_factory=list)  # rows with errors, not imported


def commit(session: Session, actor: User, sheet_plan: SheetPlan, *, token: str | None = None,
           skip_errors: bool = False) -> SheetResult:
    """Write a plan: new records in bulk, updates by id, people's memberships, each with its
    audit entry. Rows with errors stop the import unless skip_errors; the caller commits, so it
    lands whole or not at all."""
    # The rows go in as bulk statements, past the per-record checks and the audit of the ORM's
    # writes: the lead check stands for the first, and the audit is written here.
    permissions.require_bringing_in(actor)
    if token is not None and token != sheet_plan.token:
        raise Conflict(N_("The file or the choices changed since the preview; preview again."),
                       field="token")
    bad = [row.row for row in sheet_plan.rows if row.action == "error"]
    if bad and not skip_errors:
        # "of the rows" reads right for one row or many, in both languages.
        raise Invalid(N_("Errors in {len} of the rows (the first is row {bad}); fix them or "
                         "choose to leave those rows out."), len=len(bad), bad=bad[0],
                      field="file")
    target = CONCEPTS[sheet_plan.concept]
    model: Any = target.model
    # Bulk statements pass the ORM's check of who may change whose sharing: checked here.
    refused = _fixed_changes(session, actor, target, sheet_plan.rows)
    if refused:
        row, fields = refused[0]
        raise Forbidden(N_("Row {row}: {refusal}"),
                        row=row.row, refusal=_refusal(target, fields[0]), field=fields[0])
    now = clock.now()
    result = SheetResult(left_out=bad)
    creates = [row for row in sheet_plan.rows if row.action == "create"]
    updates = [row for row in sheet_plan.rows if row.action == "update"]
    result.skipped = sum(1 for row in sheet_plan.rows if row.action == "skip")
    if creates:
        records = [{**_record(target, row), "created_at": now, "updated_at": now}
                   for row in creates]
        ids = insert_with_ids(session, model, records)
        audit.record_bulk_insert(session, model, records)
        for row, new_id in zip(creates, ids, strict=True):
            row.existing_id = new_id
        result.created = len(creates)
    if updates:
        changes = []
        for row in updates:
            # A record found by its email keeps the email as it was written there.
            written = set(row.values) - ({"email"} if row.match == "email" else set())
            given = {k: v for k, v in _record(target, row).items() if k in written}
            changes.append({"id": row.existing_id, **given, "updated_at": now})
        audit.record_bulk_update(session, model, changes)
        session.execute(sa.update(model), changes)
        result.updated = len(updates)
    if target.name == "people":
        _memberships(session, [r for r in creates + updates if r.organization_id], now)
    session.flush()
    return result


def _record(target: Concept, row: RowResult) -> dict[str, Any]:
    if row.record is None:
        row.record = target.schema.model_validate(row.values).model_dump()
    return row.record


def _memberships(session: Session, rows: list[RowResult], now: datetime) -> None:
    if not rows:
        return
    person_ids = [row.existing_id for row in rows]
    have: set[tuple[int | None, int | None]] = set()
    for chunk_start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[chunk_start:chunk_start + CHUNK]
        have.update(session.exec(select(Affiliation.person_id, Affiliation.organization_id)
                                 .where(Affiliation.person_id.in_(chunk))).all())
    new = []
    for row in rows:
        pair = (row.existing_id, row.organization_id)
        if pair not in have:
            have.add(pair)
            new.append({"person_id": row.existing_id, "organization_id": row.organization_id,
                        "role": row.role, "created_at": now, "updated_at": now})
    if not new:
        return
    insert_with_ids(session, Affiliation, new)
    audit.record_bulk_insert(session, Affiliation, new)
