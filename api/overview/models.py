"""What the overview answers: the rows of the dashboard's lists, each with what its page shows
and what decides who may act on it."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from api.auth.models import Visibility
from api.records_requests.deadlines import Countdown
from api.records_requests.models import RequestStatus
from api.votes.models import OurPosition, VoteKind, VoteOutcome, VoteStatus


class OpenTask(BaseModel):
    """An open task given to the reader or their organization. Its owner, visibility and
    assignees are what decides whether the reader may close it, so no task is loaded for it."""

    id: int
    title: str
    due_on: date | None
    campaign_id: int | None
    meeting_id: int | None
    campaign_name: str | None
    # The organization the task is given to.
    org_name: str | None
    owner_organization_id: int | None
    visibility: Visibility
    assignee_organization_id: int | None
    assignee_user_id: int | None
    # The campaign's place's timezone, which its due day is reckoned in.
    timezone: str | None


class LatestMeeting(BaseModel):
    id: int
    held_at: datetime
    summary: str
    location: str
    # The organization that met.
    org_name: str | None
    campaign_name: str | None
    timezone: str | None
    # The names of the targets met, in order.
    targets: list[str] = []


class UpcomingVote(BaseModel):
    """A scheduled or postponed vote, with its body, campaign and the timezone it happens in."""

    id: int
    title: str
    scheduled_at: datetime
    # The day is known, the hour not: shown as "time not announced".
    time_not_announced: bool = False
    consent_calendar: bool
    kind: VoteKind
    status: VoteStatus
    agenda_item_number: str
    body_id: int
    campaign_id: int | None
    our_position: OurPosition
    body_name: str
    campaign_name: str | None
    timezone: str
    # Not held yet, so its count has no result to tell.
    outcome: VoteOutcome = VoteOutcome.pending


class RecordDue(BaseModel):
    """An open records request whose answer is overdue or due soon, and where it stands today
    on its agency's clock."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: int
    subject: str
    due_on: date
    status: RequestStatus
    agency_id: int
    due_on_override: date | None
    state_code: str
    # Empty to a reader who may not read the agency.
    agency_name: str | None
    timezone: str | None
    deadline: Countdown
