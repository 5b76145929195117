"""A contract's evidence timeline and briefing packet in Chromium: the timeline narrowed by
kind in place (the address follows), the packet opened from it with every request on this
site, printed as print media shows it (a screenshot kept to look at) and to PDF."""

from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from api.auth.models import Role
from tests.e2e.conftest import DESKTOP, SCREENSHOTS, _page, axe_violations, shoot
from tests.factories import make_contract, make_document, make_evidence_entry

pytestmark = pytest.mark.e2e

ENTRIES = [
    ("audit_finding", date(2023, 4, 11), "Officer ran 212 plate searches for “investigation”",
     "The audit log shows one officer searched 212 plates in a week with the reason "
     "“investigation” and no case number.", "Riverton PD audit log, April 2023 (records request "
     "23-114)", "https://records.example/riverton/23-114/audit-log.csv"),
    ("records_document", date(2023, 9, 2), "Sharing report lists 1,200 outside agencies",
     "The vendor's data sharing report lists 1,200 agencies that may search Riverton's reads, "
     "among them two federal agencies.", "Vendor data sharing report, obtained by records "
     "request", "https://records.example/riverton/sharing-report-2023.pdf"),
    ("news_story", date(2024, 2, 20), "Searches made on behalf of immigration agents",
     "Local officers ran searches at the request of federal immigration agents, the paper "
     "found.", "The Riverton Gazette", "https://gazette.example/2024/02/20/plate-searches"),
    ("council_testimony", date(2024, 6, 4), "Chief admits no one reviews the audit log",
     "Asked at the council meeting who reviews searches, the chief said no one does so "
     "regularly.", "City council video, 1:42:10", "https://council.example/video/2024-06-04"),
    ("lawsuit", date(2025, 1, 15), "Driver sues over wrongful stop",
     "A driver stopped at gunpoint after a misread plate sued the city.",
     "Doe v. City of Riverton, No. 25-cv-0113", "https://courts.example/25-cv-0113"),
    ("policy_violation", date(2025, 5, 30), "Reads kept past the 30-day limit",
     "Reads older than the policy's 30-day limit were still searchable.",
     "The Riverton Gazette", "https://gazette.example/2024/02/20/plate-searches"),
]


@pytest.fixture
def contract(session: Session, actor: Any) -> Any:
    made = make_contract(session, actor, title="Riverton PD plate-reader contract",
                         visibility="coalition")
    for kind, day, title, summary, citation, url in ENTRIES:
        entry = make_evidence_entry(session, actor, contract_id=made.id, kind=kind,
                                    occurred_on=day, title=title, summary=summary,
                                    citation=citation, url=url)
        if kind == "audit_finding":
            make_document(session, actor, attached_kind="evidence_entry",
                          attached_id=entry.id, filename="audit-log-extract.csv")
    session.commit()
    return made


@pytest.fixture
def lead(browser: Browser, server: str, db: None) -> Iterator[Page]:
    yield from _page(browser, server, DESKTOP, Role.lead)


def test_the_timeline_filters_in_place_and_the_packet_prints(
        lead: Page, server: str, contract: Any, axe_source: str) -> None:
    asked: list[str] = []
    lead.on("request", lambda request: asked.append(request.url))
    lead.goto(f"/contracts/{contract.id}")
    panel = lead.locator("#evidence")
    expect(panel).to_contain_text("Driver sues over wrongful stop")
    panel.get_by_role("link", name="lawsuit (1)").click()
    expect(lead).to_have_url(f"{server}/contracts/{contract.id}/evidence?kind=lawsuit")
    expect(lead.locator("#evidence")).not_to_contain_text("Reads kept past")
    expect(lead.locator("#evidence")).to_contain_text("Driver sues")
    lead.locator("#evidence").get_by_role("link", name="All (6)").click()
    expect(lead.locator("#evidence")).to_contain_text("Reads kept past")
    lead.get_by_role("link", name="Briefing packet (printable)").click()
    expect(lead.locator("h1")).to_contain_text("Riverton PD plate-reader contract")
    assert axe_violations(lead, axe_source) == []
    shoot(lead, "briefing-packet-screen")
    lead.emulate_media(media="print")
    # As wide as a Letter page inside the packet's print margins (8.5 in less 32 mm at 96 dpi).
    lead.set_viewport_size({"width": 695, "height": DESKTOP["height"]})
    shoot(lead, "briefing-packet-printed")
    pdf = lead.pdf(format="Letter", print_background=False)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "briefing-packet.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(
        b"/Type /Page ") + pdf.count(b"/Type/Page") >= 1
    here = urlsplit(server).netloc
    strangers = [url for url in asked if urlsplit(url).netloc not in (here, "")]
    assert strangers == [], strangers
