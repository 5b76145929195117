"""After a status change made in place, the rest of the request's page says the same: the
Progress section and the timeline come along, and the history reads on the local clock."""

from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from tests import factories as f
from tests.factories import make_agency, make_records_request
from tests.web.html import HX, plain


def test_a_status_changed_in_place_refreshes_the_page_around_it(
        client: TestClient, session: Session, actor: Any) -> None:
    place = f.make_jurisdiction(session, actor, name="Riverbend",
                                timezone="America/Los_Angeles", state_code="CA")
    campaign = f.make_campaign(session, actor, name="Riverbend: No Cameras",
                               jurisdiction_id=place.id)
    clock.freeze(datetime(2026, 3, 2, 18, 0, tzinfo=UTC))
    agency = make_agency(session, actor, with_place=True, state_code="CA",
                         name="Riverbend Police Department")
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=date(2026, 3, 2), campaign_id=campaign.id)
    session.commit()
    # 8 PM on March 3 in California is already March 4 in UTC.
    clock.freeze(datetime(2026, 3, 4, 4, 0, tzinfo=UTC))
    part = client.post(f"/records-requests/{request.id}/status", headers=HX,
                       data={"status": "extended", "on": "2026-03-02", "note": "Clerk called"})
    assert part.status_code == 200
    history = plain(part.text[:part.text.index('id="section-progress"')])
    # A day, with no zone: "recorded" is a date.
    assert "(recorded Mar 3, 2026)" in history and "Mar 4" not in history and "PST" not in history

    progress = part.text[part.text.index('id="section-progress"'):]
    progress = progress[:progress.index("</section>")]
    assert 'hx-swap-oob="true"' in progress and "extended" in plain(progress)
    timeline = part.text[part.text.index('id="timeline"'):]
    assert 'hx-swap-oob="true"' in timeline[:200]
    assert "Mar 26, 2026" in plain(timeline)  # 10 days, then 14 more
