"""The exposure panel's form finds its partner agency by a search, a few agencies at a time,
among those the writer may read: never a list of every agency kept. An agency the writer may
not read is neither found nor accepted, and answers as one that does not exist."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import Role, User
from api.sharing.models import SharingLink
from tests import factories as f
from web.exposure_panels import PARTNERS_SHOWN

HX = {"HX-Request": "true"}
RADIO = re.compile(r'<input type="radio" id="sl-partner-[\w-]+" name="partner_agency_id" '
                   r'value="(\d*)"( checked)?>')


def _towns(session: Session, actor: User, count: int) -> int:
    subject = f.make_agency(session, actor, name="Riverton PD")
    for i in range(count):
        f.make_agency(session, actor, name=f"Town {i} PD", state_code="CA")
    session.commit()
    return subject.id


def test_the_form_lists_no_agency_until_asked(client: TestClient, session: Session,
                                              actor: User) -> None:
    agency = _towns(session, actor, 30)
    for path in (f"/agencies/{agency}", f"/agencies/{agency}/exposure"):
        page = client.get(path).text
        assert 'id="sl-partner-q"' in page and '<label for="sl-partner-q">' in page
        # Only the choice of a partner not kept here: no agency is read for the form.
        assert RADIO.findall(page) == [("", " checked")]
        assert "Town 7 PD" not in page


def test_the_search_finds_a_few_agencies(client: TestClient, session: Session,
                                         actor: User) -> None:
    agency = _towns(session, actor, PARTNERS_SHOWN + 10)
    url = f"/agencies/{agency}/sharing-partners"
    found = client.get(url, params={"partner_q": "Town"}, headers=HX)
    assert found.status_code == 200 and "<html" not in found.text
    assert len(RADIO.findall(found.text)) == PARTNERS_SHOWN + 1
    # What is typed is a run of letters, never a pattern; a NUL is dropped, not sent on.
    for typed in ("%", "_own", "T\x00own 7"):
        odd = client.get(url, params={"partner_q": typed}, headers=HX)
        assert odd.status_code == 200, typed
        assert len(RADIO.findall(odd.text)) == (2 if typed.startswith("T") else 1), typed
    assert "10 more agencies have that name: type more of it." in found.text
    one = client.get(url, params={"partner_q": "Town 7 PD"}, headers=HX).text
    assert "Town 7 PD (CA)" in one
    # The agency itself is never its own partner.
    assert "Riverton PD" not in client.get(url, params={"partner_q": "Riverton"},
                                           headers=HX).text
    nothing = client.get(url, params={"partner_q": "Zzyzx"}, headers=HX).text
    assert "No agency you may read has that name." in nothing
    # The one chosen stays chosen while the search looks for others.
    chosen = re.search(r'value="(\d+)"> *\n? *<label for="sl-partner-\d+">Town 7 PD', one)
    assert chosen
    kept = client.get(url, params={"partner_q": "Zzyzx", "partner_agency_id": chosen[1]},
                      headers=HX).text
    assert (chosen[1], " checked") in RADIO.findall(kept)
    # Opened as a page: the agency's panel.
    page = client.get(url, params={"partner_q": "Town"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/agencies/{agency}/exposure"
    assert client.get("/agencies/999999/sharing-partners", headers=HX).status_code == 404


def test_find_without_javascript(client: TestClient, session: Session, actor: User) -> None:
    agency = _towns(session, actor, 3)
    answer = client.post(f"/agencies/{agency}/sharing-links",
                         data={"partner_search": "1", "partner_q": "Town 1",
                               "kind": "shares_with", "source_url": ""})
    assert answer.status_code == 200
    assert "Town 1 PD (CA)" in answer.text and 'class="exposure-add" open' in answer.text
    assert 'role="alert"' not in answer.text
    assert session.exec(select(SharingLink)).all() == []


def test_an_agency_the_writer_may_not_read(client_as: object, session: Session,
                                           actor: User) -> None:
    mine, theirs = (f.make_organization(session, actor).id for _ in range(2))
    agency = f.make_agency(session, actor, name="Riverton PD")
    hidden = f.make_agency(session, actor, name="Hidden Task Force",
                           owner_organization_id=theirs, visibility="private")
    session.commit()
    writer = client_as(Role.lead, mine)  # type: ignore[operator]
    owner = client_as(Role.lead, theirs)  # type: ignore[operator]
    url = f"/agencies/{agency.id}/sharing-partners"
    assert "Hidden Task Force" not in writer.get(url, params={"partner_q": "Hidden"},
                                                 headers=HX).text
    assert "Hidden Task Force" in owner.get(url, params={"partner_q": "Hidden"},
                                            headers=HX).text
    # Chosen by its id all the same: not kept as chosen, and refused as a missing one is.
    kept = writer.get(url, params={"partner_agency_id": hidden.id}, headers=HX).text
    assert "Hidden Task Force" not in kept and RADIO.findall(kept) == [("", " checked")]
    form = {"kind": "shares_with", "source_kind": "news", "source_url": "https://news.example/a",
            "confidence": "reported", "visibility": "coalition"}
    refused = writer.post(f"/agencies/{agency.id}/sharing-links",
                          data={**form, "partner_agency_id": str(hidden.id)}, headers=HX)
    missing = writer.post(f"/agencies/{agency.id}/sharing-links",
                          data={**form, "partner_agency_id": "999999"}, headers=HX)
    assert refused.status_code == missing.status_code == 422
    said = re.findall(r'<p class="field-error"[^>]*>.*?</p>', refused.text, re.S)
    assert said and said == [s.replace("999999", str(hidden.id)) for s in re.findall(
        r'<p class="field-error"[^>]*>.*?</p>', missing.text, re.S)]
    assert "Hidden Task Force" not in refused.text
    assert session.exec(select(SharingLink)).all() == []


def test_a_reader_who_may_not_write_gets_no_search(client_as: object, session: Session,
                                                  actor: User) -> None:
    agency = _towns(session, actor, 3)
    viewer = client_as(Role.viewer, f.make_organization(session, actor).id)  # type: ignore[operator]
    assert 'id="sl-partner-q"' not in viewer.get(f"/agencies/{agency}").text
    assert viewer.get(f"/agencies/{agency}/sharing-partners", params={"partner_q": "Town"},
                      headers=HX).status_code == 403


def test_spanish(client: TestClient, session: Session, actor: User) -> None:
    agency = _towns(session, actor, 3)
    es = {"Accept-Language": "es"}
    page = client.get(f"/agencies/{agency}/exposure", headers=es).text
    assert "Busque una agencia registrada aquí por su nombre" in page
    found = client.get(f"/agencies/{agency}/sharing-partners", params={"partner_q": "Zzyzx"},
                       headers={**HX, **es}).text
    assert "Ninguna agencia que usted pueda leer tiene ese nombre." in found
