"""EFF's agency datasets through the pages: upload, a preview of what would be added, updated,
skipped or refused, and a confirmed import into agencies; for leads only."""

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.agencies import service as agencies
from api.agencies.models import Agency, AgencyCreate
from api.db import new_session
from tests.sources.replay import fixture
from tests.web.html import HX, form_fields, is_full_page, plain

ATLAS = fixture("atlas_of_surveillance_alpr_sample.csv").read_bytes()
DATA_DRIVEN = fixture("eff_data_driven_alpr_2016_2017.csv").read_bytes()


def upload(client: TestClient, kind: str, content: bytes, **headers: str) -> Any:
    return client.post(f"/imports/{kind}", files={"file": ("data.csv", content, "text/csv")},
                       headers=headers, follow_redirects=False)


def preview_url(client: TestClient, kind: str, content: bytes) -> str:
    response = upload(client, kind, content)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(rf"/imports/{kind}/[0-9a-f]{{32}}/preview", location)
    return location


def agency_names() -> list[str]:
    with new_session() as fresh:
        return sorted(a.name for a in fresh.exec(select(Agency)).all())


def with_bad_rows(content: bytes) -> bytes:
    """The file with one more row, cut short."""
    lines = content.decode("utf-8-sig").splitlines()
    return "\n".join([*lines, ",".join(lines[2].split(",")[:3])]).encode()


def test_atlas_preview_then_confirm(client: TestClient, session: Session, actor: Any) -> None:
    agencies.crud.create(session, actor, AgencyCreate(name="Broomfield Police Department",
                                                      state_code="CO"))
    session.commit()
    page_url = preview_url(client, "atlas", with_bad_rows(ATLAS))
    page = client.get(page_url)
    assert page.status_code == 200 and is_full_page(page.text)
    text = plain(page.text)
    assert "9 agencies to add" in text
    assert "1 to update" in text
    assert "1 bad row, left out" in text
    assert "Row 12 has fewer fields than the header." in text
    assert "Wayne County Sheriff's Office" in text
    update = page.text.split('id="update-h"', 1)[1].split("</table>", 1)[0]
    assert "Broomfield Police Department" in update
    assert "Vendor: — → Flock Safety (new vendor)" in plain(update)
    assert "Sources: 2 sources added" in plain(update)
    assert "Atlas ID: — → AOS000017" in plain(update)
    assert "ORI: — → CO0640100" in plain(update)
    # The places the new agencies serve, made with them, each in its state's zone.
    assert "Navajo County, Arizona — new (county; America/Phoenix)" in text
    part = client.get(page_url, headers=HX)
    assert not is_full_page(part.text) and "9 agencies to add" in plain(part.text)
    assert agency_names() == ["Broomfield Police Department"]

    action = page_url.replace("/preview", "/confirm")
    done = client.post(action, data=dict(form_fields(page.text, action)),
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/agencies"
    listed = client.get("/agencies")
    flash = plain(listed.text.split('id="flash"', 1)[1].split("</div>", 1)[0])
    assert ("Atlas of Surveillance: 9 agencies added, 1 updated, 0 unchanged; 14 sources added, "
            "0 re-dated; 1 bad row left out.") in flash
    assert len(agency_names()) == 10
    assert client.get(page_url).status_code == 404


def test_data_driven_with_htmx(client: TestClient) -> None:
    response = upload(client, "data-driven", DATA_DRIVEN, **HX)
    url = response.headers["hx-redirect"]
    page = client.get(url)
    action = url.replace("/preview", "/confirm")
    done = client.post(action, data=dict(form_fields(page.text, action)), headers=HX)
    assert done.status_code == 200 and done.headers["hx-redirect"] == "/agencies"
    assert "EFF Data Driven ALPR dataset:" in plain(client.get("/agencies").text)
    assert agency_names()


def test_the_wrong_file_is_refused_on_the_upload_page(client: TestClient) -> None:
    page = upload(client, "data-driven", ATLAS)
    assert page.status_code == 422
    assert "This is not the EFF Data Driven ALPR file: it lacks the columns A. Agency, " in \
        plain(page.text)
    part = upload(client, "atlas", b"", **HX)
    assert part.status_code == 422 and not is_full_page(part.text)
    assert "The file is empty." in plain(part.text)


def test_a_confirmation_of_another_preview_is_refused(client: TestClient, session: Session,
                                                      actor: Any) -> None:
    page_url = preview_url(client, "atlas", ATLAS)
    page = client.get(page_url)
    action = page_url.replace("/preview", "/confirm")
    fields = dict(form_fields(page.text, action))
    agencies.crud.create(session, actor, AgencyCreate(name="Broomfield Police Department",
                                                      state_code="CO"))
    session.commit()
    # A token from some other preview than the one of this file.
    fields["token"] = "0" * 32
    refused = client.post(action, data=fields)
    assert refused.status_code == 409
    assert "Nothing was imported: The file is not the one that was previewed" in \
        plain(refused.text)
    assert agency_names() == ["Broomfield Police Department"]


def test_partners_and_viewers_cannot_import_datasets(client: TestClient,
                                                     client_as: Any) -> None:
    page_url = preview_url(client, "atlas", ATLAS)
    for role in ("partner", "viewer"):
        other = client_as(role)
        assert other.get("/imports/atlas").status_code == 403
        assert upload(other, "atlas", ATLAS).status_code == 403
        assert other.get(page_url).status_code == 403
        assert other.post(page_url.replace("/preview", "/confirm"),
                          data={"token": "x"}).status_code == 403
        api = other.post("/api/v1/imports/atlas", data={"commit": "true"},
                         files={"file": ("a.csv", ATLAS, "text/csv")})
        assert api.status_code == 403, role
    assert agency_names() == []


def test_a_preview_speaks_the_readers_language(client: TestClient, session: Session,
                                               admin: Any) -> None:
    from api.accounts import service as accounts  # noqa: PLC0415

    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    text = plain(client.get(preview_url(client, "atlas", with_bad_rows(ATLAS))).text)
    assert "La fila 12 tiene menos campos que el encabezado." in text
    assert "Navajo County, Arizona — nuevo (" in text
    assert "fewer fields" not in text and "— new" not in text
    refused = upload(client, "atlas", b"name,state\nA,CO\n")
    assert "Este no es el archivo de" in refused.text
    assert "le faltan las columnas AOSNUMBER, City, County, State, Agency," in plain(refused.text)
