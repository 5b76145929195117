"""JSON endpoints for user accounts."""

from api.auth import service
from api.crud_routes import crud_router

router = crud_router(service.crud, path="/users", tag="users")
