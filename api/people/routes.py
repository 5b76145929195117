"""JSON endpoints for people and their organization memberships."""

from fastapi import APIRouter

from api.crud_routes import crud_router
from api.people import service

router = APIRouter()
router.include_router(crud_router(service.crud, path="/people", tag="people"))
router.include_router(crud_router(service.affiliations, path="/affiliations", tag="affiliations"))
