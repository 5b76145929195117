"""JSON endpoints for sharing links under /api/v1/sharing-links, and the exposure of an
agency's and a jurisdiction's plate reads."""

from typing import Any

from fastapi import APIRouter

from api.crud_routes import RecordId, crud_router
from api.deps import SessionDep, UserDep
from api.sharing import service
from api.sharing.service import ExposureRead

router = APIRouter(tags=["sharing links"])
router.include_router(crud_router(service.crud, path="/sharing-links", tag="sharing links"))


@router.get("/agencies/{record_id}/exposure", response_model=ExposureRead,
            summary="Who can search the agency's plate reads, directly and through a partner",
            responses={404: {"description": "No such agency"}})
def agency_exposure(record_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    return service.agency_exposure(session, actor, record_id)


@router.get("/jurisdictions/{record_id}/exposure", response_model=ExposureRead,
            summary="Who can search the plate reads of the jurisdiction's agencies",
            responses={404: {"description": "No such jurisdiction"}})
def jurisdiction_exposure(record_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    return service.jurisdiction_exposure(session, actor, record_id)
