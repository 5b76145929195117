"""JSON endpoints for one's own saved searches under /api/v1/saved-searches."""

from typing import Any

from fastapi import APIRouter, Response

from api.crud_routes import RecordId
from api.deps import SessionDep, UserDep
from api.search import saved
from api.search.models import SavedSearchCreate, SavedSearchRead, SavedSearchUpdate

router = APIRouter(prefix="/saved-searches", tags=["saved searches"])


@router.get("", response_model=list[SavedSearchRead], summary="Your saved searches")
def list_saved(session: SessionDep, actor: UserDep) -> Any:
    return [saved.to_read(s) for s in saved.listed(session, actor)]


@router.post("", response_model=SavedSearchRead, status_code=201,
             summary="Save a search (the search box's words, or one list's words and filters)",
             description="With `alert`, you are told of each new record it finds that you may "
                         "read, on the channels your alert preferences leave on.")
def create_saved(data: SavedSearchCreate, session: SessionDep, actor: UserDep) -> Any:
    found = saved.create(session, actor, data)
    session.commit()
    return saved.to_read(found)


@router.get("/{saved_id}", response_model=SavedSearchRead, summary="One of your saved searches")
def get_saved(saved_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    return saved.to_read(saved.get(session, actor, saved_id))


@router.patch("/{saved_id}", response_model=SavedSearchRead,
              summary="Rename a saved search, or turn its alerts on or off")
def update_saved(saved_id: RecordId, data: SavedSearchUpdate, session: SessionDep,
                 actor: UserDep) -> Any:
    found = saved.update(session, actor, saved_id, data)
    session.commit()
    return saved.to_read(found)


@router.delete("/{saved_id}", status_code=204, summary="Delete a saved search")
def delete_saved(saved_id: RecordId, session: SessionDep, actor: UserDep) -> Response:
    saved.delete(session, actor, saved_id)
    session.commit()
    return Response(status_code=204)
