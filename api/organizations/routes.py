"""JSON endpoints for organizations under /api/v1/organizations."""

from api.crud_routes import crud_router
from api.organizations import service

router = crud_router(service.crud, path="/organizations", tag="organizations")
