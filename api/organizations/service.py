"""Reads and writes of coalition partner organizations."""

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession

from api.crud import Crud
from api.organizations.models import (
    ORGANIZATIONS,
    Organization,
    OrganizationRead,
)

crud: Crud[Organization, OrganizationRead] = Crud(**ORGANIZATIONS.crud_options())


def name_of(session: OrmSession, organization_id: int) -> str | None:
    """An organization's name, which everyone signed in reads; None when there is none. Any
    session will do: a record's own (object_session) is SQLAlchemy's."""
    return session.execute(sa.select(Organization.name)
                           .where(Organization.id == organization_id)).scalars().first()
