"""Request-scoped dependencies of the JSON API and the pages: the session and the acting user."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from api.auth.models import User
from api.auth.permissions import ANONYMOUS
from api.auth.scoping import act_as
from api.db import new_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session per request, scoped to what the signed-in user may see and change; reads skip
    SQLite's write lock. Routes commit what they change.

    Async, so it runs on the event loop rather than in a worker thread of its own: opening a
    session touches no database, and the rollback and close at the end are each a few
    microseconds; a trip through the thread pool costs more than either."""
    session = new_session(read_only=request.method in SAFE_METHODS)
    act_as(session, getattr(request.state, "user", None) or ANONYMOUS)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


async def current_user(request: Request, session: SessionDep) -> User:
    """The signed-in user, from the session cookie or the API token the identity check read."""
    user = getattr(request.state, "user", None)
    if user is None:
        raise HTTPException(401, "Sign in, or send a personal API token.",
                            headers={"WWW-Authenticate": "Bearer"})
    # No database work: the user the identity check found is attached to this session as it is.
    return session.merge(user, load=False)


UserDep = Annotated[User, Depends(current_user)]
