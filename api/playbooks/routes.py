"""JSON endpoints for playbooks under /api/v1/playbooks, and moving a campaign's anchor dates."""

from typing import Annotated

from fastapi import APIRouter, Path

from api.crud_routes import RecordId
from api.deps import SessionDep, UserDep
from api.playbooks import models, service

router = APIRouter(tags=["playbooks"])
PlaybookKey = Annotated[str, Path(max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


@router.get("/playbooks", response_model=list[models.PlaybookSummary], summary="List playbooks")
def list_playbooks(actor: UserDep) -> list[models.PlaybookSummary]:
    return service.list_playbooks()


# Beside the playbooks, not under them: under /playbooks/ it would hide a playbook keyed "errors".
@router.get("/playbook-errors", response_model=list[models.PlaybookLoadError],
            summary="Playbook files left out, with the file, line and field at fault")
def playbook_errors(actor: UserDep) -> list[models.PlaybookLoadError]:
    return service.load_errors()


@router.get("/playbooks/{key}", summary="One playbook in full",
            responses={404: {"description": "No such playbook"}})
def get_playbook(key: PlaybookKey, actor: UserDep) -> models.PlaybookDetail:
    return service.detail(key)


@router.post("/playbooks/{key}/campaigns", response_model=models.CampaignMade, status_code=201,
             summary="New campaign from a playbook, with dated actions, tasks and alert rules",
             responses={404: {"description": "No such playbook"},
                        422: {"description": "Invalid input"}})
def create_campaign(key: PlaybookKey, data: models.CampaignFromPlaybook, session: SessionDep,
                    actor: UserDep) -> models.CampaignMade:
    made = service.create_campaign(session, actor, key=key, data=data)
    session.commit()
    return made


@router.post("/campaigns/{record_id}/anchors", response_model=models.AnchorsMoved,
             summary="Move a campaign's anchor dates; unfinished actions and tasks follow",
             responses={404: {"description": "No such campaign"}})
def move_anchors(record_id: RecordId, data: models.AnchorMove, session: SessionDep,
                 actor: UserDep) -> models.AnchorsMoved:
    moved = service.move_anchors(session, actor, campaign_id=record_id, data=data)
    session.commit()
    return moved
