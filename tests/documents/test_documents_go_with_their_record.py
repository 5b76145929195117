"""A document is read only with the record it is on, and shared no more widely than that
record: those who may not read a meeting never learn of its files, nor that it exists; a file
is uploaded, changed and narrowed within the record's sharing, and the export of what an
organization shares leaves out a file whose record stays in."""

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import Role
from api.documents.models import AttachedTo, Document
from tests import factories as f
from tests.api.contract import problem
from tests.web.html import HX, plain

MARK = "Minutes-of-the-private-meeting"
FILE = {"file": ("minutes.txt", b"what was said\n", "text/plain")}


@pytest.fixture
def coalition(session: Session, actor: Any, client_as: Callable[..., TestClient]) -> Any:
    org_a = f.make_organization(session, actor, name="Org A")
    org_b = f.make_organization(session, actor, name="Org B")
    private = f.make_meeting(session, actor, summary="Strategy", organization_id=org_a.id,
                             visibility="private")
    shared = f.make_meeting(session, actor, summary="Council visit", organization_id=org_a.id,
                            visibility="coalition")
    public = f.make_meeting(session, actor, summary="Press day", organization_id=org_a.id,
                            visibility="public")
    session.commit()

    class World:
        pass

    world = World()
    world.org_a, world.org_b = org_a, org_b  # type: ignore[attr-defined]
    world.private, world.shared, world.public = private, shared, public  # type: ignore[attr-defined]
    world.a = client_as(Role.partner, org_a.id)  # type: ignore[attr-defined]
    world.b = client_as(Role.partner, org_b.id)  # type: ignore[attr-defined]
    world.lead = client_as(Role.lead)  # type: ignore[attr-defined]
    return world


def _upload(client: TestClient, meeting: Any, **form: str) -> Any:
    return client.post("/api/v1/documents", files=FILE, data={
        "attached_kind": "meeting", "attached_id": str(meeting.id), **form})


def _legacy(session: Session, world: Any, meeting: Any) -> Document:
    """A file shared more widely than its meeting, as one could be uploaded before."""
    doc = Document(filename="minutes.txt", content_type="text/plain", size_bytes=1,
                   sha256="0" * 64, stored_name=f"legacy-{meeting.id}", description=MARK,
                   attached_kind=AttachedTo.meeting, attached_id=meeting.id,
                   owner_organization_id=world.org_a.id, visibility="coalition")
    session.add(doc)
    session.commit()
    return doc


def test_a_file_on_a_record_one_may_not_read_is_not_there(
        coalition: Any, session: Session) -> None:
    doc = _legacy(session, coalition, coalition.private)
    mine = coalition.a.get("/api/v1/documents", params={
        "attached_kind": "meeting", "attached_id": coalition.private.id}).json()
    assert [d["id"] for d in mine["items"]] == [doc.id]
    for other in (coalition.b, coalition.lead):
        listed = other.get("/api/v1/documents", params={
            "attached_kind": "meeting", "attached_id": coalition.private.id})
        assert listed.json()["items"] == [] and listed.json()["total"] == 0
        assert MARK not in other.get("/api/v1/documents", params={"q": MARK}).text
        assert other.get(f"/api/v1/documents/{doc.id}").status_code == 404
        assert other.get(f"/documents/{doc.id}").status_code == 404


def test_a_file_is_shared_no_more_widely_than_its_record(coalition: Any) -> None:
    problem(_upload(coalition.a, coalition.private, visibility="coalition"), 422, "visibility")
    problem(_upload(coalition.a, coalition.shared, visibility="public"), 422, "visibility")
    kept = _upload(coalition.a, coalition.shared, visibility="leads")
    assert kept.status_code == 201 and kept.json()["visibility"] == "leads"
    url = f"/api/v1/documents/{kept.json()['id']}"
    problem(coalition.a.patch(url, json={"visibility": "public"}), 422, "visibility")
    widened = coalition.a.patch(url, json={"visibility": "coalition"})
    assert widened.status_code == 200 and widened.json()["visibility"] == "coalition"
    assert coalition.b.get(url).status_code == 200


def test_narrowing_a_record_narrows_its_files_and_the_export_leaves_them_out(
        coalition: Any) -> None:
    doc = _upload(coalition.a, coalition.shared, visibility="coalition",
                  description=MARK).json()
    narrowed = coalition.a.patch(f"/api/v1/meetings/{coalition.shared.id}",
                                 json={"visibility": "private"})
    assert narrowed.status_code == 200, narrowed.text
    assert coalition.a.get(f"/api/v1/documents/{doc['id']}").json()["visibility"] == "private"
    assert coalition.b.get(f"/api/v1/documents/{doc['id']}").status_code == 404
    export = coalition.a.get(f"/api/v1/organizations/{coalition.org_a.id}/shared-export.zip",
                             params={"tier": "coalition"})
    assert export.status_code == 200, export.text
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        listed = archive.read("documents.csv").decode("utf-8-sig")
    assert "Description" in listed and MARK not in listed


def test_the_audit_entry_of_a_file_is_no_more_open_than_its_record(
        coalition: Any, session: Session, client: TestClient) -> None:
    _legacy(session, coalition, coalition.private)
    assert MARK not in coalition.lead.get("/api/v1/audit", params={
        "record_kind": "document"}).text
    assert MARK in client.get("/api/v1/audit", params={"record_kind": "document"}).text
    made = _upload(coalition.a, coalition.private, description="Agenda")
    assert made.status_code == 201 and made.json()["visibility"] == "private"


def test_the_upload_form_asks_who_may_see_the_file_starting_as_the_record(
        coalition: Any, session: Session) -> None:
    page = coalition.a.get(f"/meetings/{coalition.shared.id}").text
    form = page.split('class="upload"', 1)[1].split("</form>", 1)[0]
    assert 'name="visibility"' in form
    assert '<option value="coalition" selected>' in form
    assert 'value="public"' not in form
    assert "Who can see this file" in plain(form)
    # Sent without a choice, a file goes as widely as its meeting, not kept private.
    sent = coalition.a.post(f"/meetings/{coalition.public.id}/documents", files=FILE,
                            data={"description": MARK}, headers=HX)
    assert sent.status_code == 200, sent.text
    saved = session.exec(select(Document).where(Document.description == MARK)).one()
    assert saved.visibility == "public"


def test_the_upload_form_keeps_the_choice_made(coalition: Any, session: Session) -> None:
    sent = coalition.a.post(f"/meetings/{coalition.public.id}/documents", files=FILE,
                            data={"description": MARK, "visibility": "leads"}, headers=HX)
    assert sent.status_code == 200, sent.text
    saved = session.exec(select(Document).where(Document.description == MARK)).one()
    assert saved.visibility == "leads"
