"""A campaign's public page in Chromium: a lead chooses what it shows and publishes it, then a
visitor who is not signed in opens it on a phone and a desktop, in English and Spanish. Every
request stays on this site, no script runs, axe-core finds nothing serious, nothing sticks out
sideways, and screenshots of each (and of it printed) are kept to look at; the same for each
vote's public-comment kit."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from api.auth.models import Role
from api.public_pages.models import ShownKind
from tests.e2e.conftest import DESKTOP, PHONE, _page, axe_violations, shoot
from tests.factories.public_pages import Ground, with_comment_rules

pytestmark = pytest.mark.e2e


# The vote is at 6 PM on Thursday March 12 in Riverbend; its council takes written comments
# until noon the day before.
DEADLINE = {"en": "Written comments by 12:00 PM on Wednesday, March 11",
            "es": "Comentarios por escrito hasta las 12:00 p.m. del miércoles, 11 de marzo"}


@pytest.fixture
def ground(session: Session, actor: Any, frozen_now: datetime) -> Ground:
    return with_comment_rules(session, actor)


def _visitor(browser: Browser, server: str, viewport: dict[str, int], locale: str, *,
             allowed: str | None = None) -> Iterator[tuple[Page, list[str]]]:
    """A browser nobody signed in to, and every address it asked for; `allowed` names the one
    console error expected (a form refused with 422 is reported as a failed load)."""
    context = browser.new_context(viewport=viewport, base_url=server, locale=locale)
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page, asked
    context.close()
    assert [e for e in errors if allowed is None or allowed not in e] == [], errors


def _publish(browser: Browser, server: str, ground: Ground) -> None:
    for page in _page(browser, server, DESKTOP, Role.lead):
        page.goto(f"/campaigns/{ground.campaign.id}")
        page.get_by_role("link", name="Public page").click()
        expect(page.locator("main h1")).to_contain_text("Public page of")
        page.fill("#slug", "riverbend-no-cameras")
        page.fill("#intro", "Riverbend's police photograph every car that passes 41 cameras "
                            "and keep where each one went.\n\nThey share it with agencies "
                            "across the country, including ones that work with immigration "
                            "enforcement.")
        page.check("input[name=show_stances]")
        for kind, (record_id, _) in ground.public.items():
            page.check(f"input[name=pick][value='{kind.value}:{record_id}']")
        vote_id = ground.public[ShownKind.vote][0]
        page.fill(f"#note-vote-{vote_id}", "Public comment opens at 6 pm. Sign up at the "
                                           "clerk's table, or email the clerk by noon the day "
                                           "before.")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("main")).to_contain_text("Not published")
        shoot(page, "public-page-settings-desktop")
        page.goto(f"/campaigns/{ground.campaign.id}/public/preview")
        expect(page.locator(".preview-banner")).to_contain_text("not published yet")
        page.goto(f"/campaigns/{ground.campaign.id}/public")
        page.get_by_role("button", name="Publish").click()
        expect(page.locator("main h2#state")).to_have_text("Published")


def test_the_published_page_signed_out_on_a_phone_and_a_desktop(
        browser: Browser, server: str, ground: Ground, axe_source: str) -> None:
    _publish(browser, server, ground)
    found: list[str] = []
    for viewport, width in ((PHONE, "phone"), (DESKTOP, "desktop")):
        for locale, heading in (("en-US", "What we ask"), ("es-US", "Lo que pedimos")):
            for page, asked in _visitor(browser, server, viewport, locale):
                response = page.goto("/p/riverbend-no-cameras")
                assert response is not None and response.status == 200
                assert response.headers["cache-control"] == "public, max-age=60"
                expect(page.locator("h2#asks")).to_have_text(heading)
                assert page.get_attribute("html", "lang") == locale[:2]
                for _, mark in ground.public.values():
                    expect(page.locator("main")).to_contain_text(mark)
                text = page.inner_text("body")
                assert not [m for kind in ground.hidden.values() for _, m in kind if m in text]
                assert page.evaluate("document.scripts.length") == 0
                assert page.context.cookies() == []
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{overflow}px too wide at {width}"
                found += [f"{width} {locale}: {v['id']} {v['nodes']}"
                          for v in axe_violations(page, axe_source)]
                expect(page.locator("article.vote .deadline")).to_have_text(
                    DEADLINE[locale[:2]])
                # The supporters' calendar: to subscribe to, or to download, from this site.
                subscribe = page.locator("p.feed a").first.get_attribute("href") or ""
                assert subscribe.startswith("webcal://") and ".ics?lang=" in subscribe
                download = page.locator("p.feed a[download]").get_attribute("href") or ""
                calendar = page.request.get(download)
                assert calendar.ok and "BEGIN:VEVENT" in calendar.text()
                assert ground.public[ShownKind.vote][1] in calendar.text()
                shoot(page, f"public-page-{width}-{locale[:2]}")
                # The vote's comment kit, one link away, printable as a flyer.
                page.get_by_role("link", name="kit").first.click() if locale == "en-US" \
                    else page.get_by_role("link", name="Guía").first.click()
                expect(page.locator("h2#sample")).to_be_visible()
                assert page.get_attribute("html", "lang") == locale[:2]
                # The deadline the council's rules give, and whom to write or call.
                expect(page.locator("p.deadline")).to_have_text(DEADLINE[locale[:2]])
                expect(page.locator("a[href='mailto:clerk@riverbend.example']")).to_be_visible()
                office = page.locator("#addressed ~ ul .contact, section .people .contact")
                expect(office.first).to_contain_text(ground.public_office)
                expect(office.first.locator("a[href^='mailto:member.public@']")).to_be_visible()
                expect(office.first.locator("a[href^='tel:']")).to_be_visible()
                kit_text = page.inner_text("body")
                assert not [m for m in ground.hidden_offices if m in kit_text]
                assert page.evaluate("document.scripts.length") == 0
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"the kit is {overflow}px too wide at {width}"
                found += [f"kit {width} {locale}: {v['id']} {v['nodes']}"
                          for v in axe_violations(page, axe_source)]
                shoot(page, f"public-comment-kit-{width}-{locale[:2]}")
                page.go_back()
                if width == "desktop" and locale == "en-US":
                    # The language switch is a plain link, and <html lang> follows it.
                    page.get_by_role("link", name="Español").click()
                    expect(page.locator("h2#asks")).to_have_text("Lo que pedimos")
                    assert page.get_attribute("html", "lang") == "es"
                    page.emulate_media(media="print")
                    expect(page.locator(".languages")).to_be_hidden()
                    shoot(page, "public-page-printed")
                    page.get_by_role("link", name="Guía").first.click()
                    expect(page.locator("h2#sample")).to_be_visible()
                    # On paper the kit writes out the page's whole address, to lead back.
                    address = page.locator(".on-paper .address")
                    expect(address).to_be_visible()
                    assert address.inner_text().startswith("http") and \
                        address.inner_text().endswith("/p/riverbend-no-cameras")
                    shoot(page, "public-comment-kit-printed")
                    page.emulate_media(media="screen")
                    expect(address).to_be_hidden()
                strangers = [url for url in asked if not url.startswith(server)]
                assert strangers == [], f"asked another origin: {strangers}"
    assert found == [], found
