"""An organization's export: everything it owns, nothing of another's, for those who manage it."""

import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from api.documents.models import Document
from api.organizations import service as organizations
from api.organizations.models import OrganizationUpdate
from tests import factories as f
from tests.factories.coalition import World, build, marker

URLS = ["/api/v1/exports/organizations/{id}.zip", "/api/v1/organizations/{id}/export"]
FILES = {"person": "people", "target": "targets", "meeting": "meetings", "task": "tasks",
         "records_request": "records_requests", "action": "actions", "document": "documents",
         "meeting_note": "meeting_notes"}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


@pytest.fixture
def world(session: Session, actor: Any, frozen_now: datetime) -> World:
    return build(session, actor)


def unpacked(response: Any) -> dict[str, bytes]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("url", URLS)
def test_everything_the_organization_owns_and_nothing_of_another(
        url: str, world: World, session: Session, actor: Any,
        client_as: Callable[..., TestClient]) -> None:
    notes = f"Meets Tuesdays. {marker()}\nAsk for Rosa at the door."
    organizations.crud.update(session, actor, world.org_a, OrganizationUpdate(notes=notes))
    picture = f.make_document(session, actor, content=PNG, filename="flyer.png",
                              attached_kind="organization", attached_id=world.org_a,
                              owner_organization_id=world.org_a)
    # A name typed later may hold folders; unpacking must not climb out of the archive.
    session.execute(sa.update(Document).where(Document.id == picture.id)
                    .values(filename="../../flyer.png"))
    session.commit()
    partner = client_as(Role.partner, world.org_a)

    files = unpacked(partner.get(url.format(id=world.org_a)))

    disposition = partner.get(url.format(id=world.org_a)).headers["content-disposition"]
    assert re.fullmatch(r'attachment; filename="org-a-mark[0-9a-f]{16}-2026-03-02\.zip"',
                        disposition)
    for record in world.records:
        if record.owner != world.org_a or record.kind not in FILES:
            continue
        name = FILES[record.kind]
        assert record.markers[0] in files[f"{name}.csv"].decode("utf-8-sig"), record
        if record.kind == "meeting_note":
            continue
        rows = json.loads(files[f"{name}.json"])
        assert record.id in {row["id"] for row in rows}, record
        if record.kind == "document":
            [stored] = [n for n in files if n.startswith(f"documents/{record.id}-")]
            assert files[stored] == f"minutes {record.markers[0]}\n".encode()
        if record.kind == "person":
            assert record.markers[1] in files["affiliations.csv"].decode("utf-8-sig")
    assert files[f"documents/{picture.id}-flyer.png"] == PNG
    assert all(not n.startswith(("/", "..")) and "/../" not in n for n in files)
    assert files["notes.txt"].decode() == notes
    assert {row["id"] for row in json.loads(files["organization.json"])} == {world.org_a}
    readme = files["README.txt"].decode()
    assert "2026-03-02 09:00 PST" in readme
    for name in ("people.csv", "meetings.csv", "tasks.csv", "documents.csv", "notes.txt"):
        assert name in readme
    everything = "".join(content.decode("utf-8", errors="replace") for content in files.values())
    theirs = [m for r in world.records if r.owner == world.org_b for m in r.markers]
    assert [m for m in theirs if m in everything] == []


def test_both_addresses_give_the_same_archive(world: World,
                                              client_as: Callable[..., TestClient]) -> None:
    partner = client_as(Role.partner, world.org_a)
    first, second = (unpacked(partner.get(url.format(id=world.org_a))) for url in URLS)
    assert first == second


@pytest.mark.parametrize(("role", "own", "allowed"), [
    (Role.admin, False, True), (Role.lead, False, True), (Role.partner, True, True),
    (Role.partner, False, False), (Role.viewer, True, False)])
def test_who_may_export(role: Role, own: bool, allowed: bool, world: World,
                        client_as: Callable[..., TestClient]) -> None:
    member_of = world.org_a if own else world.org_b
    user = client_as(role, member_of if role in (Role.partner, Role.viewer) else None)
    for url in URLS:
        response = user.get(url.format(id=world.org_a))
        assert response.status_code == (200 if allowed else 403), (url, response.text)
        assert user.get(url.format(id=999_999)).status_code == 404
    page = user.get("/account").text
    link = f"/api/v1/organizations/{member_of}/export"
    # The account page offers the download to exactly those it would answer.
    if role in (Role.partner, Role.viewer):
        assert (link in page) == (role == Role.partner)
    else:
        assert "/export" not in page


def test_a_lead_gets_what_a_lead_may_read(world: World,
                                         client_as: Callable[..., TestClient]) -> None:
    files = unpacked(client_as(Role.lead).get(URLS[0].format(id=world.org_a)))
    everything = "".join(content.decode("utf-8", errors="replace") for content in files.values())
    for record in world.records:
        if record.owner == world.org_a:
            assert (record.markers[0] in everything) == (record.visibility != "private"), record
