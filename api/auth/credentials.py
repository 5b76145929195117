"""What the identity check reads for each request's credential: the browser session or API
token, its user, the data version and the instance's two-factor rule, in one statement built once.

Every signed-in request pays for this read, a page given again from api.page_cache included,
so it skips the ORM: through a Session, building and running the same statement cost about five
times as much as the query itself. The user comes back as a detached User, as one loaded by a
Session and then closed would be."""

from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cache
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached

from api import clock, data_version
from api.auth import tokens
from api.auth.models import ApiToken, AuthSession, InstanceSetting, Role, TokenScope, User
from api.db import one_statement_engine, table_of


@dataclass(frozen=True)
class SessionSeen:
    """The parts of an auth_session row the identity check decides with."""

    id: int
    role: str
    organization_id: int | None
    last_seen_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class TokenSeen:
    """The parts of an api_token row the identity check decides with."""

    id: int
    scope: TokenScope
    last_used_at: datetime | None
    expires_at: datetime | None


C = TypeVar("C", SessionSeen, TokenSeen)


@dataclass(frozen=True)
class Found(Generic[C]):
    credential: C
    user: User
    # The data version, read before the page reads anything (see api.page_cache).
    version: int
    leads_must_use_two_factor: bool

    @property
    def must_set_up_two_factor(self) -> bool:
        """A lead who has not set up two-factor sign-in where the instance requires it."""
        return (self.user.role == Role.lead and self.leads_must_use_two_factor
                and not self.user.totp_enabled)


_USER_COLUMNS = tuple(table_of(User).columns)


@cache
def _statement(of_sessions: bool) -> sa.Select[Any]:
    """The read of a browser session (of_sessions) or an API token, with its user."""
    kind: type[SessionSeen | TokenSeen] = SessionSeen if of_sessions else TokenSeen
    model: Any = AuthSession if of_sessions else ApiToken
    leads_must = (sa.select(InstanceSetting.require_totp_for_leads)
                  .order_by(InstanceSetting.id).limit(1).scalar_subquery())
    # Built once: SQLAlchemy memoizes a statement's cache key, so running the same object
    # again skips building and compiling it.
    return (sa.select(*(getattr(model, item.name) for item in fields(kind)), *_USER_COLUMNS,
                      data_version.column(), leads_must)
            .join(User, User.id == model.user_id)
            .where(model.token_hash == sa.bindparam("digest")))


# Users kept at most: more signed-in users than this at once empty the store and start again.
MAX_USERS = 1000


@dataclass
class _Users:
    """One User per row as read, for one data version at a time: building one costs more
    than the statement that reads it. Requests share it, so it is only read; a route that
    changes a user changes its own copy (api.deps.current_user). As in api.page_cache, a newer
    version empties the store, so an erased account leaves memory at the next request."""

    version: int = -1
    by_row: dict[tuple[Any, ...], User] = field(default_factory=dict)

    def get(self, values: tuple[Any, ...], version: int) -> User:
        if version != self.version or len(self.by_row) >= MAX_USERS:
            self.by_row = {}
            self.version = version
        user = self.by_row.get(values)
        if user is None:
            user = User(**{column.name: value for column, value
                           in zip(_USER_COLUMNS, values, strict=True)})
            make_transient_to_detached(user)
            self.by_row[values] = user
        return user


kept_users = _Users()


def _read(kind: type[C], raw: str) -> Found[C] | None:
    with one_statement_engine().connect() as connection:
        row = connection.execute(_statement(kind is SessionSeen),
                                 {"digest": tokens.digest(raw)}).first()
    if row is None:
        return None
    values = tuple(row)
    count = len(fields(kind))
    version, leads_must = int(values[-2]), values[-1]
    return Found(credential=kind(*values[:count]), user=kept_users.get(values[count:-2], version),
                 version=version, leads_must_use_two_factor=bool(leads_must))


def session_seen(raw: str) -> Found[SessionSeen] | None:
    """The browser session whose token is `raw`, ended or not (the caller decides)."""
    return _read(SessionSeen, raw)


def token_seen(raw: str) -> Found[TokenSeen] | None:
    """The API token `raw`, if it is known, unexpired and its user active."""
    found = _read(TokenSeen, raw)
    if found is None or not found.user.is_active:
        return None
    expires_at = found.credential.expires_at
    if expires_at is not None and expires_at <= clock.now():
        return None
    return found
