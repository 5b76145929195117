"""The campaign board's columns (first cards, the rest on request) and the lists paged by
cursor show each record to exactly its readers, and offer to move exactly the cards the write
rule allows, decided once a page."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.actions import service as actions
from api.actions.models import Action, ActionCreate
from api.auth import permissions
from api.auth.models import Role
from tests.factories.coalition import VISIBILITIES, Record, World, build, marker, may_read
from tests.web.html import fragment, link

STATUSES = ("planned", "in_progress", "done")


@pytest.fixture
def world(session: Session, actor: Any) -> World:
    found = build(session, actor)
    # Cards on the campaign's board of each owner and tier, more than a column first shows.
    for owner in (found.org_a, found.org_b, None):
        for vis in VISIBILITIES:
            for status in STATUSES:
                for _ in range(5):
                    m = marker()
                    made = actions.crud.create(session, actor, ActionCreate(
                        title=f"Card {m}", campaign_id=found.campaign, status=status,
                        owner_organization_id=owner, visibility=vis))
                    found.records.append(Record("board_card", made.id, owner, vis, [m]))
    session.commit()
    return found


def may_move(role: str, org: int | None, record: Record) -> bool:
    """The write rule for a card one may read, restated independently of the app: an action no
    organization owns is the leads' to keep."""
    if role in ("admin", "lead"):
        return True
    return role == "partner" and record.owner is not None and record.owner == org


@pytest.mark.parametrize("role", ["admin", "lead", "partner", "viewer"])
def test_each_column_shows_and_moves_exactly_what_the_role_may(
        world: World, client_as: Callable[..., TestClient], role: str) -> None:
    org = world.org_a if role in ("partner", "viewer") else None
    client = client_as(Role(role), org)
    page = client.get(f"/campaigns/{world.campaign}").text
    columns = "".join(fragment(client, f"/campaigns/{world.campaign}/board/{status}").text
                      for status in STATUSES)
    cards = world.of("board_card")
    for record in cards:
        mark = record.markers[0]
        readable = may_read(role, org, record)
        assert (mark in columns) == readable, (role, record)
        if not readable:
            assert mark not in page, (role, record)
            continue
        movable = bool(re.search(rf"Move to [a-z ]+<span class=\"visually-hidden\">: Card {mark}",
                                 columns))
        assert movable == may_move(role, org, record), (role, record)
    # The page opens with the first cards of each column and offers the rest.
    readable_count = sum(may_read(role, org, r) for r in cards)
    assert sum(r.markers[0] in page for r in cards) < readable_count
    assert "Show " in page and " more" in page


@pytest.mark.parametrize("role", ["admin", "lead", "partner", "viewer"])
def test_the_page_wide_rule_agrees_with_can_write_on_every_card(
        world: World, session: Session, role: str) -> None:
    from tests.conftest import make_user

    org = world.org_a if role in ("partner", "viewer") else None
    user = make_user(Role(role), organization_id=org)
    for deleting in (False, True):
        rule = permissions.writable_rows(user, Action, deleting=deleting)
        for record in world.of("board_card"):
            if not may_read(role, org, record):
                continue
            action = session.get(Action, record.id)
            assert action is not None
            row = {c.name: getattr(action, c.name) for c in Action.__table__.columns}
            stand_in = type("Row", (), row)()
            assert rule(row) == permissions.can_write(user, stand_in, model=Action,
                                                      deleting=deleting), (role, record)


@pytest.mark.parametrize("role", ["lead", "partner", "viewer"])
def test_a_list_paged_by_cursor_shows_exactly_the_readable_records(
        world: World, client_as: Callable[..., TestClient], role: str) -> None:
    org = world.org_a if role in ("partner", "viewer") else None
    client = client_as(Role(role), org)
    seen = ""
    answer = client.get("/actions?sort=-title")
    while True:
        assert answer.status_code == 200
        seen += answer.text
        if 'rel="next"' not in answer.text:
            break
        answer = client.get(link(answer.text, "next"))
    for record in world.of("board_card") + world.of("action"):
        assert (record.markers[0] in seen) == may_read(role, org, record), (role, record)
