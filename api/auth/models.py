"""Users, their sign-in sessions and API tokens, invitations, resets, sign-in attempts and the
visibility every sensitive record carries."""

from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from pydantic import EmailStr
from sqlmodel import Field, SQLModel

from api.auth.table_access import Access, Owned
from api.fields import (
    Name,
    ReadMeta,
    StrEnum,
    TableBase,
    enum_field,
    fk,
    update_schema,
    utc_field,
)


class Role(StrEnum):
    admin = "admin"
    lead = "lead"
    partner = "partner"
    viewer = "viewer"


class Visibility(StrEnum):
    """Who may read a record besides the organization that owns it."""

    private = "private"
    coalition = "coalition"
    leads = "leads"
    public = "public"


def visibility_field(default: Visibility = Visibility.private, *, index: bool = True) -> Any:
    """`index=False` when the table declares an index that starts with the column instead."""
    return enum_field(default, index=index)


class UserBase(SQLModel):
    email: EmailStr = Field(max_length=254, sa_column_kwargs={"unique": True})
    name: Name
    role: Role = enum_field(Role.viewer)
    organization_id: int | None = fk("organization.id")
    is_active: bool = True


class User(TableBase, UserBase, table=True):
    __tablename__ = "app_user"
    # None for the system account and for accounts whose owner has not set a password yet:
    # neither can sign in.
    password_hash: str | None = Field(default=None, max_length=255)
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled: bool = False
    # The last 30-second step a code was accepted for, so a code cannot be used twice.
    totp_last_step: int | None = None
    last_login_at: datetime | None = utc_field()
    # The language the pages and alerts speak to this person (api.i18n.locales.SUPPORTED);
    # None follows the browser.
    language: str | None = Field(default=None, max_length=8)


class UserCreate(UserBase):
    pass


UserUpdate = update_schema(UserCreate, "UserUpdate")


class UserRead(UserBase, ReadMeta):
    # Read back as stored: the system account's reserved .invalid address is no valid EmailStr.
    email: str
    totp_enabled: bool = False


class AuthSession(SQLModel, table=True):
    """A signed-in browser. Only the hash of its token is kept, so a copy of the database
    cannot be used to sign in."""

    __tablename__ = "auth_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    user_id: int = fk("app_user.id", required=True, ondelete="CASCADE")
    # The role and organization the session was issued for: a change rotates the token.
    role: str = Field(max_length=40)
    organization_id: int | None = None
    created_at: datetime = utc_field(nullable=False)
    last_seen_at: datetime = utc_field(nullable=False)
    expires_at: datetime = utc_field(nullable=False)
    user_agent: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=64)


class TokenScope(StrEnum):
    read = "read"
    write = "write"


class ApiToken(SQLModel, table=True):
    """A personal token for the JSON API, shown once and kept only as a hash."""
    # Its rows are one person's own.
    __access__: ClassVar[Access] = Access(personal=True)

    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("app_user.id", required=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    scope: TokenScope = enum_field(TokenScope.read)
    created_at: datetime = utc_field(nullable=False)
    expires_at: datetime | None = utc_field()
    last_used_at: datetime | None = utc_field()


class Invitation(SQLModel, table=True):
    """An emailed, single-use, expiring link to create an account in an organization."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    organization_id: int | None = fk("organization.id", ondelete="CASCADE")
    role: Role = enum_field(Role.partner)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    invited_by_id: int | None = fk("app_user.id")
    created_at: datetime = utc_field(nullable=False)
    expires_at: datetime = utc_field(nullable=False)
    accepted_at: datetime | None = utc_field()


class PasswordReset(SQLModel, table=True):
    """A single-use, expiring token that lets the owner of an address set a new password."""

    __tablename__ = "password_reset"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = fk("app_user.id", required=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime = utc_field(nullable=False)
    expires_at: datetime = utc_field(nullable=False)
    used_at: datetime | None = utc_field()


class LoginAttempt(SQLModel, table=True):
    """A failed sign-in, by account and by address (both hashed), for throttling."""

    __tablename__ = "login_attempt"
    __table_args__ = (sa.Index("ix_login_attempt_key_at", "key", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80)
    at: datetime = utc_field(nullable=False)


class InstanceSetting(SQLModel, table=True):
    """Instance-wide security choices an administrator makes; one row."""

    __tablename__ = "instance_setting"
    id: int | None = Field(default=None, primary_key=True)
    require_totp_for_leads: bool = False
    # Who a new organization's records are shared with unless it sets its own default; empty:
    # each kind's own (a meeting or a person private, an action the coalition's).
    default_visibility: Visibility | None = enum_field(None, nullable=True)


class AuditEntry(SQLModel, table=True):
    """One write: who, when, what record, and each changed field before and after. Rows are only
    ever added, except when an erasure removes what they held about the erased record."""
    __access__: ClassVar[Access] = Access(owned=Owned("organization_id"))

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_record", "record_kind", "record_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_field(nullable=False, index=True)
    actor_id: int | None = fk("app_user.id")
    actor_label: str = Field(default="", max_length=254)
    action: str = Field(max_length=20)
    record_kind: str = Field(max_length=60)
    record_id: int | None = None
    # The owner and visibility of the record when written, so reading the log is scoped
    # the same way as reading the record.
    organization_id: int | None = Field(default=None, index=True)
    visibility: Visibility = enum_field(Visibility.coalition)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class AuditRead(SQLModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    record_kind: str
    record_id: int | None
    organization_id: int | None
    visibility: Visibility
    changes: dict[str, Any]


class ApiTokenRead(SQLModel):
    id: int
    name: str
    prefix: str
    scope: TokenScope
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
