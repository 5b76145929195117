"""What the playbook endpoints take (a campaign made from a playbook, moved anchor dates) and
what they answer."""

from datetime import date

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from api.actions.models import ActionRead
from api.campaigns.models import CampaignRead, CampaignStatus
from api.fields import Id, IdList, Name
from api.playbooks.schema import OwnerRole, Playbook
from api.tasks.models import TaskRead


class CampaignFromPlaybook(SQLModel):
    jurisdiction_id: Id
    name: Name | None = Field(default=None,
                              description="Defaults to the jurisdiction and the playbook title")
    campaign_start: date | None = Field(default=None,
                                        description="Defaults to today in the jurisdiction")
    vote_date: date | None = Field(default=None, description="Defaults to the vote's date")
    notice_deadline: date | None = Field(
        default=None, description="Defaults to the contract's termination-notice deadline")
    vote_id: Id | None = None
    # The body that votes: with a vote date and no vote, the campaign's vote is made on it, so
    # its alerts and counts follow from the start.
    body_id: Id | None = None
    contract_id: Id | None = None
    lead_organization_ids: IdList = []
    role_assignments: dict[OwnerRole, Id] = Field(
        default_factory=dict,
        description="Which organization owns each role; unassigned roles go to the first lead")
    status: CampaignStatus = CampaignStatus.active
    confirm_past: bool = Field(
        default=False,
        description="A vote date or notice deadline that has passed is taken only with this: "
                    "the vote is then saved as already held, and the steps whose dates have "
                    "passed are named late and get no reminders")


class AnchorMove(SQLModel):
    """New anchor dates; a field left out stays as it is."""

    campaign_start: date | None = None
    vote_date: date | None = None
    notice_deadline: date | None = None


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


class PlaybookDetail(Playbook):
    """One playbook in full, with what its summary counts and where it was read from."""

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
