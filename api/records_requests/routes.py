"""JSON endpoints for records requests under /api/v1/records-requests."""

from api.crud_routes import crud_router
from api.records_requests import service

router = crud_router(service.crud, path="/records-requests", tag="records-requests")
