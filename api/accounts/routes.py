"""JSON endpoints for user accounts, the signed-in user, the audit log and erasure."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, EmailStr, StringConstraints

from api.accounts import erasure, service
from api.auth import audit, instance
from api.auth.models import AuditRead, UserRead
from api.crud_routes import RecordId, crud_router
from api.db import get_engine
from api.deps import SessionDep, UserDep
from api.fields import MAX_INT
from api.supporters import service as supporters

router = APIRouter()
router.include_router(crud_router(service.crud, path="/users", tag="users"))


class AuditPage(BaseModel):
    items: list[AuditRead]
    total: int
    limit: int
    offset: int


@router.get("/me", response_model=UserRead, tags=["users"], summary="The signed-in user")
def me(session: SessionDep, actor: UserDep) -> Any:
    return service.crud.to_read(session, [actor])[0]


@router.get("/audit", response_model=AuditPage, tags=["audit"],
            summary="The audit log, newest first (leads and administrators)",
            responses={403: {"description": "Not a lead or administrator"}})
def audit_log(session: SessionDep, actor: UserDep,
              record_kind: Annotated[str | None, Query(max_length=60,
                                                       pattern=r"^[a-z_]+$")] = None,
              record_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
              organization_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 100,
              offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0) -> AuditPage:
    rows, total = audit.entries(session, actor, record_kind=record_kind, record_id=record_id,
                                organization_id=organization_id, limit=limit, offset=offset)
    return AuditPage(items=[AuditRead.model_validate(row, from_attributes=True) for row in rows],
                     total=total, limit=limit, offset=offset)


@router.get("/instance-settings", response_model=instance.InstanceSettingsRead,
            tags=["instance"], summary="The coalition's settings (administrators)",
            responses={403: {"description": "Not an administrator"}})
def read_instance_settings(session: SessionDep, actor: UserDep) -> Any:
    return instance.read(session, actor)


@router.patch("/instance-settings", response_model=instance.InstanceSettingsRead,
              tags=["instance"], summary="Change the coalition's settings (administrators)",
              description="Only the fields sent change. default_visibility is who a new "
                          "organization's records are shared with until it picks its own "
                          "default: private, leads, coalition or public; null leaves each kind "
                          "its own default.",
              responses={403: {"description": "Not an administrator"}})
def update_instance_settings(data: instance.InstanceSettingsUpdate, session: SessionDep,
                             actor: UserDep) -> Any:
    found = instance.update(session, actor, data)
    session.commit()
    return found


@router.post("/people/{record_id}/erase", status_code=204, tags=["people"],
             summary="Erase a person and everything kept about them, on their request",
             responses={403: {"description": "Not allowed to erase this person"},
                        404: {"description": "No such person"}})
def erase_person(record_id: RecordId, session: SessionDep, actor: UserDep) -> Response:
    erasure.erase_person(session, actor, record_id)
    session.commit()
    erasure.settle(get_engine())
    return Response(status_code=204)


class AddressErasure(BaseModel):
    email: Annotated[EmailStr, StringConstraints(max_length=254)]


@router.post("/supporters/erase", status_code=204, tags=["people"],
             summary="Erase every sign-up of an email address, on its owner's request",
             responses={403: {"description": "Not a lead or an administrator"}})
def erase_supporter(data: AddressErasure, session: SessionDep, actor: UserDep) -> Response:
    # The same answer whether the address had signed up or not.
    supporters.erase_address(session, actor, data.email)
    session.commit()
    erasure.settle(get_engine())
    return Response(status_code=204)
