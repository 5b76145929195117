"""Reads and writes of media contacts and press coverage."""

from api.crud import Crud
from api.media.models import (
    MEDIA_CONTACTS,
    PRESS_HITS,
    MediaContact,
    MediaContactRead,
    PressHit,
    PressHitRead,
)

contacts: Crud[MediaContact, MediaContactRead] = Crud(**MEDIA_CONTACTS.crud_options())

press_hits: Crud[PressHit, PressHitRead] = Crud(**PRESS_HITS.crud_options())
