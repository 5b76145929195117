"""A CSV of outcomes known elsewhere: read, checked row by row (each row's problems told in
plain words), previewed, and written whole or not at all."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.auth.models import User, Visibility
from api.campaigns.models import CampaignOutcome
from api.crud import validated
from api.errors import Invalid, Problems
from api.i18n.catalogs import N_, gettext
from api.known_outcomes.models import KnownOutcome, KnownOutcomeCreate
from api.known_outcomes.service import crud

# Each field, by the headers a file may give it (compared without case, spaces or punctuation).
HEADERS = {
    "place": ("place", "city", "jurisdiction", "lugar", "ciudad"),
    "state_code": ("state", "state code", "st", "estado"),
    "latitude": ("latitude", "lat", "latitud"),
    "longitude": ("longitude", "lon", "lng", "long", "longitud"),
    "outcome": ("outcome", "result", "resultado"),
    "decided_on": ("decided on", "date", "decided", "fecha"),
    "vendor": ("vendor", "company", "proveedor"),
    "citation": ("source", "citation", "fuente"),
    "url": ("url", "link", "source url", "enlace"),
    "notes": ("notes", "note", "notas"),
}
REQUIRED = ("place", "state_code", "latitude", "longitude", "outcome", "decided_on")
# Words a file may use for each outcome besides its stored value.
OUTCOME_WORDS = {
    CampaignOutcome.contract_cancelled: ("cancelled", "canceled", "contract canceled",
                                         "terminated", "contrato cancelado"),
    CampaignOutcome.not_renewed: ("not renewed", "no renewal", "expired", "no renovado"),
    CampaignOutcome.ordinance_passed: ("ordinance", "ordenanza aprobada"),
    CampaignOutcome.restrictions_adopted: ("restrictions", "restricted",
                                           "restricciones adoptadas"),
    CampaignOutcome.lost: ("loss", "perdida", "perdido"),
}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%B %d, %Y", "%b %d, %Y")
MAX_ROWS = 5_000


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    duplicate: bool = False
    data: KnownOutcomeCreate | None = None


@dataclass
class ImportPreview:
    rows: list[ImportRow]

    @property
    def bad(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def new(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.errors and not r.duplicate]

    @property
    def duplicates(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.errors and r.duplicate]


def _key(header: str) -> str:
    return "".join(ch for ch in header.casefold() if ch.isalnum())


def _columns(headers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        for name, words in HEADERS.items():
            if name not in found and _key(header) in {_key(w) for w in (name, *words)}:
                found[name] = index
    return found


def _outcome(text: str) -> str:
    key = _key(text)
    for outcome, words in OUTCOME_WORDS.items():
        if key in {_key(w) for w in (outcome.value, *words)}:
            return outcome.value
    raise ValueError(gettext("{value} is not an outcome: use contract cancelled, not renewed, "
                             "ordinance passed, restrictions adopted or lost.").format(
                                 value=f"«{text}»"))


def _date(text: str) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(gettext("{value} is not a date (use YYYY-MM-DD).").format(
        value=f"«{text}»"))


def _number(text: str, what: str) -> float:
    # A comma is refused, as the form refuses it: "37,8" and "1,234" read alike.
    if "," in text:
        raise ValueError(gettext("The {what} {value} has a comma: write decimals with a "
                                 "point (37.8).").format(what=gettext(what), value=f"«{text}»"))
    try:
        return float(text.strip())
    except ValueError:
        raise ValueError(gettext("The {what} {value} is not a number.").format(
            what=gettext(what), value=f"«{text}»")) from None


def _told(problem: Invalid, named: dict[str, str]) -> str:
    """A row's problem named by the file's own column ("state"), not the field it fills."""
    column = named.get(problem.field or "")
    said = problem.values.get("problem")
    if column is None or said is None:
        return problem.message
    return gettext("{column}: {problem}").format(column=f"«{column}»", problem=str(said))


def read(content: bytes) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the file; refuses a file that is not CSV text or lacks a column
    the import needs."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(N_("The file is not CSV text (UTF-8): save it as CSV and try again."),
                      field="file") from None
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise Invalid(N_("The file is empty."), field="file")
    if len(rows) > MAX_ROWS + 1:
        raise Invalid(N_("The file has more than {count} rows: split it and import each part."),
                      count=MAX_ROWS, field="file")
    headers = rows[0]
    missing = [name for name in REQUIRED if name not in _columns(headers)]
    if missing:
        raise Invalid(N_("The file has no column for: {columns}. Its first row must name the "
                         "columns (place, state, latitude, longitude, outcome, date)."),
                      columns=", ".join(HEADERS[name][0] for name in missing), field="file")
    return headers, rows[1:]


def preview(session: Session, content: bytes) -> ImportPreview:
    """Every row of the file as it would be imported, with its problems; a row that repeats an
    outcome already known (the same place, state, outcome and day) is left alone."""
    headers, rows = read(content)
    columns = _columns(headers)
    named = {name: headers[i].strip() for name, i in columns.items()}
    known = {(place.casefold(), state, outcome, day) for place, state, outcome, day in
             session.execute(sa.select(KnownOutcome.place, KnownOutcome.state_code,
                                       KnownOutcome.outcome, KnownOutcome.decided_on))}
    seen: set[tuple[Any, ...]] = set()
    out = []
    for number, cells in enumerate(rows, start=2):
        values = {name: (cells[i].strip() if i < len(cells) else "")
                  for name, i in columns.items()}
        row = ImportRow(line=number, values=values)
        parsed: dict[str, Any] = {k: v for k, v in values.items() if v}
        for name, convert in (("latitude", lambda t: _number(t, N_("latitude"))),
                              ("longitude", lambda t: _number(t, N_("longitude"))),
                              ("outcome", _outcome), ("decided_on", _date)):
            if name in parsed:
                try:
                    parsed[name] = convert(parsed[name])
                except ValueError as exc:
                    row.errors.append(str(exc))
                    parsed.pop(name)
        row.errors.extend(gettext("The {column} column is empty.").format(
            column=f"«{named[name]}»") for name in REQUIRED
            if name not in parsed and name in named)
        if not row.errors:
            try:
                row.data = validated(KnownOutcomeCreate, parsed)
            except Invalid as exc:
                row.errors.extend(_told(problem, named) for problem in Problems.each(exc))
        if row.data is not None:
            key = (row.data.place.casefold(), row.data.state_code, str(row.data.outcome),
                   row.data.decided_on)
            row.duplicate = key in known or key in seen
            seen.add(key)
        out.append(row)
    return ImportPreview(out)


def commit(session: Session, actor: User, content: bytes, *,
           visibility: Visibility = Visibility.coalition) -> int:
    """Writes the file's new rows, all or none: a file with a row in error writes nothing.
    Returns how many were added."""
    plan = preview(session, content)
    if plan.bad:
        raise Invalid(N_("Nothing was imported: fix the rows in error first ({count})."),
                      count=len(plan.bad))
    for row in plan.new:
        assert row.data is not None
        crud.create(session, actor, KnownOutcomeCreate.model_validate(
            {**row.data.model_dump(), "visibility": visibility}))
    session.flush()
    return len(plan.new)
