"""JSON endpoint for erasing a supporter's address on request, as people are erased."""

from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, EmailStr, StringConstraints

from api.accounts import erasure
from api.db import get_engine
from api.deps import SessionDep, UserDep
from api.supporters import service as supporters

router = APIRouter()


class AddressErasure(BaseModel):
    email: Annotated[EmailStr, StringConstraints(max_length=254)]


@router.post("/supporters/erase", status_code=204, tags=["supporters"],
             summary="Erase every sign-up of an email address, on its owner's request",
             responses={403: {"description": "Not a lead or an administrator"}})
def erase_supporter(data: AddressErasure, session: SessionDep, actor: UserDep) -> Response:
    # The same answer whether the address had signed up or not.
    supporters.erase_address(session, actor, data.email)
    session.commit()
    erasure.settle(get_engine())
    return Response(status_code=204)
