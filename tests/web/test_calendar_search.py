"""The calendar (month and agenda, by campaign) and global search."""

from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.web.html import fragment, is_full_page, plain


def _seed(session: Session, actor: Any) -> dict[str, Any]:
    place = f.make_jurisdiction(session, actor, name="Pinecrest", timezone="America/Los_Angeles")
    body = f.make_body(session, actor, jurisdiction_id=place.id)
    ours = f.make_campaign(session, actor, name="Ours", jurisdiction_id=place.id)
    theirs = f.make_campaign(session, actor, name="Theirs")
    contract = f.make_contract(session, actor, title="Lease", end_date=date(2026, 5, 31),
                               termination_notice_days=60)  # notice due April 1
    # 02:00 UTC on Mar 11 is the evening of Mar 10 in Los Angeles.
    f.make_vote(session, actor, title="Late vote", body_id=body.id, campaign_id=ours.id,
                contract_id=contract.id, scheduled_at=datetime(2026, 3, 11, 2, 0, tzinfo=UTC))
    f.make_action(session, actor, title="Our rally", campaign_id=ours.id,
                  scheduled_on=date(2026, 3, 14))
    f.make_action(session, actor, title="Their rally", campaign_id=theirs.id,
                  scheduled_on=date(2026, 3, 15))
    f.make_meeting(session, actor, summary="Coffee chat", campaign_id=ours.id,
                   held_at=datetime(2026, 3, 3, 18, 0, tzinfo=UTC))
    f.make_task(session, actor, title="Print flyers", due_on=date(2026, 3, 20))
    return {"ours": ours, "theirs": theirs}


def _day(html: str, text: str) -> str:
    """The month cell holding the text."""
    at = html.index(text)
    start = html.rindex("<td", 0, at)
    return plain(html[start:html.index("</td>", at)])


def test_month_view_places_entries_on_their_local_day(client: TestClient, session: Session,
                                                      actor: Any, frozen_now: datetime) -> None:
    _seed(session, actor)
    page = client.get("/calendar?month=2026-03")
    assert page.status_code == 200 and is_full_page(page.text)
    assert "March 2026" in plain(page.text)
    assert _day(page.text, "Late vote").startswith("10 ")
    assert "7:00 PM PDT" in _day(page.text, "Late vote")  # daylight time from Mar 8
    assert _day(page.text, "Our rally").startswith("14 ")
    assert _day(page.text, "Print flyers").startswith("20 ")
    assert _day(page.text, "Coffee chat").startswith("3 ")
    april = client.get("/calendar?month=2026-04").text
    assert "Notice deadline" in plain(_day(april, "Lease"))
    part = fragment(client, "/calendar?month=2026-03")
    assert part.text.lstrip().startswith('<div id="calendar"')


def test_filter_by_campaign_and_agenda_view(client: TestClient, session: Session, actor: Any,
                                            frozen_now: datetime) -> None:
    seeded = _seed(session, actor)
    ours = plain(client.get(f"/calendar?month=2026-03&campaign_id={seeded['ours'].id}").text)
    assert "Our rally" in ours and "Their rally" not in ours and "Print flyers" not in ours
    agenda = plain(fragment(client, "/calendar?view=agenda").text)
    assert agenda.index("Tuesday, March 3") < agenda.index("Coffee chat")
    assert agenda.index("Coffee chat") < agenda.index("Late vote") < agenda.index("Our rally")
    assert client.get("/calendar?month=March").status_code == 422
    assert client.get("/calendar?view=year").status_code == 422


def test_global_search_finds_records_by_the_beginnings_of_their_words(
        client: TestClient, session: Session, actor: Any) -> None:
    target = f.make_target(session, actor, name="Ana Okafor")
    f.make_organization(session, actor, name="Okafor Family Foundation")
    page = client.get("/search?q=okaf")
    assert page.status_code == 200 and is_full_page(page.text)
    text = plain(page.text)
    assert "Targets" in text and "Ana Okafor" in text and "Okafor Family Foundation" in text
    assert f'href="/targets/{target.id}"' in page.text
    part = fragment(client, "/search?q=okafor")
    assert part.text.lstrip().startswith('<div id="results"')
    assert "Nothing matches" in plain(fragment(client, "/search?q=zzzz").text)
    assert "Type the beginning of a name" in plain(client.get("/search").text)
    assert client.get("/search?q=" + "x" * 201).status_code == 422
    assert client.get("/search?q=a%00b").status_code == 200
    both = plain(client.get("/search?q=okafor+ana").text)
    assert "1 result for" in both and "Ana Okafor" in both and "Foundation" not in both


def test_the_header_search_box_goes_to_search(client: TestClient) -> None:
    html = client.get("/").text
    assert '<form class="global-search" role="search" action="/search" method="get">' in html
    assert 'name="q"' in html
