"""What the body, jurisdiction and agency pages show of outside data: a body's agenda watcher
(its source, last sync, last error, suggestions waiting), a jurisdiction's ALPR cameras mapped
in OpenStreetMap, counted by manufacturer, and an agency's dated sources."""

from typing import Any

from sqlmodel import Session

from api.agencies import links
from api.auth import permissions
from api.auth.models import User
from api.bodies.models import AgendaSource
from api.sources import overpass
from api.sources.agendas import review
from api.sources.agendas import service as agendas

HISTORY_DAYS = 6


def body_agenda(session: Session, actor: User, body: Any) -> dict[str, Any]:
    return {"agenda": {
        "state": agendas.sync_state(session, body.id),
        "pending": review.counts(session, body_id=body.id)["suggested"],
        "has_source": body.agenda_source != AgendaSource.none,
        "may_sync": permissions.may_bring_in(actor),
    }}


def jurisdiction_cameras(session: Session, actor: User, place: Any) -> dict[str, Any]:
    """The newest count by manufacturer, and the totals of the counts before it."""
    by_day: dict[Any, list[tuple[str, int]]] = {}
    for row in overpass.counts(session, place.id):
        by_day.setdefault(row.counted_on, []).append((row.manufacturer, row.count))
    days = list(by_day)  # newest first, as the counts come
    latest = days[0] if days else None
    makers = sorted((pair for pair in by_day.get(latest, []) if pair[1]),
                    key=lambda pair: (-pair[1], pair[0]))
    return {"cameras": {
        "counted_on": latest,
        "by_maker": makers,
        "total": sum(n for _, n in makers),
        "history": [(day, sum(n for _, n in by_day[day])) for day in days[1:1 + HISTORY_DAYS]],
        "may_count": permissions.may_bring_in(actor),
    }}


def agency_sources(session: Session, actor: User, agency: Any) -> dict[str, Any]:
    """The dated sources kept on the agency, newest first, and whether the reader may fold
    another record of the same agency into it (when two sources made two of it)."""
    return {"agency_links": links.of(session, actor, agency.id),
            "may_merge": permissions.may_merge_into(actor, agency)}
