"""Request-scoped dependencies of the JSON API and the pages: the session and the acting user."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session, select

from api.auth.models import Role, User
from api.db import new_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """A session per request; reads skip SQLite's write lock. Routes commit what they change."""
    session = new_session(read_only=request.method in SAFE_METHODS)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def current_user(session: SessionDep) -> User:
    """The acting user. Until accounts and sign-in exist this is the instance's first admin."""
    user = session.exec(select(User).where(User.role == Role.admin, User.is_active)
                        .order_by(User.id)).first()
    if user is None:
        # The lifespan creates the system account; this only happens if it was deleted.
        from api.errors import Forbidden  # noqa: PLC0415

        raise Forbidden("No active administrator account exists.")
    return user


UserDep = Annotated[User, Depends(current_user)]
