"""Meetings partners hold with decision-makers, and what they heard there."""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, ClassVar

import sqlalchemy as sa
from pydantic import (
    BaseModel,
    ModelWrapValidatorHandler,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails
from sqlmodel import Field, SQLModel

from api import clock
from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Child, Owned
from api.concepts import Concept, FieldRole, ListColumn
from api.date_windows import HAPPENINGS
from api.fields import (
    FieldError,
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
from api.i18n.catalogs import N_
from api.targets.models import StanceLevel, Target


class StanceObserved(BaseModel):
    target_id: Id
    level: StanceLevel
    note: LongText = ""


class MeetingBase(SQLModel):
    held_at: datetime = utc_field(default=..., nullable=False)
    campaign_id: int | None = fk("campaign.id", index=False, title=N_("Campaign"))
    organization_id: int | None = fk("organization.id", index=False)
    location: ShortText = Field(default="", title=N_("Location"))
    summary: LongText = Field(default="", title=N_("Summary"))
    asks: LongText = ""
    commitments: LongText = ""
    follow_ups: LongText = ""
    stances_observed: Annotated[list[StanceObserved], at_most(200)] = json_field(
        refers_to=("target_id", "target"), title=N_("Stances observed"))
    visibility: Visibility = visibility_field(index=False)


class Meeting(TableBase, MeetingBase, table=True):
    __access__: ClassVar[Access] = Access(owned=Owned("organization_id"))
    # The key the form was sent with: a meeting sent again (a retry after a dropped
    # connection, a queue sent from a phone) is answered with the first one, not logged twice.
    idempotency_key: str | None = Field(default=None, max_length=64, unique=True, index=True)
    # The day it was held where it happened, and the zone that was reckoned in: set as it is
    # written (api.meetings.local_days), for the calendar to find a day's meetings by index.
    local_day: date | None = Field(default=None)
    local_zone: str | None = Field(default=None, max_length=64)
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
        # A day's meetings by time, and who may read each, from the index alone.
        sa.Index("ix_meeting_local_day", "local_day", "held_at", "visibility",
                 "organization_id"),
    )


class MeetingTarget(SQLModel, table=True):
    __access__: ClassVar[Access] = Access(child=Child(
        ((Meeting, "meeting_id"), (Target, "target_id")), read_parents=("target_id",)))
    __tablename__ = "meeting_target"
    meeting_id: int = fk("meeting.id", required=True, ondelete="CASCADE", primary_key=True)
    target_id: int = fk("target.id", required=True, ondelete="CASCADE", primary_key=True,
                        index=False)
    # A member's meetings from the index alone: "last met" looks up only the meetings.
    __table_args__ = (sa.Index("ix_meeting_target_target_id", "target_id", "meeting_id"),)


class MeetingAttendee(SQLModel, table=True):
    __access__: ClassVar[Access] = Access(child=Child(
        ((Meeting, "meeting_id"), ("person", "person_id")), read_parents=("person_id",)))
    __tablename__ = "meeting_attendee"
    meeting_id: int = fk("meeting.id", required=True, ondelete="CASCADE", primary_key=True)
    person_id: int = fk("person.id", required=True, ondelete="CASCADE", primary_key=True)


class MeetingNote(TableBase, table=True):
    """A meeting's notes for its organization only: a row of their own, always private to
    the meeting's organization, so no page, list, search, export or audit entry that may tell
    the meeting can tell them."""
    # Always private: written only by the meeting's organization (api.meetings.service).
    __access__: ClassVar[Access] = Access(owned=Owned("organization_id"))

    __tablename__ = "meeting_note"
    meeting_id: int = fk("meeting.id", required=True, ondelete="CASCADE",
                         sa_column_kwargs={"unique": True})
    organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field(index=False)
    text: LongText = ""


# A meeting is logged once it has happened. Here, without the campaign's zone, a day's slack
# covers every zone; the service holds the date to the campaign's own today.
AHEAD_SLACK = timedelta(days=1)
STILL_AHEAD = N_("A meeting is logged once it has happened: this date is still ahead. Plan "
                 "what is to come as an action or a task.")
STANCES_NEED_CAMPAIGN = N_("Recording stances needs the campaign the meeting was about.")
STILL_LATER = N_("A meeting is logged once it has happened: this time is still ahead today. "
                 "Plan what is to come as an action or a task.")


def held_at_in_range(value: datetime | None) -> datetime | None:
    if value is None:
        return value
    # A time without a zone is the campaign's local time; hours either way do not matter here.
    when = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if when > clock.now() + AHEAD_SLACK:
        raise ValueError(STILL_AHEAD)
    # A day long before the campaign's time is a slip of the thumb on a phone's date picker
    # (1926 for 2026), not a meeting: refused rather than kept where no list would show it.
    HAPPENINGS.check(when)
    return value


class MeetingCreate(MeetingBase):
    target_ids: IdList = []
    attendee_ids: IdList = []
    # Kept apart from the meeting (MeetingNote): never shared, whatever the meeting's sharing.
    private_notes: LongText = Field(default="", title=N_("Private notes"))

    _held_at_in_range = field_validator("held_at")(held_at_in_range)

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        """Stances with no campaign told beside the other fields' problems, not after they
        are fixed (the service says it alone when nothing else is wrong)."""
        try:
            return handler(data)
        except ValidationError as exc:
            found = exc.errors()
            if not (isinstance(data, dict) and data.get("stances_observed")
                    and data.get("campaign_id") is None
                    and not any(e["loc"][:1] == ("campaign_id",) for e in found)):
                raise
            details: list[InitErrorDetails] = []
            for e in found:
                detail: InitErrorDetails = {"type": e["type"], "loc": e["loc"],
                                            "input": e["input"]}
                if "ctx" in e:
                    detail["ctx"] = e["ctx"]
                details.append(detail)
            details.append({"type": "value_error", "loc": ("campaign_id",), "input": None,
                            "ctx": {"error": ValueError(STANCES_NEED_CAMPAIGN)}})
            raise ValidationError.from_exception_data(exc.title, details) from exc

    @model_validator(mode="after")
    def _says_something(self) -> "MeetingCreate":
        # A form saved by mistake (or sent empty from a phone's queue) would otherwise show as
        # a meeting with nobody, about nothing, in every list and count.
        if not (self.target_ids or self.attendee_ids or self.summary.strip()):
            raise FieldError("summary", N_("A meeting needs someone who was there or a summary: "
                             "tick who you met, or write what happened."))
        return self


# A base made at import time: mypy cannot follow a class built by a function.
class MeetingUpdate(update_schema(MeetingCreate, "MeetingChanges")):  # type: ignore[misc]
    """Every field optional; a date given is held to the same years as a new meeting's."""

    _held_at_in_range = field_validator("held_at")(held_at_in_range)


class MeetingRead(MeetingBase, ReadMeta):
    target_ids: list[int] = []
    attendee_ids: list[int] = []
    # Empty for everyone outside the meeting's organization.
    private_notes: str = ""


MEETINGS = Concept(
    table=Meeting, create=MeetingCreate, update=MeetingUpdate,
    read=MeetingRead, label="meeting", title="held_at",
    default_sort="-held_at", date_column="held_at",
    fields=(
        FieldRole("held_at", sort=True, column=ListColumn(N_("When"), "datetime-title"),
                  section=N_("Meeting")),
        FieldRole("campaign_id", filter=N_("Campaign"), column=True,
                  section=N_("Meeting")),
        FieldRole("organization_id", filter=N_("Partner"), column=N_("Partner"),
                  section=N_("Meeting")),
        FieldRole("location", search=True, column=N_("Where"), section=N_("Meeting")),
        FieldRole("target_ids", section=N_("Who")),
        FieldRole("attendee_ids", section=N_("Who")),
        FieldRole("summary", search=True, column=ListColumn(kind="excerpt"),
                  section=N_("What we heard")),
        FieldRole("asks", search=True, section=N_("What we heard")),
        FieldRole("commitments", search=True, section=N_("What we heard")),
        FieldRole("follow_ups", section=N_("What we heard")),
    ),
    orders={"columns": ("held_at", "summary"), "search": ("summary",)},
)
