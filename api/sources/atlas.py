"""EFF's Atlas of Surveillance CSV: its rows about automated license plate readers, as agencies
with their vendor, summary and source links."""


from sqlmodel import Session

from api.auth.models import User
from api.sources import agency_import
from api.sources.agency_import import AgencyFacts, ImportPlan, ImportResult

KIND = "atlas"
DATASET = "Atlas of Surveillance"
# How the file names the technology: the Atlas writes it out; copies of it abbreviate.
ALPR = frozenset({"automated license plate readers", "automated license plate reader", "alpr",
                  "alprs", "license plate readers"})
REQUIRED = ("AOSNUMBER", "City", "County", "State", "Agency", "Type of LEA", "Technology")
LINK_COLUMNS = ("Link 1", "Link 2", "Link 3", "Other Links")
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
            "alpr_vendor": record.get("Vendor", "")[:200],
            "notes": f"Atlas of Surveillance ({atlas_id}): {summary}" if summary else "",
        },
        links=agency_import.links_in(*(record.get(c, "") for c in LINK_COLUMNS)),
        place=(place_kind, place_name) if place_kind and place_name else None,
    )


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
