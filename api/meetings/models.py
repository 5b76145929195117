"""Meetings partners hold with decision-makers, and what they heard there."""

from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import SQLModel

from api.auth.models import Visibility, visibility_field
from api.fields import (
    Id,
    IdList,
    LongText,
    ReadMeta,
    ShortText,
    TableBase,
    at_most,
    fk,
    json_field,
    update_schema,
    utc_field,
)
from api.targets.models import StanceLevel


class StanceObserved(BaseModel):
    target_id: Id
    level: StanceLevel
    note: LongText = ""


class MeetingBase(SQLModel):
    held_at: datetime = utc_field(default=..., nullable=False)
    campaign_id: int | None = fk("campaign.id")
    organization_id: int | None = fk("organization.id")
    location: ShortText = ""
    summary: LongText = ""
    asks: LongText = ""
    commitments: LongText = ""
    follow_ups: LongText = ""
    stances_observed: Annotated[list[StanceObserved], at_most(200)] = json_field()
    visibility: Visibility = visibility_field()


class Meeting(TableBase, MeetingBase, table=True):
    # By time, with what deciding who may read a meeting needs: "the latest meetings I may see"
    # reads only the index, where it looked up every meeting in turn for someone who may read
    # few of them.
    __table_args__ = (sa.Index("ix_meeting_held_at", "held_at", "visibility", "organization_id"),)


class MeetingTarget(SQLModel, table=True):
    __tablename__ = "meeting_target"
    meeting_id: int = fk("meeting.id", required=True, ondelete="CASCADE", primary_key=True)
    target_id: int = fk("target.id", required=True, ondelete="CASCADE", primary_key=True)


class MeetingAttendee(SQLModel, table=True):
    __tablename__ = "meeting_attendee"
    meeting_id: int = fk("meeting.id", required=True, ondelete="CASCADE", primary_key=True)
    person_id: int = fk("person.id", required=True, ondelete="CASCADE", primary_key=True)


class MeetingCreate(MeetingBase):
    target_ids: IdList = []
    attendee_ids: IdList = []


MeetingUpdate = update_schema(MeetingCreate, "MeetingUpdate")


class MeetingRead(MeetingBase, ReadMeta):
    target_ids: list[int] = []
    attendee_ids: list[int] = []
