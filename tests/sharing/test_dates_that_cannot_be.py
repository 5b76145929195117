"""Dates of sources and outcomes that cannot be right: year 0000, a year a millennium on, a
day after today, refused in plain words in both languages on the API, the pages and the
imports; and an import preview with nothing to import says so rather than offer to."""

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.auth.models import User
from tests import factories as f

TOO_EARLY = "A date before 1990 cannot be right here"
IN_FUTURE = "This date is in the future"


@pytest.mark.parametrize(("reported_on", "said"), [
    ("0000", TOO_EARLY), ("1989-12-31", TOO_EARLY), ("3019", IN_FUTURE),
    ((clock.today() + timedelta(days=40)).isoformat(), IN_FUTURE)])
def test_a_links_date_that_cannot_be_is_refused(client: TestClient, session: Session,
                                               actor: User, reported_on: str,
                                               said: str) -> None:
    agency = f.make_agency(session, actor)
    link = f.make_sharing_link(session, actor)
    session.commit()
    made = client.post("/api/v1/sharing-links", json={
        "agency_id": agency.id, "partner_name": "Task Force",
        "source_url": "https://news.example/x", "reported_on": reported_on})
    assert made.status_code == 422 and said in made.text, made.text
    changed = client.patch(f"/api/v1/sharing-links/{link.id}",
                           json={"reported_on": reported_on})
    assert changed.status_code == 422 and said in changed.text
    page = client.post(f"/agencies/{agency.id}/sharing-links", headers={
        "HX-Request": "true", "Accept-Language": "es"}, data={
        "kind": "shares_with", "partner_name": "Task Force", "source_kind": "news",
        "source_url": "https://news.example/x", "reported_on": reported_on,
        "confidence": "reported", "visibility": "coalition"})
    assert page.status_code == 422
    assert ("anterior a 1990" if said == TOO_EARLY else "en el futuro") in page.text


def test_a_good_date_is_kept(client: TestClient, session: Session, actor: User) -> None:
    agency = f.make_agency(session, actor)
    session.commit()
    for day in ("1990", "2019-05", clock.today().isoformat()):
        made = client.post("/api/v1/sharing-links", json={
            "agency_id": agency.id, "partner_name": f"Task Force {day}",
            "source_url": "https://news.example/x", "reported_on": day})
        assert made.status_code in (200, 201), made.text


def test_an_outcome_dated_in_the_future_is_refused(client: TestClient) -> None:
    outcome = {"place": "Austin", "state_code": "TX", "latitude": 30.27, "longitude": -97.74,
               "outcome": "contract_cancelled", "vendor": "Flock Safety",
               "citation": "Austin American-Statesman"}
    for day, said in (("3025-01-01", IN_FUTURE), ("0001-01-01", TOO_EARLY)):
        refused = client.post("/api/v1/known-outcomes", json={**outcome, "decided_on": day})
        assert refused.status_code == 422 and said in refused.text, refused.text
    kept = client.post("/api/v1/known-outcomes",
                       json={**outcome, "decided_on": date(2025, 2, 1).isoformat()})
    assert kept.status_code in (200, 201), kept.text


def test_a_report_dated_3019_is_refused_and_a_file_of_bad_rows_offers_nothing(
        client: TestClient, session: Session, actor: User) -> None:
    agency = f.make_agency(session, actor, name="Riverton Police Department")
    session.commit()
    good = b"Agency,State\nReno Police Department,NV\n"
    refused = client.post("/api/v1/imports/sharing-report",
                          files={"file": ("r.csv", good, "text/csv")},
                          data={"agency_id": str(agency.id), "reported_on": "3019"})
    assert refused.status_code == 422 and IN_FUTURE in refused.text, refused.text
    bad = b"Agency,State\n,NV\nReno Police Department,XX\n"
    for language, nothing in (("en", "Nothing in this file can be imported"),
                              ("es", "No se puede importar nada")):
        preview = client.post("/imports/sharing-report",
                              files={"file": ("r.csv", bad, "text/csv")},
                              data={"agency_id": str(agency.id), "reported_on": "2019"},
                              headers={"Accept-Language": language})
        assert preview.status_code == 200, preview.text
        assert nothing in preview.text
        assert "Import 0 links" not in preview.text and "Importar 0" not in preview.text
