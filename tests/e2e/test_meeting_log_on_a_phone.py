"""Logging a meeting on a 375 x 812 phone outside a council office, in Chromium against the real
app: six taps, a session that ends mid-form, a connection that drops, thumbs-sized controls,
axe-core, and the same form with no script at all."""

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from sqlmodel import Session, select

from api import clock
from api.auth import sessions
from api.auth.models import AuthSession, Role
from api.campaigns.models import CampaignLead
from api.db import get_engine
from api.meetings.models import Meeting
from api.targets import service as targets
from api.tasks.models import Task
from tests import factories as f
from tests.e2e.conftest import EXPECTED, SCREENSHOTS, axe_violations, shoot
from tests.factories import make_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
# What Chromium logs for a request made offline (the notification count polls on every page)
# or refused for an ended session: what these tests bring about, not faults.
OFFLINE_OR_SIGNED_OUT = re.compile(
    r"ERR_INTERNET_DISCONNECTED|status of 401 |htmx:(sendError|afterRequest)")
PASSWORD = "correct horse battery staple"
# A phone's thumb needs this much each way (WCAG 2.5.5, platform guidelines).
THUMB = 44
# Everything on the form a thumb can press: controls, links, and the labels of the boxes.
TARGETS_JS = """() => [...document.querySelectorAll(
    '#log-meeting :is(a, button, input:not([type=hidden]), select, textarea, summary, ' +
    'label:has(input[type=radio]), .pick > label:not(.visually-hidden))')]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .map(el => { const r = el.getBoundingClientRect();
    return {what: el.outerHTML.slice(0, 90), width: r.width, height: r.height}; })"""


class Thumb:
    """Counts the taps a person makes; choosing from a list is two (open it, pick)."""

    def __init__(self) -> None:
        self.taps = 0

    def tap(self, target: Locator) -> None:
        self.taps += 1
        target.click()

    def choose(self, target: Locator, value: str) -> None:
        self.taps += 2
        target.select_option(value)


@pytest.fixture
def hallway(session: Session, actor: Any) -> dict[str, Any]:
    org = f.make_organization(session, actor, name="Riverside Immigrant Alliance")
    city = f.make_jurisdiction(session, actor, name="Maple Falls")
    council = f.make_body(session, actor, name="Maple Falls City Council",
                          jurisdiction_id=city.id, seats=5, majority_needed=3)
    f.make_campaign(session, actor, name="Aardvark County campaign")
    campaign = f.make_campaign(session, actor, name="Maple Falls: Cameras Off",
                               jurisdiction_id=city.id)
    session.add(CampaignLead(campaign_id=campaign.id, organization_id=org.id))
    members = [f.make_target(session, actor, name=name, body_id=council.id)
               for name in ("Ines Alvarez", "Omar Brandt", "Uma Castillo", "Dee Ortiz",
                            "Lou Park", "Sam Quill", "Vi Reyes")]
    board = f.make_body(session, actor, name="Far County Board")
    for n in range(30):
        f.make_target(session, actor, name=f"Board Member {n:02}", body_id=board.id)
    for member in members:
        targets.set_stance(session, actor, target_id=member.id, campaign_id=campaign.id,
                           level="undecided")
    session.commit()
    user = make_user(Role.partner, organization_id=org.id, name="Rosa Partner",
                     password=PASSWORD)
    return {"org": org, "campaign": campaign, "members": {m.name: m for m in members},
            "user": user}


def _context(browser: Browser, server: str, user: Any, **options: Any) -> BrowserContext:
    with Session(get_engine()) as s:
        raw = sessions.start(s, user, user_agent="chromium", address="127.0.0.1")
        s.commit()
    context = browser.new_context(viewport=PHONE, base_url=server, **options)
    context.add_cookies([{"name": "oversight_session", "value": raw, "url": server}])
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser: Browser, server: str, hallway: dict[str, Any]) -> Iterator[Page]:
    context = _context(browser, server, hallway["user"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and not EXPECTED.search(msg.text)
            and not OFFLINE_OR_SIGNED_OUT.search(msg.text) else None)
    yield page
    context.close()
    assert errors == [], f"the browser reported errors: {errors}"


def _meetings() -> list[Meeting]:
    with Session(get_engine()) as s:
        return list(s.exec(select(Meeting)).all())


def test_a_meeting_is_logged_in_six_taps(phone: Page, hallway: dict[str, Any]) -> None:
    page, thumb = phone, Thumb()
    # Opened from the home screen: the form is the app's start page.
    page.goto("/meetings/new")
    expect(page.get_by_label("Campaign")).to_have_value(str(hallway["campaign"].id))
    thumb.tap(page.get_by_label("Find who you met"))
    page.keyboard.type("oma", delay=40)
    thumb.tap(page.get_by_role("checkbox", name=re.compile(r"^Omar Brandt")))
    thumb.choose(page.get_by_label("Stance of Omar Brandt after the meeting"), "leaning_yes")
    thumb.tap(page.get_by_label("Summary"))
    page.keyboard.type("Omar wants the audit numbers before the vote.")
    shoot(page, "phone-meeting-form-filled")
    thumb.tap(page.get_by_role("button", name="Save the meeting"))
    expect(page.locator("#flash")).to_contain_text("Meeting logged")
    expect(page.locator("main")).to_contain_text("Omar wants the audit numbers")
    assert thumb.taps <= 6
    [meeting] = _meetings()
    assert meeting.organization_id == hallway["org"].id
    assert meeting.campaign_id == hallway["campaign"].id
    assert [s["level"] for s in meeting.stances_observed] == ["leaning_yes"]


def test_a_session_that_ends_mid_form_loses_nothing(phone: Page,
                                                    hallway: dict[str, Any]) -> None:
    page = phone
    page.goto("/meetings/new")
    page.get_by_role("checkbox", name=re.compile(r"^Ines Alvarez")).check()
    page.get_by_label("Stance of Ines Alvarez after the meeting").select_option("champion")
    said = "Ines: “yes” if the audit’s out — 100%, <no> conditions.\nCall her Tuesday."
    page.get_by_label("Summary").fill(said)
    page.get_by_label("Notes for our organization only").fill("Her aide is on our side.")
    with Session(get_engine()) as s:
        for row in s.exec(select(AuthSession).where(
                AuthSession.user_id == hallway["user"].id)):
            row.expires_at = clock.now() - timedelta(minutes=1)
            s.add(row)
        s.commit()
    page.get_by_role("button", name="Save the meeting").click()
    dialog = page.get_by_role("dialog", name="Sign in again to save")
    expect(dialog).to_be_visible()
    expect(page.get_by_label("Summary")).to_have_value(said)
    shoot(page, "phone-meeting-sign-in-again")
    dialog.get_by_label("Password").fill("not my password")
    dialog.get_by_role("button", name="Sign in and save").click()
    expect(dialog.get_by_role("alert")).not_to_be_empty()
    assert _meetings() == []
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Sign in and save").click()
    expect(page.locator("#flash")).to_contain_text("Meeting logged")
    [meeting] = _meetings()
    assert meeting.summary == said


def test_a_meeting_saved_offline_is_sent_once_when_the_connection_is_back(
        phone: Page, hallway: dict[str, Any]) -> None:
    page = phone
    page.goto("/meetings/new")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the worker, which keeps this copy of the form
    page.context.set_offline(True)
    page.get_by_role("checkbox", name=re.compile(r"^Uma Castillo")).check()
    page.get_by_label("Stance of Uma Castillo after the meeting").select_option("leaning_no")
    page.get_by_label("Summary").fill("Uma wants to wait for the chief.")
    page.get_by_role("button", name="Save the meeting").click()
    status = page.locator("#outbox-status")
    expect(status).to_contain_text("1 meeting waiting to send")
    expect(page.get_by_label("Summary")).to_have_value("")
    shoot(page, "phone-meeting-waiting-offline")
    assert _meetings() == []

    # Still offline, someone met before is found by typing, from what this device has seen.
    page.get_by_label("Find who you met").fill("inE")
    expect(page.locator("#who-found")).to_contain_text("Ines Alvarez")
    page.get_by_label("Find who you met").fill("")

    page.goto("/targets")
    expect(page.get_by_role("heading", level=1)).to_have_text("This page needs a connection")
    page.goto("/meetings/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a meeting")
    expect(page.locator("#outbox-status")).to_contain_text("1 meeting waiting to send")

    page.context.set_offline(False)
    expect(page.locator("#outbox-status")).to_contain_text("1 meeting sent", timeout=15_000)
    # The same queue sent again (another tab, a retry) makes no second meeting.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    [meeting] = _meetings()
    assert meeting.summary == "Uma wants to wait for the chief."


def test_a_draft_survives_closing_the_page_and_is_wiped_on_sign_out(
        phone: Page, hallway: dict[str, Any]) -> None:
    page = phone
    page.goto("/meetings/new")
    page.get_by_role("checkbox", name=re.compile(r"^Lou Park")).check()
    page.get_by_label("Stance of Lou Park after the meeting").select_option("undecided")
    page.get_by_label("What we asked for").fill("A public audit, every year.")
    # Rows added with "Add another task" come back too, each with what was typed in it.
    page.get_by_role("button", name="Add another task").click()
    page.get_by_role("button", name="Add another task").click()
    page.get_by_label("Task 4").fill("Ask the clerk for the agenda")
    page.get_by_label("Due").nth(3).fill("2026-04-01")
    page.wait_for_timeout(400)
    page.goto("/")
    page.goto("/meetings/new")
    expect(page.get_by_label("What we asked for")).to_have_value("A public audit, every year.")
    expect(page.get_by_label("Stance of Lou Park after the meeting")).to_have_value("undecided")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Lou Park"))).to_be_checked()
    expect(page.get_by_label("Task 4")).to_have_value("Ask the clerk for the agenda")
    expect(page.get_by_label("Due").nth(3)).to_have_value("2026-04-01")
    expect(page.get_by_label("Task 3")).to_have_value("")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('oversight:'))")
    assert kept == []


def test_every_control_is_thumb_sized_and_the_form_passes_axe(
        phone: Page, hallway: dict[str, Any], axe_source: str) -> None:
    page = phone
    page.goto("/meetings/new")
    # As a person first sees it: one screen of the phone.
    page.screenshot(path=str(SCREENSHOTS / "phone-meeting-form-first-screen.png"))
    # A compact header: the brand and search, then one row of links that scrolls sideways.
    header = page.locator("header.site").bounding_box()
    assert header is not None and header["height"] <= 100, header
    links = page.locator("header.site .site-links")
    assert links.evaluate("el => el.scrollWidth > el.clientWidth"), "the links row scrolls"
    crumb = page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Meetings")
    assert (crumb.bounding_box() or {"height": 0})["height"] >= THUMB - 0.5
    page.get_by_role("checkbox", name=re.compile(r"^Omar Brandt")).check()
    page.get_by_role("button", name="Add another task").click()
    expect(page.get_by_label("Task 3")).to_be_visible()
    small = [t for t in page.evaluate(TARGETS_JS)
             if t["width"] < THUMB - 0.5 or t["height"] < THUMB - 0.5]
    assert small == [], small
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page, axe_source) == []
    shoot(page, "phone-meeting-form")


def test_the_more_menu_closes_like_a_menu_and_sign_in_shows_no_navigation(
        phone: Page, browser: Browser, server: str) -> None:
    page = phone
    page.goto("/")
    more = page.locator("header.site details")
    more.locator("summary").click()
    expect(more).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(more).not_to_have_attribute("open", "")
    more.locator("summary").click()
    page.locator("main").click(position={"x": 5, "y": 5})
    expect(more).not_to_have_attribute("open", "")

    signed_out = browser.new_page(viewport=PHONE, base_url=server)
    signed_out.goto("/login")
    expect(signed_out.get_by_role("navigation")).to_have_count(0)
    expect(signed_out.get_by_role("search")).to_have_count(0)
    for field in (signed_out.get_by_label("Email address"), signed_out.get_by_label("Password"),
                  signed_out.get_by_label(re.compile("^Code from")),
                  signed_out.get_by_role("button", name="Sign in")):
        assert (field.bounding_box() or {"height": 0})["height"] >= THUMB - 0.5, field
    shoot(signed_out, "phone-sign-in")
    signed_out.close()


def test_the_basic_log_works_without_a_script(browser: Browser, server: str,
                                              hallway: dict[str, Any]) -> None:
    context = _context(browser, server, hallway["user"], java_script_enabled=False)
    page = context.new_page()
    page.goto("/meetings/new")
    page.get_by_label("Find who you met").fill("vi re")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("checkbox", name=re.compile(r"^Vi Reyes")).check()
    page.get_by_label("Stance of Vi Reyes after the meeting").select_option("opposed")
    page.get_by_label("Summary").fill("Vi will not move.")
    page.get_by_label("Task 1").fill("Find her donors")
    page.get_by_role("button", name="Add another task").click()
    expect(page.get_by_label("Summary")).to_have_value("Vi will not move.")
    page.get_by_label("Task 3").fill("Ask the chief")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator("#flash")).to_contain_text("Meeting logged with 2 follow-up tasks.")
    with Session(get_engine()) as s:
        assert sorted(t.title for t in s.exec(select(Task))) == ["Ask the chief",
                                                                 "Find her donors"]
    context.close()
