"""JSON endpoints for bodies under /api/v1/bodies."""

from api.bodies import service
from api.crud_routes import crud_router

router = crud_router(service.crud, path="/bodies", tag="bodies")
