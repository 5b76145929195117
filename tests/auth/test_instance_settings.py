"""The coalition's settings: an administrator sets who a new organization's records are shared
with until it picks its own default, on the people and access page and through the API; the
change is audited, checked, and refused to everyone else."""

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import AuditEntry, Role
from tests.web.html import plain

URL = "/api/v1/instance-settings"


def _organization(client: TestClient, name: str, **values: Any) -> int:
    made = client.post("/api/v1/organizations", json={"name": name, **values})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_a_new_organization_shares_as_the_coalition_chose_until_it_chooses(
        client: TestClient, client_as: Callable[..., TestClient]) -> None:
    assert client.get(URL).json() == {"require_totp_for_leads": False,
                                      "default_visibility": None}
    chose = client.patch(URL, json={"default_visibility": "coalition"})
    assert chose.status_code == 200, chose.text
    assert chose.json()["default_visibility"] == "coalition"
    newcomer = client_as(Role.partner, organization_id=_organization(client, "Newcomers"))
    own = client_as(Role.partner, organization_id=_organization(
        client, "Keep It Close", default_visibility="private"))

    made = newcomer.post("/api/v1/people", json={"name": "Sam Volunteer"})
    assert made.status_code == 201 and made.json()["visibility"] == "coalition", made.text
    assert 'value="coalition" checked' in newcomer.get("/meetings/new").text
    # An organization's own default wins over the coalition's.
    kept = own.post("/api/v1/people", json={"name": "Kim Private"})
    assert kept.json()["visibility"] == "private"
    # Back to each kind's own: a person starts private, a target shared with the coalition.
    assert client.patch(URL, json={"default_visibility": None}).json()[
        "default_visibility"] is None
    assert newcomer.post("/api/v1/people", json={"name": "Lee"}).json()["visibility"] == "private"
    assert newcomer.post("/api/v1/targets", json={"name": "Council Member Ray"}).json()[
        "visibility"] == "coalition"


def test_only_the_fields_sent_change_and_nonsense_is_refused(client: TestClient) -> None:
    client.patch(URL, json={"require_totp_for_leads": True})
    changed = client.patch(URL, json={"default_visibility": "leads"}).json()
    assert changed == {"require_totp_for_leads": True, "default_visibility": "leads"}
    for wrong in ({"default_visibility": "everyone"}, {"default_visibility": 3},
                  {"require_totp_for_leads": "maybe"}):
        refused = client.patch(URL, json=wrong)
        assert refused.status_code == 422, wrong
    assert client.get(URL).json()["default_visibility"] == "leads"


def test_the_change_is_audited(client: TestClient, session: Session) -> None:
    client.patch(URL, json={"default_visibility": "public"})
    entries = session.exec(select(AuditEntry).where(
        AuditEntry.record_kind == "instance_setting")).all()
    assert [e.changes.get("default_visibility") for e in entries] == [[None, "public"]]
    assert entries[0].actor_label


def test_nobody_but_an_administrator_reads_or_changes_it(
        client: TestClient, client_as: Callable[..., TestClient], anon_client: TestClient,
        session: Session) -> None:
    org = _organization(client, "Partners")
    for role in (Role.lead, Role.partner, Role.viewer):
        other = client_as(role, organization_id=org if role != Role.lead else None)
        assert other.get(URL).status_code == 403, role
        assert other.patch(URL, json={"default_visibility": "public"}).status_code == 403, role
        page = other.post("/admin/settings", data={"default_visibility": "public"},
                          follow_redirects=False)
        assert page.status_code == 403, role
    assert anon_client.get(URL).status_code == 401
    assert client.get(URL).json()["default_visibility"] is None
    assert not session.exec(select(AuditEntry).where(
        AuditEntry.record_kind == "instance_setting")).all()


def test_the_page_sets_it_and_says_so(client: TestClient,
                                      client_as: Callable[..., TestClient]) -> None:
    page = client.get("/admin/users").text
    text = plain(page)
    assert "New organizations share their new records with" in text
    assert '<option value="" selected>' in page
    saved = client.post("/admin/settings", data={"default_visibility": "leads"},
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert client.get(URL).json()["default_visibility"] == "leads"
    shown = client.get(saved.headers["location"]).text
    assert '<option value="leads" selected>' in shown
    assert "The coalition's settings are saved." in plain(shown)
    # Two-factor for leads, on the same form, is left as the box says.
    assert client.get(URL).json()["require_totp_for_leads"] is False

    wrong = client.post("/admin/settings", data={"default_visibility": "everyone"})
    assert wrong.status_code == 422
    assert "Choose who new organizations share with from the list." in plain(wrong.text)
    assert client.get(URL).json()["default_visibility"] == "leads"
    # A lead sees the people and access page, not the coalition's settings.
    lead = client_as(Role.lead).get("/admin/users").text
    assert "New organizations share their new records with" not in plain(lead)
