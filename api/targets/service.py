"""Reads and writes of targets, and their stances per campaign with a history of every change."""

from typing import Any

from sqlmodel import Session, select

from api import clock
from api.campaigns.models import Campaign
from api.crud import Crud
from api.errors import NotFound
from api.targets.models import (
    Stance,
    StanceChange,
    StanceLevel,
    StanceSource,
    Target,
    TargetCreate,
    TargetRead,
    TargetUpdate,
)

crud = Crud(
    Target, create=TargetCreate, update=TargetUpdate, read=TargetRead, label="target",
    search=("name", "district", "email"),
    filters=("body_id", "title", "owner_organization_id", "district"),
    sort=("name", "title", "district", "term_ends"), default_sort="name",
)


def set_stance(session: Session, actor: Any, *, target_id: int, campaign_id: int,
               level: StanceLevel, source: StanceSource = StanceSource.other, note: str = "",
               meeting_id: int | None = None) -> Stance:
    """Record a target's stance on a campaign; every change is kept in the history."""
    crud.get(session, actor, target_id)
    if session.get(Campaign, campaign_id) is None:
        raise NotFound(f"No campaign with id {campaign_id}.")
    stance = session.exec(select(Stance).where(Stance.target_id == target_id,
                                               Stance.campaign_id == campaign_id)).first()
    previous = stance.level if stance else StanceLevel.unknown
    now = clock.now()
    if stance is None:
        stance = Stance(target_id=target_id, campaign_id=campaign_id, level=level)
    stance.level = level
    stance.updated_at = now
    session.add(stance)
    session.add(StanceChange(
        target_id=target_id, campaign_id=campaign_id, from_level=previous, to_level=level,
        source=source, note=note, meeting_id=meeting_id,
        recorded_by_id=getattr(actor, "id", None), recorded_at=now,
    ))
    session.flush()
    return stance


def stances(session: Session, actor: Any, *, target_id: int | None = None,
            campaign_id: int | None = None) -> list[Stance]:
    stmt = select(Stance)
    if target_id is not None:
        stmt = stmt.where(Stance.target_id == target_id)
    if campaign_id is not None:
        stmt = stmt.where(Stance.campaign_id == campaign_id)
    return list(session.exec(stmt.order_by(Stance.target_id, Stance.campaign_id)).all())


def history(session: Session, actor: Any, *, target_id: int,
            campaign_id: int | None = None) -> list[StanceChange]:
    """Every recorded change of a target's stance, newest first."""
    crud.get(session, actor, target_id)
    stmt = select(StanceChange).where(StanceChange.target_id == target_id)
    if campaign_id is not None:
        stmt = stmt.where(StanceChange.campaign_id == campaign_id)
    stmt = stmt.order_by(StanceChange.recorded_at.desc(), StanceChange.id.desc())  # type: ignore[attr-defined]
    return list(session.exec(stmt).all())
