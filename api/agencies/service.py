"""Reads and writes of agencies."""

from api.agencies.models import AGENCIES, Agency, AgencyRead
from api.crud import Crud

crud: Crud[Agency, AgencyRead] = Crud(**AGENCIES.crud_options())
