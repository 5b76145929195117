"""JSON endpoints for jurisdictions under /api/v1/jurisdictions."""

from api.crud_routes import crud_router
from api.jurisdictions import service

router = crud_router(service.crud, path="/jurisdictions", tag="jurisdictions")
