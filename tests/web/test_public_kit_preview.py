"""Before publishing, the leads preview each vote's comment kit as the page will show it: the
preview page links to it, it carries the preview banner, its "remind me" form takes nothing,
and it is the leads' alone."""

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from api.public_pages.models import ShownKind
from tests.factories.public_pages import Ground, make_ground, publish
from tests.supporters.conftest import inbox  # noqa: F401
from tests.web.html import plain

SLUG = "riverbend-kit-preview"


@pytest.fixture
def ground(session: Session, actor: Any, frozen_now: datetime) -> Ground:
    return make_ground(session, actor)


def test_a_lead_previews_each_kit_before_publishing(
        client_as: Any, ground: Ground, anon_client: TestClient,
        inbox: list[Any]) -> None:  # noqa: F811
    lead = client_as(Role.lead)
    publish(lead, ground, SLUG, publish=False)
    campaign, vote_id = ground.campaign.id, ground.public[ShownKind.vote][0]
    kit_address = f"/campaigns/{campaign}/public/preview/votes/{vote_id}"
    page = lead.get(f"/campaigns/{campaign}/public/preview?lang=en")
    assert f'href="{kit_address}?lang=en"' in page.text
    # The form is shown but posts nowhere: the page is not published.
    assert f"/p/{SLUG}/remind" not in page.text and "<fieldset disabled>" in page.text
    kit = lead.get(f"{kit_address}?lang=en")
    assert kit.status_code == 200
    text = plain(kit.text)
    assert "Preview: this is exactly what this vote" in text
    assert "It is not published yet" in text and "Speak up at the vote" in text
    assert f"/p/{SLUG}/remind" not in kit.text and "<fieldset disabled>" in kit.text
    assert 'name="robots" content="noindex"' in kit.text
    spanish = lead.get(f"{kit_address}?lang=es")
    assert spanish.status_code == 200 and "Vista previa" in plain(spanish.text)
    assert lead.get(f"/campaigns/{campaign}/public/preview/votes/999999").status_code == 404
    # Published, the kit itself is the public one, with a form that works.
    assert anon_client.get(f"/p/{SLUG}/votes/{vote_id}").status_code == 404
    publish(lead, ground, SLUG)
    public = anon_client.get(f"/p/{SLUG}/votes/{vote_id}?lang=en")
    assert f'action="/p/{SLUG}/remind"' in public.text and "fieldset disabled" not in public.text


@pytest.mark.parametrize("role", [Role.partner, Role.viewer])
def test_only_leads_preview_a_kit(client_as: Any, ground: Ground, role: Role,
                                  anon_client: TestClient) -> None:
    publish(client_as(Role.lead), ground, SLUG, publish=False)
    address = (f"/campaigns/{ground.campaign.id}/public/preview/votes/"
               f"{ground.public[ShownKind.vote][0]}")
    assert client_as(role).get(address).status_code == 403
    assert anon_client.get(address, follow_redirects=False).status_code in (303, 401)
