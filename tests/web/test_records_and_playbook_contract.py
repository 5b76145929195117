"""The records-request and playbook pages keep the promises every page makes: a label on every
input, no inline script or style, the CSRF token in every posting form, unique element ids."""

import re
from collections import Counter
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import at_noon, make_agency, make_contract, make_records_request
from tests.web.html import is_full_page
from tests.web.test_page_contract import Inspector


def _urls(client: TestClient, session: Session, actor: Any) -> list[str]:
    at_noon(date(2026, 3, 2))
    agency = make_agency(session, actor, with_place=True, state_code="CO",
                         name="Zenith County Sheriff")
    make_contract(session, actor, agency_id=agency.id)
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=date(2026, 3, 2))
    session.commit()
    place = agency.jurisdiction_id
    client.post(f"/records-requests/{request.id}/received", data={"agency_id": str(agency.id)},
                files={"file": ("log.csv", b"a,b\n", "text/csv")})
    made = client.post("/campaigns/new-from-playbook", follow_redirects=False, data={
        "playbook": "stop_new_contract", "jurisdiction_id": str(place),
        "vote_date": "2026-05-12"})
    return [f"/records-requests/{request.id}",
            f"/records-requests/{request.id}/letter?template=alpr_all&requester_name=R",
            "/records-requests", "/records-requests/batch",
            f"/records-requests/batch/done?id={request.id}",
            "/campaigns/new-from-playbook",
            "/campaigns/new-from-playbook?playbook=cancel_renewal",
            made.headers["location"]]


def test_the_pages_keep_the_promises(client: TestClient, session: Session,
                                     actor: Any) -> None:
    token = client.headers["X-CSRF-Token"]
    for url in _urls(client, session, actor):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.text
        assert is_full_page(html), url
        page = Inspector()
        page.feed(html)
        assert page.inline_scripts == 0 and page.problems == [], url
        assert [i for i in page.inputs if i not in page.labels] == [], url
        ids = Counter(re.findall(r'\sid="([^"]+)"', html))
        assert [i for i, n in ids.items() if n > 1] == [], url
        posting = re.findall(r'<form[^>]*method="post"', html)
        assert html.count(f'name="csrf_token" value="{token}"') >= len(posting), url
