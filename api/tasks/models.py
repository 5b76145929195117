"""Tasks: follow-ups with an assignee and a due date."""

from datetime import date, datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlmodel import SQLModel

from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Owned
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
    due_on: date | None = None
    status: TaskStatus = enum_field(TaskStatus.open)
    notes: LongText = ""
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field()


class Task(TableBase, TaskBase, PlaybookAnchor, table=True):
    __access__: ClassVar[Access] = Access(owned=Owned(
        "owner_organization_id", reader_organizations=("assignee_organization_id",),
        reader_users=("assignee_user_id",)))
    # By due date, then title, with what deciding who may read a task and the campaign: the
    # calendar counts a day's open tasks and reads its first few in order from the index alone.
    __table_args__ = (sa.Index("ix_task_due_on", "due_on", "title", "id", "status", "visibility",
                               "owner_organization_id", "assignee_organization_id",
                               "assignee_user_id", "campaign_id"),)
    completed_at: datetime | None = utc_field()


class TaskCreate(TaskBase):
    pass


TaskUpdate = update_schema(TaskCreate, "TaskUpdate")


class TaskRead(TaskBase, PlaybookAnchor, ReadMeta):
    completed_at: datetime | None = None
