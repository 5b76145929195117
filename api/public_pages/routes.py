"""JSON endpoints for a campaign's public page under /api/v1: what its leads chose and its
words, the records they may choose from, and turning it on and off (as the settings page)."""

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi import Path as PathParam
from pydantic import BaseModel

from api.crud_routes import RecordId
from api.deps import SessionDep, UserDep
from api.errors import NotFound
from api.fields import stored_id
from api.i18n.catalogs import N_
from api.public_pages import service
from api.public_pages.models import PublicPageRead, PublicPageUpdate, ShownKind

router = APIRouter(tags=["public pages"])
PAGE = "/campaigns/{record_id}/public-page"
NOT_SET_UP = N_("This campaign's public page is not set up yet.")


class Candidate(BaseModel):
    kind: ShownKind
    record_id: int
    label: str


@router.get(PAGE, response_model=PublicPageRead,
            summary="A campaign's public page as its leads set it up")
def read_page(record_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    found = service.settings(session, actor, record_id)
    if found is None:
        raise NotFound(NOT_SET_UP)
    return found


@router.put(PAGE, response_model=PublicPageRead,
            summary="Set a campaign's public page: its address, words and chosen records")
def save_page(record_id: RecordId, data: PublicPageUpdate, session: SessionDep,
              actor: UserDep) -> Any:
    saved = service.save(session, actor, campaign_id=record_id, changes=data)
    session.commit()
    return saved


@router.get(f"{PAGE}/candidates", response_model=list[Candidate],
            summary="The public records of the campaign its page may show")
def candidates(record_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    return [Candidate(kind=kind, record_id=stored_id(row), label=service.label_of(row))
            for kind, rows in service.candidates(session, actor, record_id).items()
            for row in rows]


@router.post(f"{PAGE}/{{turn}}", response_model=PublicPageRead,
             summary="Publish a campaign's public page, or take it down")
def publish(record_id: RecordId, session: SessionDep, actor: UserDep,
            turn: Annotated[str, PathParam(pattern="^(publish|unpublish)$")]) -> Any:
    found = service.set_published(session, actor, campaign_id=record_id,
                                  published=turn == "publish")
    session.commit()
    return found
