"""Reads and writes of coalition partner organizations."""

from sqlmodel import Session, select

from api.crud import Crud
from api.organizations.models import (
    ORGANIZATIONS,
    Organization,
)

crud = Crud(**ORGANIZATIONS.crud_options())


def name_of(session: Session, organization_id: int) -> str | None:
    """An organization's name, which everyone signed in reads; None when there is none."""
    return session.exec(select(Organization.name)
                        .where(Organization.id == organization_id)).first()
