"""Alert tables: rules, the outbox and its attempts, webhooks, follows, notifications, feeds."""

from datetime import datetime
from typing import Annotated, ClassVar

import sqlalchemy as sa
from pydantic import AfterValidator
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility
from api.auth.table_access import Access
from api.db import UTCDateTime
from api.fields import MAX_INT, StrEnum, TableBase, enum_field, fk, json_field, utc_field
from api.i18n import locales
from api.i18n.catalogs import N_
from api.settings import get_settings


def _plain_text(value: str | None) -> str | None:
    # Control characters and lone surrogates cannot be stored in PostgreSQL text.
    if value is not None and any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise ValueError(N_("must not contain control characters"))
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]


def _shared(value: Visibility) -> Visibility:
    if value == Visibility.private:
        raise ValueError(N_("a webhook is told of records shared with the leads, the "
                            "coalition or the public, never of one organization's own"))
    return value


# How widely a record must be shared for a webhook endpoint to be told of it.
EndpointReach = Annotated[Visibility, AfterValidator(_shared)]


def _spoken(value: str) -> str:
    if not locales.is_supported(value):
        raise ValueError(N_("must be one of the languages offered"))
    return value


# One of the languages Oversight speaks.
EndpointLanguage = Annotated[str, Field(max_length=8), AfterValidator(_spoken)]
DEFAULT_LANGUAGE = locales.DEFAULT


class SubjectKind(StrEnum):
    vote = "vote"
    notice_deadline = "notice_deadline"
    contract_end = "contract_end"
    records_request_due = "records_request_due"
    task_due = "task_due"
    undecided_escalation = "undecided_escalation"


class Direction(StrEnum):
    before = "before"
    after = "after"


class Channel(StrEnum):
    email = "email"
    webhook = "webhook"
    in_app = "in_app"


class RecipientGroup(StrEnum):
    campaign_leads = "campaign_leads"
    relationship_owner = "relationship_owner"
    assigned_organization = "assigned_organization"
    followers = "followers"


class OutboxStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    cancelled = "cancelled"
    skipped = "skipped"
    # Waiting while its subject is on hold (a postponed vote); pending again once it is not.
    paused = "paused"


class WebhookFlavor(StrEnum):
    generic = "generic"
    slack = "slack"
    discord = "discord"
    matrix = "matrix"


class FollowKind(StrEnum):
    campaign = "campaign"
    body = "body"
    target = "target"
    contract = "contract"
    records_request = "records_request"


class FeedKind(StrEnum):
    user = "user"
    campaign = "campaign"
    body = "body"


class EmailMode(StrEnum):
    immediate = "immediate"
    digest = "digest"
    off = "off"


# Outbox rows that are not produced by a rule.
DIGEST = "digest"
# Alerts of a saved search: one person's own, whoever reads the delivery log.
SAVED_SEARCH = "saved_search"
TEST = "test"


class AlertRule(TableBase, table=True):
    """When to alert whom about which kind of date: data an organizer can edit per campaign.
    A rule without a campaign applies to every subject, in a campaign or not."""

    __tablename__ = "alert_rule"
    campaign_id: int | None = fk("campaign.id", ondelete="CASCADE")
    name: str = Field(default="", max_length=200)
    subject: SubjectKind = enum_field()
    offsets: list[str] = json_field()
    direction: Direction = enum_field(Direction.before)
    repeat_every: str = Field(default="", max_length=10)
    recipients: list[str] = json_field()
    channels: list[str] = json_field()
    enabled: bool = True


class AlertDefaultsInstalled(SQLModel, table=True):
    """Marks a campaign whose default rules were installed, so deleting them is respected."""

    __tablename__ = "alert_defaults_installed"
    campaign_id: int = fk("campaign.id", required=True, ondelete="CASCADE", primary_key=True)
    installed_at: datetime = utc_field(nullable=False)


class AlertOutbox(TableBase, table=True):
    """One alert to one recipient on one channel. The row is the alert's whole state: the
    scheduler only wakes the dispatcher, which claims due rows with a lease."""
    # Its rows are one person's own.
    __access__: ClassVar[Access] = Access(personal=True)

    __tablename__ = "alert_outbox"
    __table_args__ = (sa.Index("ix_alert_outbox_status_next_attempt_at",
                               "status", "next_attempt_at"),
                      sa.Index("ix_alert_outbox_subject", "subject_kind", "subject_id"))
    # (rule, subject, occurrence, recipient, channel) in one column, kept when the rule is gone.
    dedupe_key: str = Field(max_length=300, sa_column_kwargs={"unique": True})
    # The same key without the occurrence: the reminders of one rule, subject, recipient and
    # channel. A later due reminder of a series makes an earlier unsent one moot.
    series: str = Field(default="", max_length=300, index=True)
    # The webhook-id / Message-ID: the same on every retry so receivers can drop repeats.
    message_id: str = Field(max_length=64)
    rule_id: int | None = fk("alert_rule.id")
    campaign_id: int | None = fk("campaign.id")
    subject_kind: str = Field(max_length=40)
    subject_id: int
    occurrence: str = Field(max_length=80)
    channel: Channel = enum_field()
    user_id: int | None = fk("app_user.id", ondelete="CASCADE")
    endpoint_id: int | None = fk("webhook_endpoint.id", ondelete="CASCADE")
    via_digest: bool = False
    title: str = Field(default="", max_length=300)
    place: str = Field(default="", max_length=300)
    link: str = Field(default="", max_length=300)
    zone: str = Field(default="UTC", max_length=64)
    event_at: datetime | None = utc_field()
    all_day: bool = False
    due_at: datetime = utc_field(nullable=False)
    next_attempt_at: datetime = utc_field(nullable=False)
    status: OutboxStatus = enum_field(OutboxStatus.pending)
    attempts: int = 0
    lease_until: datetime | None = utc_field()
    claimed_by: str = Field(default="", max_length=100)
    # Counts the claims of this row: a dispatcher renews, records or releases the row only
    # while its claim is the latest, so one whose lease ran out and was taken over is fenced.
    claim_token: int = 0
    sent_at: datetime | None = utc_field()
    late: bool = False
    last_error: str = Field(default="", max_length=2000)
    note: str = Field(default="", max_length=300)
    digest_id: int | None = fk("alert_outbox.id")


class AlertAttempt(TableBase, table=True):
    """One try at sending an outbox row, kept for the delivery log."""
    # Its rows are one person's own.
    __access__: ClassVar[Access] = Access(personal=True)

    __tablename__ = "alert_attempt"
    outbox_id: int = fk("alert_outbox.id", required=True, ondelete="CASCADE")
    started_at: datetime = utc_field(nullable=False)
    finished_at: datetime = utc_field(nullable=False)
    ok: bool = False
    status_code: int | None = None
    error: str = Field(default="", max_length=2000)
    worker: str = Field(default="", max_length=100)


class WebhookEndpoint(TableBase, table=True):
    """A URL that receives alerts: Slack, Discord, Matrix or a generic Standard Webhooks body."""

    __tablename__ = "webhook_endpoint"
    name: str = Field(max_length=200)
    url: str = Field(max_length=2000)
    flavor: WebhookFlavor = enum_field(WebhookFlavor.generic)
    # whsec_ + base64 key, as Standard Webhooks spells it.
    secret: str = Field(max_length=100)
    campaign_id: int | None = fk("campaign.id", ondelete="CASCADE")
    # A channel many people read: it is told only of records shared at least this widely.
    reads: Visibility = enum_field(Visibility.coalition)
    # The language its messages are written in (api.i18n.locales.SUPPORTED); the JSON keys
    # of a generic body stay English.
    language: str = Field(default=DEFAULT_LANGUAGE, max_length=8)
    enabled: bool = True
    disabled_reason: str = Field(default="", max_length=300)
    created_by_id: int | None = fk("app_user.id")


class Follow(TableBase, table=True):
    """A user following a campaign, body, target, contract or records request."""
    # Its rows are one person's own.
    __access__: ClassVar[Access] = Access(personal=True)

    __tablename__ = "follow"
    __table_args__ = (sa.UniqueConstraint("user_id", "subject_kind", "subject_id"),)
    user_id: int = fk("app_user.id", required=True, ondelete="CASCADE")
    subject_kind: FollowKind = enum_field()
    subject_id: int


class Notification(TableBase, table=True):
    """An in-app alert in a user's list; one per outbox row at most."""
    # Its rows are one person's own.
    __access__: ClassVar[Access] = Access(personal=True)

    __tablename__ = "notification"
    user_id: int = fk("app_user.id", required=True, ondelete="CASCADE")
    outbox_id: int | None = Field(default=None, foreign_key="alert_outbox.id", ondelete="SET NULL",
                                  sa_column_kwargs={"unique": True})
    title: str = Field(max_length=300)
    body: str = Field(default="", max_length=2000)
    link: str = Field(default="", max_length=300)
    read_at: datetime | None = utc_field()


class FeedToken(TableBase, table=True):
    """The secret in a calendar feed's address, kept only as a hash: the address is shown once,
    when it is made, and a copy of the database opens no feed. Regenerating it retires the old
    address."""
    # Its rows are one person's own.
    __access__: ClassVar[Access] = Access(personal=True)

    __tablename__ = "feed_token"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", "scope_id"),)
    user_id: int = fk("app_user.id", required=True, ondelete="CASCADE")
    kind: FeedKind = enum_field()
    # The campaign or body id; 0 for a user's own feed.
    scope_id: int = 0
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})


class AlertPreference(TableBase, table=True):
    """How one user wants alerts: email now, in a daily digest, or not at all; in-app or not."""
    # Its rows are one person's own.
    __access__: ClassVar[Access] = Access(personal=True)

    __tablename__ = "alert_preference"
    user_id: int = fk("app_user.id", required=True, ondelete="CASCADE",
                      sa_column_kwargs={"unique": True})
    email_mode: EmailMode = enum_field(EmailMode.immediate)
    in_app: bool = True
    digest_hour: int = 7
    # The coalition's clock until the person picks their own.
    timezone: str = Field(default_factory=lambda: get_settings().timezone, max_length=64)


class AlertSettings(TableBase, table=True):
    """The administrator's SMTP settings override and webhook address policy; one row."""

    __tablename__ = "alert_setting"
    smtp_host: str = Field(default="", max_length=200)
    smtp_port: int | None = None
    smtp_username: str = Field(default="", max_length=200)
    smtp_password: str = Field(default="", max_length=200)
    smtp_starttls: bool | None = None
    smtp_from: str = Field(default="", max_length=254)
    allow_private_webhooks: bool = False


class AlertReplan(SQLModel, table=True):
    """Something whose alerts must be planned again: a subject, or a body, target, meeting,
    campaign or user standing for the subjects it touches, or everything. Database triggers
    write these in the transaction of every change that can alter alerts, whoever makes it;
    the planner takes them on its next tick."""

    __tablename__ = "alert_replan"
    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=40)
    scope_id: int = 0


class SchedulerLease(SQLModel, table=True):
    """Which interval slot of a scheduled job was last run, so that with several processes
    ticking only one runs the job per interval."""

    __tablename__ = "scheduler_lease"
    name: str = Field(primary_key=True, max_length=100)
    slot: int = Field(default=-1, sa_type=sa.BigInteger)
    holder: str = Field(default="", max_length=100)
    ticked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ticks: int = Field(default=0, sa_type=sa.BigInteger)


# ---- API schemas -------------------------------------------------------------------------

class RuleRead(SQLModel):
    id: int
    campaign_id: int | None
    name: str
    subject: SubjectKind
    offsets: list[str]
    direction: Direction
    repeat_every: str | None
    recipients: list[str]
    channels: list[Channel]
    enabled: bool
    created_at: datetime
    updated_at: datetime


class OutboxRead(SQLModel):
    id: int
    rule_id: int | None
    campaign_id: int | None
    subject_kind: str
    subject_id: int
    occurrence: str
    channel: Channel
    user_id: int | None
    endpoint_id: int | None
    via_digest: bool
    title: str
    link: str
    event_at: datetime | None
    all_day: bool
    zone: str
    due_at: datetime
    next_attempt_at: datetime
    status: OutboxStatus
    attempts: int
    sent_at: datetime | None
    late: bool
    last_error: str
    note: str
    message_id: str


class AttemptRead(SQLModel):
    id: int
    started_at: datetime
    finished_at: datetime
    ok: bool
    status_code: int | None
    error: str
    worker: str


class OutboxDetail(OutboxRead):
    attempts_log: list[AttemptRead] = []


class EndpointCreate(SQLModel):
    name: PlainText = Field(min_length=1, max_length=200)
    url: PlainText = Field(min_length=1, max_length=2000)
    flavor: WebhookFlavor = WebhookFlavor.generic
    campaign_id: int | None = Field(default=None, ge=1, le=MAX_INT)
    reads: EndpointReach = Visibility.coalition
    language: EndpointLanguage = DEFAULT_LANGUAGE
    enabled: bool = True


class EndpointUpdate(SQLModel):
    name: PlainText | None = Field(default=None, min_length=1, max_length=200)
    url: PlainText | None = Field(default=None, min_length=1, max_length=2000)
    flavor: WebhookFlavor | None = None
    campaign_id: int | None = Field(default=None, ge=1, le=MAX_INT)
    reads: EndpointReach | None = None
    language: EndpointLanguage | None = None
    enabled: bool | None = None


class EndpointRead(SQLModel):
    id: int
    name: str
    url: str
    flavor: WebhookFlavor
    campaign_id: int | None
    reads: Visibility
    language: str
    enabled: bool
    disabled_reason: str
    created_at: datetime


class EndpointCreated(EndpointRead):
    # Shown once on creation (and on request), so the receiver can verify signatures.
    secret: str


class TestResult(SQLModel):
    ok: bool
    status_code: int | None = None
    error: str = ""
    alert_id: int | None = None


class ChannelSettingsRead(SQLModel):
    smtp_host: str
    smtp_port: int
    smtp_username: str
    smtp_password_set: bool
    smtp_starttls: bool
    smtp_from: str
    smtp_overridden: bool
    allow_private_webhooks: bool


class ChannelSettingsUpdate(SQLModel):
    smtp_host: PlainText | None = Field(default=None, max_length=200)
    smtp_port: int | None = Field(default=None, ge=1, le=65535)
    smtp_username: PlainText | None = Field(default=None, max_length=200)
    # Left out (or empty) keeps the stored password; clear_smtp_password removes it.
    smtp_password: PlainText | None = Field(default=None, max_length=200)
    clear_smtp_password: bool = False
    smtp_starttls: bool | None = None
    smtp_from: PlainText | None = Field(default=None, max_length=254)
    allow_private_webhooks: bool | None = None


class FollowCreate(SQLModel):
    subject_kind: FollowKind
    subject_id: int = Field(ge=1, le=MAX_INT)


class FollowRead(SQLModel):
    id: int
    subject_kind: FollowKind
    subject_id: int
    label: str
    created_at: datetime


class NotificationRead(SQLModel):
    id: int
    title: str
    body: str
    link: str
    read_at: datetime | None
    created_at: datetime
    outbox_id: int | None


class PreferenceRead(SQLModel):
    email_mode: EmailMode
    in_app: bool
    digest_hour: int
    timezone: str


class PreferenceUpdate(SQLModel):
    email_mode: EmailMode | None = None
    in_app: bool | None = None
    digest_hour: int | None = Field(default=None, ge=0, le=23)
    timezone: PlainText | None = Field(default=None, max_length=64)


class FeedCreate(SQLModel):
    kind: FeedKind
    scope_id: int = Field(default=0, ge=0, le=MAX_INT)


class FeedRead(SQLModel):
    id: int
    kind: FeedKind
    scope_id: int
    label: str
    created_at: datetime
    updated_at: datetime = Field(description="When its current address was made")


class FeedMade(FeedRead):
    """A feed as it is made: the only time its address is given, since only its hash is kept."""

    path: str = Field(description="The feed's secret address; shown this once")
