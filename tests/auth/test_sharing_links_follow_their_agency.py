"""A sharing link tells of its agency and of its partner agency: a coalition-visible link about
a partner's private agency, or naming one as its partner, is read by no one who may not read
that agency, on any surface."""

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from tests import factories as f

SECRET_AGENCY = "Hidden Creek Police Department"
SECRET_PARTNER = "Quiet Valley Sheriff"
LINK_MARK = "Regional-Task-Force-7"


def test_a_link_is_read_only_with_its_agency(session: Session, actor: Any,
                                            client_as: Callable[..., TestClient]) -> None:
    org_a = f.make_organization(session, actor, name="Org A")
    org_b = f.make_organization(session, actor, name="Org B")
    private = f.make_agency(session, actor, name=SECRET_AGENCY,
                            owner_organization_id=org_b.id, visibility="private")
    hidden_partner = f.make_agency(session, actor, name=SECRET_PARTNER,
                                   owner_organization_id=org_b.id, visibility="private")
    shared = f.make_agency(session, actor, name="Open City Police Department")
    about_private = f.make_sharing_link(session, actor, agency_id=private.id,
                                        partner_name=LINK_MARK, visibility="coalition")
    naming_private = f.make_sharing_link(session, actor, agency_id=shared.id,
                                         partner_agency_id=hidden_partner.id,
                                         source_url="https://news.example/quiet",
                                         visibility="coalition")
    session.commit()
    a, b = client_as(Role.partner, org_a.id), client_as(Role.partner, org_b.id)
    surfaces = ["/sharing-links", "/sharing-links.csv", "/api/v1/sharing-links",
                "/api/v1/exports/sharing-links.csv",
                f"/agencies/{shared.id}", f"/api/v1/agencies/{shared.id}/exposure"]
    for url in surfaces:
        seen = a.get(url)
        assert seen.status_code == 200, (url, seen.status_code)
        assert LINK_MARK not in seen.text, url
        assert SECRET_PARTNER not in seen.text, url
        assert SECRET_AGENCY not in seen.text, url
        # Nor the link naming the hidden partner: its source or owner might name it.
        assert "news.example/quiet" not in seen.text, url
    # The search echoes what was asked; the link itself is not among the answers.
    found = a.get("/search", params={"q": LINK_MARK}).text
    assert f"/sharing-links/{about_private.id}" not in found
    assert f"/sharing-links/{about_private.id}" in b.get("/search", params={"q": LINK_MARK}).text
    assert a.get(f"/api/v1/sharing-links/{about_private.id}").status_code == 404
    assert a.get(f"/sharing-links/{about_private.id}").status_code == 404
    assert a.get(f"/api/v1/sharing-links/{naming_private.id}").status_code == 404
    assert a.get(f"/sharing-links/{naming_private.id}").status_code == 404
    # The agency's own organization reads both, and names the partner.
    assert LINK_MARK in b.get("/sharing-links").text
    assert b.get(f"/api/v1/sharing-links/{naming_private.id}").json()[
        "partner_agency_id"] == hidden_partner.id
