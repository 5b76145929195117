"""The delivery log says each alert's title and when it fell due in the reader's language,
though both are stored in English."""

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import service as accounts
from api.alerts.models import AlertOutbox, AlertRule, Channel, OutboxStatus, SubjectKind
from api.alerts.rules import occurrence_in_words
from api.alerts.service import rule_title
from api.auth.models import User
from api.i18n.catalogs import use_locale
from tests import factories
from tests.web.html import plain


def test_occurrences_in_words() -> None:
    assert occurrence_in_words("-30d") == "30 days before"
    assert occurrence_in_words("+1w/t4") == "1 week after"
    assert occurrence_in_words("-0d") == "the morning of"
    assert occurrence_in_words("2026-03-02T17:00:00+00:00") == "2026-03-02T17:00:00+00:00"
    with use_locale("es"):
        assert occurrence_in_words("-30d") == "30 días antes"


def test_the_log_speaks_spanish(client: TestClient, session: Session, actor: Any,
                                admin: User) -> None:
    contract = factories.make_contract(session, actor, title="Flock renewal")
    at = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    session.add(AlertOutbox(
        dedupe_key="log-es", series="", message_id="<log-es@oversight>",
        subject_kind=SubjectKind.contract_end, subject_id=contract.id, occurrence="-30d",
        channel=Channel.in_app, user_id=admin.id, title="Contract ends: Flock renewal",
        link=f"/contracts/{contract.id}", due_at=at, next_attempt_at=at,
        status=OutboxStatus.sent))
    session.commit()
    english = plain(client.get("/alerts/log").text)
    assert "Contract ends: Flock renewal 30 days before" in english
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    spanish = plain(client.get("/alerts/log").text)
    assert "Contract ends" not in spanish and "-30d" not in spanish
    assert "Fin del contrato: Flock renewal 30 días antes" in spanish


def test_the_audit_log_names_a_rule_as_the_alerts_page_does(
        client: TestClient, session: Session, actor: Any, admin: User) -> None:
    made = client.post("/api/v1/alerts/rules", json={
        "subject": "vote", "offsets": ["7d"], "direction": "before",
        "recipients": ["campaign_leads"], "channels": ["in_app"]})
    assert made.status_code == 201, made.text
    rule = session.get(AlertRule, made.json()["id"])
    assert rule is not None
    english_name = rule.name
    with use_locale("es"):
        spanish_name = rule_title(rule)
    assert spanish_name != english_name
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    log = plain(client.get("/audit", params={"record_kind": "alert_rule"}).text)
    assert spanish_name in log and english_name not in log


def test_a_renamed_rule_is_named_in_the_readers_language_and_a_chosen_name_as_typed(
        client: TestClient, session: Session, actor: Any, admin: User) -> None:
    made = client.post("/api/v1/alerts/rules", json={
        "subject": "records_request_due", "offsets": ["7d"], "direction": "after",
        "repeat_every": "7d", "recipients": ["campaign_leads"], "channels": ["in_app"]})
    assert made.status_code == 201, made.text
    rule_id = made.json()["id"]
    english_name = made.json()["name"]
    renamed = client.patch(f"/api/v1/alerts/rules/{rule_id}",
                           json={"name": "Seguimiento semanal (our own words)"})
    assert renamed.status_code == 200, renamed.text
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    log = plain(client.get("/audit", params={"record_kind": "alert_rule"}).text)
    # The entry of the renaming holds the two names alone: the made one is still said in
    # Spanish, the one typed is left as typed.
    assert english_name not in log
    assert ("7 días después de cada vencimiento de solicitud de registros públicos, y luego "
            "cada 7 días → Seguimiento semanal (our own words)") in log
