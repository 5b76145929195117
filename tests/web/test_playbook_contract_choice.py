"""The playbook form picks the contract a campaign is about, among those the user may read: its
notice deadline dates the campaign, and the campaign's page names it. A contract the user may
not read is neither offered nor taken when its id is sent anyway."""

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import Role
from api.campaigns.models import Campaign
from api.db import new_session
from tests import factories as f
from tests.conftest import api_token
from tests.web.html import plain

URL = "/campaigns/new-from-playbook"


def _world(session: Session, actor: Any, client_as: Any) -> tuple[TestClient, Any, Any, Any]:
    """A lead of Riverton Privacy Watch, the coalition's contract, and one another
    organization keeps to itself."""
    ours = f.make_organization(session, actor, name="Riverton Privacy Watch")
    theirs = f.make_organization(session, actor, name="Other Group")
    place = f.make_jurisdiction(session, actor, name="Riverton")
    shared = f.make_contract(session, actor, title="Riverton Flock agreement")
    private = f.make_contract(session, actor, title="Secret Vigilant deal",
                              owner_organization_id=theirs.id, visibility="private")
    lead = client_as(Role.lead, organization_id=ours.id)
    return lead, place, shared, private


def _campaigns() -> list[Campaign]:
    with new_session() as fresh:
        return list(fresh.exec(select(Campaign)).all())


def test_the_form_offers_only_contracts_the_user_may_read(
        client_as: Any, session: Session, actor: Any, frozen_now: datetime) -> None:
    lead, _, shared, private = _world(session, actor, client_as)
    for headers in ({}, {"HX-Request": "true"}):
        page = lead.get(f"{URL}?playbook=cancel_renewal", headers=headers)
        assert page.status_code == 200
        assert f'<option value="{shared.id}"' in page.text
        assert "Riverton Flock agreement" in page.text
        assert "Secret Vigilant deal" not in page.text
        assert "The contract the campaign is about" in plain(page.text)


def test_a_chosen_contract_dates_the_campaign_and_is_named_on_its_page(
        client_as: Any, session: Session, actor: Any, frozen_now: datetime) -> None:
    lead, place, shared, _ = _world(session, actor, client_as)
    assert shared.notice_deadline is not None
    made = lead.post(URL, follow_redirects=False, data={
        "playbook": "cancel_renewal", "jurisdiction_id": str(place.id),
        "contract_id": str(shared.id)})
    assert made.status_code == 303, plain(made.text)
    [campaign] = _campaigns()
    assert campaign.notice_deadline == shared.notice_deadline
    page = lead.get(f"/campaigns/{campaign.id}")
    assert page.status_code == 200
    assert "Riverton Flock agreement" in plain(page.text)
    assert f'href="/contracts/{shared.id}"' in page.text
    section = lead.get(f"/campaigns/{campaign.id}/sections/campaign",
                       headers={"HX-Request": "true"})
    assert section.status_code == 200 and "Riverton Flock agreement" in plain(section.text)


def test_a_forged_contract_id_is_refused(
        client_as: Any, session: Session, actor: Any, frozen_now: datetime) -> None:
    lead, place, _, private = _world(session, actor, client_as)
    refused = lead.post(URL, data={"playbook": "cancel_renewal",
                                   "jurisdiction_id": str(place.id),
                                   "notice_deadline": "2026-05-01",
                                   "contract_id": str(private.id)})
    assert refused.status_code == 422
    assert f"No contract with id {private.id}." in plain(refused.text)
    assert 'id="contract_id-error"' in refused.text
    assert "Secret Vigilant deal" not in refused.text
    assert _campaigns() == []

    # The JSON API answers the same, as for an id that does not exist.
    lead.headers["Authorization"] = f"Bearer {api_token(lead.user)}"
    answer = lead.post("/api/v1/playbooks/cancel_renewal/campaigns",
                       json={"jurisdiction_id": place.id, "contract_id": private.id,
                             "notice_deadline": "2026-05-01"})
    missing = lead.post("/api/v1/playbooks/cancel_renewal/campaigns",
                        json={"jurisdiction_id": place.id, "contract_id": private.id + 1000,
                              "notice_deadline": "2026-05-01"})
    assert (answer.status_code, missing.status_code) == (422, 422)
    assert answer.json()["errors"][0]["field"] == "contract_id"
    assert _campaigns() == []


def test_the_form_and_its_problems_speak_spanish(
        client_as: Any, session: Session, actor: Any, frozen_now: datetime) -> None:
    lead, place, _, private = _world(session, actor, client_as)
    lead.headers["Accept-Language"] = "es"
    page = lead.get(f"{URL}?playbook=cancel_renewal")
    assert "El contrato del que trata la campaña" in plain(page.text)
    refused = lead.post(URL, data={"playbook": "cancel_renewal",
                                   "jurisdiction_id": str(place.id),
                                   "campaign_start": "2026-03-01",
                                   "notice_deadline": "2026-02-01",
                                   "contract_id": str(private.id)})
    assert refused.status_code == 422
    assert f"No hay ningún contrato con el número {private.id}." in plain(refused.text)
    early = lead.post(URL, data={"playbook": "cancel_renewal",
                                 "jurisdiction_id": str(place.id),
                                 "campaign_start": "2026-03-01",
                                 "notice_deadline": "2026-02-01"})
    assert early.status_code == 422
    assert ("El plazo de aviso de terminación (1 de febrero de 2026) es anterior al inicio de "
            "la campaña (1 de marzo de 2026)") in plain(early.text)


def test_the_notice_deadline_is_required_only_while_no_contract_is_chosen(
        client_as: Any, session: Session, actor: Any, frozen_now: datetime) -> None:
    """The contract's deadline stands in for an empty one: the browser must let the form go
    with a contract chosen and the deadline left empty, as the server does."""
    lead, place, shared, _ = _world(session, actor, client_as)
    page = lead.get(f"{URL}?playbook=cancel_renewal").text
    [field] = [tag for tag in page.split("<input") if 'name="notice_deadline"' in tag]
    field = field.split(">")[0]
    assert 'data-required-unless="pb-contract"' in field and " required" in field
    assert "required unless a contract is chosen" in plain(page)
    # Sent back with a contract chosen (another field's problem), nothing holds it back.
    again = lead.post(URL, data={"playbook": "cancel_renewal", "jurisdiction_id": "",
                                 "contract_id": str(shared.id)})
    assert again.status_code == 422
    [field] = [tag for tag in again.text.split("<input") if 'name="notice_deadline"' in tag]
    assert " required" not in field.split(">")[0]
    # Other required dates stay required.
    vote_page = lead.get(f"{URL}?playbook=stop_new_contract").text
    [vote] = [tag for tag in vote_page.split("<input") if 'name="vote_date"' in tag]
    assert " required" in vote.split(">")[0] and "data-required-unless" not in vote
