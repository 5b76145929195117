"""The calendar's months: one far outside its years is refused with a message, not a server
error, and the agenda's links say where each list starts."""

import pytest
from fastapi.testclient import TestClient

from tests.web.html import plain


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1899-12", "2201-01"])
@pytest.mark.parametrize("view", ["month", "agenda"])
def test_a_month_at_the_ends_of_the_calendar_is_refused(client: TestClient, month: str,
                                                        view: str) -> None:
    page = client.get(f"/calendar?month={month}&view={view}")
    assert page.status_code == 422
    assert "Choose a month between 1900 and 2200." in plain(page.text)


def test_the_first_and_last_months_still_show(client: TestClient) -> None:
    for month, name in (("1900-01", "January 1900"), ("2200-12", "December 2200")):
        page = client.get(f"/calendar?month={month}")
        assert page.status_code == 200
        assert name in plain(page.text)


def test_the_agenda_says_where_each_earlier_or_later_list_starts(client: TestClient) -> None:
    page = plain(client.get("/calendar?view=agenda&month=2026-03").text)
    assert "← From February 1, 2026" in page and "From April 1, 2026 →" in page
    month = plain(client.get("/calendar?month=2026-03").text)
    assert "← February 2026" in month and "April 2026 →" in month
