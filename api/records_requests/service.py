"""Reads and writes of public-records requests."""

from api.crud import Crud
from api.records_requests.models import (
    RecordsRequest,
    RecordsRequestCreate,
    RecordsRequestRead,
    RecordsRequestUpdate,
)

crud = Crud(
    RecordsRequest, create=RecordsRequestCreate, update=RecordsRequestUpdate,
    read=RecordsRequestRead, label="records request",
    search=("subject", "tracking_number", "text"),
    filters=("agency_id", "campaign_id", "status", "requester_organization_id", "state_code"),
    sort=("subject", "sent_on", "due_on", "status"), default_sort="due_on", date_column="due_on",
)
