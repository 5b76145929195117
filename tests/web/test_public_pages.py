"""A campaign's public page: set up, previewed and published by leads only, then read by
anyone at /p/<address> with only the public records the leads chose, in their language,
cacheable and without a cookie."""

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import AuditEntry, Role
from api.public_pages.models import ShownKind
from tests.factories.public_pages import Ground, make_ground
from tests.web.html import plain


@pytest.fixture
def ground(session: Session, actor: Any, frozen_now: datetime) -> Ground:
    return make_ground(session, actor)


def _form(ground: Ground, *, slug: str = "riverbend-no-cameras",
          kinds: tuple[ShownKind, ...] = tuple(ShownKind), **extra: str) -> dict[str, Any]:
    picks = [f"{kind.value}:{ground.public[kind][0]}" for kind in kinds]
    form: dict[str, Any] = {"slug": slug, "intro": "Cameras log every car.\n\nThey share it.",
                            "pick": picks, "show_stances": "on", **extra}
    vote_id = ground.public[ShownKind.vote][0]
    form[f"note:vote:{vote_id}"] = "Sign up to speak by noon the day before."
    return form


def test_a_lead_sets_up_previews_and_publishes_and_anyone_reads_only_the_public_choice(
        client_as: Any, anon_client: TestClient, ground: Ground, session: Session) -> None:
    lead = client_as(Role.lead)
    campaign = ground.campaign.id
    assert anon_client.get("/p/riverbend-no-cameras").status_code == 404
    saved = lead.post(f"/campaigns/{campaign}/public", data=_form(ground),
                      follow_redirects=False)
    assert saved.status_code == 303
    # Saved but not published: the address answers as an unknown one does.
    unpublished = anon_client.get("/p/riverbend-no-cameras")
    unknown = anon_client.get("/p/no-such-campaign")
    assert unpublished.status_code == unknown.status_code == 404
    assert unpublished.text == unknown.text
    preview = lead.get(f"/campaigns/{campaign}/public/preview")
    assert preview.status_code == 200 and "no-store" in preview.headers["cache-control"]
    assert "It is not published yet" in preview.text
    assert lead.post(f"/campaigns/{campaign}/public/publish",
                     follow_redirects=False).status_code == 303
    page = anon_client.get("/p/riverbend-no-cameras", headers={"Accept-Language": "en-US"})
    assert page.status_code == 200
    text = plain(page.text)
    for kind, (_, mark) in ground.public.items():
        assert mark in text, kind
    for kind, hidden in ground.hidden.items():
        for _, mark in hidden:
            assert mark not in page.text and mark not in preview.text, kind
    # The campaign's own description and its asks' notes are the coalition's.
    for mark in ground.coalition_only:
        assert mark not in page.text and mark not in preview.text
    assert "Retention limit" in text and "No use for immigration enforcement Won" in text
    assert "Sign up to speak by noon the day before." in text
    assert "Where they stand: leaning with us" in text
    assert "City Hall" in text and "Fixed cameras: 41" in text and "$125,000" in text
    # Exactly what the preview showed, but its banner.
    assert plain(preview.text).split("Why it matters", 1)[1] \
        == text.split("Why it matters", 1)[1]
    entries = session.exec(select(AuditEntry.action).where(
        AuditEntry.record_kind == "public_page")).all()
    assert "publish" in entries


def test_the_public_page_is_plain_cacheable_and_sets_no_cookie(
        client_as: Any, anon_client: TestClient, ground: Ground) -> None:
    lead = client_as(Role.lead)
    lead.post(f"/campaigns/{ground.campaign.id}/public", data=_form(ground))
    lead.post(f"/campaigns/{ground.campaign.id}/public/publish")
    page = anon_client.get("/p/riverbend-no-cameras")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "public, max-age=60"
    assert "set-cookie" not in page.headers and "cookie" not in page.headers["vary"].lower()
    assert "accept-language" in page.headers["vary"].lower()
    assert "<script" not in page.text and "http://" not in page.text.replace(
        "https://news.example", "")
    again = anon_client.get("/p/riverbend-no-cameras",
                            headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_visitors_language_comes_from_the_browser_with_a_switch(
        client_as: Any, anon_client: TestClient, ground: Ground) -> None:
    lead = client_as(Role.lead)
    lead.post(f"/campaigns/{ground.campaign.id}/public", data=_form(ground))
    lead.post(f"/campaigns/{ground.campaign.id}/public/publish")
    spanish = anon_client.get("/p/riverbend-no-cameras", headers={"Accept-Language": "es-MX"})
    assert '<html lang="es">' in spanish.text
    assert "Lo que pedimos" in spanish.text and 'href="/p/riverbend-no-cameras?lang=en"' \
        in spanish.text
    english = anon_client.get("/p/riverbend-no-cameras?lang=en",
                              headers={"Accept-Language": "es-MX"})
    assert '<html lang="en">' in english.text and "What we ask" in english.text
    assert english.headers["etag"] != spanish.headers["etag"]
    missing = anon_client.get("/p/nothing-here", headers={"Accept-Language": "es"})
    assert missing.status_code == 404 and '<html lang="es">' in missing.text


def test_unpublishing_takes_the_page_down(client_as: Any, anon_client: TestClient,
                                          ground: Ground, session: Session) -> None:
    lead = client_as(Role.lead)
    lead.post(f"/campaigns/{ground.campaign.id}/public", data=_form(ground))
    lead.post(f"/campaigns/{ground.campaign.id}/public/publish")
    assert anon_client.get("/p/riverbend-no-cameras").status_code == 200
    lead.post(f"/campaigns/{ground.campaign.id}/public/unpublish")
    assert anon_client.get("/p/riverbend-no-cameras").status_code == 404
    actions = session.exec(select(AuditEntry.action).where(
        AuditEntry.record_kind == "public_page")).all()
    assert "unpublish" in actions


@pytest.mark.parametrize("role", [Role.partner, Role.viewer])
def test_only_leads_set_up_preview_or_publish(client_as: Any, ground: Ground,
                                              role: Role, anon_client: TestClient) -> None:
    lead = client_as(Role.lead)
    lead.post(f"/campaigns/{ground.campaign.id}/public", data=_form(ground))
    member = client_as(role)
    campaign = ground.campaign.id
    assert member.get(f"/campaigns/{campaign}/public").status_code == 403
    assert member.get(f"/campaigns/{campaign}/public/preview").status_code == 403
    assert member.post(f"/campaigns/{campaign}/public", data=_form(ground)).status_code == 403
    assert member.post(f"/campaigns/{campaign}/public/publish").status_code == 403
    assert anon_client.get("/p/riverbend-no-cameras").status_code == 404


def test_a_record_below_the_public_tier_cannot_be_chosen(client_as: Any, ground: Ground) -> None:
    lead = client_as(Role.lead)
    form = _form(ground)
    hidden_id, mark = ground.hidden[ShownKind.target][0]
    form["pick"] = [*form["pick"], f"target:{hidden_id}"]
    refused = lead.post(f"/campaigns/{ground.campaign.id}/public", data=form)
    assert refused.status_code == 422
    assert "Only records shared with the public" in refused.text
    # The form offers public records only.
    offered = lead.get(f"/campaigns/{ground.campaign.id}/public")
    assert offered.status_code == 200
    assert ground.public[ShownKind.target][1] in offered.text and mark not in offered.text


@pytest.mark.parametrize("slug", ["A", "has space", "-lead", "x" * 81, "dos--dashes"])
def test_a_bad_address_is_refused_in_the_form(client_as: Any, ground: Ground, slug: str) -> None:
    lead = client_as(Role.lead)
    refused = lead.post(f"/campaigns/{ground.campaign.id}/public", data=_form(ground, slug=slug))
    assert refused.status_code == 422 and "lowercase letters" in refused.text


def test_two_campaigns_cannot_share_an_address(client_as: Any, ground: Ground, session: Session,
                                               actor: Any) -> None:
    from tests import factories as f

    lead = client_as(Role.lead)
    other = f.make_campaign(session, actor, name="Other")
    lead.post(f"/campaigns/{ground.campaign.id}/public", data=_form(ground))
    refused = lead.post(f"/campaigns/{other.id}/public",
                        data={"slug": "riverbend-no-cameras"})
    assert refused.status_code == 422 and "Another campaign" in refused.text


def test_publishing_before_setting_up_is_refused(client_as: Any, ground: Ground) -> None:
    lead = client_as(Role.lead)
    refused = lead.post(f"/campaigns/{ground.campaign.id}/public/publish")
    assert refused.status_code == 422


def test_each_vote_ahead_has_a_comment_kit_from_the_asks_or_the_leads_words(
        client_as: Any, anon_client: TestClient, ground: Ground) -> None:
    lead = client_as(Role.lead)
    campaign = ground.campaign.id
    vote_id, mark = ground.public[ShownKind.vote]
    lead.post(f"/campaigns/{campaign}/public", data=_form(ground))
    lead.post(f"/campaigns/{campaign}/public/publish")
    page = anon_client.get("/p/riverbend-no-cameras")
    assert f'href="/p/riverbend-no-cameras/votes/{vote_id}?lang=en"' in page.text
    kit = anon_client.get(f"/p/riverbend-no-cameras/votes/{vote_id}")
    assert kit.status_code == 200 and kit.headers["cache-control"] == "public, max-age=60"
    text = plain(kit.text)
    assert mark in text and "Sign up to speak by noon the day before." in text
    # Made from the asks not yet won: the one won is no talking point.
    assert "Talking points Retention limit A sample comment" in text
    assert "Dear members of Riverbend Council," in text and "I live in Riverbend" in text
    assert ground.public[ShownKind.target][1] in text
    for hidden in ground.hidden.values():
        for _, hidden_mark in hidden:
            assert hidden_mark not in kit.text
    for mark_of_ours in ground.coalition_only:
        assert mark_of_ours not in kit.text
    spanish = anon_client.get(f"/p/riverbend-no-cameras/votes/{vote_id}",
                              headers={"Accept-Language": "es"})
    assert '<html lang="es">' in spanish.text and "Puntos para su comentario" in spanish.text
    # The leads' own words replace what is made from the asks.
    form = _form(ground)
    form[f"points:vote:{vote_id}"] = "- Cameras track families\n- Ninety days is too long"
    form[f"comment:vote:{vote_id}"] = "Please vote no on the renewal."
    lead.post(f"/campaigns/{campaign}/public", data=form)
    text = plain(anon_client.get(f"/p/riverbend-no-cameras/votes/{vote_id}").text)
    assert "Cameras track families Ninety days is too long" in text
    assert "Please vote no on the renewal." in text and "Dear members" not in text
    assert "Please vote no on the renewal." in lead.get(f"/campaigns/{campaign}/public").text


def test_no_kit_for_a_vote_the_page_does_not_show(
        client_as: Any, anon_client: TestClient, ground: Ground) -> None:
    lead = client_as(Role.lead)
    lead.post(f"/campaigns/{ground.campaign.id}/public", data=_form(ground))
    unknown = anon_client.get("/p/riverbend-no-cameras/votes/999999")
    for vote_id, mark in ground.hidden[ShownKind.vote] + [ground.public[ShownKind.vote]]:
        # Not published yet, or below the public tier: as an unknown vote.
        kit = anon_client.get(f"/p/riverbend-no-cameras/votes/{vote_id}")
        assert kit.status_code == 404 and kit.text == unknown.text and mark not in kit.text
    lead.post(f"/campaigns/{ground.campaign.id}/public/publish")
    for vote_id, _ in ground.hidden[ShownKind.vote]:
        assert anon_client.get(f"/p/riverbend-no-cameras/votes/{vote_id}").text == unknown.text
    assert anon_client.get("/p/riverbend-no-cameras/votes/x1").status_code == 404
