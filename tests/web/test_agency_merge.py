"""Merging two agencies through the pages: offered on the agency's page and from the import
preview that names the pair, a form choosing the agency to fold in, its problems shown in the
page, and the merge done; in both languages, for leads only."""

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.accounts import service as accounts
from api.agencies.models import Agency
from api.auth.models import Role
from api.contracts.models import Contract
from api.db import new_session
from tests import factories as f
from tests.web.html import HX, form_fields, is_full_page, plain, replace
from tests.web.test_dataset_imports import ATLAS, preview_url


def _atlas_row(name: str) -> bytes:
    """The sample's header and its Broomfield row, under another name."""
    header, broomfield = ATLAS.decode().splitlines()[:2]
    cells = broomfield.split(",")
    cells[0], cells[1], cells[5] = "AOS000017", "", name
    return f"{header}\n{','.join(cells)}\n".encode()


def test_the_import_preview_offers_the_merge_and_the_page_does_it(
        client: TestClient, session: Session, actor: Any) -> None:
    dept = f.make_agency(session, actor, name="Pueblo Police Dept", state_code="CO")
    pd = f.make_agency(session, actor, name="Pueblo PD", state_code="CO", fixed_cameras=9)
    contract = f.make_contract(session, actor, agency_id=pd.id)
    session.commit()
    preview = client.get(preview_url(client, "atlas", _atlas_row("Pueblo Police Department")))
    assert "merge them first" in preview.text
    link = f"/agencies/{dept.id}/merge?fold={pd.id}"
    assert f'href="{link}"' in preview.text.replace("&amp;", "&")
    assert "Merge “Pueblo PD” into “Pueblo Police Dept”" in plain(preview.text)

    page = client.get(link)
    assert page.status_code == 200 and is_full_page(page.text)
    assert f'<option value="{pd.id}" selected>' in page.text
    part = client.get(link, headers=HX)
    assert part.status_code == 200 and not is_full_page(part.text)
    assert 'class="merge-form"' in part.text and "<h1>" not in part.text

    fields = form_fields(page.text, f"/agencies/{dept.id}/merge")
    done = client.post(f"/agencies/{dept.id}/merge", data=dict(fields), follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/agencies/{dept.id}"
    shown = plain(client.get(f"/agencies/{dept.id}").text)
    assert "Merged: “Pueblo PD” is now part of “Pueblo Police Dept”" in shown
    with new_session() as fresh:
        assert fresh.get(Agency, pd.id) is None
        assert fresh.get(Contract, contract.id).agency_id == dept.id
        assert fresh.get(Agency, dept.id).fixed_cameras == 9
    again = client.get(preview_url(client, "atlas", _atlas_row("Pueblo Police Department")))
    assert "merge them first" not in again.text


def test_the_form_shows_its_problems_in_the_page(
        client: TestClient, session: Session, actor: Any) -> None:
    kept = f.make_agency(session, actor, name="Pueblo Police Dept", state_code="CO")
    f.make_agency(session, actor, name="Pueblo PD", state_code="CO")
    session.commit()
    url = f"/agencies/{kept.id}/merge"
    fields = form_fields(client.get(url).text, url)
    for value, said in (("", "Choose the agency to fold into this one."),
                        (str(kept.id), "an agency cannot be merged into itself"),
                        ("999999", "No agency")):
        answer = client.post(url, data=dict(replace(fields, fold_id=value)))
        assert answer.status_code in (404, 422), (value, answer.status_code)
        assert said in plain(answer.text), (value, plain(answer.text)[:400])
        part = client.post(url, data=dict(replace(fields, fold_id=value)), headers=HX)
        assert not is_full_page(part.text) and said in plain(part.text)
    with new_session() as fresh:
        assert len(fresh.exec(select(Agency)).all()) == 2


def test_the_agency_page_offers_a_merge_to_leads_only(
        client: TestClient, session: Session, actor: Any,
        client_as: Callable[..., TestClient]) -> None:
    organization = f.make_organization(session, actor)
    kept = f.make_agency(session, actor, name="Pueblo Police Dept", state_code="CO")
    folded = f.make_agency(session, actor, name="Pueblo PD", state_code="CO")
    session.commit()
    assert f'href="/agencies/{kept.id}/merge"' in client.get(f"/agencies/{kept.id}").text
    partner = client_as(Role.partner, organization.id)
    assert f"/agencies/{kept.id}/merge" not in partner.get(f"/agencies/{kept.id}").text
    form = partner.get(f"/agencies/{kept.id}/merge")
    assert 'class="merge-form"' not in form.text
    assert "Only the coalition's leads merge agencies" in plain(form.text)
    refused = partner.post(f"/agencies/{kept.id}/merge", data={"fold_id": str(folded.id)})
    assert refused.status_code == 403
    assert "Only the coalition's leads merge agencies" in plain(refused.text)


def test_the_merge_form_in_spanish(client: TestClient, session: Session, actor: Any,
                                   admin: Any) -> None:
    accounts.set_language(session, session.merge(admin), "es")
    kept = f.make_agency(session, actor, name="Pueblo Police Dept", state_code="CO")
    f.make_agency(session, actor, name="Pueblo PD", state_code="CO")
    session.commit()
    text = plain(client.get(f"/agencies/{kept.id}/merge").text)
    assert "Fusionar con Pueblo Police Dept" in text
    assert "La agencia que se integra" in text


def test_merging_through_the_json_api(client: TestClient, session: Session, actor: Any,
                                      client_as: Callable[..., TestClient]) -> None:
    kept = f.make_agency(session, actor, name="Pueblo Police Dept", state_code="CO")
    folded = f.make_agency(session, actor, name="Pueblo PD", state_code="CO", ori="CO0510100")
    private = f.make_agency(session, actor, visibility="private",
                            owner_organization_id=f.make_organization(session, actor).id)
    session.commit()
    url = f"/api/v1/agencies/{kept.id}/merge"
    lead = client_as(Role.lead)
    missing = lead.post(url, json={"fold_id": 999999})
    hidden = lead.post(url, json={"fold_id": private.id})
    assert (missing.status_code, hidden.status_code) == (404, 404)
    assert hidden.json()["detail"] == missing.json()["detail"].replace("999999", str(private.id))
    assert lead.post(url, json={"fold_id": "x"}).status_code == 422
    assert lead.post(url, json={"fold_id": kept.id}).status_code == 422
    partner = client_as(Role.partner, f.make_organization(session, actor).id)
    assert partner.post(url, json={"fold_id": folded.id}).status_code == 403
    done = lead.post(url, json={"fold_id": folded.id})
    assert done.status_code == 200, done.text
    assert (done.json()["id"], done.json()["ori"]) == (kept.id, "CO0510100")
    assert lead.get(f"/api/v1/agencies/{folded.id}").status_code == 404


def test_a_merge_that_would_narrow_is_told_before_and_refused(
        client: TestClient, session: Session, actor: Any,
        client_as: Callable[..., TestClient]) -> None:
    ours = f.make_organization(session, actor)
    narrow = f.make_agency(session, actor, name="Pueblo PD", state_code="CO",
                           visibility="private", owner_organization_id=ours.id)
    shared = f.make_agency(session, actor, name="Pueblo Police Dept", state_code="CO",
                           visibility="coalition")
    elsewhere = f.make_agency(session, actor, name="Pueblo Police", state_code="NM")
    session.commit()
    lead = client_as(Role.lead, ours.id)
    url = f"/agencies/{narrow.id}/merge"
    page = lead.get(f"{url}?fold={shared.id}")
    assert page.status_code == 200
    assert "Share “Pueblo PD” at least as widely first" in plain(page.text)
    fields = form_fields(page.text, url)
    refused = lead.post(url, data=dict(replace(fields, fold_id=str(shared.id))))
    assert refused.status_code == 422 and "at least as widely" in plain(refused.text)
    api = f"/api/v1/agencies/{shared.id}/merge"
    other_state = lead.post(api, json={"fold_id": elsewhere.id})
    assert other_state.status_code == 422 and "same state" in other_state.text
    with new_session() as fresh:
        assert len(fresh.exec(select(Agency)).all()) == 3
    assert lead.post(api, json={"fold_id": narrow.id}).status_code == 200


def test_a_malformed_preselection_is_no_preselection(
        client: TestClient, session: Session, actor: Any) -> None:
    kept = f.make_agency(session, actor, name="Pueblo Police Dept", state_code="CO")
    session.commit()
    for fold in ("abc", "-1", "0", "99999999999999"):
        page = client.get(f"/agencies/{kept.id}/merge?fold={fold}")
        assert page.status_code == 200, fold
        assert " selected>" not in page.text


def test_the_audit_log_says_what_a_merge_did(client: TestClient, session: Session, actor: Any,
                                             admin: Any) -> None:
    kept = f.make_agency(session, actor, name="Pueblo Police Dept", state_code="CO", ori="")
    folded = f.make_agency(session, actor, name="Pueblo PD", state_code="CO", ori="CO0510100")
    f.make_contract(session, actor, agency_id=folded.id)
    f.make_contract(session, actor, agency_id=folded.id)
    session.commit()
    assert client.post(f"/api/v1/agencies/{kept.id}/merge",
                       json={"fold_id": folded.id}).status_code == 200
    log = plain(client.get(f"/audit?record_kind=agency&record_id={kept.id}").text)
    assert f"Merged another into: agency #{kept.id}" in log
    assert f"Folded in: “Pueblo PD” (#{folded.id})" in log
    assert "Moved to it: contract: 2" in log
    assert "Merged: — → —" not in log and "Dropped: — → —" not in log
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    log = plain(client.get(f"/audit?record_kind=agency&record_id={kept.id}").text)
    assert "merge:" not in log and "Moved" not in log and "Folded in" not in log
    assert f"Integrada: «Pueblo PD» (#{folded.id})" in log
