"""EFF's ALPR "Data Driven" dataset (agencies on Vigilant's LEARN system, 2016-2017): sharing
partners, national pool participation, detections, hits and each agency's sharing report."""

import re

from sqlmodel import Session

from api.auth.models import User
from api.sources import agency_import
from api.sources.agency_import import AgencyFacts, ImportPlan, ImportResult

KIND = "data-driven"
DATASET = "EFF Data Driven ALPR"
VENDOR = "Vigilant Solutions"  # every agency in the dataset used Vigilant's LEARN
AGENCY, STATE = "A. Agency", "B. State"
REQUIRED = (AGENCY, STATE, "C. Direct Sharing", "D. NVLS", "G1. 2016-2017 Detections",
            "G2. 2016-2017 Hits", "R1. Data Sharing Link")
REPORT_COLUMNS = ("R2. 2016 Hit Ratio Report", "R3. 2017 Hit Ratio Report",
                  "R4. 2016 Detection Report", "R5. 2016 Hit Report", "R6. 2017 Detection Report",
                  "R7. 2017 Hit Report", "R8. Combined Detection/Hit Data")
# "1,034", "786,580*" (a footnote mark), "390 (Data Incomplete)"; anything else is unknown.
NUMBER = re.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d+)\s*\*?\s*(?:\([^)]*\))?\s*$")


def number(text: str) -> int | None:
    """A count as the dataset writes it; None for "Not Provided", "n/a", "See …" and blanks."""
    found = NUMBER.match(text or "")
    return int(found[1].replace(",", "")) if found else None


def national_pool(text: str) -> bool | None:
    flag = (text or "").strip().casefold()
    return True if flag in ("y", "yes") else False if flag in ("n", "no") else None


def _facts(row: int, record: dict[str, str]) -> AgencyFacts:
    detections = number(record["G1. 2016-2017 Detections"])
    hits = number(record["G2. 2016-2017 Hits"])
    period = "2016-2017"
    if detections is None and hits is None:
        detections = number(record.get("H. All Time Detections", ""))
        hits = number(record.get("H2. All Time Hits", ""))
        period = "all time to 2018"
    report = agency_import.links_in(record["R1. Data Sharing Link"])
    return AgencyFacts(
        row=row, name=" ".join(record[AGENCY].split()), state=record[STATE],
        kind=agency_import.kind_from(record[AGENCY]),
        owned={
            "sharing_partners": number(record["C. Direct Sharing"]),
            "national_pool": national_pool(record["D. NVLS"]),
            "detections": detections, "hits": hits,
            "detections_period": period if detections is not None or hits is not None else "",
            "data_sharing_report_url": report[0] if report else "",
        },
        vendor=VENDOR,
        links=agency_import.links_in(*(record.get(c, "") for c in REPORT_COLUMNS)),
    )


def read(content: bytes) -> list[AgencyFacts]:
    facts: list[AgencyFacts] = []
    for row, record, problem in agency_import.csv_records(content, required=REQUIRED,
                                                          dataset=DATASET):
        facts.append(AgencyFacts(row=row, error=problem) if problem else _facts(row, record))
    return facts


def preview(session: Session, content: bytes) -> ImportPlan:
    return agency_import.plan(session, kind=KIND, token=agency_import.file_token(KIND, content),
                              facts=read(content))


def commit(session: Session, actor: User, content: bytes, *,
           token: str | None = None) -> tuple[ImportPlan, ImportResult]:
    import_plan = preview(session, content)
    return import_plan, agency_import.apply(session, actor, import_plan, token=token)
