"""Playbooks in Spanish: every built-in playbook's words are given in Spanish, the playbook page
shows them to a Spanish reader, and a campaign made from a playbook gets its actions and tasks
in the language of the person making it."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import service as accounts
from api.auth.models import User
from api.playbooks import loader, translations
from api.playbooks.schema import Playbook
from tests.factories import at_noon
from tests.web.html import plain

KEYS = ["stop_new_contract", "cancel_renewal", "restrict_by_ordinance", "end_federal_sharing",
        "community_control"]


def _words(book: Playbook) -> list[str]:
    found = [book.title, book.summary, *(a.note for a in book.policy_asks)]
    for phase in book.phases:
        found += [phase.title, phase.summary]
        for action in phase.actions:
            found += [action.title, action.description]
            found += [text for task in action.tasks for text in (task.title, task.notes)]
    return found


@pytest.mark.parametrize("key", KEYS)
def test_every_word_of_a_built_in_playbook_is_given_in_spanish(key: str) -> None:
    loaded = loader.catalog().playbooks[key]
    english, spanish = _words(loaded.playbook), _words(loaded.in_language("es"))
    untranslated = [e for e, s in zip(english, spanish, strict=True) if e and e == s]
    assert untranslated == []
    # Only the words change: dates, kinds, roles and keys stay the English file's.
    same = loaded.in_language("es")
    assert [(a.key, a.kind, a.owner_role, a.anchor, a.offset) for _, a in same.actions()] == \
        [(a.key, a.kind, a.owner_role, a.anchor, a.offset) for _, a in loaded.playbook.actions()]
    assert loaded.in_language("en") is loaded.playbook
    assert loaded.in_language(None) is loaded.playbook


def test_a_broken_translation_is_reported_and_the_playbook_stays_english(
        tmp_path: Path) -> None:
    source = Path(__file__).parents[2] / "campaigns" / "playbooks" / "cancel_renewal.yaml"
    (tmp_path / "cancel_renewal.yaml").write_text(source.read_text(encoding="utf-8"))
    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "cancel_renewal.yaml").write_text(
        "actions:\n  no-such-step:\n    title: Paso\n", encoding="utf-8")
    catalog = loader.load([(tmp_path, "organizer")])
    loaded = catalog.playbooks["cancel_renewal"]
    assert loaded.in_language("es") is loaded.playbook
    assert [(e.file, "no-such-step" in e.message) for e in catalog.errors] == [
        ("es/organizer/cancel_renewal.yaml", True)]
    (tmp_path / "es" / "cancel_renewal.yaml").write_text(
        "title: [not, a, title]\n", encoding="utf-8")
    assert loader.load([(tmp_path, "organizer")]).errors[0].message.startswith("cannot be read")
    assert translations.LANGUAGES == ("es",)


def test_the_playbook_page_speaks_the_readers_language(client: TestClient) -> None:
    url = "/campaigns/new-from-playbook?playbook=cancel_renewal"
    english = plain(client.get(url).text)
    assert "Confirm the renewal clause and the termination-notice deadline" in english
    client.post("/account/language", data={"language": "es"})
    spanish = plain(client.get(url).text)
    assert "Confirmar la cláusula de renovación y el plazo para el aviso de terminación" \
        in spanish
    assert "Confirm the renewal clause" not in spanish
    assert "Cancelar la renovación de un contrato de lectores de placas (ALPR)" in spanish
    detail = client.get("/api/v1/playbooks/cancel_renewal",
                        headers={"Accept-Language": "es"}).json()
    assert detail["title"].startswith("Cancelar la renovación")


def _start(client: TestClient, place: int) -> dict[str, Any]:
    made = client.post("/api/v1/playbooks/stop_new_contract/campaigns", json={
        "jurisdiction_id": place, "campaign_start": "2026-03-02", "vote_date": "2026-05-12"})
    assert made.status_code == 201, made.text
    return made.json()


def test_a_campaign_gets_its_steps_in_the_language_of_who_makes_it(
        client: TestClient, session: Session, admin: User) -> None:
    at_noon(date(2026, 3, 2))
    place = client.post("/api/v1/jurisdictions", json={
        "name": "Riverton", "state_code": "CA", "timezone": "America/Los_Angeles"}).json()["id"]
    english = _start(client, place)
    assert english["actions"][0]["title"].startswith("Public-records requests")
    assert english["tasks"][0]["title"] == "Draft the requests from the ALPR letter templates"

    accounts.set_language(session, admin, "es")
    session.commit()
    # The account's language decides, whatever the browser asks for.
    client.headers["Accept-Language"] = "en"
    spanish = _start(client, place)
    assert spanish["actions"][0]["title"] == (
        "Solicitudes de registros públicos de la propuesta, la cotización y el borrador de la "
        "política")
    assert spanish["tasks"][0]["title"] == (
        "Redactar las solicitudes a partir de las plantillas de cartas sobre lectores de placas")
    assert spanish["campaign"]["name"] == (
        "Riverton: Detener un contrato nuevo de lectores de placas (ALPR)")
    # Dates and owners are the same in either language.
    assert [(a["scheduled_on"], a["owner_role"]) for a in spanish["actions"]] == \
        [(a["scheduled_on"], a["owner_role"]) for a in english["actions"]]
