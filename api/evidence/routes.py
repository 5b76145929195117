"""JSON endpoints for misuse evidence, and the timeline of each contract, agency and campaign."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.crud_routes import RecordId, crud_router
from api.deps import SessionDep, UserDep
from api.evidence import service
from api.evidence.models import EvidenceEntryRead, EvidenceKind

router = APIRouter()
router.include_router(crud_router(service.crud, path="/evidence", tag="evidence"))

KindQuery = Annotated[EvidenceKind | None, Query()]


def _timeline_route(subject: str, collection: str) -> None:
    @router.get(f"/{collection}/{{record_id}}/evidence", tags=["evidence"],
                name=f"{subject}_evidence")
    def timeline(record_id: RecordId, session: SessionDep, actor: UserDep,
                 kind: KindQuery = None) -> list[EvidenceEntryRead]:
        """The evidence about the record that the reader may read, newest first."""
        return service.timeline(session, actor, subject=subject, record_id=record_id,
                                kind=kind).entries


for _subject, _collection in (("contract", "contracts"), ("agency", "agencies"),
                              ("campaign", "campaigns")):
    _timeline_route(_subject, _collection)
