"""A campaign's public page against forged forms and odd addresses: only the campaign's own
records, ids read strictly, and every address under /p/ answered publicly (never a 500, never
the sign-in page), in the visitor's language."""

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import Role
from api.public_pages.models import PublicItem, PublicPage, ShownKind
from api.votes.models import Vote
from tests import factories as f
from tests.factories.public_pages import Ground, make_ground
from tests.web.html import plain

SLUG = "riverbend-no-cameras"
SECURITY = ("content-security-policy", "x-content-type-options", "x-frame-options",
            "referrer-policy")


@pytest.fixture
def ground(session: Session, actor: Any, frozen_now: datetime) -> Ground:
    return make_ground(session, actor)


def _form(ground: Ground, *extra_picks: str) -> dict[str, Any]:
    picks = [f"{kind.value}:{ground.public[kind][0]}" for kind in ShownKind]
    return {"slug": SLUG, "intro": "Cameras log every car.", "pick": [*picks, *extra_picks]}


def _elsewhere(session: Session, actor: Any) -> tuple[int, int]:
    """Another campaign's public vote, and a public official on a body of another place."""
    owned = {"visibility": "public",
             "owner_organization_id": f.make_organization(session, actor, name="Elsewhere").id}
    place = f.make_jurisdiction(session, actor, name="Farfield")
    body = f.make_body(session, actor, name="Farfield Council", jurisdiction_id=place.id)
    other = f.make_campaign(session, actor, name="Farfield campaign", jurisdiction_id=place.id)
    vote = f.make_vote(session, actor, title="Farfield vote", body_id=body.id,
                       campaign_id=other.id, scheduled_at=datetime(2026, 3, 12, 18, 0), **owned)
    target = f.make_target(session, actor, name="Farfield Member", body_id=body.id, **owned)
    session.commit()
    return vote.id, target.id


def _nothing_saved(session: Session) -> None:
    assert session.exec(select(PublicPage)).first() is None
    assert session.exec(select(PublicItem)).first() is None
    # Ends the read: on SQLite it holds the lock the app's writes wait for.
    session.commit()


def _publish(lead: Any, ground: Ground) -> None:
    assert lead.post(f"/campaigns/{ground.campaign.id}/public", data=_form(ground),
                     follow_redirects=False).status_code == 303
    lead.post(f"/campaigns/{ground.campaign.id}/public/publish")


@pytest.mark.parametrize("kind", ["vote", "target"])
def test_another_campaigns_record_cannot_be_chosen(
        client_as: Any, anon_client: TestClient, ground: Ground, session: Session, actor: Any,
        kind: str) -> None:
    lead = client_as(Role.lead)
    vote_id, target_id = _elsewhere(session, actor)
    forged = f"vote:{vote_id}" if kind == "vote" else f"target:{target_id}"
    refused = lead.post(f"/campaigns/{ground.campaign.id}/public",
                        data=_form(ground, forged))
    assert refused.status_code == 422
    assert "Only this campaign's own records" in plain(refused.text)
    _nothing_saved(session)
    _publish(lead, ground)
    page = anon_client.get(f"/p/{SLUG}")
    assert page.status_code == 200
    assert "Farfield" not in page.text
    unknown = anon_client.get(f"/p/{SLUG}/votes/999999")
    assert anon_client.get(f"/p/{SLUG}/votes/{vote_id}").text == unknown.text


def test_a_record_no_longer_the_campaigns_drops_off_the_page(
        client_as: Any, anon_client: TestClient, ground: Ground, session: Session,
        actor: Any) -> None:
    lead = client_as(Role.lead)
    _publish(lead, ground)
    vote_id, mark = ground.public[ShownKind.vote]
    assert mark in anon_client.get(f"/p/{SLUG}").text
    assert anon_client.get(f"/p/{SLUG}/votes/{vote_id}").status_code == 200
    # Filed under another campaign after it was chosen: no longer this page's.
    other = f.make_campaign(session, actor, name="Another campaign")
    vote = session.get(Vote, vote_id)
    assert vote is not None
    vote.campaign_id = other.id
    session.add(vote)
    session.commit()
    assert mark not in anon_client.get(f"/p/{SLUG}").text
    assert anon_client.get(f"/p/{SLUG}/votes/{vote_id}").status_code == 404


@pytest.mark.parametrize("pick", ["target:0", "vote:0", "target:\u00b2", "target:\u0661",
                                  "vote:\u0661", "target:01", "target: 1", "target:-1",
                                  "target:99999999999", "target:" + "9" * 400, "camera:1",
                                  "target", ""])
def test_a_forged_choice_is_refused_in_the_form(
        client_as: Any, ground: Ground, session: Session, pick: str) -> None:
    lead = client_as(Role.lead)
    refused = lead.post(f"/campaigns/{ground.campaign.id}/public", data=_form(ground, pick))
    assert refused.status_code == 422
    assert "Choose only among the records this form offers." in refused.text
    _nothing_saved(session)


def _public_answer(answer: Any) -> None:
    assert answer.status_code < 500
    for header in SECURITY:
        assert header in answer.headers, header
    assert "set-cookie" not in answer.headers


@pytest.mark.parametrize("path", [f"/p/{SLUG}", "/p/no-such-page", "/p/{SLUG}/votes/1",
                                  "/p/", "/p"])
@pytest.mark.parametrize("method", ["POST", "OPTIONS", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_refused_publicly(client_as: Any, anon_client: TestClient,
                                            ground: Ground, path: str, method: str) -> None:
    _publish(client_as(Role.lead), ground)
    answer = anon_client.request(method, path, follow_redirects=False)
    _public_answer(answer)
    # As the sign-in page answers them.
    assert answer.status_code == 405
    assert "That cannot be done here." in answer.text and "Sign in" not in answer.text


@pytest.mark.parametrize("path", [f"/p/{SLUG}", "/p/no-such-page", f"/p/{SLUG}.ics",
                                  f"/p/{SLUG}.json", "/p"])
def test_head_answers_as_get_without_the_body(client_as: Any, anon_client: TestClient,
                                              ground: Ground, path: str) -> None:
    _publish(client_as(Role.lead), ground)
    got = anon_client.get(path, follow_redirects=False)
    head = anon_client.head(path, follow_redirects=False)
    _public_answer(head)
    assert head.status_code == got.status_code and head.content == b""
    for header in ("content-type", "etag", "cache-control"):
        assert head.headers.get(header) == got.headers.get(header), header


@pytest.mark.parametrize("lang", ["x" * 9, "x" * 5000, "fr", "es-MX-extra", "<b>"])
def test_an_unknown_language_is_passed_over(client_as: Any, anon_client: TestClient,
                                            ground: Ground, lang: str) -> None:
    _publish(client_as(Role.lead), ground)
    vote_id = ground.public[ShownKind.vote][0]
    for path, status in ((f"/p/{SLUG}", 200), (f"/p/{SLUG}/votes/{vote_id}", 200),
                         ("/p/no-such-page", 404), ("/p/", 404)):
        answer = anon_client.get(path, params={"lang": lang},
                                 headers={"Accept-Language": "es"})
        _public_answer(answer)
        assert answer.status_code == status and '<html lang="es">' in answer.text


def test_every_other_address_under_p_is_the_public_not_found(
        client_as: Any, anon_client: TestClient, ground: Ground) -> None:
    _publish(client_as(Role.lead), ground)
    vote_id = ground.public[ShownKind.vote][0]
    assert anon_client.get(f"/p/{SLUG}/votes/{vote_id}").status_code == 200
    unknown = anon_client.get("/p/no-such-page")
    assert unknown.status_code == 404
    for path in (f"/p/{SLUG}/", "/p/", "/p", "/p//", f"/p/{SLUG}/votes/", f"/p/{SLUG}/votes",
                 f"/p/{SLUG}/votes/{vote_id}/", f"/p/{SLUG}/more/parts",
                 f"/p/{SLUG}/votes/" + "1" * 21, "/p/" + "a" * 201, "/p/" + "a" * 5000,
                 f"/p/{SLUG}/votes/0{vote_id}", f"/p/{SLUG}/votes/\u0661",
                 f"/p/{SLUG}/votes/{vote_id}\u00b2", f"/p/{SLUG}/votes/+{vote_id}",
                 f"/p/{SLUG}/votes/%20{vote_id}"):
        answer = anon_client.get(path, follow_redirects=False)
        _public_answer(answer)
        assert answer.status_code == 404, path
        assert answer.text == unknown.text, path


def test_a_browser_language_with_spaces_is_read(client_as: Any, anon_client: TestClient,
                                                ground: Ground) -> None:
    _publish(client_as(Role.lead), ground)
    page = anon_client.get(f"/p/{SLUG}", headers={"Accept-Language": "en;q=0.1, es ;q=0.9"})
    assert '<html lang="es">' in page.text and "Lo que pedimos" in plain(page.text)
