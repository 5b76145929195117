"""A records request's page, its letters and the page that sends one letter to many agencies,
read by someone who chose Spanish: the page's words are Spanish, while each letter stays in the
language it is sent in (English), marked so on the page for screen readers and translators."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.accounts import service as accounts
from api.auth.models import User
from api.i18n import catalogs
from tests.factories import make_records_request
from tests.i18n.catalog_source import extracted, pseudo_translations
from tests.i18n.visible_text import calendar_words, untranslated
from tests.web.html import HX, plain


@pytest.fixture
def spanish(session: Session, admin: User) -> User:
    reader = session.merge(admin)
    accounts.set_language(session, reader, "es")
    session.commit()
    return reader


def _form(agencies: dict[str, Any], *ids: int, **changes: str) -> dict[str, Any]:
    return {"template": "alpr_all", "subject": "ALPR sharing lists",
            "agency_ids": [str(i) for i in ids], "requester_organization_id":
            str(agencies["org"].id), "requester_name": "Rosa Parkes",
            "requester_email": "rosa@example.org", "method": "email", **changes}


def test_a_request_and_its_letter_in_spanish(client: TestClient, session: Session,
                                             actor: Any, spanish: User) -> None:
    record = make_records_request(session, actor)
    page = client.get(f"/records-requests/{record.id}")
    assert page.status_code == 200
    text = plain(page.text)
    assert "Qué carta" in text and "Escribir la carta" in text and "Primera solicitud" in text
    # Why a letter does not fit yet, in the reader's words.
    assert ("Todavía no se puede: solo se apela después de una negativa, una entrega parcial "
            "o una respuesta de que no hay registros. Esta solicitud está «") in text
    assert "Ahora no" not in text and "en estado «" not in text
    assert "Which letter" not in text and "Not now" not in text
    # The letters' own titles are English, and say so; each letter is written in the
    # language chosen, Spanish among them.
    # Each letter offered by its Spanish title; no note that the titles are English.
    assert 'lang="es">Todo sobre el programa de lectores de placas (ALPR)</label>' in page.text
    assert "Los títulos de las cartas están en inglés" not in text
    assert "Idioma de la carta" in text

    letter = client.get(f"/records-requests/{record.id}/letter",
                        params={"template": "alpr_all", "requester_name": "Ana"}, headers=HX)
    assert letter.status_code == 200
    assert "Descargar como .txt" in letter.text and "Léala y cambie lo que necesite" in letter.text
    assert 'class="letter-text" lang="en"' in letter.text
    assert "Dear Custodian of Records" in letter.text

    refused = client.get(f"/records-requests/{record.id}/letter",
                         params={"requester_name": "Ana"}, headers=HX)
    assert refused.status_code == 422 and "Error: Elija una carta." in plain(refused.text)


def test_a_follow_up_not_yet_due_says_when_in_spanish(client: TestClient, session: Session,
                                                      actor: Any, spanish: User) -> None:
    record = make_records_request(session, actor, status="sent", sent_on=clock.today())
    session.commit()
    text = plain(client.get(f"/records-requests/{record.id}").text)
    assert re.search(r"Todavía no se puede: el plazo vence en \d+ días\.", text), text
    assert "todavía no vence" not in text


def test_sending_to_many_agencies_in_spanish(client: TestClient, spanish: User,
                                             agencies: dict[str, Any]) -> None:
    ca, co = agencies["ca"].id, agencies["co"].id
    page = client.get("/records-requests/batch", params=[("agency_ids", ca)])
    text = plain(page.text)
    assert "Enviar una solicitud a muchas agencias" in text and "Elegidas (1)" in text
    assert "La carta va a 1 agencia" in text and "el nombre de la agencia" in text
    # A state's letter sits under a group in the reader's words, its English title apart.
    assert 'label="Solo CA"' in page.text

    preview = client.post("/records-requests/batch/preview", data=_form(agencies, ca, co),
                          headers=HX)
    assert preview.status_code == 200
    assert "tal como la recibirá Zephyr Police Department" in plain(preview.text)

    wrong = client.post("/records-requests/batch/preview", data=_form(agencies), headers=HX)
    assert wrong.status_code == 422 and "Elija al menos una agencia." in plain(wrong.text)

    made = client.post("/records-requests/batch", data=_form(agencies, ca, co))
    assert made.status_code == 200
    assert "Se crearon 2 solicitudes de registros públicos, una por agencia" in plain(made.text)


@pytest.fixture
def pseudo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    kept = catalogs.LOADED.get("es")
    catalogs.LOADED["es"] = pseudo_translations(
        extracted(str(tmp_path_factory.mktemp("messages"))))
    yield
    if kept is None:
        catalogs.LOADED.pop("es", None)
    else:
        catalogs.LOADED["es"] = kept


def test_the_batch_fragments_have_no_english_outside_the_catalog(
        client: TestClient, spanish: User, agencies: dict[str, Any], pseudo: None) -> None:
    """The parts htmx posts for, which the every-page check (GET only) does not reach."""
    ca, co = agencies["ca"].id, agencies["co"].id
    known = {"ALPR sharing lists", "Rosa Parkes", "Zebra Privacy Union", "CA", "CO",
             *(a.name for key, a in agencies.items() if key != "org")}
    allowed = calendar_words("es_US")
    for url, data in [("/records-requests/batch/preview", _form(agencies, ca, co)),
                      ("/records-requests/batch/preview", _form(agencies)),
                      ("/records-requests/batch/letter", _form(agencies, ca,
                                                               letter_action="use"))]:
        answer = client.post(url, data=data, headers=HX)
        assert answer.status_code in (200, 422)
        assert untranslated(answer.text, known=known, allowed_words=allowed) == [], url


def test_a_refused_status_change_says_why_in_spanish(client: TestClient, session: Session,
                                                     actor: Any, spanish: User) -> None:
    record = make_records_request(session, actor)
    future = client.post(f"/records-requests/{record.id}/status", headers=HX,
                         data={"status": "sent", "on": "2999-01-01"})
    assert future.status_code == 422
    assert "Un cambio de estado no puede tener una fecha futura." in plain(future.text)
    wrong = client.post(f"/records-requests/{record.id}/status", headers=HX,
                        data={"status": "fulfilled"})
    assert wrong.status_code == 422
    text = plain(wrong.text)
    assert ("Una solicitud en estado «borrador» no puede pasar a «cumplida»; puede pasar a: "
            "enviada, retirada.") in text
