"""JSON endpoints for agencies under /api/v1/agencies."""

from api.agencies import service
from api.crud_routes import crud_router

router = crud_router(service.crud, path="/agencies", tag="agencies")
