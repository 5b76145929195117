"""Wins elsewhere: outcomes known in other places and the coalition's own campaigns won, the
nearest of them told on a place's and a decision-maker's page, each only to whoever may read
it."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from api.campaigns import service as campaigns
from api.campaigns.models import CampaignUpdate
from api.errors import Invalid
from api.known_outcomes import service as known_outcomes
from tests.factories import (
    make_body,
    make_campaign,
    make_jurisdiction,
    make_known_outcome,
    make_organization,
    make_target,
)

# Oakland, and places at known distances from it.
OAKLAND = (37.8044, -122.2712)


def test_distances_are_great_circle_miles() -> None:
    san_francisco = (37.7749, -122.4194)
    assert 8 < known_outcomes.miles_between(OAKLAND, san_francisco) < 9
    los_angeles = (34.0522, -118.2437)
    assert 335 < known_outcomes.miles_between(OAKLAND, los_angeles) < 350


def test_the_nearest_wins_leave_out_losses_the_far_and_the_place_itself(
        session: Session, actor: Any) -> None:
    place = make_jurisdiction(session, actor, latitude=OAKLAND[0], longitude=OAKLAND[1])
    for name, lat, lon, outcome, day in (
            ("Near one", 37.87, -122.27, "contract_cancelled", date(2025, 3, 1)),
            ("Near two", 37.76, -122.19, "not_renewed", date(2025, 8, 1)),
            ("Earlier", 37.55, -121.99, "not_renewed", date(2024, 2, 1)),
            ("Lost near", 37.80, -122.30, "lost", date(2025, 1, 1)),
            ("Far away", 34.05, -118.24, "contract_cancelled", date(2025, 1, 1))):
        make_known_outcome(session, actor, place=name, latitude=lat, longitude=lon,
                           outcome=outcome, decided_on=day, vendor="Flock Safety")
    # A campaign of ours won in a town nearby counts; the place's own does not.
    town = make_jurisdiction(session, actor, name="Our town", latitude=37.83,
                             longitude=-122.28)
    make_campaign(session, actor, jurisdiction_id=town.id, status="won",
                  outcome="ordinance_passed", outcome_on=date(2025, 5, 1),
                  outcome_source="Ordinance 12")
    make_campaign(session, actor, jurisdiction_id=place.id, status="won",
                  outcome="contract_cancelled", outcome_on=date(2025, 5, 1))
    session.commit()

    found = known_outcomes.near_jurisdiction(session, actor, place.id)
    assert found.located
    assert [w.place for w in found.wins] == ["Our town", "Near one", "Near two", "Earlier"]
    assert [round(w.miles) for w in found.wins] == sorted(round(w.miles) for w in found.wins)
    assert found.headline is not None
    assert (found.headline.count, found.headline.year, found.headline.vendor,
            found.headline.ended_contracts) == (2, 2025, "Flock Safety", True)


def test_a_place_without_coordinates_says_so(session: Session, actor: Any) -> None:
    place = make_jurisdiction(session, actor)
    session.commit()
    found = known_outcomes.near_jurisdiction(session, actor, place.id)
    assert not found.located and found.wins == []


def test_coordinates_come_both_or_neither_and_within_range(client: TestClient) -> None:
    base = {"name": "Placed", "kind": "city", "state_code": "CA",
            "timezone": "America/Los_Angeles"}
    for extra in ({"latitude": 37.8}, {"longitude": -122.2}, {"latitude": 91, "longitude": 0},
                  {"latitude": 0, "longitude": -181}):
        refused = client.post("/api/v1/jurisdictions", json={**base, **extra})
        assert refused.status_code == 422, extra
    made = client.post("/api/v1/jurisdictions", json={**base, "latitude": 37.8,
                                                       "longitude": -122.27})
    assert made.status_code == 201 and made.json()["latitude"] == 37.8
    page = client.post("/jurisdictions", data={**base, "latitude": "37.8"},
                       follow_redirects=False)
    assert page.status_code == 422
    assert "Give both the latitude and the longitude, or neither." in page.text


def test_a_campaigns_outcome_goes_with_its_status(session: Session, actor: Any) -> None:
    campaign = make_campaign(session, actor)
    session.commit()
    for change, field in (({"outcome": "not_renewed"}, "outcome"),
                          ({"status": "won", "outcome": "lost"}, "outcome"),
                          ({"outcome_source": "Minutes"}, "outcome")):
        try:
            campaigns.crud.update(session, actor, campaign.id, CampaignUpdate(**change))
        except Invalid as exc:
            assert exc.field == field, change
        else:
            raise AssertionError(f"{change} was let through")
        session.rollback()
    won = campaigns.crud.update(session, actor, campaign.id, CampaignUpdate(
        status="won", outcome="not_renewed", outcome_on=date(2025, 7, 1),
        outcome_source="Council vote", outcome_url="https://council.example/vote"))
    assert won.outcome == "not_renewed"


def test_pages_tell_the_nearest_wins_as_a_sentence_in_each_language(
        client: TestClient, session: Session, actor: Any) -> None:
    place = make_jurisdiction(session, actor, latitude=OAKLAND[0], longitude=OAKLAND[1])
    body = make_body(session, actor, jurisdiction_id=place.id)
    target = make_target(session, actor, body_id=body.id)
    for name in ("Alpha", "Beta", "Gamma"):
        make_known_outcome(session, actor, place=name, latitude=37.85, longitude=-122.25,
                           outcome="contract_cancelled", decided_on=date(2025, 2, 1),
                           vendor="Flock")
    session.commit()
    sentence = "3 places within 50 miles ended their Flock contracts in 2025."
    for url in (f"/jurisdictions/{place.id}", f"/targets/{target.id}"):
        page = client.get(url)
        assert page.status_code == 200 and sentence in page.text, url
        spanish = client.get(url, headers={"Accept-Language": "es"})
        assert ("3 lugares a menos de 50 millas terminaron sus contratos con Flock en 2025."
                in spanish.text), url
    answer = client.get(f"/api/v1/targets/{target.id}/nearby-wins").json()
    assert answer["headline"]["count"] == 3 and len(answer["wins"]) == 3
    assert client.get("/api/v1/jurisdictions/999999/nearby-wins").status_code == 404


def test_wins_one_may_not_read_are_neither_listed_nor_counted(
        client_as: Any, session: Session, actor: Any) -> None:
    ours, theirs = make_organization(session, actor), make_organization(session, actor)
    place = make_jurisdiction(session, actor, latitude=OAKLAND[0], longitude=OAKLAND[1])
    make_known_outcome(session, actor, place="Shared town", latitude=37.85, longitude=-122.25)
    make_known_outcome(session, actor, place="Their secret town", latitude=37.86,
                       longitude=-122.25, owner_organization_id=theirs.id,
                       visibility="private")
    session.commit()
    reader = client_as(Role.partner, ours.id)
    answer = reader.get(f"/api/v1/jurisdictions/{place.id}/nearby-wins").json()
    assert [w["place"] for w in answer["wins"]] == ["Shared town"]
    assert answer["headline"]["count"] == 1
    page = reader.get(f"/jurisdictions/{place.id}").text
    assert "Their secret town" not in page and "1 place within 50 miles" in page
    owner = client_as(Role.partner, theirs.id)
    assert owner.get(f"/api/v1/jurisdictions/{place.id}/nearby-wins").json()[
        "headline"]["count"] == 2
