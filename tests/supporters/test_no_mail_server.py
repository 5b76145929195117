"""Without a mail server no confirmation can go out: the public page and the comment kit offer
no "remind me" form, a sign-up posted anyway is refused and nothing is kept, and the leads'
public-page and supporters pages say why supporters cannot sign up (in both languages)."""

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from api.auth.models import Role
from api.public_pages.models import ShownKind
from api.supporters import service as supporters
from api.supporters.models import Supporter, SupporterAttempt
from tests.factories.public_pages import Ground
from tests.web.html import plain

SLUG = "riverbend-no-mail"


def test_the_public_page_and_kit_offer_no_form(anon_client: Any, published_ground: Ground) -> None:
    vote_id = published_ground.public[ShownKind.vote][0]
    for address in (f"/p/{SLUG}?lang=en", f"/p/{SLUG}/votes/{vote_id}?lang=en"):
        page = anon_client.get(address)
        assert page.status_code == 200
        assert 'action="/p/' not in page.text and "/remind" not in page.text
        assert "Email reminders before the votes are not available" in plain(page.text)
    spanish = anon_client.get(f"/p/{SLUG}?lang=es")
    assert "Los recordatorios por correo" in plain(spanish.text)


def test_a_sign_up_posted_anyway_is_refused_and_nothing_kept(
        anon_client: Any, published_ground: Ground, session: Session) -> None:
    token = supporters.form_token(published_ground.campaign.id)
    answer = anon_client.post(f"/p/{SLUG}/remind", data={
        "email": "resident@example.org", "token": token, "lang": "en"},
        headers={"Origin": "http://testserver"})
    assert answer.status_code == 503
    text = plain(answer.text)
    assert "not available" in text and "Check your inbox" not in text
    session.expire_all()
    assert session.exec(select(Supporter)).all() == []
    assert session.exec(select(sa.func.count()).select_from(SupporterAttempt)).one() == 0
    session.commit()
    spanish = anon_client.post(f"/p/{SLUG}/remind", data={
        "email": "resident@example.org", "token": token, "lang": "es"},
        headers={"Origin": "http://testserver"})
    assert spanish.status_code == 503 and "no están disponibles" in plain(spanish.text)


def test_the_leads_pages_warn_that_nobody_can_sign_up(
        client_as: Any, published_ground: Ground, client: Any) -> None:
    lead = client_as(Role.lead)
    for address in (f"/campaigns/{published_ground.campaign.id}/public",
                    f"/campaigns/{published_ground.campaign.id}/public/supporters"):
        text = plain(lead.get(address).text)
        assert "supporters cannot sign up for reminders" in text
        assert "An administrator of this instance can set one up." in text
    admin_page = client.get(f"/campaigns/{published_ground.campaign.id}/public")
    assert admin_page.status_code == 200
    assert 'href="/alerts/channels#smtp-heading"' in admin_page.text
