"""JSON endpoints for votes under /api/v1/votes."""

from api.crud_routes import crud_router
from api.votes import service

router = crud_router(service.crud, path="/votes", tag="votes")
