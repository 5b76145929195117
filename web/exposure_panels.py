"""What the agency and jurisdiction pages show of data sharing: the one-line summary, the graph
laid out for inline SVG, the table beside it, and the form that adds a link by hand."""

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from api.agencies.models import Agency
from api.auth import permissions
from api.auth.models import User
from api.i18n.catalogs import N_, gettext, ngettext
from api.i18n.formatting import format_number
from api.sharing import service as sharing
from api.sharing.models import Confidence, SharingLink, SourceKind
from api.sharing.service import ExposureRead
from web import sharing_graph

SOURCE_WORDS = {
    SourceKind.vigilant_report.value: N_("Vigilant data sharing report"),
    SourceKind.records_request.value: N_("Records-request document"),
    SourceKind.news.value: N_("News story"),
    SourceKind.other.value: N_("Other source"),
}
# Rows each list of the panel shows: an agency in a national pool or a statewide report can
# have thousands of links, and the page must stay small; the whole list is one link away.
ROWS_SHOWN = 100
# Agencies the form's partner search offers at once: enough to pick from, few enough to read.
PARTNERS_SHOWN = 20
CONFIDENCE_WORDS = {
    Confidence.confirmed.value: N_("Confirmed"),
    Confidence.likely.value: N_("Likely"),
    Confidence.reported.value: N_("Reported"),
}


def summary(exposure: ExposureRead, whose: str, subject: str = "") -> str:
    """One sentence to say in a meeting: how many agencies can search the reads, in how many
    states, and immigration enforcement among them with the year of its source."""
    if not exposure.direct and not exposure.pools:
        # Mid-sentence, "The plate reads of…" starts small; a name starting it stays as it is.
        within = whose if not whose or whose.startswith(subject) else \
            whose[0].lower() + whose[1:]
        return gettext("No link is known yet that lets another agency search {whose}.").format(
            whose=within)
    agencies = ngettext("{count} agency", "{count} agencies", exposure.direct).format(
        count=exposure.direct)
    states = ngettext("{count} state", "{count} states", exposure.states).format(
        count=exposure.states)
    who = ", ".join(exposure.immigration)
    if exposure.states and who and exposure.immigration_year:
        said = gettext("{whose} can be searched by {agencies} in {states}, including {who} "
                       "({year} report).")
    elif exposure.states and who:
        said = gettext("{whose} can be searched by {agencies} in {states}, including {who}.")
    elif exposure.states:
        said = gettext("{whose} can be searched by {agencies} in {states}.")
    elif who and exposure.immigration_year:
        said = gettext("{whose} can be searched by {agencies}, including {who} "
                       "({year} report).")
    elif who:
        said = gettext("{whose} can be searched by {agencies}, including {who}.")
    else:
        said = gettext("{whose} can be searched by {agencies}.")
    return said.format(whose=whose, agencies=agencies, states=states, who=who,
                       year=exposure.immigration_year)


def more(exposure: ExposureRead) -> list[str]:
    """What follows the summary: the pools, and who is reached through a partner."""
    lines = [gettext("They are also in the {pool}: every agency in it can search them.").format(
        pool=pool) for pool in exposure.pools]
    lines.extend(gettext("Through a partner, they are also in the {pool}.").format(pool=pool)
                 for pool in exposure.second_pools)
    if exposure.second_degree:
        lines.append(ngettext(
            "Through a partner, {count} more agency can reach them.",
            "Through a partner, {count} more agencies can reach them.",
            exposure.second_degree).format(count=exposure.second_degree))
    return lines


def partner_words(reader: sharing.Reader) -> str:
    """A partner that is no agency kept here: its name, with how many agencies it stands for
    when the source says; a count alone is partners the source counts without naming them."""
    if reader.count is None:
        return reader.name
    if reader.name.strip():
        return ngettext("{name} ({count} agency)", "{name} ({count} agencies)",
                        reader.count).format(name=reader.name, count=reader.count)
    return ngettext("{count} agency a source counts without naming it",
                    "{count} agencies a source counts without naming them",
                    reader.count).format(count=reader.count)


def cut_note(exposure: ExposureRead, agency: Agency | None) -> dict[str, str] | None:
    """What the panel says when a list is longer than it shows, and where the whole one is."""
    longest = max(len(exposure.readers), len(exposure.second_readers), len(exposure.searches))
    if longest <= ROWS_SHOWN:
        return None
    said = gettext("Each list here shows its first {shown} links; the longest has {count}.")
    return {"said": said.format(shown=format_number(ROWS_SHOWN), count=format_number(longest)),
            "href": f"/sharing-links?agency_id={agency.id}" if agency is not None else "",
            "link": gettext("Every sharing link of this agency")}


def table_order(readers: list[Any]) -> list[Any]:
    """A table's links newest source first, and those of one date by name as a person reads
    it ("Agency 2" before "Agency 10"), as the graph beside it names them."""
    by_name = sorted(readers, key=lambda r: sharing_graph.natural_key(r.name))
    return sorted(by_name, key=lambda r: r.reported_on or "", reverse=True)


def may_add_link(actor: User, agency: Any) -> bool:
    """Whether the panel offers the form: to those who may write the agency and make links."""
    return permissions.can_write(actor, agency) and permissions.can_create(actor, SharingLink)


def agency_choices(session: Session, actor: User, *, q: str = "", chosen: int | None = None,
                   leaving_out: int | None = None) -> dict[str, Any]:
    """The agencies a form offers: a few the actor may read whose name holds what was typed
    (never a list of every agency: a statewide coalition keeps thousands), with the one
    already chosen kept first. An id they may not read is not chosen, as one that does not
    exist. `leaving_out` is an agency that may not be chosen (a link's own agency)."""
    # Characters no name holds (a NUL, which PostgreSQL refuses) are dropped, not searched.
    q = "".join(ch for ch in q if ch.isprintable()).strip()[:200]
    readable = permissions.visible(Agency, actor)
    others = [Agency.id != leaving_out] if leaving_out is not None else []

    def where(*conditions: Any) -> Any:
        return [*conditions, *others, *([readable] if readable is not None else [])]

    columns = (Agency.id, Agency.name, Agency.state_code)
    kept = list(session.exec(select(*columns).where(*where(Agency.id == chosen)).limit(1))
                ) if chosen else []
    rows, total = [], 0
    if q:
        typed = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        named = where(col(Agency.name).ilike(f"%{typed}%", escape="\\"),
                      Agency.id != (chosen or 0))
        rows = list(session.exec(select(*columns).where(*named).order_by(
            col(Agency.name), col(Agency.state_code), col(Agency.id)).limit(PARTNERS_SHOWN)))
        total = session.exec(select(sa.func.count()).select_from(Agency).where(*named)).one()
    return {"q": q, "rows": [{"id": i, "name": name, "state_code": state or ""}
                             for i, name, state in [*kept, *rows]],
            "chosen": kept[0][0] if kept else None,
            "found": total, "more": max(total - len(rows), 0)}


def _context(session: Session, actor: User, exposure: ExposureRead, *, whose: str,
             subject: str, agency: Agency | None, base: str, q: str = "",
             chosen: int | None = None) -> dict[str, Any]:
    exposure = exposure.model_copy(update={
        name: table_order(getattr(exposure, name))
        for name in ("readers", "second_readers", "searches")})
    words: dict[str, Any] = {
        "label_of": partner_words,
        "unnamed_label": lambda count: ngettext("{count} agency, unnamed", "{count} agencies, "
                                                "unnamed", count).format(count=count),
        "more_label": gettext("{count} more"),
        "second_more_label": gettext("{count} more through partners")}
    graph = sharing_graph.layout(exposure, subject=subject, **words)
    narrow = sharing_graph.narrow_layout(exposure, subject=subject, **words)
    names = {i: n for i, n in session.exec(
        select(Agency.id, Agency.name).where(col(Agency.id).in_(exposure.agency_ids))).all()}
    form: dict[str, Any] | None = None
    if agency is not None and may_add_link(actor, agency):
        form = {"action": f"/agencies/{agency.id}/sharing-links",
                "search": f"/agencies/{agency.id}/sharing-partners",
                "partners": agency_choices(session, actor, q=q, chosen=chosen,
                                              leaving_out=agency.id)}
    return {"exposure": {
        "read": exposure, "summary": summary(exposure, whose, subject), "more": more(exposure),
        "graph": graph, "narrow": narrow, "subject": subject, "through": names, "base": base,
        "several": len(exposure.agency_ids) > 1, "form": form,
        # A report about this agency is imported from here, by those who bring files in.
        "report_import": f"/imports/sharing-report?agency_id={agency.id}"
        if agency is not None and permissions.may_bring_in(actor) else "",
        "rows": ROWS_SHOWN, "cut": cut_note(exposure, agency),
        "sources": SOURCE_WORDS, "partner_words": partner_words,
        "confidences": CONFIDENCE_WORDS, "model": SharingLink}}


def agency_exposure(session: Session, actor: User, agency: Any, *, q: str = "",
                    chosen: int | None = None) -> dict[str, Any]:
    """The panel; `q` and `chosen` are what the form's partner search last held."""
    exposure = sharing.agency_exposure(session, actor, agency.id)
    return _context(session, actor, exposure,
                    whose=gettext("{name}'s plate reads").format(name=agency.name),
                    subject=agency.name, agency=agency, base=f"/agencies/{agency.id}",
                    q=q, chosen=chosen)


def jurisdiction_exposure(session: Session, actor: User, place: Any) -> dict[str, Any]:
    exposure = sharing.jurisdiction_exposure(session, actor, place.id)
    return _context(session, actor, exposure,
                    whose=gettext("The plate reads of {name}'s agencies").format(
                        name=place.name),
                    subject=place.name, agency=None, base=f"/jurisdictions/{place.id}")
