"""Reads and writes of media contacts and press coverage."""

from api.crud import Crud
from api.media.models import (
    MediaContact,
    MediaContactCreate,
    MediaContactRead,
    MediaContactUpdate,
    PressHit,
    PressHitCreate,
    PressHitRead,
    PressHitUpdate,
)

contacts = Crud(
    MediaContact, create=MediaContactCreate, update=MediaContactUpdate, read=MediaContactRead,
    label="media contact", search=("name", "outlet", "beat"), sort=("name", "outlet"),
    default_sort="name",
)

press_hits = Crud(
    PressHit, create=PressHitCreate, update=PressHitUpdate, read=PressHitRead, label="press hit",
    search=("title", "outlet", "summary"), filters=("campaign_id", "media_contact_id"),
    sort=("published_on", "title", "outlet"), default_sort="-published_on",
    date_column="published_on",
)
