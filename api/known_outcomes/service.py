"""Reads and writes of outcomes known elsewhere, and the wins nearest a place: those known
elsewhere and the coalition's own campaigns won in other places, each read only by whoever
may read it."""

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.auth.models import User
from api.bodies.models import Body
from api.campaigns.models import Campaign, CampaignOutcome, CampaignStatus
from api.crud import Crud
from api.errors import Invalid
from api.fields import date_problem
from api.jurisdictions import service as jurisdictions
from api.jurisdictions.models import Jurisdiction
from api.known_outcomes.models import (
    ENDED_CONTRACTS,
    KNOWN_OUTCOMES,
    WINS,
    KnownOutcome,
    KnownOutcomeRead,
)
from api.targets import service as targets


def _prepare(session: Session, actor: User, values: dict[str, Any],
             existing: KnownOutcome | None) -> dict[str, Any]:
    """An outcome is one that happened: not in the future, nor before plate readers were."""
    day = values.get("decided_on")
    if day is not None and (existing is None or day != existing.decided_on):
        problem = date_problem(day)
        if problem:
            raise Invalid(problem, field="decided_on")
    return values


crud: Crud[KnownOutcome, KnownOutcomeRead] = Crud(**KNOWN_OUTCOMES.crud_options(),
                                                   prepare=_prepare)

NEAR_MILES = 50
EARTH_MILES = 3958.8
# Shown on a page at most; the headline counts them all.
SHOWN = 10


@dataclass(frozen=True)
class NearbyWin:
    place: str
    state_code: str
    outcome: CampaignOutcome
    decided_on: date | None
    vendor: str
    citation: str
    url: str
    miles: float
    # One of the two: a known outcome's id, or the coalition's own campaign's.
    outcome_id: int | None = None
    campaign_id: int | None = None


@dataclass(frozen=True)
class Headline:
    """"3 places within 50 miles ended their Flock contracts in 2025": the latest year's
    ended contracts when there are any, else every win near."""

    count: int
    miles: int
    year: int | None
    vendor: str
    ended_contracts: bool


@dataclass(frozen=True)
class NearbyWins:
    located: bool
    miles: int
    wins: list[NearbyWin]
    headline: Headline | None


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_MILES * math.asin(min(1.0, math.sqrt(h)))


def _box(center: tuple[float, float], miles: float) -> tuple[float, float, float, float]:
    """A latitude and longitude box holding the circle, so the database leaves out the far."""
    lat_span = miles / 69.0
    lon_span = miles / max(1e-6, 69.0 * math.cos(math.radians(center[0])))
    return center[0] - lat_span, center[0] + lat_span, center[1] - lon_span, center[1] + lon_span


def near_jurisdiction(session: Session, actor: User, jurisdiction_id: int, *,
                      miles: int = NEAR_MILES) -> NearbyWins:
    place = jurisdictions.crud.get(session, actor, jurisdiction_id)
    if place.latitude is None or place.longitude is None:
        return NearbyWins(located=False, miles=miles, wins=[], headline=None)
    center = (place.latitude, place.longitude)
    south, north, west, east = _box(center, miles)
    found: list[NearbyWin] = []
    # The session's criteria leave out what the reader may not read.
    for row in session.execute(sa.select(KnownOutcome).where(
            KnownOutcome.outcome.in_([str(w) for w in WINS]),
            KnownOutcome.latitude.between(south, north),
            KnownOutcome.longitude.between(west, east))).scalars():
        distance = miles_between(center, (row.latitude, row.longitude))
        if distance <= miles:
            found.append(NearbyWin(row.place, row.state_code, CampaignOutcome(row.outcome),
                                   row.decided_on, row.vendor, row.citation, row.url,
                                   distance, outcome_id=row.id))
    for campaign, other in session.execute(
            sa.select(Campaign, Jurisdiction).join(
                Jurisdiction, Jurisdiction.id == Campaign.jurisdiction_id).where(
                Campaign.status == CampaignStatus.won,
                Campaign.outcome.in_([str(w) for w in WINS]),
                Jurisdiction.id != jurisdiction_id,
                Jurisdiction.latitude.between(south, north),
                Jurisdiction.longitude.between(west, east))).all():
        distance = miles_between(center, (other.latitude, other.longitude))
        if distance <= miles:
            found.append(NearbyWin(other.name, other.state_code,
                                   CampaignOutcome(campaign.outcome), campaign.outcome_on, "",
                                   campaign.outcome_source, campaign.outcome_url, distance,
                                   campaign_id=campaign.id))
    found.sort(key=lambda win: (win.miles, win.place))
    return NearbyWins(located=True, miles=miles, wins=found[:SHOWN],
                      headline=headline(found, miles))


def near_target(session: Session, actor: User, target_id: int, *,
                miles: int = NEAR_MILES) -> NearbyWins | None:
    """The wins near the place a decision-maker's body serves; None when it serves none."""
    target = targets.crud.get(session, actor, target_id)
    if target.body_id is None:
        return None
    body = session.get(Body, target.body_id)
    if body is None:
        return None
    return near_jurisdiction(session, actor, body.jurisdiction_id, miles=miles)


def headline(wins: list[NearbyWin], miles: int) -> Headline | None:
    if not wins:
        return None
    ended = [w for w in wins if w.outcome in ENDED_CONTRACTS and w.decided_on is not None]
    if not ended:
        return Headline(count=len({(w.place, w.state_code) for w in wins}), miles=miles,
                        year=None, vendor="", ended_contracts=False)
    year = max(w.decided_on.year for w in ended if w.decided_on is not None)
    that_year = [w for w in ended if w.decided_on is not None and w.decided_on.year == year]
    vendors = {w.vendor.strip() for w in that_year}
    return Headline(count=len({(w.place, w.state_code) for w in that_year}), miles=miles,
                    year=year, vendor=vendors.pop() if len(vendors) == 1 else "",
                    ended_contracts=True)
