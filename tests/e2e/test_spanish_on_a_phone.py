"""A Spanish reader on a 375 px phone: chosen on the account page, then This week and the
meeting log in Spanish, with nothing sticking out sideways and no label cut off (Spanish runs
about a fifth longer than English)."""

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session

from api import clock
from api.auth.models import Role
from tests import factories as f
from tests.e2e.conftest import PHONE, _page, shoot

pytestmark = pytest.mark.e2e

# Labels, headings and buttons whose text is wider than their box and hidden, or that reach
# past the right edge of the screen. The navigation scrolls sideways on purpose.
CLIPPED = """() => [...document.querySelectorAll(
    'main label, main legend, main h1, main h2, main button, main th, main summary, main .button')]
  .filter(e => e.offsetParent !== null && !e.closest('.visually-hidden'))
  .filter(e => {
    const box = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    const hides = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
    return (hides && e.scrollWidth > e.clientWidth + 1) || box.right > window.innerWidth + 1;
  })
  .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 60))"""


def test_this_week_and_the_meeting_log_in_spanish_fit_a_phone(
        browser: Browser, server: str, session: Session, actor: Any) -> None:
    org = f.make_organization(session, actor, name="Red de Derechos de los Inmigrantes")
    campaign = f.make_campaign(session, actor)
    body = f.make_body(session, actor)
    f.make_target(session, actor, body_id=body.id, name="Concejal Marcus Bell")
    # Within the dashboard's 120 days, so its whip count is drawn in Spanish too.
    f.make_vote(session, actor, body_id=body.id, campaign_id=campaign.id,
                scheduled_at=clock.now() + timedelta(days=10))
    session.commit()
    for page in _page(browser, server, PHONE, Role.lead, org.id):
        page.goto("/account")
        page.select_option("select[name=language]", "es")
        page.get_by_role("button", name="Save language").click()
        expect(page.locator("main h1")).to_have_text("Su cuenta")
        for url, heading, name in (("/", "Esta semana", "this-week-es-phone"),
                                   ("/meetings/new", "Registrar una reunión",
                                    "meeting-log-es-phone")):
            page.goto(url)
            expect(page.locator("main h1")).to_have_text(heading)
            assert page.evaluate("document.documentElement.lang") == "es"
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{url} is {overflow}px too wide on a phone"
            assert page.evaluate(CLIPPED) == [], url
            shoot(page, name)
        expect(page.get_by_role("button", name="Guardar la reunión")).to_be_visible()
        expect(page.get_by_label("Busque con quién se reunió")).to_be_visible()
