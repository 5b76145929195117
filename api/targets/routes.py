"""JSON endpoints for targets and their stances."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.crud_routes import RecordId, crud_router
from api.deps import SessionDep, UserDep
from api.fields import MAX_INT
from api.targets import service
from api.targets.models import StanceChangeRead, StanceRead, StanceSet

router = APIRouter()
router.include_router(crud_router(service.crud, path="/targets", tag="targets"))

CampaignId = RecordId


@router.get("/targets/{record_id}/stances", response_model=list[StanceRead], tags=["targets"],
            summary="A target's current stance on each campaign")
def target_stances(record_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    service.crud.get(session, actor, record_id)
    return service.stances(session, actor, target_id=record_id)


@router.put("/targets/{record_id}/stances/{campaign_id}", response_model=StanceRead,
            tags=["targets"], summary="Record a target's stance on a campaign")
def set_stance(record_id: RecordId, campaign_id: CampaignId, data: StanceSet,
               session: SessionDep, actor: UserDep) -> Any:
    stance = service.set_stance(session, actor, target_id=record_id, campaign_id=campaign_id,
                                level=data.level, source=data.source, note=data.note)
    session.commit()
    return stance


@router.get("/targets/{record_id}/stance-history", response_model=list[StanceChangeRead],
            tags=["targets"], summary="Every change of a target's stance, newest first")
def stance_history(record_id: RecordId, session: SessionDep, actor: UserDep,
                   campaign_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None) -> Any:
    return service.history(session, actor, target_id=record_id, campaign_id=campaign_id)


@router.get("/stances", response_model=list[StanceRead], tags=["targets"],
            summary="Current stances, by campaign or target")
def list_stances(session: SessionDep, actor: UserDep,
                 campaign_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
                 target_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None) -> Any:
    return service.stances(session, actor, target_id=target_id, campaign_id=campaign_id)
