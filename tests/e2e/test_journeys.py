"""A campaign week in Chromium: a lead sets up a campaign and moves the whip count, a partner
logs a meeting on a phone, search and CSV export work, inline editing saves and shows errors."""

import csv
import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from api import clock
from api.targets import service as targets
from tests import factories as f

pytestmark = pytest.mark.e2e


def _council(session: Session, actor: Any) -> dict[str, Any]:
    place = f.make_jurisdiction(session, actor, name="Maple Falls")
    body = f.make_body(session, actor, name="Maple Falls City Council", jurisdiction_id=place.id,
                       seats=3, majority_needed=2)
    members = [f.make_target(session, actor, name=name, body_id=body.id)
               for name in ("Ines Alvarez", "Omar Brandt", "Uma Castillo")]
    session.commit()
    return {"place": place, "body": body, "members": members}


def test_a_lead_creates_a_campaign_adds_a_vote_and_moves_the_whip_count(
        desktop: Page, session: Session, actor: Any) -> None:
    council = _council(session, actor)
    page = desktop
    page.goto("/campaigns")
    page.get_by_role("link", name="Add a campaign").click()
    page.get_by_label("Name (required)").fill("Maple Falls: Cameras Off")
    page.get_by_label("Goal").select_option("cancel_renewal")
    page.get_by_label("Jurisdiction").select_option(label="Maple Falls")
    page.get_by_role("button", name="Add campaign").click()
    expect(page.locator("#flash")).to_contain_text("The campaign was added.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Falls: Cameras Off")
    campaign_url = page.url

    page.get_by_role("link", name="Add a vote").first.click()
    page.get_by_label("Title (required)").fill("Renewal of the camera contract")
    page.get_by_label("Body (required)").select_option(label="Maple Falls City Council")
    when = (clock.now() + timedelta(days=9)).strftime("%Y-%m-%dT18:00")
    page.get_by_label("When (local time of the body) (required)").fill(when)
    # The campaign fights the renewal: the count is of the votes it takes to block it.
    page.get_by_label("Our position").select_option("against")
    page.get_by_role("button", name="Add vote").click()
    expect(page.locator("#flash")).to_contain_text("The vote was added.")
    expect(page.locator("main")).to_contain_text(
        "To block it: 0 likely with us of 2 needed: 2 more to block it")

    page.goto(campaign_url)
    page.get_by_role("link", name="Whip board").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Whip board: Maple Falls City Council")
    count = page.locator("#whip-count")
    expect(count).to_contain_text("0 likely with us of 2 needed")

    ines = council["members"][0]
    card = page.locator(f"#member-{ines.id}")
    card.get_by_text("Change stance").click()
    card.get_by_label("New stance").select_option("undecided")
    card.get_by_label("How we know").select_option("public_statement")
    card.get_by_label("Note (required)").fill("Said she is still reading the contract.")
    card.get_by_role("button", name="Record stance").click()
    expect(page.locator("#flash")).to_contain_text("Ines Alvarez: not known → undecided.")
    expect(page.locator(".stance-column.undecided")).to_contain_text("Ines Alvarez")

    card = page.locator(f"#member-{ines.id}")
    card.get_by_text("Change stance").click()
    card.get_by_label("New stance").select_option("leaning_yes")
    card.get_by_label("How we know").select_option("meeting")
    card.get_by_label("Note (required)").fill("Will vote no on the renewal as written.")
    card.get_by_role("button", name="Record stance").click()
    expect(page.locator("#flash")).to_contain_text("Ines Alvarez: undecided → leaning with us.")
    expect(page.locator(".stance-column.leaning_yes")).to_contain_text("Ines Alvarez")
    expect(count).to_contain_text("1 likely with us of 2 needed: 1 more to block it")

    page.get_by_role("link", name="This week").click()
    expect(page.locator("#votes")).to_contain_text("Renewal of the camera contract")
    expect(page.locator("#votes")).to_contain_text("1 likely with us of 2 needed")
    history = targets.history(session, actor, target_id=ines.id)
    session.commit()
    assert [h.to_level for h in history] == ["leaning_yes", "undecided"]


def test_a_partner_logs_a_meeting_on_a_phone_and_sees_the_follow_up(
        partner_phone: Page, partner_org: Any, session: Session, actor: Any) -> None:
    council = _council(session, actor)
    campaign = f.make_campaign(session, actor, name="Maple Falls campaign",
                               jurisdiction_id=council["place"].id)
    f.make_person(session, actor, name="Rosa Partner", owner_organization_id=partner_org.id)
    omar = council["members"][1]
    targets.set_stance(session, actor, target_id=omar.id, campaign_id=campaign.id,
                       level="undecided")
    session.commit()

    page = partner_phone
    page.goto("/")
    page.get_by_role("link", name="Log a meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a meeting")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("Campaign").select_option(label="Maple Falls campaign")
    page.get_by_label("Where").fill("Council office")
    page.get_by_role("checkbox", name=re.compile(r"^Omar Brandt")).check()
    page.get_by_label("Stance of Omar Brandt after the meeting").select_option("leaning_yes")
    page.get_by_role("checkbox", name="Rosa Partner").check()
    page.get_by_label("Summary").fill("Omar wants the audit numbers before the vote.")
    page.get_by_label("What we asked for").fill("Vote no on renewal.")
    page.get_by_label("Task 1").fill("Send Omar the audit numbers")
    page.get_by_label("Due").first.fill((clock.today() + timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Add another task").click()
    expect(page.get_by_label("Task 3")).to_be_visible()
    page.get_by_role("button", name="Save the meeting").click()

    expect(page.locator("#flash")).to_contain_text("Meeting logged with 1 follow-up task.")
    expect(page.locator("main")).to_contain_text("Omar wants the audit numbers")
    page.get_by_role("link", name="This week").click()
    expect(page.locator("#my-tasks")).to_contain_text("Send Omar the audit numbers")
    expect(page.locator("#latest-meetings")).to_contain_text("with Omar Brandt")
    page.locator("#my-tasks").get_by_role("button", name=re.compile("Mark done")).click()
    expect(page.locator("#flash")).to_contain_text("Done: Send Omar the audit numbers.")
    expect(page.locator("#my-tasks")).not_to_contain_text("Send Omar the audit numbers")
    stance = targets.stances(session, actor, target_id=omar.id, campaign_id=campaign.id)
    session.commit()
    assert stance[0].level == "leaning_yes"


def test_a_meeting_shared_from_a_phone_reaches_the_lead_but_not_its_private_note(
        partner_phone: Page, desktop: Page, partner_org: Any, session: Session,
        actor: Any) -> None:
    council = _council(session, actor)
    campaign = f.make_campaign(session, actor, name="Maple Falls campaign",
                               jurisdiction_id=council["place"].id)
    uma = council["members"][2]
    targets.set_stance(session, actor, target_id=uma.id, campaign_id=campaign.id,
                       level="undecided")
    session.commit()
    secret = "Her chief of staff tipped us off; keep his name out of it."

    page = partner_phone
    page.goto(f"/meetings/new?campaign_id={campaign.id}")
    page.get_by_role("checkbox", name=re.compile(r"^Uma Castillo")).check()
    page.get_by_label("Stance of Uma Castillo after the meeting").select_option("leaning_yes")
    page.get_by_label("Summary").fill("Uma will ask for the sharing list at the next meeting.")
    page.get_by_role("radio", name="The whole coalition").check()
    page.get_by_label("Notes for our organization only").fill(secret)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator("#flash")).to_contain_text("Meeting logged")
    expect(page.locator("main")).to_contain_text(secret)
    meeting_url = page.url

    lead = desktop
    lead.goto(f"/campaigns/{campaign.id}")
    row = lead.locator("tr", has_text="Uma Castillo")
    expect(row).to_contain_text(f"{clock.today():%b %-d, %Y}")
    expect(lead.locator("main")).to_contain_text("leaning with us")
    lead.goto(meeting_url)
    expect(lead.locator("main")).to_contain_text("Uma will ask for the sharing list")
    expect(lead.locator("main")).to_contain_text("The whole coalition")
    assert secret not in lead.content()
    meeting_id = meeting_url.rsplit("/", 1)[1]
    answer = lead.request.get(f"/api/v1/meetings/{meeting_id}")
    assert answer.ok and secret not in answer.text()
    history = lead.request.get(f"/api/v1/targets/{uma.id}/stance-history").json()
    assert [c["to_level"] for c in history][:1] == ["leaning_yes"]


def test_searching_for_a_target_by_part_of_a_name(desktop: Page, session: Session,
                                                  actor: Any) -> None:
    _council(session, actor)
    page = desktop
    page.goto("/targets")
    expect(page.locator("#rows")).to_contain_text("3 targets")
    page.get_by_label("Search targets").press_sequentially("randt", delay=30)
    expect(page.locator("#rows")).to_contain_text("1 target matching “randt”")
    expect(page.locator("#rows")).to_contain_text("Omar Brandt")
    expect(page.locator("#rows")).not_to_contain_text("Uma Castillo")
    expect(page).to_have_url(re.compile(r"/targets\?q=randt"))
    page.reload()
    expect(page.locator("#rows")).to_contain_text("Omar Brandt")

    page.get_by_label("Search everything").fill("castil")
    page.get_by_label("Search everything").press("Enter")
    expect(page.locator("#results")).to_contain_text("Uma Castillo")
    page.get_by_role("link", name="Uma Castillo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uma Castillo")


def test_exporting_a_list_to_csv(desktop: Page, session: Session, actor: Any) -> None:
    _council(session, actor)
    page = desktop
    page.goto("/targets?q=a&sort=-name")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Export these to CSV").click()
    download = caught.value
    assert download.suggested_filename == "targets.csv"
    # Read as a spreadsheet program reads it: UTF-8 behind its byte order mark.
    with open(download.path(), newline="", encoding="utf-8") as handle:
        assert handle.read(1) == "\ufeff"
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["Name", "Office", "Body"]
    assert [r[0] for r in rows[1:]] == ["Uma Castillo", "Omar Brandt", "Ines Alvarez"]
    assert rows[1][2] == "Maple Falls City Council"


def test_inline_editing_saves_cancels_and_shows_errors(desktop: Page, session: Session,
                                                       actor: Any) -> None:
    council = _council(session, actor)
    page = desktop
    page.goto(f"/bodies/{council['body'].id}")
    section = page.locator("#section-body")
    section.get_by_role("link", name="Edit the section “Body”").click()
    # htmx moves focus to the first field once the form settles; wait for that.
    expect(section.get_by_label("Name (required)")).to_be_focused()
    section.get_by_label("Seats").fill("5")
    section.get_by_role("link", name="Cancel").click()
    expect(section).to_contain_text("3")
    expect(section.locator("form")).to_have_count(0)

    section.get_by_role("link", name="Edit the section “Body”").click()
    expect(section.get_by_label("Name (required)")).to_be_focused()
    section.get_by_label("Seats").fill("3")
    section.get_by_label("Votes needed for a majority").fill("5")
    section.get_by_role("button", name="Save").click()
    expect(section).to_contain_text("The votes needed to win cannot exceed the number of seats")
    expect(section.get_by_label("Name (required)")).to_be_focused()
    expect(page).to_have_url(re.compile(rf"/bodies/{council['body'].id}$"))

    section.get_by_label("Votes needed for a majority").fill("2")
    section.get_by_label("Name (required)").fill("Maple Falls Council")
    section.get_by_role("button", name="Save").click()
    expect(page.locator("#flash")).to_contain_text("Saved body.")
    expect(section).to_contain_text("Maple Falls Council")
    page.reload()
    expect(page.locator("#section-body")).to_contain_text("Maple Falls Council")
