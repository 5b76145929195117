"""Actions: the public and private moves of a campaign, owned by a partner organization."""

from datetime import date
from typing import ClassVar

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Owned
from api.concepts import Concept, FieldRole, ListColumn
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
)
from api.i18n.catalogs import N_


class ActionKind(StrEnum):
    public_comment = "public_comment"
    call_in_day = "call_in_day"
    rally = "rally"
    letter = "letter"
    op_ed = "op_ed"
    press_release = "press_release"
    testimony = "testimony"
    petition = "petition"
    teach_in = "teach_in"
    meeting_request = "meeting_request"
    records_request = "records_request"
    social_media = "social_media"
    other = "other"


class ActionStatus(StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


class ActionBase(SQLModel):
    title: Name = Field(title=N_("Title"))
    kind: ActionKind = enum_field(ActionKind.other, title=N_("Kind"))
    campaign_id: int | None = fk("campaign.id", index=False, title=N_("Campaign"))
    owner_organization_id: int | None = fk("organization.id", title=N_("Owner organization"))
    vote_id: int | None = fk("vote.id", title=N_("Vote"))
    scheduled_on: date | None = Field(default=None, title=N_("Scheduled on"))
    status: ActionStatus = enum_field(ActionStatus.planned, title=N_("Status"))
    description: LongText = Field(default="", title=N_("Description"))
    outcome: LongText = Field(default="", title=N_("Outcome"))
    visibility: Visibility = visibility_field(Visibility.coalition)


class Action(TableBase, ActionBase, PlaybookAnchor, table=True):
    __access__: ClassVar[Access] = Access(owned=Owned("owner_organization_id"))
    # By date, then title, with what deciding who may read an action and the campaign: the
    # calendar counts a day's actions and reads its first few in order from the index alone.
    # And a campaign's actions by date: its board and timeline read the first few in order.
    # And the votes a campaign's actions are anchored to, with who may read each link: a
    # campaign's upcoming votes and bodies read them from the index alone, where they read
    # every action of the campaign.
    __table_args__ = (sa.Index("ix_action_scheduled_on", "scheduled_on", "title", "id", "status",
                               "visibility", "owner_organization_id", "campaign_id"),
                      sa.Index("ix_action_campaign_id", "campaign_id", "scheduled_on"),
                      sa.Index("ix_action_campaign_anchor", "campaign_id", "anchor_kind",
                               "vote_id", "visibility", "owner_organization_id"))
    phase: str | None = Field(default=None, max_length=40)


class ActionCreate(ActionBase):
    pass


ActionUpdate = update_schema(ActionCreate, "ActionUpdate")


class ActionRead(ActionBase, PlaybookAnchor, ReadMeta):
    phase: str | None = None


ACTIONS = Concept(
    table=Action, create=ActionCreate, update=ActionUpdate,
    read=ActionRead, label="action", title="title",
    default_sort="scheduled_on", date_column="scheduled_on",
    fields=(
        FieldRole("title", search=True, sort=True, column=ListColumn(N_("Action"), "title"),
                  section=N_("Action")),
        FieldRole("kind", sort=True, filter=N_("Kind"), column=True, section=N_("Action")),
        FieldRole("campaign_id", filter=N_("Campaign"), column=True,
                  section=N_("Action")),
        FieldRole("owner_organization_id", filter=N_("Owner"), column=N_("Owner"),
                  section=N_("Action")),
        FieldRole("vote_id", filter=True, section=N_("Action")),
        FieldRole("scheduled_on", sort=True, column=N_("On"), section=N_("Action")),
        FieldRole("status", sort=True, filter=N_("Status"), column=True,
                  section=N_("Action")),
        FieldRole("description", search=True, section=N_("Plan and outcome")),
        FieldRole("outcome", section=N_("Plan and outcome")),
    ),
    orders={
        "columns": ("title", "kind", "scheduled_on", "status"),
        "filters": ("campaign_id", "owner_organization_id"),
        "sort": ("scheduled_on", "title", "status"),
    },
)
