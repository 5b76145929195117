"""Reads and writes of agencies."""

from api.agencies.models import AGENCIES
from api.crud import Crud

crud = Crud(**AGENCIES.crud_options())
