"""The sharing imports through the pages: EFF's Data Driven dataset and one Vigilant sharing
report, uploaded, previewed (links to add, update or leave, agencies made or matched, every bad
row with its line) and confirmed; for leads only, and refused in plain words."""

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.agencies.models import Agency
from api.db import new_session
from api.sharing.models import SharingLink
from tests import factories as f
from tests.sources.replay import fixture
from tests.web.html import HX, form_fields, is_full_page, plain

DATA_DRIVEN = fixture("eff_data_driven_alpr_2016_2017.csv").read_bytes()
REPORT = fixture("vigilant_sharing_report_illustrative.csv").read_bytes()


def upload(client: TestClient, kind: str, content: bytes, data: dict[str, str] | None = None,
           **headers: str) -> Any:
    return client.post(f"/imports/{kind}", files={"file": ("data.csv", content, "text/csv")},
                       data=data or {}, headers=headers, follow_redirects=False)


def links_kept() -> int:
    with new_session() as fresh:
        return fresh.exec(select(func.count()).select_from(SharingLink)).one()


def test_a_report_is_previewed_then_confirmed(client: TestClient, session: Session,
                                              actor: Any) -> None:
    riverton = f.make_agency(session, actor, name="Riverton Police Department")
    f.make_agency(session, actor, name="Reno PD", state_code="NV", ori="NV0160200")
    session.commit()
    assert f'href="/imports/sharing-report?agency_id={riverton.id}"' in \
        client.get(f"/agencies/{riverton.id}").text
    form = client.get(f"/imports/sharing-report?agency_id={riverton.id}")
    assert form.status_code == 200
    assert re.search(rf'<option value="{riverton.id}" selected>Riverton Police Department',
                     form.text)
    sent = upload(client, "sharing-report", REPORT, {
        "agency_id": str(riverton.id), "reported_on": "2019-06",
        "source_url": "https://www.documentcloud.org/documents/riverton.html"})
    assert sent.status_code == 303, sent.text
    url = sent.headers["location"]
    assert re.fullmatch(r"/imports/sharing-report/[0-9a-f]{32}/preview\?.+", url)
    page = client.get(url)
    assert page.status_code == 200 and is_full_page(page.text)
    text = plain(page.text)
    assert "4 links to add" in text and "0 to update" in text
    assert "1 unchanged" in text
    assert "3 agencies to add" in text and "1 agency kept here already" in text
    assert "2 bad rows, left out" in text
    bad = plain(page.text.split('id="bad-h"', 1)[1].split("</table>", 1)[0])
    assert "7 Row 7 names no agency." in bad
    assert "8 Row 8: the direction is “shares with” or “can query”." in bad
    assert "Lane County Sheriff (OR)" in text and "Reno PD (NV)" in text
    assert "The report of Riverton Police Department, June 2019" in text
    assert links_kept() == 0
    action = url.split("?")[0].replace("/preview", "/confirm")
    done = client.post(action, data=dict(form_fields(page.text, action)),
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/agencies/{riverton.id}"
    assert links_kept() == 4
    agency_page = client.get(done.headers["location"]).text
    shown = plain(agency_page.split('id="flash"', 1)[1].split("</div>", 1)[0])
    assert ("Vigilant data sharing report: Links: 4 added, 0 updated, 1 unchanged; agencies "
            "added: 3; bad rows left out: 2.") in shown
    assert client.get(url).status_code == 404


def test_the_data_driven_sharing_links_with_htmx(client: TestClient) -> None:
    sent = upload(client, "data-driven-sharing", DATA_DRIVEN, **HX)
    url = sent.headers["hx-redirect"]
    page = client.get(url)
    text = plain(page.text)
    assert "200 agencies to add" in text and "0 bad rows, left out" in text
    part = client.get(url, headers=HX)
    assert not is_full_page(part.text)
    action = url.replace("/preview", "/confirm")
    done = client.post(action, data=dict(form_fields(page.text, action)), headers=HX)
    assert done.status_code == 200 and done.headers["hx-redirect"] == "/agencies"
    assert links_kept() > 200
    with new_session() as fresh:
        assert fresh.exec(select(func.count()).select_from(Agency)).one() == 200


def test_bad_files_and_fields_are_told_plainly(client: TestClient, session: Session,
                                               actor: Any) -> None:
    riverton = f.make_agency(session, actor, name="Riverton Police Department")
    session.commit()
    good = {"agency_id": str(riverton.id), "reported_on": "2019"}
    cases = [
        ("data-driven-sharing", REPORT, {}, "This is not the EFF Data Driven ALPR file: it "
         "lacks the columns A. Agency, "),
        ("sharing-report", b"Name,City\nA,B\n", good,
         "This is not the Vigilant data sharing report file: it lacks the columns Agency, "
         "State."),
        ("sharing-report", b"   \n", good, "The file is empty."),
        # A picture is no CSV: it has no columns of a report.
        ("sharing-report", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe", good,
         "This is not the Vigilant data sharing report file"),
        ("sharing-report", REPORT, {**good, "reported_on": "June 2019"},
         "Write the report's date as a year, a year and month, or a day"),
        ("sharing-report", REPORT, {**good, "agency_id": "999999"},
         "Choose the agency the report is about."),
        ("sharing-report", REPORT, {"reported_on": "2019"},
         "Choose the agency the report is about."),
        ("sharing-report", REPORT, {**good, "source_url": "not an address"},
         "Give the report's address as it is, starting with https://."),
    ]
    for kind, content, data, said in cases:
        page = upload(client, kind, content, data)
        assert page.status_code == 422, (kind, said, page.status_code)
        assert said in plain(page.text), (said, plain(page.text)[:2000])
    assert links_kept() == 0


def test_a_too_large_file_is_refused(client: TestClient, session: Session, actor: Any,
                                     monkeypatch: Any) -> None:
    from api.settings import get_settings  # noqa: PLC0415

    monkeypatch.setattr(get_settings(), "max_upload_bytes", 1000)
    page = upload(client, "data-driven-sharing", DATA_DRIVEN)
    assert page.status_code in (413, 422)
    assert "larger than" in plain(page.text)


def test_partners_and_viewers_cannot_import_sharing(client: TestClient, client_as: Any,
                                                    session: Session, actor: Any) -> None:
    riverton = f.make_agency(session, actor, name="Riverton Police Department")
    session.commit()
    url = upload(client, "data-driven-sharing", DATA_DRIVEN).headers["location"]
    for role in ("partner", "viewer"):
        other = client_as(role)
        assert "/imports/data-driven-sharing" not in other.get("/").text
        assert "/imports/sharing-report" not in other.get(f"/agencies/{riverton.id}").text
        for kind in ("data-driven-sharing", "sharing-report"):
            assert other.get(f"/imports/{kind}").status_code == 403
            assert upload(other, kind, REPORT, {"agency_id": str(riverton.id)}
                          ).status_code == 403
        assert other.get(url).status_code == 403
        assert other.post(url.replace("/preview", "/confirm"),
                          data={"token": "x"}).status_code == 403
    assert links_kept() == 0
    listed = client.get("/imports")
    assert "/imports/data-driven-sharing" in listed.text
    assert "/imports/sharing-report" in listed.text


def test_the_preview_speaks_spanish(client: TestClient, session: Session, admin: Any,
                                    actor: Any) -> None:
    from api.accounts import service as accounts  # noqa: PLC0415

    riverton = f.make_agency(session, actor, name="Riverton Police Department")
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    url = upload(client, "sharing-report", REPORT,
                 {"agency_id": str(riverton.id)}).headers["location"]
    text = plain(client.get(url).text)
    assert "4 vínculos por agregar" in text and "0 agencias que ya están aquí" in text
    assert "La fila 7 no indica ninguna agencia." in text


def test_the_reports_agency_is_found_by_name_not_listed_among_every_agency(
        client: TestClient, session: Session, actor: Any) -> None:
    for number in range(1, 26):
        f.make_agency(session, actor, name=f"Bigtown Police Department {number}")
    riverton = f.make_agency(session, actor, name="Riverton Police Department")
    session.commit()
    blank = client.get("/imports/sharing-report").text
    assert "Find the agency above first" in blank and "Bigtown" not in blank
    found = client.get("/imports/sharing-report", params={"agency_q": "riverton"}).text
    assert re.search(rf'<option value="{riverton.id}">Riverton Police Department', found)
    many = client.get("/imports/sharing-report", params={"agency_q": "Bigtown"}).text
    assert many.count('<option value="') == 1 + 20
    assert "5 more agencies have that name: type more of it." in many
    kept = client.get("/imports/sharing-report",
                      params={"agency_q": "Bigtown", "agency_id": str(riverton.id)}).text
    assert re.search(rf'<option value="{riverton.id}" selected>Riverton', kept)
    assert f'<input type="hidden" name="agency_id" value="{riverton.id}">' in kept
    nothing = client.get("/imports/sharing-report", params={"agency_q": "Nowhere"}).text
    assert "No agency you may read has that name." in nothing
    spanish = client.get("/imports/sharing-report", headers={"Accept-Language": "es"}).text
    assert "Busque primero la agencia arriba" in spanish
