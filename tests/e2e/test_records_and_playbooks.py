"""In Chromium: a lead starts a campaign from a playbook, then opens a records request, reads its
days left and history and moves it on; the new pages pass axe at desktop and phone widths."""

import re
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from api import clock
from api.auth.models import Role
from api.playbooks import loader
from tests import factories as f
from tests.e2e.conftest import DESKTOP, axe_violations, shoot, signed_in
from tests.factories import ZONES, make_agency, make_records_request

pytestmark = pytest.mark.e2e


def _today() -> date:
    return clock.now().astimezone(ZoneInfo(ZONES["CO"])).date()


def _request(session: Session, actor: Any) -> tuple[Any, int]:
    """A Colorado request sent yesterday (its law entry is unverified), and its days left:
    three business days from yesterday leave two or more, so the page says "N days left"."""
    agency = make_agency(session, actor, with_place=True, state_code="CO",
                         name="Maple Falls Police Department")
    request = make_records_request(session, actor, agency_id=agency.id,
                                   subject="Maple Falls ALPR audit logs", status="sent",
                                   sent_on=_today() - timedelta(days=1), visibility="coalition")
    session.commit()
    return request, (request.due_on - _today()).days


def _axe(page: Page, axe_source: str) -> list[str]:
    return [f"{page.url}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
            for v in axe_violations(page, axe_source)]


def test_a_lead_starts_a_campaign_from_a_playbook_then_follows_a_records_request(
        desktop: Page, session: Session, actor: Any, axe_source: str) -> None:
    f.make_jurisdiction(session, actor, name="Maple Falls")
    request, left = _request(session, actor)
    book = loader.catalog().playbooks["stop_new_contract"].playbook
    tasks = sum(len(a.tasks) for _, a in book.actions())
    found: list[str] = []
    page = desktop

    page.goto("/")
    page.get_by_role("link", name="New campaign from a playbook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New campaign from a playbook")
    page.get_by_label(book.title).check()
    expect(page.locator("#chosen").get_by_role("heading", name=book.title)).to_be_visible()
    expect(page).to_have_url("/campaigns/new-from-playbook?playbook=stop_new_contract")
    found += _axe(page, axe_source)
    page.get_by_label("Jurisdiction (required)").select_option(label="Maple Falls")
    # Sent without the vote date the playbook is counted from: refused next to the field.
    page.get_by_label("Date of the vote (required)").evaluate("e => e.required = false")
    page.get_by_role("button", name="Make the campaign").click()
    expect(page.locator("#vote_date-error")).to_contain_text("is dated from the date of the vote")
    found += _axe(page, axe_source)
    vote = _today() + timedelta(days=60)
    page.get_by_label("Date of the vote (required)").fill(vote.isoformat())
    page.get_by_role("button", name="Make the campaign").click()
    expect(page.locator("#flash")).to_contain_text(
        f"Made “Maple Falls: {book.title}” from the playbook “{book.title}”: "
        f"{len(book.actions())} actions, {tasks} tasks and {len(book.alert_rules)} alert rules.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Maple Falls: {book.title}")
    panel = page.locator("#anchors")
    expect(panel.get_by_label("Date of the vote")).to_have_value(vote.isoformat())
    panel.get_by_label("Date of the vote").fill((vote + timedelta(days=7)).isoformat())
    panel.get_by_role("button", name="Move the dates").click()
    expect(page.locator("#flash")).to_contain_text("moved with it")
    found += _axe(page, axe_source)

    page.goto("/records-requests")
    row = page.get_by_role("row").filter(has_text="Maple Falls ALPR audit logs")
    expect(row).to_contain_text(f"{left} days left")
    row.get_by_role("link", name="Maple Falls ALPR audit logs").click()
    expect(page.locator("#countdown")).to_have_text(f"{left} days left")
    expect(page.locator("#deadline")).to_contain_text("Verify this deadline")
    history = page.locator("#history table")
    expect(history).to_contain_text("sent")
    found += _axe(page, axe_source)

    form = page.locator(".status-form")
    form.get_by_label("New status (required)").select_option("acknowledged")
    form.get_by_label("Note").fill("The clerk called back")
    form.get_by_role("button", name="Change status").click()
    expect(page.locator("#flash")).to_contain_text("The request is now acknowledged.")
    expect(history).to_contain_text("sent → acknowledged")
    expect(history).to_contain_text("A lead in the browser")
    expect(history).to_contain_text("The clerk called back")

    page.get_by_label("Everything about the ALPR program").check()
    page.get_by_role("button", name="Write the letter").click()
    letter = page.locator("#letter-text")
    expect(letter).to_have_value(re.compile("Maple Falls Police Department"))
    letter.fill("Dear Custodian,\nplease send the audit logs.\n")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as .txt").click()
    assert download.value.suggested_filename.endswith(".txt")
    assert download.value.path().read_text(encoding="utf-8") == \
        "Dear Custodian,\nplease send the audit logs.\n"
    found += _axe(page, axe_source)

    page.goto("/records-requests/batch")
    page.get_by_label("Subject (required)").fill("ALPR sharing lists")
    page.get_by_label("Find agencies by name").fill("Maple")
    page.get_by_label("Maple Falls Police Department").check()
    expect(page.locator("#batch-sending")).to_contain_text("The letter goes to 1 agency")
    letter = page.get_by_label("The letter", exact=True)
    letter.fill(letter.input_value().replace("Dear Custodian of Records:",
                                             "Dear {{ agency.name }} clerk:"))
    page.get_by_role("button", name="Preview the letter").click()
    expect(page.locator("#preview-text")).to_have_value(
        re.compile("Dear Maple Falls Police Department clerk:"))
    found += _axe(page, axe_source)
    shoot(page, "records-batch-desktop")
    assert found == []


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_new_pages_fit_the_screen_and_pass_axe(
        width: str, request: pytest.FixtureRequest, session: Session, actor: Any,
        axe_source: str) -> None:
    page: Page = request.getfixturevalue(width)
    made, _ = _request(session, actor)
    found: list[str] = []
    for url in (f"/records-requests/{made.id}", "/records-requests",
                "/records-requests/batch", "/campaigns/new-from-playbook?playbook=cancel_renewal"):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        expect(page.locator("main h1")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} is {overflow}px too wide on the {width}"
        found += _axe(page, axe_source)
        if url == f"/records-requests/{made.id}":
            shoot(page, f"records-request-{width}")
    assert found == []


def test_the_batch_page_works_without_javascript(browser: Browser, server: str,
                                                 session: Session, actor: Any) -> None:
    for n in range(1, 56):
        make_agency(session, actor, with_place=True, state_code="WY", name=f"Teton Agency {n:02d}")
    make_agency(session, actor, with_place=True, state_code="CO",
                name="Maple Falls Police Department")
    session.commit()
    context = browser.new_context(viewport=DESKTOP, base_url=server, java_script_enabled=False)
    context.add_cookies([{"name": "oversight_session", "value": signed_in(Role.lead),
                          "url": server}])
    context.set_default_timeout(10_000)
    page = context.new_page()
    picker = page.locator("#agency-picker")
    search = picker.get_by_role("button", name="Search")

    page.goto("/records-requests/batch")
    picker.get_by_label("State").select_option("WY")
    search.click()
    expect(page).to_have_url(re.compile(r"/records-requests/batch\?.*state=WY"))
    expect(page.locator("#matches-count")).to_contain_text("1–50 of 55. 5 more match")
    page.get_by_label("Teton Agency 01").check()
    picker.get_by_role("button", name="Next 5").click()
    expect(page.locator("#matches-count")).to_contain_text("51–54 of 54")
    page.get_by_label("Teton Agency 55").check()
    picker.get_by_label("Find agencies by name").fill("Maple")
    picker.get_by_label("State").select_option("")
    search.click()
    page.get_by_label("Maple Falls Police Department").check()
    search.click()
    expect(page.locator("#batch-sending")).to_contain_text("The letter goes to 3 agencies")

    page.get_by_label("Subject (required)").fill("ALPR sharing lists")
    letter = page.get_by_label("The letter", exact=True)
    letter.fill(letter.input_value().replace("Dear Custodian of Records:",
                                             "Dear {{ agency.name }} clerk:"))
    page.get_by_role("button", name="Preview the letter").click()
    expect(page.locator("#preview-text")).to_have_value(re.compile("Dear Teton Agency 01 clerk:"))
    page.get_by_label("The letter", exact=True).fill("Dear {{ agency.name ")
    page.get_by_role("button", name="Create the requests").click()
    expect(page.locator("#batch-text-error")).to_contain_text("malformed")
    page.get_by_label("The letter", exact=True).fill("Dear {{ agency.name }}, the records.")
    page.get_by_role("button", name="Create the requests").click()
    expect(page.locator("#flash")).to_contain_text("Created 3 records requests")
    shoot(page, "records-batch-no-javascript")
    context.close()


def test_a_chosen_contract_lets_the_notice_deadline_be_left_empty(
        desktop: Page, session: Session, actor: Any) -> None:
    """The browser holds the notice deadline required only while no contract is chosen: with
    one chosen the form goes, and the contract's deadline dates the campaign."""
    f.make_jurisdiction(session, actor, name="Maple Falls")
    f.make_contract(session, actor, title="Maple Falls Flock agreement",
                    end_date=_today() + timedelta(days=400), auto_renews=False)
    session.commit()
    book = loader.catalog().playbooks["cancel_renewal"].playbook
    page = desktop
    page.goto("/campaigns/new-from-playbook?playbook=cancel_renewal")
    deadline = page.locator("#pb-notice_deadline")
    expect(deadline).to_have_attribute("required", "")
    page.locator("#pb-jurisdiction_id, select[name=jurisdiction_id]").first.select_option(
        label="Maple Falls")
    page.locator("#pb-contract").select_option(label="Maple Falls Flock agreement")
    expect(deadline).not_to_have_attribute("required", "")
    page.get_by_role("button", name="Make the campaign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Maple Falls: {book.title}")
