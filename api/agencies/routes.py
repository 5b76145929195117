"""JSON endpoints for agencies under /api/v1/agencies, and the dated sources kept on each."""

from typing import Any

from api.agencies import links, merging, service
from api.agencies.models import AgencyLinkRead, AgencyMerge, AgencyRead
from api.crud_routes import RecordId, crud_router
from api.deps import SessionDep, UserDep

router = crud_router(service.crud, path="/agencies", tag="agencies")


@router.get("/{record_id}/links", response_model=list[AgencyLinkRead],
            tags=["agencies"], summary="The dated sources saying the agency runs plate readers",
            responses={404: {"description": "No such agency"}})
def agency_links(record_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    return links.of(session, actor, record_id)


@router.post("/{record_id}/merge", response_model=AgencyRead, tags=["agencies"],
             summary="Fold another agency that is the same one into this agency",
             responses={403: {"description": "Only leads merge agencies"},
                        404: {"description": "No such agency"}})
def merge(record_id: RecordId, data: AgencyMerge, session: SessionDep, actor: UserDep) -> Any:
    merging.merge(session, actor, keep_id=record_id, fold_id=data.fold_id)
    session.commit()
    return service.crud.read(session, actor, record_id)
