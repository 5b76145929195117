"""JSON endpoints for media contacts and press coverage."""

from fastapi import APIRouter

from api.crud_routes import crud_router
from api.media import service

router = APIRouter()
router.include_router(crud_router(service.contacts, path="/media-contacts", tag="media"))
router.include_router(crud_router(service.press_hits, path="/press-hits", tag="media"))
