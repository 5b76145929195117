"""Reads and writes of coalition partner organizations."""

from sqlmodel import Session, select

from api.crud import Crud
from api.organizations.models import (
    Organization,
    OrganizationCreate,
    OrganizationRead,
    OrganizationUpdate,
)

crud = Crud(
    Organization, create=OrganizationCreate, update=OrganizationUpdate, read=OrganizationRead,
    label="organization", search=("name", "notes"),
    filters=("kind", "coalition_role", "status"), sort=("name", "kind", "status"),
    default_sort="name",
)


def name_of(session: Session, organization_id: int) -> str | None:
    """An organization's name, which everyone signed in reads; None when there is none."""
    return session.exec(select(Organization.name)
                        .where(Organization.id == organization_id)).first()
