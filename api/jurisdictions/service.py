"""Reads and writes of jurisdictions."""

from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api import clock
from api.auth.models import User
from api.crud import Crud
from api.errors import Invalid
from api.i18n.catalogs import N_
from api.jurisdictions.models import (
    JURISDICTIONS,
    Jurisdiction,
    JurisdictionRead,
)


def _no_self_parent(session: Session, actor: User, values: dict[str, Any],
                    existing: Jurisdiction | None) -> dict[str, Any]:
    if existing is not None and values.get("parent_id") == existing.id:
        raise Invalid(N_("A jurisdiction cannot be its own parent."), field="parent_id")
    return values


crud: Crud[Jurisdiction, JurisdictionRead] = Crud(**JURISDICTIONS.crud_options(),
                                                  prepare=_no_self_parent)


def zone(session: Session, jurisdiction_id: int | None) -> ZoneInfo:
    """The timezone of a jurisdiction (the coalition's when none is known)."""
    if jurisdiction_id is not None:
        found = crud.load(session, jurisdiction_id)
        if found is not None:
            return ZoneInfo(found.timezone)
    return clock.home_zone()
