"""The pages people use most, in Chromium, for an account that reads Spanish: the dashboard, the
meeting form on a phone, a whip board and a records request. Each is in Spanish (<html lang>,
its headings and buttons), no label, button or heading is cut off or runs out of its box, and a
screenshot of each is kept to look at."""

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from api import demo
from api.auth import sessions
from api.auth.models import Role
from api.db import get_engine
from api.records_requests.models import RecordsRequest
from tests.e2e.conftest import DESKTOP, PHONE, shoot
from tests.factories import make_user
from web.concepts import SPECS

pytestmark = pytest.mark.e2e

# Text in a box narrower than itself, or a box wider than the window: cut off, or hidden
# behind a scroll bar nobody expects.
CLIPPED = """() => {
  const found = [];
  const width = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll(
      'main label, main button, main a.button, main th, main h1, main h2, main h3, main legend, ' +
      'main summary, main .badge, main select, nav a, header a')) {
    // Not shown, or only to screen readers (.visually-hidden clips text on purpose).
    if (!el.offsetParent || el.closest('.visually-hidden')) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const cut = el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible';
    // The navigation scrolls sideways on a phone by design; the rest must fit the window.
    const outside = box.right > width + 1 && !el.closest('nav, header');
    if (cut || outside) found.push(el.tagName + ': ' + el.innerText.slice(0, 60));
  }
  return found;
}"""


@pytest.fixture
def ids(session: Session, db: None) -> dict[str, int]:
    demo.load(session)
    session.commit()
    first = {noun: session.exec(select(sa.func.min(spec.model.id))).one() or 0
             for noun, spec in SPECS.items()}
    first["request"] = session.exec(select(sa.func.min(RecordsRequest.id))).one() or 0
    session.commit()
    return first


def _spanish(browser: Browser, server: str, viewport: dict[str, int]) -> Iterator[Page]:
    user = make_user(Role.lead, name="Lucía Hernández", language="es")
    with Session(get_engine()) as s:
        raw = sessions.start(s, user, user_agent="chromium", address="127.0.0.1")
        s.commit()
    context = browser.new_context(viewport=viewport, base_url=server, locale="es-US")
    context.add_cookies([{"name": "oversight_session", "value": raw, "url": server}])
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop_es(browser: Browser, server: str, ids: dict[str, int]) -> Iterator[Page]:
    yield from _spanish(browser, server, DESKTOP)


@pytest.fixture
def phone_es(browser: Browser, server: str, ids: dict[str, int]) -> Iterator[Page]:
    yield from _spanish(browser, server, PHONE)


def _visit(page: Page, url: str, name: str, heading: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert page.locator("html").get_attribute("lang") == "es"
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    shoot(page, name)
    assert page.evaluate(CLIPPED) == [], url


def test_the_main_pages_in_spanish_on_a_desktop(desktop_es: Page, ids: dict[str, Any]) -> None:
    _visit(desktop_es, "/", "es-dashboard", "Esta semana")
    _visit(desktop_es, f"/campaigns/{ids['campaigns']}/whip", "es-whip-board",
           "Tablero de conteo de votos")
    _visit(desktop_es, f"/records-requests/{ids['request']}", "es-records-request", "")
    expect(desktop_es.get_by_role("button", name="Escribir la carta")).to_be_visible()
    # A rule's timing in words, as a saved one is shown again ("7 días, 1 día").
    _visit(desktop_es, "/alerts", "es-alert-rules", "Alertas")
    expect(desktop_es.get_by_label("Cuánto tiempo antes o después")).to_have_value("7 días, 1 día")


def test_the_meeting_form_in_spanish_on_a_phone(phone_es: Page, ids: dict[str, Any]) -> None:
    _visit(phone_es, "/meetings/new", "es-phone-meeting-form", "Registrar una reunión")
    expect(phone_es.get_by_role("button", name="Guardar la reunión")).to_be_visible()


def test_the_lists_in_spanish_fit_a_phone(phone_es: Page, ids: dict[str, Any]) -> None:
    # Their order is chosen from a menu there, whose longest option ("Termina el periodo,
    # descendente") once widened the page past the screen.
    for noun, heading in (("targets", "Funcionarios"), ("contracts", "Contratos")):
        _visit(phone_es, f"/{noun}", f"es-phone-{noun}", heading)
        expect(phone_es.get_by_label("Ordenar por")).to_be_visible()


def test_changing_the_language_on_the_account_page_changes_the_whole_page(
        desktop_es: Page, ids: dict[str, Any]) -> None:
    # The form is boosted: swapping the body alone left <html lang> and the head in Spanish.
    _visit(desktop_es, "/account", "es-account", "Su cuenta")
    desktop_es.locator("select[name=language]").select_option("en")
    desktop_es.get_by_role("button", name="Guardar idioma").click()
    expect(desktop_es.locator("html")).to_have_attribute("lang", "en")
    expect(desktop_es.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(desktop_es.get_by_role("link", name="Skip to content")).to_be_attached()
