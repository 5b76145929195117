"""JSON endpoints for contracts, and what was decided as a contract's term ended."""

from typing import Any

from fastapi import APIRouter

from api.contracts import outcomes as term_outcomes
from api.contracts import service
from api.contracts.models import ContractOutcomeCreate, ContractOutcomeRead, ContractRead
from api.crud_routes import RecordId, crud_router
from api.deps import SessionDep, UserDep

router = APIRouter()
router.include_router(crud_router(service.crud, path="/contracts", tag="contracts"))


@router.post("/contracts/{record_id}/outcomes", response_model=ContractRead, status_code=201,
             tags=["contracts"],
             summary="Record that a term ended renewed, renegotiated or terminated",
             responses={404: {"description": "No such contract"}})
def record_outcome(record_id: RecordId, data: ContractOutcomeCreate, session: SessionDep,
                   actor: UserDep) -> Any:
    term_outcomes.record_outcome(session, actor, contract_id=record_id, data=data)
    session.commit()
    return service.crud.read(session, actor, record_id)


@router.get("/contracts/{record_id}/outcomes", response_model=list[ContractOutcomeRead],
            tags=["contracts"], summary="What was decided as the contract's terms ended, newest "
            "first")
def outcomes(record_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    return term_outcomes.outcomes(session, actor, record_id)
