"""Reads and writes of campaign actions."""

from api.actions.models import Action, ActionCreate, ActionRead, ActionUpdate
from api.crud import Crud

crud = Crud(
    Action, create=ActionCreate, update=ActionUpdate, read=ActionRead, label="action",
    search=("title", "description"),
    filters=("campaign_id", "owner_organization_id", "kind", "status", "vote_id"),
    sort=("scheduled_on", "title", "status", "kind"), default_sort="scheduled_on",
    date_column="scheduled_on",
)
