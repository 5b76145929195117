"""Supporters of a campaign: residents who asked, on its public page, to be reminded before
its votes. Only the address, an optional ZIP code, the language and when each step happened
are kept; a supporter is never a user and reads nothing but the public page."""

from datetime import datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.auth.table_access import Access
from api.fields import StrEnum, TableBase, enum_field, fk, utc_field


class SupporterState(StrEnum):
    pending = "pending"
    confirmed = "confirmed"


class ReminderStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class Supporter(TableBase, table=True):
    """One address signed up for one campaign. Pending until the emailed link is followed;
    a pending one not confirmed in time is deleted."""

    # Not audited: an audit entry would keep a copy of the address after it is deleted.
    __access__: ClassVar[Access] = Access(leads_write_only=True, audited=False)
    __tablename__ = "supporter"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "email"),)
    campaign_id: int = fk("campaign.id", required=True, ondelete="CASCADE")
    email: str = Field(max_length=254, index=True)
    zip_code: str = Field(default="", max_length=10)
    language: str = Field(default="en", max_length=8)
    state: SupporterState = enum_field(SupporterState.pending)
    confirmed_at: datetime | None = utc_field()
    # When the last confirmation email went out: a repeated sign-up mails again only later.
    mailed_at: datetime | None = utc_field()
    # A confirmation the mail server did not take is tried again, a few times, later and later;
    # the last refusal is kept for the leads.
    mail_attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    mail_retry_at: datetime | None = utc_field()
    mail_error: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})


class SupporterReminder(SQLModel, table=True):
    """A reminder owed to one supporter before one vote's date: one row per (supporter, vote,
    date), so it is never sent twice, and a vote that moves is owed a new one."""

    __access__: ClassVar[Access] = Access(leads_write_only=True, audited=False)
    __tablename__ = "supporter_reminder"
    __table_args__ = (sa.UniqueConstraint("supporter_id", "vote_id", "occurrence"),
                      sa.Index("ix_supporter_reminder_status_due_at", "status", "due_at"))
    id: int | None = Field(default=None, primary_key=True)
    supporter_id: int = fk("supporter.id", required=True, ondelete="CASCADE")
    vote_id: int = fk("vote.id", required=True, ondelete="CASCADE")
    occurrence: str = Field(max_length=40)
    due_at: datetime = utc_field(nullable=False)
    status: ReminderStatus = enum_field(ReminderStatus.pending)
    attempts: int = 0
    lease_until: datetime | None = utc_field()
    # When it was handed to the mail server: set before it is, so a worker that stops
    # meanwhile leaves the mark that keeps it from being sent twice.
    sent_at: datetime | None = utc_field()
    last_error: str = Field(default="", max_length=500)


class SupporterAttempt(SQLModel, table=True):
    """One sign-up asked for, kept a day for the rate limits: by whom only as a keyed hash
    of the client's address or of the email address, never the address itself."""

    __access__: ClassVar[Access] = Access(leads_write_only=True, audited=False)
    __tablename__ = "supporter_attempt"
    __table_args__ = (sa.Index("ix_supporter_attempt_key_at", "key", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)
    at: datetime = utc_field(nullable=False)
