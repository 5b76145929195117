"""A saved search is its owner's alone: no one else, whatever their role or organization (a
lead, an administrator, a partner of the same organization), lists, reads, runs, changes or
deletes it; its id answers them as one that does not exist, on the pages and in the JSON API."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from api.search import saved
from api.search.models import SavedSearch
from tests import factories as f
from tests.conftest import api_token

NAME = "Sheriff MOU MARKsavedsearch0001"


def test_no_one_else_lists_reads_or_deletes_a_saved_search(
        session: Session, actor: object, client_as: Callable[..., TestClient]) -> None:
    ours = f.make_organization(session, actor, name="Riverton Privacy Watch")
    theirs = f.make_organization(session, actor, name="Eastside Tenants")
    session.commit()
    owner = client_as(Role.partner, ours.id)
    owner.headers["Authorization"] = f"Bearer {api_token(owner.user)}"  # type: ignore[attr-defined]
    made = owner.post("/api/v1/saved-searches", json={"name": NAME, "query": "mou",
                                                      "alert": True})
    assert made.status_code == 201, made.text
    saved_id = made.json()["id"]
    others = {"admin": client_as(Role.admin), "lead": client_as(Role.lead),
              "partner of the same organization": client_as(Role.partner, ours.id),
              "partner of another": client_as(Role.partner, theirs.id),
              "viewer": client_as(Role.viewer, ours.id)}
    missing = 10**6
    for who, other in others.items():
        other.headers["Authorization"] = f"Bearer {api_token(other.user)}"  # type: ignore[attr-defined]
        for url in ("/api/v1/saved-searches", "/saved-searches"):
            listed = other.get(url)
            assert listed.status_code == 200 and NAME not in listed.text, (who, url)
        for record_id in (saved_id, missing):
            answers = [
                other.get(f"/api/v1/saved-searches/{record_id}"),
                other.patch(f"/api/v1/saved-searches/{record_id}", json={"alert": False}),
                other.delete(f"/api/v1/saved-searches/{record_id}"),
                other.get(f"/saved-searches/{record_id}", follow_redirects=False),
                other.post(f"/saved-searches/{record_id}/alert", data={"alert": "off"},
                           follow_redirects=False),
                other.post(f"/saved-searches/{record_id}/delete", follow_redirects=False),
            ]
            assert [a.status_code for a in answers] == [404] * 6, (who, record_id)
            assert all(NAME not in a.text for a in answers), who
        # The same answer as for an id that does not exist.
        assert other.get(f"/api/v1/saved-searches/{saved_id}").json()["detail"].replace(
            str(saved_id), "N") == other.get(f"/api/v1/saved-searches/{missing}").json()[
            "detail"].replace(str(missing), "N")
    # What it finds is told to its owner; nobody else's delivery log shows it.
    f.make_target(session, actor, name="MOU signatory Fay")
    session.commit()
    assert saved.alert_new_matches(session) > 0
    session.commit()
    assert NAME in owner.get("/api/v1/alerts/outbox").text
    for who in ("admin", "lead"):
        log = others[who].get("/api/v1/alerts/outbox")
        assert log.status_code == 200 and NAME not in log.text, who
        assert NAME not in others[who].get("/alerts/log").text, who
    session.expire_all()
    kept = session.get(SavedSearch, saved_id)
    assert kept is not None and kept.alert is True
    assert owner.get(f"/api/v1/saved-searches/{saved_id}").json()["name"] == NAME
