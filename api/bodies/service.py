"""Reads and writes of decision-making bodies."""

from zoneinfo import ZoneInfo

from sqlmodel import Session

from api.bodies.models import BODIES, Body
from api.crud import Crud
from api.jurisdictions import service as jurisdictions

crud = Crud(**BODIES.crud_options())


def zone(session: Session, body_id: int) -> ZoneInfo:
    """The timezone a body meets in, from its jurisdiction."""
    body = session.get(Body, body_id)
    return jurisdictions.zone(session, body.jurisdiction_id if body else None)
