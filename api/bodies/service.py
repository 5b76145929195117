"""Reads and writes of decision-making bodies."""

from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api.auth import permissions
from api.auth.models import User
from api.auth.scoping import load
from api.bodies.models import AGENDA_FIELDS, BODIES, Body, BodyRead
from api.crud import Crud
from api.errors import Forbidden
from api.i18n.catalogs import N_
from api.jurisdictions import service as jurisdictions


def _leads_set_the_agenda_source(session: Session, actor: User, values: dict[str, Any],
                                 existing: Body | None) -> dict[str, Any]:
    """Where a body's agendas are read from (and the token that reads them) serves the whole
    coalition's watcher: only its leads set it."""
    if permissions.acts_as_lead(actor):
        return values
    before = {name: getattr(existing, name) for name in AGENDA_FIELDS} if existing else {
        name: Body.model_fields[name].default for name in AGENDA_FIELDS}
    if any(values.get(name, before[name]) != before[name] for name in AGENDA_FIELDS):
        raise Forbidden(N_("Only a campaign lead or an administrator can set where a body's "
                        "agendas are read from."))
    return values


crud: Crud[Body, BodyRead] = Crud(**BODIES.crud_options(), prepare=_leads_set_the_agenda_source)


def zone(session: Session, body_id: int) -> ZoneInfo:
    """The timezone a body meets in, from its jurisdiction."""
    body = load(session, Body, body_id)
    return jurisdictions.zone(session, body.jurisdiction_id if body else None)
