"""Reads and writes of people and their organization memberships."""

from api.crud import Crud
from api.people.models import (
    PEOPLE,
    Affiliation,
    AffiliationCreate,
    AffiliationRead,
    AffiliationUpdate,
    Person,
    PersonRead,
)

crud: Crud[Person, PersonRead] = Crud(**PEOPLE.crud_options())

affiliations = Crud(
    Affiliation, create=AffiliationCreate, update=AffiliationUpdate, read=AffiliationRead,
    label="affiliation", search=("role",), filters=("person_id", "organization_id"),
)
