"""JSON endpoints for campaigns under /api/v1/campaigns."""

from fastapi import APIRouter

from api.campaigns import service
from api.crud_routes import Updater, crud_router


def campaigns_router(*, update_with: Updater) -> APIRouter:
    """The campaigns' endpoints. A change of the vote date moves the campaign's vote too, which
    this package may not know (votes are counted from campaigns, not the other way): the app
    passes in the change that does both (api.playbooks.service.update_campaign)."""
    return crud_router(service.crud, path="/campaigns", tag="campaigns", update_with=update_with)
