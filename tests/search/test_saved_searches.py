"""Saved searches: kept under a name through the JSON API, checked with clear messages, and
with alerts on, each new record they find (or that becomes readable to their owner) is queued
to the owner on the channels their preferences leave on, written only from what the owner may
read."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.accounts import service as accounts
from api.alerts import service as alerts
from api.alerts.models import AlertOutbox, Notification
from api.auth.models import Role
from api.db import new_session, session_scope
from api.people.models import Person
from api.search import saved
from api.search.models import SavedSearch, SavedSearchCreate
from tests import factories as f
from tests.alerts.conftest import tick_once
from tests.web.html import plain
from web.concepts import SPECS, refs_noun

SECRET = "Flock informant Zeta"


@pytest.mark.parametrize(("body", "field", "said"), [
    ({"name": "  ", "query": "flock"}, "name", "Give the search a name."),
    ({"name": "x" * 101, "query": "flock"}, "name", "A name is at most 100 characters."),
    ({"name": "Flock", "query": "  "}, "query", "Enter words to search for."),
    ({"name": "Flock", "query": "x" * 201}, "query", "A search is at most 200 characters."),
    ({"name": "Flock", "kind": "vote"}, "query", "Enter words to search for, or choose a filter."),
    ({"name": "Flock", "query": "flock", "kind": "spaceship"}, "kind",
     "There is no list named 'spaceship' to search."),
    ({"name": "Flock", "kind": "vote", "filters": {"colour": "red"}}, "filters",
     "The votes list cannot be filtered by 'colour'."),
    ({"name": "Flock", "kind": "vote", "filters": {"body_id": "many"}}, "filters",
     "The filter 'body_id' is a record's id (a whole number)."),
    ({"name": "Flock", "query": "flock", "filters": {"status": "held"}}, "filters",
     "Filters belong to one list: say which (kind)."),
])
def test_what_cannot_be_saved_is_said_plainly(client: TestClient, body: dict[str, Any],
                                              field: str, said: str) -> None:
    answer = client.post("/api/v1/saved-searches", json=body)
    assert answer.status_code == 422, answer.text
    assert said in answer.text and field in answer.text


def test_saved_listed_read_renamed_and_deleted_through_the_api(client: TestClient) -> None:
    made = client.post("/api/v1/saved-searches", json={
        "name": "Scheduled votes on Flock", "query": "flock", "kind": "vote",
        "filters": {"status": "scheduled"}, "alert": True})
    assert made.status_code == 201, made.text
    found = made.json()
    assert found["url"] == "/votes?q=flock&status=scheduled" and found["alert"] is True
    assert [s["id"] for s in client.get("/api/v1/saved-searches").json()] == [found["id"]]
    assert client.get(f"/api/v1/saved-searches/{found['id']}").json()["name"] == found["name"]
    renamed = client.patch(f"/api/v1/saved-searches/{found['id']}",
                           json={"name": "Flock votes", "alert": False}).json()
    assert (renamed["name"], renamed["alert"]) == ("Flock votes", False)
    assert client.patch(f"/api/v1/saved-searches/{found['id']}",
                        json={"name": ""}).status_code == 422
    assert client.delete(f"/api/v1/saved-searches/{found['id']}").status_code == 204
    assert client.get(f"/api/v1/saved-searches/{found['id']}").status_code == 404
    assert client.get("/api/v1/saved-searches").json() == []


def test_only_new_readable_matches_are_told_and_nothing_of_the_rest(
        session: Session, actor: Any) -> None:
    ours = f.make_organization(session, actor, name="Riverton Privacy Watch")
    theirs = f.make_organization(session, actor, name="Eastside Tenants")
    owner = f.make_user(Role.partner, session=session, organization_id=ours.id)
    f.make_target(session, actor, name="Flock supporter Ada")
    session.commit()
    search = saved.create(session, owner, SavedSearchCreate(name="Flock", query="flock",
                                                            alert=True))
    session.commit()
    # What it found when it was saved is not news.
    assert saved.alert_new_matches(session) == 0

    coalition = f.make_target(session, actor, name="Flock skeptic Bo")
    hidden = f.make_person(session, actor, name=SECRET, owner_organization_id=theirs.id,
                           visibility="private")
    session.commit()
    assert saved.alert_new_matches(session) == 2  # in the app and by email, as by default
    session.commit()
    rows = list(session.exec(select(AlertOutbox).where(AlertOutbox.subject_kind == "saved_search")))
    assert {(r.channel, r.title, r.link) for r in rows} == {
        ("in_app", "New for “Flock”: Flock skeptic Bo", f"/targets/{coalition.id}"),
        ("email", "New for “Flock”: Flock skeptic Bo", f"/targets/{coalition.id}")}
    assert all(r.user_id == owner.id and r.subject_id == search.id for r in rows)
    # Told once.
    assert saved.alert_new_matches(session) == 0
    session.commit()

    # The dispatcher sends it in the app like any other alert.
    tick_once()
    with new_session() as fresh:
        told = [n.title for n in fresh.exec(select(Notification).where(
            Notification.user_id == owner.id))]
    assert told == ["New for “Flock”: Flock skeptic Bo"]

    # Shared with the coalition later, the person becomes readable to the owner: news now.
    with session_scope() as writing:
        person = writing.get(Person, hidden.id)
        assert person is not None
        person.visibility = "coalition"  # type: ignore[assignment]
        writing.add(person)
    assert saved.alert_new_matches(session) == 2
    session.commit()
    titles = set(session.exec(select(AlertOutbox.title).where(
        AlertOutbox.subject_kind == "saved_search")).all())
    assert f"New for “Flock”: {SECRET}" in titles


def test_nothing_is_told_of_a_record_the_owner_may_not_read(session: Session,
                                                             actor: Any) -> None:
    ours = f.make_organization(session, actor, name="Riverton Privacy Watch")
    theirs = f.make_organization(session, actor, name="Eastside Tenants")
    owner = f.make_user(Role.partner, session=session, organization_id=ours.id)
    session.commit()
    saved.create(session, owner, SavedSearchCreate(name="Informants", query="informant",
                                                   alert=True))
    f.make_person(session, actor, name=SECRET, owner_organization_id=theirs.id,
                  visibility="private")
    session.commit()
    assert saved.alert_new_matches(session) == 0
    session.commit()
    everything = " ".join(session.exec(select(AlertOutbox.title)).all())
    assert SECRET not in everything


def test_alerts_follow_the_owners_preferences_and_stop_when_turned_off(
        session: Session, actor: Any) -> None:
    owner = f.make_user(Role.lead, session=session)
    session.commit()
    alerts.update_preferences(session, owner, {"email_mode": "off", "in_app": True})
    search = saved.create(session, owner, SavedSearchCreate(name="ALPR", query="alpr",
                                                            alert=True))
    session.commit()
    f.make_target(session, actor, name="ALPR champion Cy")
    session.commit()
    assert saved.alert_new_matches(session) == 1
    session.commit()
    assert {r.channel for r in session.exec(select(AlertOutbox).where(
        AlertOutbox.subject_kind == "saved_search"))} == {"in_app"}

    alerts.update_preferences(session, owner, {"email_mode": "digest", "in_app": False})
    f.make_target(session, actor, name="ALPR critic Di")
    session.commit()
    assert saved.alert_new_matches(session) == 1
    session.commit()
    digest = session.exec(select(AlertOutbox).where(
        AlertOutbox.subject_kind == "saved_search", AlertOutbox.channel == "email")).one()
    assert digest.via_digest is True

    saved.update(session, owner, search.id, saved.SavedSearchUpdate(alert=False))
    f.make_target(session, actor, name="ALPR neutral Ed")
    session.commit()
    assert saved.alert_new_matches(session) == 0
    # Deleted, its alerts not sent yet go with it.
    saved.delete(session, owner, search.id)
    session.commit()
    assert session.get(SavedSearch, search.id) is None
    assert {r.status for r in session.exec(select(AlertOutbox).where(
        AlertOutbox.subject_kind == "saved_search"))} == {"cancelled"}


def test_a_lists_filters_narrow_what_is_told(session: Session, actor: Any) -> None:
    owner = f.make_user(Role.lead, session=session)
    body = f.make_body(session, actor, name="Riverton Council")
    other = f.make_body(session, actor, name="County Board")
    session.commit()
    saved.create(session, owner, SavedSearchCreate(
        name="Council votes", kind="vote", filters={"body_id": str(body.id)}, alert=True))
    session.commit()
    f.make_vote(session, actor, body_id=other.id, title="County ALPR vote")
    mine = f.make_vote(session, actor, body_id=body.id, title="Council ALPR vote")
    session.commit()
    assert saved.alert_new_matches(session) == 2
    session.commit()
    assert {r.link for r in session.exec(select(AlertOutbox).where(
        AlertOutbox.subject_kind == "saved_search"))} == {f"/votes/{mine.id}"}


def test_each_kind_links_to_its_own_page() -> None:
    assert {kind: saved.PAGES[kind] for kind in saved.KINDS} == {
        kind: refs_noun(kind) for kind in saved.KINDS}


@pytest.mark.parametrize("noun", sorted(SPECS))
def test_every_list_page_saves_its_search(noun: str, client: TestClient) -> None:
    """Each list page offers to save its search, and the search is saved, named in words."""
    kind = SPECS[noun].model.__tablename__
    page = client.get(f"/{noun}?q=flock")
    assert page.status_code == 200
    if "/saved-searches?kind=" not in page.text:
        return
    assert f'href="/saved-searches?kind={kind}&amp;q=flock"' in page.text
    form = client.get(f"/saved-searches?kind={kind}&q=flock").text
    assert f"In the list of {kind}" not in form
    done = client.post("/saved-searches", data={"name": f"Flock {noun}", "q": "flock",
                                                "kind": kind}, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert saved.PAGES[kind] == noun


def test_the_search_and_list_pages_offer_to_save_and_the_page_saves(
        client: TestClient, client_as: Callable[..., TestClient]) -> None:
    assert 'href="/saved-searches?q=flock"' in client.get("/search?q=flock").text
    assert 'href="/saved-searches?kind=vote&amp;q=flock&amp;status=held"' in client.get(
        "/votes?q=flock&status=held").text
    form = client.get("/saved-searches?kind=vote&q=flock&status=held").text
    assert 'name="filter.status" value="held"' in form and 'value="flock"' in form
    refused = client.post("/saved-searches", data={"name": "", "q": "flock"})
    assert refused.status_code == 422 and "Give the search a name." in refused.text
    assert 'value="flock"' in refused.text
    done = client.post("/saved-searches", data={"name": "Held Flock votes", "q": "flock",
                                                "kind": "vote", "filter.status": "held",
                                                "alert": "on"}, follow_redirects=False)
    assert done.status_code == 303, done.text
    page = client.get("/saved-searches").text
    assert "Held Flock votes" in page and 'href="/votes?q=flock&amp;status=held"' in page
    assert "Saved searches" in client.get("/").text
    [found] = client.get("/api/v1/saved-searches").json()
    assert found["alert"] is True
    assert client.get(f"/saved-searches/{found['id']}",
                      follow_redirects=False).headers["location"] == found["url"]
    off = client.post(f"/saved-searches/{found['id']}/alert", data={"alert": "off"},
                      follow_redirects=False)
    assert off.status_code == 303
    assert client.get("/api/v1/saved-searches").json()[0]["alert"] is False
    gone = client.post(f"/saved-searches/{found['id']}/delete", follow_redirects=False)
    assert gone.status_code == 303
    assert "None yet." in client.get("/saved-searches").text


@pytest.mark.parametrize(("language", "said", "listed"), [
    ("en", "In the list of Tasks, filtered by Status “open”.", "Tasks; Status “open”"),
    ("es", "En la lista de Tareas, filtrada por Estado «abierta».", "Tareas; Estado «abierta»"),
])
def test_a_lists_filters_are_said_in_words_not_field_names(
        client: TestClient, session: Session, admin: Any, language: str, said: str,
        listed: str) -> None:
    accounts.set_language(session, session.merge(admin), language)
    session.commit()
    form = plain(client.get("/saved-searches?kind=task&status=open").text)
    assert said in form and "status open" not in form
    done = client.post("/saved-searches", data={"name": "Open tasks", "kind": "task",
                                                "filter.status": "open"},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    page = plain(client.get("/saved-searches").text)
    assert listed in page and "Status open" not in page
