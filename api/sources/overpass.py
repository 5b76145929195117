"""ALPR cameras mapped in OpenStreetMap: an Overpass query for a jurisdiction's area, counted
by manufacturer and kept with the day of the count."""

import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.errors import NO_SUCH, NotFound, Term
from api.i18n.catalogs import N_
from api.jurisdictions import service as jurisdictions
from api.jurisdictions.models import Jurisdiction, JurisdictionKind
from api.settings import get_settings
from api.sources.fetching import OutsideError, Sleep, new_client, request_json
from api.sources.models import CameraCount, CameraCountRead

SERVICE = "OpenStreetMap's Overpass API"
UNKNOWN = "unknown"
# OpenStreetMap's admin levels in the United States: 4 states, 6 counties, 7-8 municipalities.
ADMIN_LEVELS = {JurisdictionKind.county: "^6$", JurisdictionKind.city: "^(7|8)$"}
TIMEOUT_SECONDS = 90


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def query(*, name: str, kind: str, state_code: str, relation_id: int | None = None) -> str:
    """Overpass QL for the ALPR cameras inside a jurisdiction: its boundary relation when known,
    else the administrative boundary of that name inside its state."""
    state = f"US-{state_code.upper()}"
    lines = [f"[out:json][timeout:{TIMEOUT_SECONDS}];"]
    if relation_id is not None:
        lines.append(f"rel({int(relation_id)});")
        lines.append("map_to_area->.place;")
    elif kind == JurisdictionKind.state:
        lines.append(f'area["ISO3166-2"={_quoted(state)}]->.place;')
    else:
        lines.append(f'area["ISO3166-2"={_quoted(state)}]->.state;')
        level = ADMIN_LEVELS.get(JurisdictionKind(kind), "^(6|7|8)$")
        lines.append(f'rel(area.state)["boundary"="administrative"]["name"={_quoted(name)}]'
                     f'["admin_level"~"{level}"];')
        lines.append("map_to_area->.place;")
    lines.append('nwr(area.place)["man_made"="surveillance"]["surveillance:type"="ALPR"];')
    lines.append("out tags;")
    return "\n".join(lines)


def count_by_manufacturer(reply: Any) -> dict[str, int]:
    """Cameras per manufacturer tag in an Overpass JSON reply; untagged ones count as unknown."""
    if not isinstance(reply, dict) or not isinstance(reply.get("elements"), list):
        raise OutsideError(f"{SERVICE} sent an unexpected reply: no list of elements")
    counts: Counter[str] = Counter()
    for element in reply["elements"]:
        tags = element.get("tags") if isinstance(element, dict) else None
        if not isinstance(tags, dict):
            continue
        if tags.get("man_made") != "surveillance" or tags.get("surveillance:type") != "ALPR":
            continue
        maker = " ".join(str(tags.get("manufacturer") or "").split())[:200]
        counts[maker or UNKNOWN] += 1
    return dict(sorted(counts.items()))


def fetch_counts(overpass_query: str, *, http: httpx.Client | None = None,
                 url: str | None = None, attempts: int | None = None,
                 sleep: Sleep = time.sleep) -> dict[str, int]:
    own_client = http is None
    http = http or new_client(timeout=TIMEOUT_SECONDS + 15)
    try:
        reply = request_json(http, "POST", url or get_settings().overpass_url, service=SERVICE,
                             data={"data": overpass_query}, attempts=attempts, sleep=sleep)
    finally:
        if own_client:
            http.close()
    return count_by_manufacturer(reply)


def store(session: Session, *, jurisdiction_id: int, counted_on: date,
          counts: dict[str, int]) -> list[CameraCount]:
    """Keep one day's count; counting again the same day replaces it."""
    session.execute(sa.delete(CameraCount).where(
        CameraCount.jurisdiction_id == jurisdiction_id, CameraCount.counted_on == counted_on))
    rows = [CameraCount(jurisdiction_id=jurisdiction_id, manufacturer=maker, count=n,
                        counted_on=counted_on) for maker, n in (counts or {"": 0}).items()]
    session.add_all(rows)
    session.flush()
    return rows


def counts(session: Session, jurisdiction_id: int, *,
           latest_only: bool = False) -> list[CameraCount]:
    """Stored counts of a jurisdiction, newest day first."""
    if session.get(Jurisdiction, jurisdiction_id) is None:
        raise NotFound(NO_SUCH, noun=Term(N_("jurisdiction")), id=jurisdiction_id)
    stmt = select(CameraCount).where(CameraCount.jurisdiction_id == jurisdiction_id)
    if latest_only:
        newest = select(sa.func.max(CameraCount.counted_on)).where(
            CameraCount.jurisdiction_id == jurisdiction_id).scalar_subquery()
        stmt = stmt.where(CameraCount.counted_on == newest)
    stmt = stmt.order_by(CameraCount.counted_on.desc(), CameraCount.manufacturer)
    return list(session.exec(stmt).all())


def refresh(session_factory: Callable[[], Session], jurisdiction_id: int, *,
            relation_id: int | None = None, http: httpx.Client | None = None,
            sleep: Sleep = time.sleep) -> list[CameraCountRead]:
    """Count a jurisdiction's mapped ALPR cameras now and keep the count. The Overpass call is
    made with no transaction open; OutsideError says why a count could not be made."""
    with session_factory() as session:
        place = session.get(Jurisdiction, jurisdiction_id)
        if place is None:
            raise NotFound(NO_SUCH, noun=Term(N_("jurisdiction")), id=jurisdiction_id)
        overpass_query = query(name=place.name, kind=place.kind, state_code=place.state_code,
                               relation_id=relation_id)
        counted_on = clock.now().astimezone(jurisdictions.zone(session, place.id)).date()
    found = fetch_counts(overpass_query, http=http, sleep=sleep)
    with session_factory() as session:
        rows = store(session, jurisdiction_id=jurisdiction_id, counted_on=counted_on,
                     counts=found)
        kept = [CameraCountRead.model_validate(row, from_attributes=True) for row in rows]
        session.commit()
    return kept
