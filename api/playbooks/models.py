"""What the playbook endpoints take: a campaign made from a playbook, and moved anchor dates."""

from datetime import date

from sqlmodel import Field, SQLModel

from api.campaigns.models import CampaignStatus
from api.fields import Id, IdList, Name
from api.playbooks.schema import OwnerRole


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


class AnchorMove(SQLModel):
    """New anchor dates; a field left out stays as it is."""

    campaign_start: date | None = None
    vote_date: date | None = None
    notice_deadline: date | None = None
