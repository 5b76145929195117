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
    campaign_id: int | None = fk("campaign.id", index=False)
    organization_id: int | None = fk("organization.id", index=False)
    location: ShortText = ""
    summary: LongText = ""
    asks: LongText = ""
    commitments: LongText = ""
    follow_ups: LongText = ""
    stances_observed: Annotated[list[StanceObserved], at_most(200)] = json_field()
    visibility: Visibility = visibility_field(index=False)


class Meeting(TableBase, MeetingBase, table=True):
    # By time, with what deciding who may read a meeting needs: the meetings of a stretch of
    # time (a calendar month) that a user may see are found in the index alone, where each
    # meeting in it was looked up in turn for someone who may read few of them.
    __table_args__ = (
        sa.Index("ix_meeting_held_at", "held_at", "visibility", "organization_id"),
        # "The latest meetings" in parts, one per way of being allowed to read them (a
        # visibility, an owner): each part a few steps back through one of these.
        sa.Index("ix_meeting_visibility", "visibility", "held_at"),
        sa.Index("ix_meeting_organization_id", "organization_id", "held_at"),
        # A campaign's meetings newest first, and who may read each, from the index alone:
        # its list and timeline skip every meeting the reader may not see without reading it.
        sa.Index("ix_meeting_campaign_id", "campaign_id", "held_at", "visibility",
                 "organization_id"),
    )


class MeetingTarget(SQLModel, table=True):
    __tablename__ = "meeting_target"
    meeting_id: int = fk("meeting.id", required=True, ondelete="CASCADE", primary_key=True)
    target_id: int = fk("target.id", required=True, ondelete="CASCADE", primary_key=True,
                        index=False)
    # A member's meetings from the index alone: "last met" looks up only the meetings.
    __table_args__ = (sa.Index("ix_meeting_target_target_id", "target_id", "meeting_id"),)


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
