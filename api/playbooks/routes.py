"""JSON endpoints for playbooks under /api/v1/playbooks, and moving a campaign's anchor dates."""

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel

from api.actions.models import ActionRead
from api.campaigns.models import CampaignRead
from api.crud_routes import RecordId
from api.deps import SessionDep, UserDep
from api.playbooks import service
from api.playbooks.models import AnchorMove, CampaignFromPlaybook
from api.tasks.models import TaskRead

router = APIRouter(tags=["playbooks"])
PlaybookKey = Annotated[str, Path(max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class PlaybookSummary(BaseModel):
    key: str
    title: str
    goal: str
    summary: str
    anchors: list[str]
    required_anchors: list[str]
    phases: list[str]
    action_count: int
    roles: list[str]
    file: str
    source: str


class PlaybookLoadError(BaseModel):
    file: str
    line: int | None
    field: str | None
    message: str
    text: str


class AlertRuleRead(BaseModel):
    id: int
    campaign_id: int
    subject: str
    offsets: list[str]
    direction: str
    repeat_every: str | None
    recipients: list[str]
    channels: list[str]


class CampaignMade(BaseModel):
    playbook: str
    # The vote the steps are counted from: the one given, or the one made on the body.
    vote_id: int | None
    campaign: CampaignRead
    actions: list[ActionRead]
    tasks: list[TaskRead]
    alert_rules: list[AlertRuleRead]
    # Made with their day already past: no reminder goes out for them.
    late_action_ids: list[int]
    late_task_ids: list[int]


class AnchorsMoved(BaseModel):
    campaign: CampaignRead
    actions: list[ActionRead]
    tasks: list[TaskRead]
    moved_action_ids: list[int]
    moved_task_ids: list[int]


@router.get("/playbooks", response_model=list[PlaybookSummary], summary="List playbooks")
def list_playbooks(actor: UserDep) -> Any:
    return service.list_playbooks()


@router.get("/playbooks/errors", response_model=list[PlaybookLoadError],
            summary="Playbook files left out, with the file, line and field at fault")
def playbook_errors(actor: UserDep) -> Any:
    return service.load_errors()


@router.get("/playbooks/{key}", summary="One playbook in full",
            responses={404: {"description": "No such playbook"}})
def get_playbook(key: PlaybookKey, actor: UserDep) -> Any:
    return service.detail(key)


@router.post("/playbooks/{key}/campaigns", response_model=CampaignMade, status_code=201,
             summary="New campaign from a playbook, with dated actions, tasks and alert rules",
             responses={404: {"description": "No such playbook"},
                        422: {"description": "Invalid input"}})
def create_campaign(key: PlaybookKey, data: CampaignFromPlaybook, session: SessionDep,
                    actor: UserDep) -> Any:
    made = service.create_campaign(session, actor, key=key, data=data)
    session.commit()
    return made


@router.post("/campaigns/{record_id}/anchors", response_model=AnchorsMoved,
             summary="Move a campaign's anchor dates; unfinished actions and tasks follow",
             responses={404: {"description": "No such campaign"}})
def move_anchors(record_id: RecordId, data: AnchorMove, session: SessionDep,
                 actor: UserDep) -> Any:
    moved = service.move_anchors(session, actor, campaign_id=record_id, data=data)
    session.commit()
    return moved
