"""Reads and writes of media contacts and press coverage."""

from api.crud import Crud
from api.media.models import (
    MEDIA_CONTACTS,
    PRESS_HITS,
)

contacts = Crud(**MEDIA_CONTACTS.crud_options())

press_hits = Crud(**PRESS_HITS.crud_options())
