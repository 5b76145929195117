"""Which partners a link marks as immigration enforcement: the agencies by their initials as
upper-case words and by their full names, never a town that happens to spell "ice"; and a
writer's own yes or no stands over the mark worked out from the name."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.sharing.service import is_immigration
from tests import factories as f


@pytest.mark.parametrize("name", [
    "ICE", "U.S. Immigration and Customs Enforcement (ICE)", "ICE ERO Seattle",
    "Enforcement and Removal Operations", "ERO Los Angeles", "HSI Newark",
    "Homeland Security Investigations", "CBP", "Customs and Border Protection",
    "U.S. Border Patrol"])
def test_immigration_agencies_are_marked(name: str) -> None:
    assert is_immigration(name)


@pytest.mark.parametrize("name", ["Ice Lake Police Department", "Police Department of Ice",
                                  "Nice Police Department", "Hero County Sheriff",
                                  "Ice Lake PD"])
def test_a_name_that_only_spells_ice_is_not_marked(name: str) -> None:
    assert not is_immigration(name)


def test_a_writers_no_stands_over_the_mark(client: TestClient, session: Session,
                                          actor: Any) -> None:
    agency = f.make_agency(session, actor)
    session.commit()
    made = client.post("/api/v1/sharing-links", json={
        "agency_id": agency.id, "partner_name": "ICE",
        "source_url": "https://news.example/ice"})
    assert made.status_code in (200, 201), made.text
    assert made.json()["immigration"] is True
    link = made.json()["id"]
    changed = client.patch(f"/api/v1/sharing-links/{link}", json={"immigration": False})
    assert changed.status_code == 200, changed.text
    assert changed.json()["immigration"] is False
    assert client.get(f"/api/v1/sharing-links/{link}").json()["immigration"] is False
    # Said on a new link too.
    told = client.post("/api/v1/sharing-links", json={
        "agency_id": agency.id, "partner_name": "ICE Detroit", "immigration": False,
        "source_url": "https://news.example/detroit"})
    assert told.json()["immigration"] is False
    # A new partner with the mark left alone is marked afresh.
    renamed = client.patch(f"/api/v1/sharing-links/{told.json()['id']}",
                           json={"partner_name": "Ice Lake Police Department"})
    assert renamed.json()["immigration"] is False
    moved = client.patch(f"/api/v1/sharing-links/{link}", json={"partner_name": "ERO Dallas"})
    assert moved.json()["immigration"] is True
