"""JSON endpoints for meetings under /api/v1/meetings."""

from api.crud_routes import crud_router
from api.meetings import service

router = crud_router(service.crud, path="/meetings", tag="meetings")
