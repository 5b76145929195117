"""Records for the alert tests, made through the services and committed so other sessions (the
dispatcher's, the app's, a subprocess's) see them."""

import itertools
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.agencies import service as agencies
from api.auth import service as users
from api.bodies import service as bodies
from api.campaigns import service as campaigns
from api.contracts import service as contracts
from api.crud import Crud
from api.jurisdictions import service as jurisdictions
from api.meetings import service as meetings
from api.organizations import service as organizations
from api.records_requests import service as records_requests
from api.records_requests.models import RecordsRequest
from api.targets import service as targets
from api.tasks import service as tasks
from api.votes import service as votes

_serial = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix} {next(_serial)}"


def create(crud: Crud[Any], session: Session, actor: Any, values: dict[str, Any]) -> Any:
    obj = crud.create(session, actor, crud.create_schema.model_validate(values))
    session.commit()
    return obj


def update(crud: Crud[Any], session: Session, actor: Any, record_id: int, **changes: Any) -> Any:
    obj = crud.update(session, actor, record_id, crud.update_schema.model_validate(changes))
    session.commit()
    return obj


def organization(session: Session, actor: Any, **overrides: Any) -> Any:
    return create(organizations.crud, session, actor,
                  {"name": unique("Coalition Partner"), "kind": "privacy", **overrides})


def jurisdiction(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Riverton"), "kind": "city", "state_code": "CA",
              "timezone": "America/Los_Angeles", **overrides}
    return create(jurisdictions.crud, session, actor, values)


def body(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("City Council"), "kind": "city_council", "seats": 7,
              "majority_needed": 4, **overrides}
    values.setdefault("jurisdiction_id", jurisdiction(session, actor).id)
    return create(bodies.crud, session, actor, values)


def campaign(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Stop the Cameras"), "goal": "cancel_renewal", "status": "active",
              **overrides}
    return create(campaigns.crud, session, actor, values)


def vote(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"title": unique("Renew the plate reader contract"), "kind": "renewal",
              "scheduled_at": datetime(2026, 4, 14, 1, 0, tzinfo=UTC), **overrides}
    values.setdefault("body_id", body(session, actor).id)
    return create(votes.crud, session, actor, values)


def agency(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Police Department"), "kind": "police_department",
              "state_code": "CA", **overrides}
    return create(agencies.crud, session, actor, values)


def contract(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"title": unique("ALPR Contract"), "start_date": date(2024, 7, 1),
              "end_date": date(2026, 6, 30), "termination_notice_days": 60,
              "auto_renews": True, **overrides}
    values.setdefault("agency_id", agency(session, actor).id)
    return create(contracts.crud, session, actor, values)


def records_request(session: Session, actor: Any, *, due_on: date | None = None,
                    **overrides: Any) -> Any:
    """A records request; due_on, when given, is set as is, whatever the records law would
    compute, so the alert tests control the date."""
    values = {"subject": unique("ALPR audit logs"), "law": "CPRA", "state_code": "CA",
              **overrides}
    values.setdefault("agency_id", agency(session, actor).id)
    made = create(records_requests.crud, session, actor, values)
    if due_on is not None:
        session.execute(sa.update(RecordsRequest).where(RecordsRequest.id == made.id)
                        .values(due_on=due_on))
        session.commit()
        made.due_on = due_on
    return made


def task(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"title": unique("Follow up"), "due_on": date(2026, 3, 20), **overrides}
    return create(tasks.crud, session, actor, values)


def user(session: Session, actor: Any, **overrides: Any) -> Any:
    email = unique("member").replace(" ", "") + "@coalition.example"
    values = {"email": email, "name": unique("Member"), "role": "partner", **overrides}
    return create(users.crud, session, actor, values)


def target(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Council Member"), "title": "council_member", **overrides}
    return create(targets.crud, session, actor, values)


def meeting(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"held_at": datetime(2026, 3, 1, 18, 0, tzinfo=UTC), "summary": unique("Met"),
              **overrides}
    return create(meetings.crud, session, actor, values)
