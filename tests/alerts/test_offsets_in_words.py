"""An alert rule's timing reads in words, in the reader's language, wherever a person sees it
(the rule's form, the audit log), never as stored ("2w"); and a rule can be set in months."""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.alerts.models import Direction
from api.alerts.rules import (
    RuleSpec,
    When,
    occurrence_in_words,
    occurrences,
    offsets_in_words,
    parse_offset,
)
from api.auth.models import Role
from api.i18n.catalogs import use_locale
from tests import factories as f
from tests.web.html import plain

CHICAGO = ZoneInfo("America/Chicago")


def test_stored_offsets_are_said_with_babels_words() -> None:
    assert offsets_in_words(["2w", "1d"], "before") == "2 weeks before, 1 day before"
    assert offsets_in_words(["1mo"], "after") == "1 month after"
    assert offsets_in_words(["2w", "1d"]) == "2 weeks, 1 day"
    with use_locale("es"):
        assert offsets_in_words(["2w", "1d"], "before") == "2 semanas antes, 1 día antes"
        assert offsets_in_words(["3mo"], "after") == "3 meses después"
        assert occurrence_in_words("-2mo") == "2 meses antes"


@pytest.mark.parametrize(("typed", "stored"), [
    ("1mo", "1mo"), ("2 months", "2mo"), ("1 mes", "1mo"), ("3 meses", "3mo"), ("30m", "30m"),
    ("2 semanas", "2w"), ("1\u00a0día", "1d")])
def test_months_and_words_are_read_back(typed: str, stored: str) -> None:
    assert str(parse_offset(typed)) == stored


def test_a_month_before_is_the_same_day_of_the_month_or_its_last() -> None:
    vote = When.of_instant(datetime(2027, 3, 31, 23, 0, tzinfo=UTC), CHICAGO)  # 6 PM local
    due = dict(occurrences(vote, offsets=["1mo", "0d"], direction=Direction.before,
                           repeat_every="", until=datetime(2028, 1, 1, tzinfo=UTC)))
    # Mar 31 less a month is Feb 28 (2027 is no leap year), at the vote's local hour.
    assert due["-1mo"].astimezone(CHICAGO).replace(tzinfo=None) == datetime(2027, 2, 28, 18, 0)
    deadline = When.of_day(date(2027, 1, 15), CHICAGO)
    after = dict(occurrences(deadline, offsets=["2mo"], direction=Direction.after,
                             repeat_every="7d", until=datetime(2027, 4, 1, tzinfo=UTC)))
    assert after["+2mo"].astimezone(CHICAGO).date() == date(2027, 3, 15)
    assert after["+2mo"].astimezone(CHICAGO).time() == time(8, 0)
    assert after["+2mo+1x7d"].astimezone(CHICAGO).date() == date(2027, 3, 22)


def test_a_rule_in_months_is_named_and_a_repeat_in_months_refused() -> None:
    spec = RuleSpec(subject="contract_end", offsets=["3 months", "1mo"], direction="before",
                    recipients=["campaign_leads"], channels=["email"])
    assert spec.offsets == ["3mo", "1mo"]
    assert spec.label() == "3 months and 1 month before each contract end date"
    with use_locale("es"):
        assert spec.shown_label().startswith("3 meses y 1 mes antes")
    with pytest.raises(ValueError, match="not in months"):
        RuleSpec(subject="records_request_due", offsets=["7d"], direction="after",
                 repeat_every="1mo", recipients=["campaign_leads"], channels=["email"])
    with pytest.raises(ValueError, match="more than 400 days"):
        RuleSpec(subject="vote", offsets=["14mo"], recipients=["campaign_leads"],
                 channels=["email"])


def test_the_form_and_the_audit_log_say_a_saved_rules_timing_in_spanish(
        client_as: Callable[..., TestClient], session: Session, actor: Any) -> None:
    campaign = f.make_campaign(session, actor, name="Cámaras no")
    session.commit()
    reader = client_as(Role.admin, language="es")
    made = reader.post("/alerts/rules", data={
        "subject": "vote", "offsets": "2w, 1d", "direction": "before",
        "recipients": ["campaign_leads"], "channels": ["in_app"],
        "campaign_id": str(campaign.id)}, follow_redirects=False)
    assert made.status_code == 303, made.text
    page = reader.get(f"/alerts?campaign_id={campaign.id}").text
    rule_id = re.search(r'href="/alerts/rules/(\d+)"', page).group(1)  # type: ignore[union-attr]
    form = reader.get(f"/alerts/rules/{rule_id}").text
    assert 'value="2 semanas, 1 día"' in form and "2w" not in form
    changed = reader.post(f"/alerts/rules/{rule_id}", data={
        "subject": "vote", "offsets": "1 mes", "direction": "after", "repeat_every": "1 semana",
        "recipients": ["campaign_leads"], "channels": ["in_app"], "enabled": "on"},
        follow_redirects=False)
    assert changed.status_code == 303, changed.text
    form = reader.get(f"/alerts/rules/{rule_id}").text
    assert 'value="1 mes"' in form and 'value="1 semana"' in form
    log = plain(reader.get("/audit").text)
    assert "2 semanas antes, 1 día antes → 1 mes después" in log
    assert "— → 1 semana" in log
    assert not re.search(r"\b\d+[wd]\b|\b1mo\b", log)
