"""The ways of being allowed to read a record (permissions.visible_parts) allow exactly the rows
`visible` does, and the dashboard's lists found through them show what each role may read,
nothing more and nothing less."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth import permissions
from api.auth.models import Role, User, Visibility
from api.meetings.models import Meeting
from api.records_requests.models import RecordsRequest
from api.tasks.models import Task
from tests import factories as f
from tests.factories.coalition import Record, may_read
from tests.web.html import fragment, plain

VISIBILITIES = [v.value for v in Visibility]


def _owners(session: Session, actor: Any) -> tuple[int, int]:
    return (f.make_organization(session, actor, name="Org A").id,
            f.make_organization(session, actor, name="Org B").id)


def _actors(org_a: int, user_id: int) -> list[Any]:
    return [User(id=user_id, role=Role.admin, is_active=True),
            User(id=user_id, role=Role.lead, is_active=True),
            User(id=user_id, role=Role.lead, organization_id=org_a, is_active=True),
            User(id=user_id, role=Role.partner, organization_id=org_a, is_active=True),
            User(id=user_id, role=Role.viewer, organization_id=org_a, is_active=True),
            permissions.ANONYMOUS]


def _ids(session: Session, model: Any, condition: Any) -> set[int]:
    stmt = sa.select(model.id)
    if condition is not None:
        stmt = stmt.where(condition)
    return set(session.execute(stmt).scalars())


def test_the_parts_allow_exactly_the_rows_visible_allows(session: Session, actor: Any) -> None:
    org_a, org_b = _owners(session, actor)
    someone = f.make_user("partner", session=session, organization_id=org_b)
    for owner in (org_a, org_b, None):
        for vis in VISIBILITIES:
            f.make_meeting(session, actor, organization_id=owner, visibility=vis)
            f.make_records_request(session, actor, requester_organization_id=owner,
                                   visibility=vis)
            for assignee in ({}, {"assignee_organization_id": org_a},
                             {"assignee_user_id": someone.id}):
                f.make_task(session, actor, owner_organization_id=owner, visibility=vis,
                            **assignee)
    checked = 0
    for who in _actors(org_a, someone.id):
        for model in (Meeting, RecordsRequest, Task):
            parts = permissions.visible_parts(model, who)
            everything = _ids(session, model, None)
            allowed = _ids(session, model, permissions.visible(model, who))
            if parts is None:
                found = everything
            else:
                found = _ids(session, model, sa.or_(sa.false(), *parts))
            assert found == allowed, (who.role, model.__name__)
            checked += bool(allowed) and allowed != everything
    # Every role but the administrator's reads some rows and not others.
    assert checked == 12


def _meetings_and_requests(session: Session, actor: Any, now: datetime,
                           ) -> tuple[int, list[Record], list[Record]]:
    """A meeting and a request due soon for every owner and visibility, each at its own time."""
    org_a, org_b = _owners(session, actor)
    agency = f.make_agency(session, actor)
    meetings, requests = [], []
    step = 0
    for owner in (org_b, None, org_a):
        for vis in VISIBILITIES:
            step += 1
            meeting = f.make_meeting(session, actor, organization_id=owner, visibility=vis,
                                     summary=f"Meeting {step:02d}",
                                     held_at=now - timedelta(hours=step))
            meetings.append(Record("meeting", meeting.id, owner, vis, [f"Meeting {step:02d}"]))
            request = f.make_records_request(
                session, actor, subject=f"Request {step:02d}", agency_id=agency.id,
                requester_organization_id=owner, visibility=vis, status="sent",
                sent_on=date(2026, 2, 1), due_on_override=now.date() + timedelta(days=step % 9))
            requests.append(Record("records_request", request.id, owner, vis,
                                   [f"Request {step:02d}"]))
    return org_a, meetings, requests


@pytest.mark.parametrize("role", ["admin", "lead", "partner", "viewer"])
def test_the_dashboard_shows_the_latest_meetings_and_requests_each_role_may_read(
        role: str, session: Session, actor: Any, frozen_now: datetime,
        client_as: Callable[..., TestClient]) -> None:
    org_a, meetings, requests = _meetings_and_requests(session, actor, frozen_now)
    org = org_a if role in ("partner", "viewer") else None
    client = client_as(role, org)
    latest = plain(fragment(client, "/", **{"HX-Target": "latest-meetings"}).text)
    readable = [m for m in meetings if may_read(role, org, m)]
    shown = [m.markers[0] for m in meetings if m.markers[0] in latest]
    # The five newest the role may read, newest first: the meetings are in that order.
    assert shown == [m.markers[0] for m in readable[:5]]
    assert [latest.index(name) for name in shown] == sorted(latest.index(n) for n in shown)
    due = plain(fragment(client, "/", **{"HX-Target": "records-due"}).text)
    listed = {r.markers[0] for r in requests if r.markers[0] in due}
    assert listed == {r.markers[0] for r in requests if may_read(role, org, r)}
    assert listed and len(listed) < len(requests) or role == "admin"
