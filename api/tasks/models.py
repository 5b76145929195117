"""Tasks: follow-ups with an assignee and a due date."""

from datetime import date, datetime
from typing import ClassVar

import sqlalchemy as sa
from pydantic import field_validator
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Owned
from api.concepts import Concept, FieldRole, ListColumn
from api.date_windows import HAPPENINGS
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
from api.i18n.catalogs import N_


class TaskStatus(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class TaskBase(SQLModel):
    title: Name = Field(title=N_("Title"))
    campaign_id: int | None = fk("campaign.id", title=N_("Campaign"))
    action_id: int | None = fk("action.id", ondelete="CASCADE")
    meeting_id: int | None = fk("meeting.id", ondelete="CASCADE")
    assignee_user_id: int | None = fk("app_user.id")
    assignee_organization_id: int | None = fk("organization.id")
    due_on: date | None = Field(default=None, title=N_("Due on"))
    status: TaskStatus = enum_field(TaskStatus.open, title=N_("Status"))
    notes: LongText = Field(default="", title=N_("Notes"))
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
                               "assignee_user_id", "campaign_id"),
                      # A campaign's latest tasks, for its timeline: PostgreSQL otherwise walks
                      # every task backwards by id to find a campaign's thirty.
                      sa.Index("ix_task_campaign_recent", "campaign_id", "id"))
    completed_at: datetime | None = utc_field()


def _in_task_years(value: date | None) -> date | None:
    # A task is something that happens in a campaign's time: a due year outside it is a slip
    # on a date picker (1800 for 2026), and its reminder would never come.
    HAPPENINGS.check(value)
    return value


class TaskCreate(TaskBase):
    _in_years = field_validator("due_on")(_in_task_years)


# A base made at import time: mypy cannot follow a class built by a function.
class TaskUpdate(update_schema(TaskCreate, "TaskChanges")):  # type: ignore[misc]
    _in_years = field_validator("due_on")(_in_task_years)


class TaskRead(TaskBase, PlaybookAnchor, ReadMeta):
    completed_at: datetime | None = None


TASKS = Concept(
    table=Task, create=TaskCreate, update=TaskUpdate,
    read=TaskRead, label="task", title="title",
    default_sort="due_on", date_column="due_on",
    fields=(
        FieldRole("title", search=True, sort=True, column=ListColumn(N_("Task"), "title"),
                  section=N_("Task")),
        FieldRole("status", sort=True, filter=N_("Status"), column=True,
                  section=N_("Task")),
        FieldRole("due_on", sort=True, column=ListColumn(N_("Due"), "deadline"),
                  section=N_("Task")),
        FieldRole("campaign_id", filter=N_("Campaign"), column=True, section=N_("Task")),
        FieldRole("assignee_user_id", filter=True, column=N_("Person"), section=N_("Task")),
        FieldRole("assignee_organization_id", filter=N_("Organization"), column=N_("Organization"),
                  section=N_("Task")),
        FieldRole("action_id", filter=True, section=N_("Task")),
        FieldRole("meeting_id", filter=True, section=N_("Task")),
        FieldRole("notes", search=True, section=N_("Task")),
    ),
    orders={
        "columns": ("title", "status", "due_on", "campaign_id", "assignee_organization_id"),
        "sort": ("due_on",),
    },
)
