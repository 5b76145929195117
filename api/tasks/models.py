"""Tasks: follow-ups with an assignee and a due date."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.fields import (
    LongText,
    Name,
    PlaybookAnchor,
    ReadMeta,
    StrEnum,
    TableBase,
    enum_field,
    fk,
    update_schema,
    utc_field,
)


class TaskStatus(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class TaskBase(SQLModel):
    title: Name
    campaign_id: int | None = fk("campaign.id")
    action_id: int | None = fk("action.id", ondelete="CASCADE")
    meeting_id: int | None = fk("meeting.id", ondelete="CASCADE")
    assignee_user_id: int | None = fk("app_user.id")
    assignee_organization_id: int | None = fk("organization.id")
    due_on: date | None = Field(default=None, index=True)
    status: TaskStatus = enum_field(TaskStatus.open)
    notes: LongText = ""
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field()


class Task(TableBase, TaskBase, PlaybookAnchor, table=True):
    completed_at: datetime | None = utc_field()


class TaskCreate(TaskBase):
    pass


TaskUpdate = update_schema(TaskCreate, "TaskUpdate")


class TaskRead(TaskBase, PlaybookAnchor, ReadMeta):
    completed_at: datetime | None = None
