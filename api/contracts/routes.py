"""JSON endpoints for vendors and contracts."""

from fastapi import APIRouter

from api.contracts import service
from api.crud_routes import crud_router

router = APIRouter()
router.include_router(crud_router(service.vendors, path="/vendors", tag="vendors"))
router.include_router(crud_router(service.crud, path="/contracts", tag="contracts"))
