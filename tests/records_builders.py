"""Records made through the real services for the records-request and playbook tests."""

from datetime import UTC, date, datetime
from itertools import count
from typing import Any

from sqlmodel import Session

from api import clock
from api.agencies import service as agencies
from api.agencies.models import Agency, AgencyCreate
from api.auth.models import Role, User
from api.contracts import service as contracts
from api.contracts.models import Contract, ContractCreate
from api.jurisdictions import service as jurisdictions
from api.jurisdictions.models import Jurisdiction, JurisdictionCreate
from api.organizations import service as organizations
from api.organizations.models import Organization, OrganizationCreate
from api.records_requests import service as records
from api.records_requests.models import RecordsRequest, RecordsRequestCreate
from api.targets import service as targets
from api.targets.models import Target, TargetCreate

_serial = count(1)

ZONES = {"CA": "America/Los_Angeles", "CO": "America/Denver", "TX": "America/Chicago",
         "VT": "America/New_York", "NY": "America/New_York", "PA": "America/New_York",
         "DC": "America/New_York", "US": "America/New_York"}


def at_noon(day: date) -> None:
    """Freezes the clock at noon UTC on a day (morning in every US zone)."""
    clock.freeze(datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC))


def make_jurisdiction(session: Session, actor: Any, *, state_code: str = "CA",
                      name: str | None = None) -> Jurisdiction:
    return jurisdictions.crud.create(session, actor, JurisdictionCreate(
        name=name or f"Riverton {next(_serial)}", state_code=state_code,
        timezone=ZONES.get(state_code, "America/New_York")))


def make_agency(session: Session, actor: Any, *, state_code: str = "CA",
                kind: str = "police_department", name: str | None = None,
                with_place: bool = True) -> Agency:
    place = make_jurisdiction(session, actor, state_code=state_code) if with_place else None
    return agencies.crud.create(session, actor, AgencyCreate(
        name=name or f"Police Department {next(_serial)}", kind=kind,
        state_code="" if kind == "federal" else state_code,
        jurisdiction_id=place.id if place else None))


def make_organization(session: Session, actor: Any, *, name: str | None = None,
                      email: str | None = None) -> Organization:
    return organizations.crud.create(session, actor, OrganizationCreate(
        name=name or f"Coalition Partner {next(_serial)}", email=email))


def make_request(session: Session, actor: Any, *, agency: Agency, **values: Any) -> RecordsRequest:
    values.setdefault("subject", "ALPR audit logs")
    return records.crud.create(session, actor, RecordsRequestCreate(agency_id=agency.id,
                                                                    **values))


def make_contract(session: Session, actor: Any, *, agency: Agency, **values: Any) -> Contract:
    values.setdefault("title", "Flock Safety camera lease")
    return contracts.crud.create(session, actor, ContractCreate(agency_id=agency.id, **values))


def make_target(session: Session, actor: Any, **values: Any) -> Target:
    values.setdefault("name", f"Council Member {next(_serial)}")
    return targets.crud.create(session, actor, TargetCreate(**values))


def make_user(session: Session, *, role: Role) -> User:
    user = User(email=f"user{next(_serial)}@coalition.example.org", name="Organizer", role=role)
    session.add(user)
    session.flush()
    return user
