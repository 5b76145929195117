"""JSON endpoints for campaigns under /api/v1/campaigns."""

from api.campaigns import service
from api.crud_routes import crud_router

router = crud_router(service.crud, path="/campaigns", tag="campaigns")
