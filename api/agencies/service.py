"""Reads and writes of agencies."""

from api.agencies.models import Agency, AgencyCreate, AgencyRead, AgencyUpdate
from api.crud import Crud

crud = Crud(
    Agency, create=AgencyCreate, update=AgencyUpdate, read=AgencyRead, label="agency",
    search=("name", "alpr_vendor"),
    filters=("kind", "jurisdiction_id", "state_code", "shares_with_federal"),
    sort=("name", "state_code", "fixed_cameras", "retention_days"), default_sort="name",
)
