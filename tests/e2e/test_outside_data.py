"""Outside data in Chromium: a lead imports a spreadsheet of people through its pages and finds
them in the list, reviews a suggested vote, imports the Atlas of Surveillance; axe checks each
new page at desktop and phone widths, and screenshots are kept to look at."""

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from api import clock
from api.sources import overpass
from api.sources.models import AgendaSync, SuggestedVote
from tests import factories as f
from tests.e2e.conftest import axe_violations, shoot
from tests.sources.replay import fixture

pytestmark = pytest.mark.e2e

PEOPLE = (b"Full Name,E-mail Address,Organisation,Phone Number,OK to email\r\n"
          b"Imani Okoro,imani@example.org,Maple Falls Privacy,555-0101,yes\r\n"
          b"Tomas Lindqvist,tomas@example.org,Maple Falls Privacy,555-0102,no\r\n"
          b"Wren Abernathy,not-an-email,,,yes\r\n"
          b"Priya Raman,priya@example.org,,555-0104,yes\r\n")


def no_serious_findings(page: Page, axe_source: str, where: str) -> None:
    found = [f"{v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
             for v in axe_violations(page, axe_source)]
    assert found == [], f"{where}: {found}"


def fits_the_window(page: Page, where: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where} is {overflow}px too wide"


def import_people(page: Page, axe_source: str, width: str) -> None:
    page.goto("/people")
    page.get_by_role("link", name="Import from a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import: Spreadsheet of people")
    no_serious_findings(page, axe_source, "upload page")
    shoot(page, f"import-upload-{width}")
    page.get_by_label("CSV or XLSX file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": PEOPLE}])
    page.get_by_role("button", name="Upload and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import people: match the columns")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Full Name")
    expect(page.get_by_label("Email", exact=True)).to_have_value("E-mail Address")
    no_serious_findings(page, axe_source, "columns page")
    fits_the_window(page, f"columns page at {width}")
    shoot(page, f"import-columns-{width}")
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import people: check and import")
    errors = page.locator("section.import-errors")
    expect(errors).to_contain_text("'not-an-email' is not a valid email address")
    expect(page.locator(".import-counts")).to_contain_text("3 to add")
    expect(page.locator(".import-counts")).to_contain_text("1 row with errors")
    no_serious_findings(page, axe_source, "preview page")
    fits_the_window(page, f"preview page at {width}")
    shoot(page, f"import-preview-{width}")
    page.get_by_label("Leave the 1 row with errors out and import the rest").check()
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    expect(page.locator("#flash")).to_contain_text(
        "Imported people.csv: 3 added, 0 updated, 0 skipped; 1 rows with errors left out.")
    rows = page.locator("#rows")
    for name in ("Imani Okoro", "Tomas Lindqvist", "Priya Raman"):
        expect(rows).to_contain_text(name)
    expect(rows).not_to_contain_text("Wren Abernathy")


def test_a_lead_imports_people_through_the_pages(desktop: Page, axe_source: str,
                                                 session: Session, actor: Any) -> None:
    f.make_organization(session, actor, name="Maple Falls Privacy")
    import_people(desktop, axe_source, "desktop")


def test_a_lead_imports_people_on_a_phone(phone: Page, axe_source: str, session: Session,
                                          actor: Any) -> None:
    f.make_organization(session, actor, name="Maple Falls Privacy")
    import_people(phone, axe_source, "phone")


def test_a_duplicate_choice_updates_the_preview(desktop: Page, session: Session,
                                                actor: Any) -> None:
    f.make_organization(session, actor, name="Maple Falls Privacy")
    f.make_person(session, actor, name="Imani O.", email="imani@example.org")
    page = desktop
    page.goto("/imports/people")
    page.get_by_label("CSV or XLSX file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": PEOPLE}])
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_role("button", name="Preview the import").click()
    counts = page.locator(".import-counts")
    expect(counts).to_contain_text("1 duplicate of records already here (1 skipped)")
    row = page.locator("#dup-2")
    expect(row).to_contain_text("Imani O.")
    row.get_by_label("update").check()
    # htmx sends the choice at once and the counts follow.
    expect(counts).to_contain_text("1 to update")
    expect(page.get_by_label("update")).to_be_checked()
    page.get_by_label("For every duplicate").select_option("skip")
    page.get_by_role("button", name="Apply to all").click()
    expect(counts).to_contain_text("(1 skipped)")
    expect(page.locator("#dup-2").get_by_label("skip")).to_be_checked()
    page.locator("#dup-2").get_by_label("update").check()
    expect(counts).to_contain_text("1 to update")
    page.get_by_label("Leave the 1 row with errors out and import the rest").check()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#flash")).to_contain_text("2 added, 1 updated, 0 skipped")


def _suggestion(session: Session, actor: Any) -> tuple[Any, Any]:
    place = f.make_jurisdiction(session, actor, name="Maple Falls")
    body = f.make_body(session, actor, name="Maple Falls City Council", jurisdiction_id=place.id,
                       agenda_source="legistar", legistar_client="maplefalls")
    when = (clock.now() + timedelta(days=9)).replace(hour=1, minute=30, second=0,
                                                     microsecond=0)
    session.add(SuggestedVote(
        body_id=body.id, source_event_id="1080", source_item_id="32041", scheduled_at=when,
        time_text="6:30 PM", item_number="2.8", title="Agreement with Flock Safety for "
        "Automated License Plate Reader Cameras", matter_file="17-061", consent_calendar=True,
        agenda_url="https://maplefalls.example.org/agenda.pdf", location="Council Chambers",
        matched_keywords=["license plate", "Flock"]))
    session.add(AgendaSync(body_id=body.id, last_attempt_at=clock.now(),
                           last_success_at=clock.now() - timedelta(hours=6),
                           last_error_at=clock.now(), consecutive_failures=1,
                           last_error="Legistar answered HTTP 500: the service is down",
                           events_seen=1, items_seen=7))
    overpass.store(session, jurisdiction_id=place.id, counted_on=date(2026, 3, 1),
                   counts={"Flock Safety": 5, "unknown": 2})
    session.commit()
    return place, body


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_suggested_votes_and_the_panels(request: pytest.FixtureRequest, axe_source: str,
                                        session: Session, actor: Any, width: str) -> None:
    place, body = _suggestion(session, actor)
    page: Page = request.getfixturevalue(width)
    for url, name in ((f"/bodies/{body.id}", "body-agenda"),
                      (f"/jurisdictions/{place.id}", "jurisdiction-cameras"),
                      ("/suggested-votes", "suggested-votes")):
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        no_serious_findings(page, axe_source, url)
        fits_the_window(page, f"{url} at {width}")
        shoot(page, f"{name}-{width}")
    # Loaded afresh: axe leaves empty style attributes behind, which htmx would copy over
    # on the next boosted page and the Content-Security-Policy would then refuse.
    page.goto("/suggested-votes")
    card = page.locator("li.suggestion").first
    expect(card).to_contain_text("Consent calendar")
    card.get_by_role("button", name="Confirm item 2.8 as a vote").click()
    expect(card).to_contain_text("Confirmed")
    expect(page.locator("#flash")).to_contain_text("Vote added:")
    page.locator("#flash").get_by_role("link", name="Open the vote").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agreement with Flock Safety")
    page.goto(f"/bodies/{body.id}")
    expect(page.locator(".sync-error")).to_contain_text("the service is down")


def test_a_lead_imports_the_atlas(desktop: Page, axe_source: str, db: None) -> None:
    page = desktop
    page.goto("/agencies")
    page.get_by_role("link", name="Import the Atlas of Surveillance").click()
    page.get_by_label("CSV file").set_input_files(
        fixture("atlas_of_surveillance_alpr_sample.csv"))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator(".import-counts")).to_contain_text("10 agencies to add")
    added = page.locator("#create-h + .table-wrap")
    expect(added).to_contain_text("Broomfield, Colorado — new")
    expect(added).to_contain_text("Flock Safety (new vendor)")
    expect(added).to_contain_text("2 sources added")
    no_serious_findings(page, axe_source, "atlas preview")
    shoot(page, "import-atlas-desktop")
    page.get_by_role("button", name="Import 10 agencies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agencies")
    expect(page.locator("#flash")).to_contain_text(
        "Atlas of Surveillance: 10 agencies added, 0 updated, 0 unchanged; 14 sources added, "
        "0 re-dated.")
    expect(page.locator("#rows")).to_contain_text("Broomfield Police Department")
    page.locator("#rows").get_by_role("link", name="Irvington Police Department").click()
    sources = page.locator("#sources")
    expect(sources).to_contain_text("Nov 4, 2014 irvington new york website")
    expect(sources).to_contain_text("May 30, 2012 The Daily Voice")
    no_serious_findings(page, axe_source, "agency with its sources")
    shoot(page, "agency-sources-desktop")
    page.goto("/vendors")
    page.get_by_role("link", name="Leonardo (ELSAG)").click()
    expect(page.locator("main")).to_contain_text("Wayne County Sheriff's Office")
    expect(page.locator("main")).to_contain_text("Poughkeepsie Police Department")
    no_serious_findings(page, axe_source, "vendor with its agencies")
    shoot(page, "vendor-agencies-desktop")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_lead_imports_a_sharing_report_from_its_agency(
        request: pytest.FixtureRequest, width: str, axe_source: str, session: Session,
        actor: Any) -> None:
    riverton = f.make_agency(session, actor, name="Riverton Police Department")
    session.commit()
    page: Page = request.getfixturevalue(width)
    page.goto(f"/agencies/{riverton.id}")
    page.get_by_role("link", name="Import this agency's Vigilant data sharing report").click()
    expect(page.get_by_label("Whose report it is", exact=True)).to_have_value(str(riverton.id))
    page.get_by_label("Date of the report (year, year-month or day)").fill("June 2019")
    page.get_by_label("CSV file").set_input_files(
        fixture("vigilant_sharing_report_illustrative.csv"))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator("#reported_on-error")).to_contain_text("Write the report's date")
    no_serious_findings(page, axe_source, f"sharing report refused ({width})")
    page.get_by_label("Date of the report (year, year-month or day)").fill("2019-06")
    page.get_by_label("CSV file").set_input_files(
        fixture("vigilant_sharing_report_illustrative.csv"))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator(".import-counts")).to_contain_text("4 links to add")
    expect(page.locator("#bad-h + .table-wrap")).to_contain_text("Row 7 names no agency.")
    no_serious_findings(page, axe_source, f"sharing report preview ({width})")
    shoot(page, f"import-sharing-report-{width}")
    page.get_by_role("button", name="Import 4 links").click()
    expect(page.locator("#flash")).to_contain_text(
        "Vigilant data sharing report: Links: 4 added, 0 updated, 1 unchanged")
    expect(page.locator("#exposure-links")).to_contain_text("Oakdale Police Department")
