"""The sharing imports as the import pages show them: EFF's Data Driven dataset read for its
sharing links, and one Vigilant sharing report written out as a CSV, with the agency it is
about, its date and its address. The reading, planning and writing are the API's own
(api.sources.sharing_links); these are the words and the form around them."""

from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session

from api.agencies import service as agencies
from api.auth.models import User
from api.errors import Invalid, NotFound, Problems
from api.i18n.catalogs import N_
from api.sources import sharing_links
from api.sources.sharing_links import ReportSource, SharingPlan, SharingResult
from web import exposure_panels

DATA_DRIVEN, REPORT = "data-driven-sharing", "sharing-report"
KINDS = (DATA_DRIVEN, REPORT)
# The fields of a report's upload form that the CSV does not hold.
REPORT_FIELDS = ("agency_id", "reported_on", "source_url")
CHOOSE_AGENCY = N_("Choose the agency the report is about.")
# How many links of each kind a preview lists before saying how many more there are.
SHOWN = 200


def source_of(session: Session, user: User, values: Any) -> ReportSource:
    """The report's agency, date and address as the form (or the query) gives them, every
    refusal beside its field. An agency the reader may not read is refused as not chosen."""
    given = {name: str(values.get(name) or "").strip() for name in REPORT_FIELDS}
    problems: list[Invalid] = []
    agency_id = given["agency_id"]
    if not agency_id.isdigit() or not 0 < int(agency_id) < 2**31:
        problems.append(Invalid(CHOOSE_AGENCY, field="agency_id"))
    else:
        try:
            agencies.crud.get(session, user, int(agency_id))
        except NotFound:
            problems.append(Invalid(CHOOSE_AGENCY, field="agency_id"))
    try:
        source = sharing_links.report_source(int(agency_id) if not problems else 1,
                                             given["reported_on"], given["source_url"])
    except Invalid as exc:
        problems.extend(Problems.each(exc))
    if problems:
        raise Problems.of(problems)
    return source


def query_of(source: ReportSource | None) -> str:
    """The report's source carried from the upload to the preview and the confirmation."""
    if source is None:
        return ""
    return "?" + urlencode({"agency_id": source.agency_id, "reported_on": source.reported_on,
                            "source_url": source.source_url})


def check_readable(kind: str, content: bytes, source: ReportSource | None) -> None:
    """Refuses a file the import could not read (not CSV, not the right columns) before it is
    kept."""
    if kind == DATA_DRIVEN:
        sharing_links.read_data_driven(content)
    else:
        assert source is not None
        sharing_links.read_report(content, source)


def plan_of(session: Session, user: User, kind: str, content: bytes,
            source: ReportSource | None) -> SharingPlan:
    if kind == DATA_DRIVEN:
        return sharing_links.preview_data_driven(session, content)
    assert source is not None
    return sharing_links.preview_report(session, user, content, source)


def commit(session: Session, user: User, kind: str, content: bytes,
           source: ReportSource | None, token: str) -> SharingResult:
    if kind == DATA_DRIVEN:
        return sharing_links.commit_data_driven(session, user, content, token=token)[1]
    assert source is not None
    return sharing_links.commit_report(session, user, content, source, token=token)[1]


def report_agencies(session: Session, user: User, *, q: str = "",
                    chosen: str = "") -> dict[str, Any]:
    """The agencies a report may be about that the form offers: the one chosen, and those
    the reader may read whose name the search finds."""
    return exposure_panels.agency_choices(session, user, q=q,
                                          chosen=int(chosen) if chosen.isdigit() else None)


DIRECTION_WORDS = {"shares_with": N_("Shares its reads with"),
                   "can_query": N_("Can query the reads of")}


def preview_context(plan: SharingPlan) -> dict[str, Any]:
    by_action: dict[str, list[Any]] = {"error": [], "add": [], "update": [], "keep": []}
    for link in plan.links:
        by_action[link.action].append(link)
    return {"plan": plan, "counts": plan.counts, "bad_links": by_action["error"],
            "adds": by_action["add"], "updates": by_action["update"],
            "keeps": by_action["keep"], "shown": SHOWN, "directions": DIRECTION_WORDS}
