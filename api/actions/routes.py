"""JSON endpoints for actions under /api/v1/actions."""

from api.actions import service
from api.crud_routes import crud_router

router = crud_router(service.crud, path="/actions", tag="actions")
