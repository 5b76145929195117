"""What the state and county maps show: each region's plate-reader cameras (the newest
OpenStreetMap count of the coalition's jurisdictions in it), the agencies there that share
plate data with federal agencies, and the campaigns there with how they went. Every fact comes
from records the reader may read."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from api.agencies.models import Agency, AgencyKind, Sharing
from api.atlas import drawing, places
from api.atlas.outlines import Region, load
from api.auth import permissions
from api.auth.permissions import Actor
from api.campaigns.models import Campaign
from api.errors import Invalid
from api.i18n.catalogs import N_
from api.jurisdictions.models import Jurisdiction, JurisdictionKind
from api.jurisdictions.states import NAMES
from api.sharing.models import SharingKind, SharingLink
from api.sources.models import CameraCount

# Camera counts at or above each step share a shade; the legend reads them from here.
STEPS = (0, 1, 10, 50, 250)
STATE_MAP_WIDTH, STATE_MAP_HEIGHT = 960.0, 600.0
COUNTY_MAP_WIDTH, COUNTY_MAP_HEIGHT = 720.0, 560.0


@dataclass
class Mark:
    """A record named on a region: a federal-sharing agency or a campaign."""

    kind: str
    id: int
    name: str
    status: str = ""


@dataclass
class Area:
    """One region as the map draws it and the table beside it lists it."""

    fips: str
    name: str
    path: str
    x: float
    y: float
    href: str | None = None
    cameras: int | None = None
    shade: int | None = None
    places: list[tuple[int, str]] = field(default_factory=list)
    sharing: list[Mark] = field(default_factory=list)
    campaigns: list[Mark] = field(default_factory=list)

    @property
    def campaign_mark(self) -> str:
        """What the region's campaign mark shows: a win where any was won, else a loss, else
        one under way, else one closed; empty with no campaign."""
        statuses = {mark.status for mark in self.campaigns}
        for shown, among in (("won", {"won"}), ("lost", {"lost"}),
                             ("active", {"planning", "active", "paused"}), ("closed", {"closed"})):
            if statuses & among:
                return shown
        return ""

    @property
    def listed(self) -> bool:
        return bool(self.cameras is not None or self.places or self.sharing or self.campaigns)


@dataclass
class DrawnMap:
    view_box: str
    areas: list[Area]
    state_code: str = ""
    state_name: str = ""
    # Agencies and campaigns of the state placed in no county the map knows.
    unplaced: list[Mark] = field(default_factory=list)

    @property
    def mark_size(self) -> float:
        """Half a mark's width, in the map's units: the same on screen whatever the map's
        scale."""
        _, _, wide, high = (float(n) for n in self.view_box.split())
        return round(max(wide, high) / 110, 1)


def _state_code(fips: str) -> str:
    """The postal code of a state the outlines name by its FIPS code."""
    name = places.state_name_of(fips)
    return next((code for code, said in NAMES.items() if said == name), "")


def shade_of(cameras: int | None) -> int | None:
    if cameras is None:
        return None
    return max(i for i, step in enumerate(STEPS) if cameras >= step)


def _readable(model: Any, actor: Actor) -> Any:
    condition = permissions.visible(model, actor)
    return sa.true() if condition is None else condition


def _newest_counts(session: Session) -> dict[int, int]:
    """Each counted jurisdiction's cameras on the day of its newest count."""
    newest = (select(CameraCount.jurisdiction_id,
                     sa.func.max(CameraCount.counted_on).label("day"))
              .group_by(CameraCount.jurisdiction_id).subquery())
    rows = session.execute(
        select(CameraCount.jurisdiction_id, sa.func.sum(CameraCount.count))
        .join(newest, sa.and_(newest.c.jurisdiction_id == CameraCount.jurisdiction_id,
                              newest.c.day == CameraCount.counted_on))
        .group_by(CameraCount.jurisdiction_id)).all()
    return {jurisdiction: int(total or 0) for jurisdiction, total in rows}


@dataclass
class _Place:
    id: int
    name: str
    kind: str
    state: str
    county: str


def _places(session: Session, actor: Actor, state_code: str | None = None) -> dict[int, _Place]:
    """The jurisdictions, each with its state and county code: its own, else its parent's, else
    a county's matched by name (one saved before codes were kept)."""
    stmt = sa.select(Jurisdiction.id, Jurisdiction.name, Jurisdiction.kind,
                     Jurisdiction.state_code, Jurisdiction.county_fips,
                     Jurisdiction.parent_id).where(_readable(Jurisdiction, actor))
    if state_code:
        stmt = stmt.where(Jurisdiction.state_code == state_code)
    rows = session.execute(stmt).all()
    own: dict[int, str] = {}
    for row in rows:
        code = row.county_fips
        if not code and row.kind == JurisdictionKind.county:
            code = places.county_fips(row.name, NAMES.get(row.state_code, "")) or ""
        own[row.id] = code
    return {row.id: _Place(row.id, row.name, row.kind, row.state_code,
                           own[row.id] or own.get(row.parent_id or 0, ""))
            for row in rows}


def _region_total(rows: list[tuple[_Place, int]], whole: str) -> int | None:
    """A region's cameras: the count of the jurisdiction that is the region when it has one,
    else the sum of the counts inside it, so a county's cameras are not added to its cities'."""
    wholes = [n for place, n in rows if place.kind == whole]
    if wholes:
        return sum(wholes)
    return sum(n for _, n in rows) if rows else None


def _linked_to_federal(actor: Actor) -> Any:
    """Agencies a sharing link the reader may read says share their reads with immigration
    enforcement or a federal agency the reader may read: an agency's own yes/no field is often
    left unknown where a link says otherwise."""
    readable = select(Agency.id).where(_readable(Agency, actor))
    federal = readable.where(Agency.kind == AgencyKind.federal)
    return (select(SharingLink.agency_id)
            .where(SharingLink.kind == SharingKind.shares_with, _readable(SharingLink, actor),
                   sa.or_(sa.and_(col(SharingLink.immigration),
                                  sa.or_(col(SharingLink.partner_agency_id).is_(None),
                                         col(SharingLink.partner_agency_id).in_(readable))),
                          col(SharingLink.partner_agency_id).in_(federal))))


def _marks(session: Session, actor: Actor, ids: set[int]) -> tuple[dict[int, list[Mark]],
                                                                      dict[int, list[Mark]],
                                                                      dict[str, list[Mark]]]:
    """Federal-sharing agencies and campaigns by jurisdiction; and the sharing agencies with
    no jurisdiction, by their state alone."""
    sharing: dict[int, list[Mark]] = defaultdict(list)
    loose: dict[str, list[Mark]] = defaultdict(list)
    agencies = session.execute(
        select(Agency.id, Agency.name, Agency.jurisdiction_id, Agency.state_code)
        .where(sa.or_(Agency.shares_with_federal == Sharing.yes,
                      col(Agency.id).in_(_linked_to_federal(actor))),
               _readable(Agency, actor))
        .order_by(Agency.name, Agency.id)).all()
    for agency in agencies:
        if agency.jurisdiction_id in ids:
            sharing[agency.jurisdiction_id].append(Mark("agency", agency.id, agency.name))
        elif agency.jurisdiction_id is None and agency.state_code:
            loose[agency.state_code].append(Mark("agency", agency.id, agency.name))
    campaigns: dict[int, list[Mark]] = defaultdict(list)
    rows = session.execute(
        select(Campaign.id, Campaign.name, Campaign.status, Campaign.jurisdiction_id)
        .where(col(Campaign.jurisdiction_id).is_not(None), _readable(Campaign, actor))
        .order_by(Campaign.name, Campaign.id)).all()
    for row in rows:
        if row.jurisdiction_id in ids:
                campaigns[row.jurisdiction_id].append(Mark("campaign", row.id, row.name,
                                                       str(row.status)))
    return sharing, campaigns, loose


@dataclass(frozen=True)
class _Outline:
    fips: str
    name: str
    path: str
    x: float
    y: float


@lru_cache(maxsize=64)
def _outlines(state_fips: str | None) -> tuple[str, tuple[_Outline, ...]]:
    """The states (None) or one state's counties as path data, by name, made once: the
    outlines never change while the app runs."""
    atlas = load()
    if state_fips is None:
        regions: list[Region] = list(atlas.states.values())
        frame = drawing.frame_for(regions, width=STATE_MAP_WIDTH, height=STATE_MAP_HEIGHT)
    else:
        regions = atlas.counties_of(state_fips)
        frame = drawing.frame_for(regions, width=COUNTY_MAP_WIDTH, height=COUNTY_MAP_HEIGHT)
    outlines = []
    for region in sorted(regions, key=lambda r: (r.name, r.fips)):
        x, y = drawing.anchor(region, frame)
        outlines.append(_Outline(region.fips, region.name, drawing.path_data(region, frame),
                                 x, y))
    return frame.view_box, tuple(outlines)


@dataclass
class _Gathered:
    """What the reader may read of the places on one map, grouped by region (a state's
    postal code on the state map, a county's code on a county map)."""

    counts: dict[int, int]
    groups: dict[str, list[_Place]]
    sharing: dict[int, list[Mark]]
    campaigns: dict[int, list[Mark]]
    loose: dict[str, list[Mark]]

    def area(self, outline: _Outline, inside: list[_Place]) -> Area:
        """The region with the marks of the places in it."""
        return Area(fips=outline.fips, name=outline.name, path=outline.path, x=outline.x,
                    y=outline.y,
                    sharing=[m for p in inside for m in self.sharing.get(p.id, [])],
                    campaigns=[m for p in inside for m in self.campaigns.get(p.id, [])])


def _gather(session: Session, actor: Actor, state_code: str | None = None) -> _Gathered:
    found = _places(session, actor, state_code)
    sharing, campaigns, loose = _marks(session, actor, set(found))
    groups: dict[str, list[_Place]] = defaultdict(list)
    for place in found.values():
        groups[place.county if state_code else place.state].append(place)
    return _Gathered(_newest_counts(session), groups, sharing, campaigns, loose)


def state_map(session: Session, actor: Actor) -> DrawnMap:
    """The states, each linking to its county map."""
    view_box, outlines = _outlines(None)
    gathered = _gather(session, actor)
    areas = []
    for outline in outlines:
        code = _state_code(outline.fips)
        inside = gathered.groups.get(code, [])
        area = gathered.area(outline, inside)
        area.href = f"/maps/counties?state={code}"
        area.places = [(p.id, p.name) for p in sorted(inside, key=lambda p: (p.name, p.id))
                       if p.kind != JurisdictionKind.state]
        area.cameras = _state_total(inside, gathered.counts)
        area.shade = shade_of(area.cameras)
        area.sharing += gathered.loose.get(code, [])
        areas.append(area)
    return DrawnMap(view_box=view_box, areas=areas)


def _state_total(inside: list[_Place], counts: dict[int, int]) -> int | None:
    counted = [(p, counts[p.id]) for p in inside if p.id in counts]
    states = [n for p, n in counted if p.kind == JurisdictionKind.state]
    if states:
        return sum(states)
    by_county: dict[str, list[tuple[_Place, int]]] = defaultdict(list)
    for place, n in counted:
        by_county[place.county].append((place, n))
    totals = [_region_total(rows, JurisdictionKind.county) if county else sum(n for _, n in rows)
              for county, rows in by_county.items()]
    return sum(t for t in totals if t is not None) if totals else None


def county_map(session: Session, actor: Actor, state_code: str) -> DrawnMap:
    """The counties of one state, each linking to the coalition's jurisdiction there."""
    code = state_code.strip().upper()
    state_fips = places.state_fips(NAMES[code]) if code in NAMES else None
    if state_fips is None:
        raise Invalid(N_("Choose one of the fifty states or the District of Columbia."),
                      field="state")
    view_box, outlines = _outlines(state_fips)
    gathered = _gather(session, actor, code)
    areas = []
    for outline in outlines:
        inside = sorted(gathered.groups.get(outline.fips, []),
                        key=lambda p: (p.kind != JurisdictionKind.county, p.name))
        area = gathered.area(outline, inside)
        if inside:
            area.href = f"/jurisdictions/{inside[0].id}"
        area.places = [(p.id, p.name) for p in inside]
        rows = [(p, gathered.counts[p.id]) for p in inside if p.id in gathered.counts]
        area.cameras = _region_total(rows, JurisdictionKind.county)
        area.shade = shade_of(area.cameras)
        areas.append(area)
    nowhere = gathered.groups.get("", [])
    unplaced = [m for p in nowhere for m in gathered.sharing.get(p.id, [])]
    unplaced += gathered.loose.get(code, [])
    unplaced += [m for p in nowhere for m in gathered.campaigns.get(p.id, [])]
    return DrawnMap(view_box=view_box, areas=areas, state_code=code,
                    state_name=load().states[state_fips].name, unplaced=unplaced)


def state_choices() -> list[tuple[str, str]]:
    """(code, name) of every state the maps draw, by name."""
    chosen = []
    for region in load().states.values():
        code = _state_code(region.fips)
        if code:
            chosen.append((code, region.name))
    return sorted(chosen, key=lambda pair: pair[1])
