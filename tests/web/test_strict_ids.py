"""An id in an address is digits and nothing else: with a line break, a space or a sign after
or before it, the address names no record (404, or 422 from the JSON API)."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import factories as f
from tests.auth.routes import get_routes

ID = re.compile(r"{(\w*id)(?::int)?}")


@pytest.mark.parametrize("suffix", ["%0A", "%0D%0A", "%20", "%09"])
def test_an_id_followed_by_anything_names_no_record(app: Any, client: TestClient, session: Any,
                                                    actor: Any, suffix: str) -> None:
    meeting = f.make_meeting(session, actor).id
    session.commit()
    assert client.get(f"/meetings/{meeting}").status_code == 200
    tried = 0
    failures = []
    for pattern in get_routes(app):
        if not ID.search(pattern):
            continue
        concrete = re.sub(r"{\w+(?::\w+)?}", "x", ID.sub(f"{meeting}{suffix}", pattern))
        response = client.get(concrete, follow_redirects=False)
        tried += 1
        if response.status_code not in (404, 405, 422):
            failures.append(f"{concrete}: {response.status_code}")
    assert tried > 40
    assert not failures, "\n".join(failures)


def test_a_signed_or_spaced_id_is_refused_by_the_api(client: TestClient, session: Any,
                                                     actor: Any) -> None:
    meeting = f.make_meeting(session, actor).id
    session.commit()
    assert client.get(f"/api/v1/meetings/{meeting}").status_code == 200
    for wrong in (f"%20{meeting}", f"+{meeting}", f"{meeting}%0A", f"0{meeting}%20"):
        assert client.get(f"/api/v1/meetings/{wrong}").status_code in (404, 422), wrong


def test_a_page_number_with_a_sign_is_refused_in_words(client: TestClient) -> None:
    for path in ("/meetings?page=-1", "/alerts/log?page=-1", "/meetings?page=%202"):
        page = client.get(path)
        assert page.status_code == 422, path
        assert "The page must be a number." in page.text, path
    assert client.get("/meetings?page=0").status_code == 200
    assert client.get("/alerts/log?page=2").status_code == 200


def test_a_calendar_day_that_is_no_date_is_refused(client: TestClient) -> None:
    assert client.get("/calendar", params={"date": "2026-13-45"}).status_code == 422
    assert client.get("/calendar", params={"day": "2026-13-45"}).status_code == 422
    shown = client.get("/calendar", params={"date": "2026-03-05", "view": "agenda"})
    assert shown.status_code == 200 and "2026-03" in shown.text


def test_a_feed_address_with_a_wrong_token_is_not_found_without_signing_in(
        anon_client: TestClient) -> None:
    # A calendar app cannot sign in: it is told there is no feed, not sent to a sign-in page.
    for token in ("bad", "x" * 40, "x" * 150, "a%20b", "not%0Aone"):
        answer = anon_client.get(f"/feeds/{token}.ics", follow_redirects=False)
        assert answer.status_code == 404, token
