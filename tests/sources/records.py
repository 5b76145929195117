"""Plain functions that make the records these tests need, through the services."""

import itertools
from typing import Any

from sqlmodel import Session

from api.bodies import service as bodies
from api.campaigns import service as campaigns
from api.crud import Crud
from api.jurisdictions import service as jurisdictions
from api.organizations import service as organizations
from api.people import service as people
from api.targets import service as targets

_serial = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix} {next(_serial)}"


def _create(crud: Crud[Any], session: Session, actor: Any, values: dict[str, Any]) -> Any:
    # Committed, so the app and the services' own sessions see the record at once.
    obj = crud.create(session, actor, crud.create_schema.model_validate(values))
    session.commit()
    return obj


def jurisdiction(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("San Jose"), "kind": "city", "state_code": "CA",
              "timezone": "America/Los_Angeles"}
    return _create(jurisdictions.crud, session, actor, {**values, **overrides})


def body(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("City Council"), "kind": "city_council", "seats": 11,
              "majority_needed": 6, "agenda_source": "legistar", "legistar_client": "sanjose",
              **overrides}
    if "jurisdiction_id" not in values:
        values["jurisdiction_id"] = jurisdiction(session, actor).id
    return _create(bodies.crud, session, actor, values)


def campaign(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Stop the cameras"), "goal": "block_contract", **overrides}
    return _create(campaigns.crud, session, actor, values)


def organization(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Coalition Partner"), "kind": "privacy", **overrides}
    return _create(organizations.crud, session, actor, values)


def person(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Volunteer"), **overrides}
    return _create(people.crud, session, actor, values)


def affiliation(session: Session, actor: Any, **values: Any) -> Any:
    return _create(people.affiliations, session, actor, values)


def target(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Council Member"), "title": "council_member", **overrides}
    return _create(targets.crud, session, actor, values)
