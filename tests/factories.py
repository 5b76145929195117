"""Plain functions that create records through the services, with sensible defaults for tests."""

import itertools
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from api.actions import service as actions
from api.agencies import service as agencies
from api.auth import service as users
from api.bodies import service as bodies
from api.campaigns import service as campaigns
from api.contracts import service as contracts
from api.crud import Crud
from api.documents import service as documents
from api.documents.models import AttachedTo, DocumentMeta
from api.jurisdictions import service as jurisdictions
from api.media import service as media
from api.meetings import service as meetings
from api.organizations import service as organizations
from api.people import service as people
from api.records_requests import service as records_requests
from api.targets import service as targets
from api.tasks import service as tasks
from api.votes import service as votes

_serial = itertools.count(1)


def unique(prefix: str) -> str:
    """A value no other call returns, for columns that must be unique."""
    return f"{prefix} {next(_serial)}"


def _create(crud: Crud[Any], session: Session, actor: Any, values: dict[str, Any]) -> Any:
    # Committed so the app, which uses sessions of its own, sees the record at once.
    obj = crud.create(session, actor, crud.create_schema.model_validate(values))
    session.commit()
    return obj


def make_organization(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Coalition Partner"), "kind": "privacy"}
    return _create(organizations.crud, session, actor, {**values, **overrides})


def make_person(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Volunteer"), "ok_to_email": True}
    return _create(people.crud, session, actor, {**values, **overrides})


def make_affiliation(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"role": "organizer", **overrides}
    values.setdefault("person_id", make_person(session, actor).id)
    values.setdefault("organization_id", make_organization(session, actor).id)
    return _create(people.affiliations, session, actor, values)


def make_jurisdiction(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Springfield"), "kind": "city", "state_code": "CA",
              "timezone": "America/Los_Angeles"}
    return _create(jurisdictions.crud, session, actor, {**values, **overrides})


def make_body(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("City Council"), "kind": "city_council", "seats": 7,
              "majority_needed": 4, **overrides}
    values.setdefault("jurisdiction_id", make_jurisdiction(session, actor).id)
    return _create(bodies.crud, session, actor, values)


def make_target(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Council Member"), "title": "council_member",
              "district": "District 1", **overrides}
    return _create(targets.crud, session, actor, values)


def make_agency(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Police Department"), "kind": "police_department",
              "state_code": "CA", "alpr_vendor": "Flock Safety"}
    return _create(agencies.crud, session, actor, {**values, **overrides})


def make_vendor(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Camera Vendor"), "website": "https://vendor.example"}
    return _create(contracts.vendors, session, actor, {**values, **overrides})


def make_contract(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"title": unique("ALPR Contract"), "start_date": date(2024, 7, 1),
              "end_date": date(2026, 6, 30), "termination_notice_days": 60,
              "auto_renews": True, **overrides}
    values.setdefault("agency_id", make_agency(session, actor).id)
    return _create(contracts.crud, session, actor, values)


def make_campaign(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Stop the Cameras"), "goal": "cancel_renewal", "status": "active"}
    return _create(campaigns.crud, session, actor, {**values, **overrides})


def make_vote(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"title": unique("Renewal vote"), "kind": "renewal",
              "scheduled_at": datetime(2026, 4, 14, 1, 0, tzinfo=UTC), **overrides}
    values.setdefault("body_id", make_body(session, actor).id)
    return _create(votes.crud, session, actor, values)


def make_meeting(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"held_at": datetime(2026, 3, 1, 18, 0, tzinfo=UTC), "location": "City Hall",
              "summary": unique("Met with staff")}
    return _create(meetings.crud, session, actor, {**values, **overrides})


def make_action(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"title": unique("Call-in day"), "kind": "call_in_day",
              "scheduled_on": date(2026, 4, 10)}
    return _create(actions.crud, session, actor, {**values, **overrides})


def make_task(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"title": unique("Follow up"), "due_on": date(2026, 3, 20)}
    return _create(tasks.crud, session, actor, {**values, **overrides})


def make_records_request(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"subject": unique("ALPR audit logs"), "law": "CPRA", "state_code": "CA",
              **overrides}
    values.setdefault("agency_id", make_agency(session, actor).id)
    return _create(records_requests.crud, session, actor, values)


def make_media_contact(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"name": unique("Reporter"), "outlet": "The Daily", "email": "desk@daily.example"}
    return _create(media.contacts, session, actor, {**values, **overrides})


def make_press_hit(session: Session, actor: Any, **overrides: Any) -> Any:
    values = {"title": unique("Council weighs cameras"), "outlet": "The Daily",
              "published_on": date(2026, 2, 1)}
    return _create(media.press_hits, session, actor, {**values, **overrides})


def make_user(session: Session, actor: Any, **overrides: Any) -> Any:
    email = unique("member").replace(" ", "") + "@coalition.example"
    values = {"email": email, "name": unique("Member"), "role": "lead"}
    return _create(users.crud, session, actor, {**values, **overrides})


def make_document(session: Session, actor: Any, *, content: bytes = b"name,role\nAna,lead\n",
                  filename: str = "roster.csv", **overrides: Any) -> Any:
    """A document; attached to a new organization unless attached_kind/attached_id say where."""
    values = {"description": "", **overrides}
    if "attached_id" not in values:
        values["attached_kind"] = AttachedTo.organization
        values["attached_id"] = make_organization(session, actor).id
    doc = documents.upload(session, actor, meta=DocumentMeta.model_validate(values),
                           filename=filename, content=content)
    session.commit()
    return doc
