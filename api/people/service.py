"""Reads and writes of people and their organization memberships."""

from api.crud import Crud
from api.people.models import (
    Affiliation,
    AffiliationCreate,
    AffiliationRead,
    AffiliationUpdate,
    Person,
    PersonCreate,
    PersonRead,
    PersonUpdate,
)

crud = Crud(
    Person, create=PersonCreate, update=PersonUpdate, read=PersonRead, label="person",
    search=("name", "email", "phone", "signal_handle"),
    filters=("preferred_contact", "ok_to_email", "ok_to_text"), sort=("name", "email"),
    default_sort="name",
)

affiliations = Crud(
    Affiliation, create=AffiliationCreate, update=AffiliationUpdate, read=AffiliationRead,
    label="affiliation", search=("role",), filters=("person_id", "organization_id"),
)
