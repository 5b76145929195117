"""JSON endpoints for outcomes known elsewhere, and the wins nearest a place or a
decision-maker."""

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from api.crud_routes import RecordId, crud_router
from api.deps import SessionDep, UserDep
from api.known_outcomes import service

router = APIRouter()
router.include_router(crud_router(service.crud, path="/known-outcomes", tag="outcomes"))


@router.get("/jurisdictions/{record_id}/nearby-wins", tags=["outcomes"])
def jurisdiction_wins(record_id: RecordId, session: SessionDep,
                      actor: UserDep) -> dict[str, Any]:
    """Wins within 50 miles of the place that the reader may read, nearest first."""
    return asdict(service.near_jurisdiction(session, actor, record_id))


@router.get("/targets/{record_id}/nearby-wins", tags=["outcomes"])
def target_wins(record_id: RecordId, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Wins within 50 miles of the place the decision-maker's body serves."""
    found = service.near_target(session, actor, record_id)
    return asdict(found) if found is not None else {"located": False, "miles": service.NEAR_MILES,
                                                     "wins": [], "headline": None}
