"""Reads and writes of coalition partner organizations."""

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
