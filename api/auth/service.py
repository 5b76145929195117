"""Reads and writes of user accounts."""

from sqlmodel import Session, select

from api.auth.models import Role, User, UserCreate, UserRead, UserUpdate
from api.crud import Crud

crud = Crud(
    User, create=UserCreate, update=UserUpdate, read=UserRead, label="user",
    search=("name", "email"), filters=("role", "organization_id", "is_active"),
    sort=("name", "email", "role"), default_sort="name",
)

SYSTEM_EMAIL = "system@oversight.invalid"


def system_user(session: Session) -> User:
    """The account that command-line and scheduled work acts as; it has no password."""
    found = session.exec(select(User).where(User.email == SYSTEM_EMAIL)).first()
    if found is None:
        found = User(email=SYSTEM_EMAIL, name="Oversight", role=Role.admin)
        session.add(found)
        session.flush()
    return found
