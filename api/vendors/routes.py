"""JSON endpoints for vendors under /api/v1/vendors."""

from api.crud_routes import crud_router
from api.vendors import service

router = crud_router(service.crud, path="/vendors", tag="vendors")
