"""EFF's Atlas of Surveillance CSV: its rows about automated license plate readers, as agencies
with their vendor, summary and source links."""


from typing import Any

from sqlmodel import Session

from api.auth.models import User
from api.i18n.catalogs import gettext
from api.sources import agency_import
from api.sources.agency_import import AgencyFacts, ImportPlan, ImportResult

KIND = "atlas"
DATASET = "Atlas of Surveillance"
# How the file names the technology: the Atlas writes it out; copies of it abbreviate.
ALPR = frozenset({"automated license plate readers", "automated license plate reader", "alpr",
                  "alprs", "license plate readers"})
REQUIRED = ("AOSNUMBER", "City", "County", "State", "Agency", "Type of LEA", "Technology")
# Each source the Atlas gives: its address, an archived copy, who published it, what it is and
# when it was published.
NUMBERED_LINKS = ("Link 1", "Link 2", "Link 3")
CELLS = {"url": "", "snapshot_url": " Snapshot", "source": " Source", "kind": " Type",
         "published": " Date"}
PLACES = {"municipal": "city", "county": "county", "state": "state"}


def _facts(row: int, record: dict[str, str]) -> AgencyFacts:
    atlas_id = record.get("AOSNUMBER", "")
    summary = record.get("Summary", "")
    juris = record.get("Type of Juris", "").casefold()
    place_kind = PLACES.get(juris)
    place_name = {"city": record["City"], "county": record["County"],
                  "state": record["State"]}.get(place_kind or "", "")
    return AgencyFacts(
        row=row, name=" ".join(record["Agency"].split()), state=record["State"],
        kind=agency_import.kind_from(record.get("Type of LEA", "") or record["Agency"]),
        curated={
            "atlas_id": atlas_id[:200],
            "ori": agency_import.ori_of(record.get("NEWAOSNUMBER (ORI9)", ""), record["State"]),
            "notes": f"Atlas of Surveillance ({atlas_id}): {summary}" if summary else "",
        },
        vendor=" ".join(record.get("Vendor", "").split())[:200],
        place=(place_kind, place_name) if place_kind and place_name else None,
        **_links(row, record),
    )


def _links(row: int, record: dict[str, str]) -> dict[str, Any]:
    """The row's sources with their dates, and what was wrong with any of them; the links in
    "Other Links" come without a date or a publisher."""
    found: dict[str, dict[str, str]] = {}
    warnings: list[str] = []
    cells = [(column, {name: record.get(column + suffix, "") for name, suffix in CELLS.items()})
             for column in NUMBERED_LINKS]
    cells += [(gettext("a link in Other Links"), {"url": url})
              for url in agency_import.links_in(record.get("Other Links", ""))]
    for label, values in cells:
        link, said = agency_import.dated_link(row, label, values, dataset=KIND)
        warnings += said
        if link is not None and link["url"] not in found:
            found[link["url"]] = link
    return {"dated_links": list(found.values()), "warnings": warnings}


def read(content: bytes) -> tuple[list[AgencyFacts], int]:
    """The ALPR rows of an Atlas CSV as agency facts, and how many rows were about other
    technologies (left alone)."""
    facts: list[AgencyFacts] = []
    ignored = 0
    for row, record, problem in agency_import.csv_records(content, required=REQUIRED,
                                                          dataset=DATASET):
        if problem:
            facts.append(AgencyFacts(row=row, error=problem))
        elif " ".join(record["Technology"].casefold().split()) not in ALPR:
            ignored += 1
        else:
            facts.append(_facts(row, record))
    return facts, ignored


def preview(session: Session, content: bytes) -> ImportPlan:
    facts, ignored = read(content)
    return agency_import.plan(session, kind=KIND, token=agency_import.file_token(KIND, content),
                              facts=facts, ignored_rows=ignored)


def commit(session: Session, actor: User, content: bytes, *,
           token: str | None = None) -> tuple[ImportPlan, ImportResult]:
    """Plan and apply in the caller's transaction; a token from the preview must match."""
    import_plan = preview(session, content)
    return import_plan, agency_import.apply(session, actor, import_plan, token=token)
