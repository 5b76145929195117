"""Server-side sign-in sessions: started at sign-in, found by the hash of the browser's token,
ended by sign-out, by timeouts, or when the account is disabled."""

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.auth import tokens
from api.auth.credentials import SessionSeen
from api.auth.models import ApiToken, AuthSession, User
from api.db import rows_changed
from api.fields import stored_id

IDLE_TIMEOUT = timedelta(minutes=60)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# last_seen_at is written at most this often, so reading pages does not mean writing rows.
TOUCH_EVERY = timedelta(minutes=1)


def start(session: Session, user: User, *, user_agent: str = "", address: str = "") -> str:
    """A new session for the user; returns the token for the cookie (never stored)."""
    raw = tokens.new_token()
    now = clock.now()
    session.add(AuthSession(
        token_hash=tokens.digest(raw), user_id=stored_id(user), role=str(user.role),
        organization_id=user.organization_id, created_at=now, last_seen_at=now,
        expires_at=now + ABSOLUTE_TIMEOUT, user_agent=user_agent[:200], address=address[:64]))
    session.flush()
    return raw


def is_expired(auth_session: AuthSession | SessionSeen) -> bool:
    now = clock.now()
    return now >= auth_session.expires_at or now >= auth_session.last_seen_at + IDLE_TIMEOUT


def needs_rotation(auth_session: AuthSession | SessionSeen, user: User) -> bool:
    return (auth_session.role != str(user.role)
            or auth_session.organization_id != user.organization_id)


def needs_touch(auth_session: AuthSession | SessionSeen) -> bool:
    return clock.now() - auth_session.last_seen_at >= TOUCH_EVERY


def refresh(session: Session, session_id: int, *, rotate: bool) -> str | None:
    """Records activity, and with rotate gives the session a new token; returns that token."""
    row = session.get(AuthSession, session_id)
    if row is None:
        return None
    row.last_seen_at = clock.now()
    raw = None
    if rotate:
        user = session.get(User, row.user_id)
        raw = tokens.new_token()
        row.token_hash = tokens.digest(raw)
        if user is not None:
            row.role = str(user.role)
            row.organization_id = user.organization_id
    session.add(row)
    session.flush()
    return raw


def end(session: Session, raw: str) -> None:
    session.execute(sa.delete(AuthSession).where(AuthSession.token_hash == tokens.digest(raw)))


def end_by_id(session: Session, user_id: int, session_id: int) -> None:
    session.execute(sa.delete(AuthSession).where(AuthSession.id == session_id,
                                                 AuthSession.user_id == user_id))


def end_all(session: Session, user_id: int, *, keep_id: int | None = None) -> int:
    """Signs the user out everywhere (but in the session kept); returns how many ended."""
    stmt = sa.delete(AuthSession).where(AuthSession.user_id == user_id)
    if keep_id is not None:
        stmt = stmt.where(AuthSession.id != keep_id)
    return rows_changed(session, stmt)


def end_everywhere(session: Session, user_id: int, *, keep_id: int | None = None) -> int:
    """Signs the user out everywhere (but in the session kept) and ends their API tokens: a
    token taken with a stolen session must not outlive a new password or a sign-out."""
    session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user_id))
    return end_all(session, user_id, keep_id=keep_id)


def end_expired(session: Session) -> int:
    now = clock.now()
    stmt = sa.delete(AuthSession).where(sa.or_(AuthSession.expires_at <= now,
                                               AuthSession.last_seen_at <= now - IDLE_TIMEOUT))
    return rows_changed(session, stmt)


def of_user(session: Session, user_id: int) -> list[AuthSession]:
    stmt = select(AuthSession).where(AuthSession.user_id == user_id)
    return list(session.exec(stmt.order_by(AuthSession.last_seen_at.desc())).all())
