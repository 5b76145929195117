"""Invitations, password resets without user enumeration, the audit log, erasure that really
erases, organization exports, and scoping of column selects used by lists and dashboards."""

import email
import email.policy
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import clock
from api.accounts import mail
from api.auth import scoping
from api.auth.models import AuditEntry, Invitation, Role, User, Visibility
from api.db import get_engine
from api.meetings.models import Meeting
from api.people.models import Person
from api.settings import get_settings
from tests.factories import make_user
from tests.factories.coalition import build, marker
from tests.web.html import plain

PASSWORD = "a long enough passphrase"


@pytest.fixture(autouse=True)
def empty_maildrop() -> None:
    shutil.rmtree(mail.maildrop(), ignore_errors=True)


def last_mail() -> str:
    files = sorted(mail.maildrop().glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    assert files
    message = email.message_from_bytes(files[-1].read_bytes(), policy=email.policy.default)
    return message.get_content()  # type: ignore[attr-defined,no-any-return]


def link_in(message: str) -> str:
    found = re.search(r"http://\S+/(invite|password-reset)/([A-Za-z0-9_-]+)", message)
    assert found
    return f"/{found.group(1)}/{found.group(2)}"


def presession_form(client: TestClient, path: str, **data: str) -> Any:
    client.get(path)
    from api.auth.tokens import csrf_for

    token = csrf_for(client.cookies.get("oversight_presession") or "")
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def test_invitation_link_works_once_and_expires(client: TestClient, anon_client: TestClient,
                                                session: Session, actor: Any) -> None:
    world = build(session, actor)
    page = client.post("/admin/invitations", data={"email": "new@example.org", "role": "partner",
                                                    "organization_id": str(world.org_a)})
    assert page.status_code == 200 and "/invite/" in page.text
    path = link_in(last_mail())
    accepted = presession_form(anon_client, path, name="New Member", password=PASSWORD)
    assert accepted.status_code == 303
    with Session(get_engine()) as s:
        user = s.exec(select(User).where(User.email == "new@example.org")).one()
        assert (user.role, user.organization_id) == ("partner", world.org_a)
    again = presession_form(TestClient(anon_client.app), path, name="Someone", password=PASSWORD)
    assert again.status_code == 422
    client.post("/admin/invitations", data={"email": "late@example.org", "role": "viewer",
                                            "organization_id": str(world.org_a)})
    late = link_in(last_mail())
    clock.freeze(clock.now() + timedelta(days=8))
    assert anon_client.get(late).status_code == 404


def test_an_address_that_cannot_take_mail_is_refused_before_anything_is_sent(
        client: TestClient, session: Session) -> None:
    before = len(list(mail.maildrop().glob("*.eml"))) if mail.maildrop().exists() else 0
    for address, said in (("bad@", "Write the part after the @"),
                          ("ana@riverton.invalid", "reserved name")):
        page = client.post("/admin/invitations", data={"email": address, "role": "lead"})
        assert page.status_code == 422, address
        assert said in page.text, address
    assert session.exec(select(Invitation)).all() == []
    after = len(list(mail.maildrop().glob("*.eml"))) if mail.maildrop().exists() else 0
    assert after == before


def test_partners_cannot_invite_and_leads_cannot_make_admins(
        client_as: Callable[..., TestClient]) -> None:
    partner = client_as(Role.partner)
    assert partner.post("/admin/invitations", data={"email": "x@example.org",
                                                    "role": "viewer"}).status_code == 403
    lead = client_as(Role.lead)
    refused = lead.post("/admin/invitations", data={"email": "x@example.org", "role": "admin"})
    assert refused.status_code == 403


def test_password_reset_says_the_same_for_any_address(anon_client: TestClient) -> None:
    make_user(Role.partner, email="known@example.org", password=PASSWORD)
    before = len(list(mail.maildrop().glob("*.eml"))) if mail.maildrop().exists() else 0
    known = presession_form(anon_client, "/password-reset", email="known@example.org")
    unknown = presession_form(anon_client, "/password-reset", email="unknown@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text.split("<main")[1] == unknown.text.split("<main")[1]
    assert len(list(mail.maildrop().glob("*.eml"))) == before + 1
    path = link_in(last_mail())
    assert presession_form(anon_client, path, password="new passphrase here").status_code == 303
    assert presession_form(anon_client, path, password="another passphrase").status_code == 422


@pytest.mark.parametrize(("language", "title", "said"), [
    ("en", "Choose a new password",
     "This link is not valid: it has expired, was already used or was not copied whole."),
    ("es", "Elija una contraseña nueva",
     "Este enlace no es válido: venció, ya se usó o no se copió completo."),
])
def test_a_badly_formed_reset_link_says_it_is_not_valid(anon_client: TestClient, language: str,
                                                         title: str, said: str) -> None:
    anon_client.headers["Accept-Language"] = language
    for path in ("/password-reset/badtoken", "/password-reset/" + "x" * 150):
        page = anon_client.get(path, follow_redirects=False)
        assert page.status_code == 404, (path, page.headers.get("location"))
        assert said in plain(page.text) and f"<h1>{title}</h1>" in page.text
    asked = anon_client.get("/password-reset")
    assert f"<h1>{title}</h1>" in asked.text


@pytest.mark.parametrize(("language", "said"), [
    ("en", "This invitation has expired or was already used."),
    ("es", "Esta invitación venció o ya se usó."),
])
def test_a_badly_formed_invitation_link_says_it_is_not_valid(
        anon_client: TestClient, language: str, said: str) -> None:
    anon_client.headers["Accept-Language"] = language
    for path in ("/invite/short", "/invite/not%20a%20token", "/invite/" + "x" * 150):
        page = anon_client.get(path, follow_redirects=False)
        assert page.status_code == 404, (path, page.headers.get("location"))
        assert said in plain(page.text)


def test_every_write_is_audited_and_leads_read_it(client: TestClient,
                                                  client_as: Callable[..., TestClient]) -> None:
    created = client.post("/api/v1/organizations", json={"name": "Audited Alliance"}).json()
    client.patch(f"/api/v1/organizations/{created['id']}", json={"notes": "changed"})
    client.delete(f"/api/v1/organizations/{created['id']}")
    log = client.get("/api/v1/audit", params={"record_kind": "organization",
                                              "record_id": created["id"]}).json()
    assert [e["action"] for e in log["items"]] == ["delete", "update", "create"]
    update = log["items"][1]
    assert update["changes"]["notes"] == ["", "changed"]
    assert update["actor_label"] == "admin@example.org"
    lead = client_as(Role.lead)
    assert lead.get("/api/v1/audit").status_code == 200
    assert "Audited Alliance" in lead.get("/audit").text
    assert client_as(Role.partner).get("/api/v1/audit").status_code == 403
    with Session(get_engine()) as s:
        entry = s.get(AuditEntry, update["id"])
        scoping.act_as(s, s.exec(select(User).where(User.email == "admin@example.org")).one())
        entry = s.get(AuditEntry, update["id"])
        entry.action = "rewritten"
        s.add(entry)
        try:
            s.flush()
            raise AssertionError("the audit log was changed")
        except Exception as exc:  # noqa: BLE001
            assert "append-only" in str(exc)


def test_secrets_never_reach_the_audit_log(client_as: Any) -> None:
    owner = client_as(Role.partner, password="a long enough passphrase")
    made = owner.post("/account/tokens", data={"name": "script", "scope": "read",
                                               "password": "a long enough passphrase"})
    assert made.status_code == 200
    shown = re.search(r"ovs_[A-Za-z0-9_-]+", made.text)
    assert shown is not None
    with Session(get_engine()) as s:
        # A person's API tokens are theirs alone: the log, which every lead reads, keeps none.
        assert not s.exec(select(AuditEntry).where(AuditEntry.record_kind == "api_token")).all()
        logged = " ".join(str(r.changes) for r in s.exec(select(AuditEntry)).all())
        assert shown.group()[:10] not in logged


def test_erasure_removes_every_trace(client: TestClient, session: Session, actor: Any) -> None:
    secret = marker()
    person = client.post("/api/v1/people", json={
        "name": f"Erase {secret}", "email": f"{secret.lower()}@example.org",
        "notes": f"lives at {secret}", "visibility": "coalition"}).json()
    org = client.post("/api/v1/organizations", json={"name": f"Org {marker()}"}).json()
    client.post("/api/v1/affiliations", json={"person_id": person["id"],
                                              "organization_id": org["id"],
                                              "role": f"role {secret}"})
    client.patch(f"/api/v1/people/{person['id']}", json={"phone": f"555 {secret}"})
    response = client.post(f"/api/v1/people/{person['id']}/erase")
    assert response.status_code == 204
    assert client.get(f"/api/v1/people/{person['id']}").status_code == 404
    log = client.get("/api/v1/audit", params={"record_kind": "person",
                                              "record_id": person["id"]}).json()
    assert [e["action"] for e in log["items"]] == ["erase"]
    assert secret not in json.dumps(log)
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        database = Path(engine.url.database or "")
        for path in (database, database.with_name(database.name + "-wal")):
            if path.exists():
                # The search index keeps words lowercased.
                data = path.read_bytes()
                assert secret.encode() not in data and secret.lower().encode() not in data, path
    else:
        with engine.connect() as conn:
            for table in sa.inspect(engine).get_table_names():
                found = conn.exec_driver_sql(
                    f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s',
                    (f"%{secret}%",)).scalar_one()
                assert found == 0, table


def test_organization_export_is_a_zip_of_csv_and_json(client_as: Callable[..., TestClient],
                                                      session: Session, actor: Any) -> None:
    world = build(session, actor)
    partner = client_as(Role.partner, world.org_a)
    response = partner.get(f"/api/v1/organizations/{world.org_a}/export")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = set(archive.namelist())
        assert {"meetings.csv", "meetings.json", "people.csv", "accounts.json"} <= names
        meetings = json.loads(archive.read("meetings.json"))
        assert {m["organization_id"] for m in meetings} == {world.org_a}
        assert len(meetings) == 4
        users = archive.read("accounts.json").decode()
        assert "password_hash" not in users
        everything = "".join(archive.read(n).decode() for n in names)
    for record in world.records:
        if record.owner == world.org_b:
            assert all(m not in everything for m in record.markers)
    assert partner.get(f"/api/v1/organizations/{world.org_b}/export").status_code == 403


def test_column_selects_counts_and_dashboards_are_scoped(session: Session, actor: Any) -> None:
    world = build(session, actor)
    partner = make_user(Role.partner, organization_id=world.org_a)
    with Session(get_engine()) as s:
        scoping.act_as(s, partner)
        summaries = set(s.exec(select(Meeting.summary)).all())
        count = s.exec(select(sa.func.count()).select_from(Meeting)).one()
        joined = s.exec(select(Person.name).join(
            Meeting, sa.true()).where(Meeting.visibility == Visibility.private)).all()
        subquery = s.exec(select(sa.func.count()).select_from(
            select(Person.id).where(Person.name.like("%MARK%")).subquery())).one()
    visible = [r for r in world.of("meeting") if r.owner == world.org_a
               or r.visibility in ("coalition", "public")]
    assert count == len(visible) == len(summaries) == 6
    # A meeting's first marker is its summary (the others, stances seen, live elsewhere).
    assert all(r.markers[0] in summaries for r in visible)
    people = [r for r in world.of("person") if r.owner == world.org_a
              or r.visibility in ("coalition", "public")]
    assert subquery == len(people)
    assert all(world.org_b not in () for _ in joined)
    assert get_settings().is_sqlite in (True, False)
