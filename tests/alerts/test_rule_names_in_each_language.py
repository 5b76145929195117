"""A rule given no name keeps the one made from what it does, in English (which tells it from a
name a person chose); pages show that made name in the reader's language, and a chosen name as
it was written."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import service as accounts
from api.alerts import service as alerts
from api.auth.models import User
from api.i18n.catalogs import use_locale
from tests.factories import make_alert_rule, make_campaign
from tests.web.html import plain

VOTE_RULE = "14 days, 7 days, 3 days and 1 day before each vote, and the morning of it"


def test_a_made_name_is_kept_in_english_and_shown_in_the_readers_language(
        session: Session, actor: Any) -> None:
    campaign = make_campaign(session, actor)
    made = make_alert_rule(session, actor, campaign.id)
    weekly = make_alert_rule(session, actor, campaign.id, subject="records_request_due",
                             offsets=["7d"], direction="after", repeat_every="7d")
    named = make_alert_rule(session, actor, campaign.id, name="Llamadas del martes")
    assert made.name == VOTE_RULE
    with use_locale("es"):
        assert alerts.rule_title(made) == (
            "14 días, 7 días, 3 días y 1 día antes de cada votación, y esa misma mañana")
        assert alerts.rule_title(weekly).endswith(", y luego cada 7 días")
        assert "después de" in alerts.rule_title(weekly)
        assert alerts.rule_title(named) == "Llamadas del martes"
    with use_locale("en"):
        assert alerts.rule_title(made) == VOTE_RULE


def test_the_rules_page_shows_made_names_in_spanish(client: TestClient, session: Session,
                                                    actor: Any, admin: User) -> None:
    campaign = make_campaign(session, actor)
    make_alert_rule(session, actor, campaign.id)
    reader = session.merge(admin)
    accounts.set_language(session, reader, "es")
    session.commit()
    page = plain(client.get(f"/alerts?campaign_id={campaign.id}").text)
    assert "14 días, 7 días, 3 días y 1 día antes de cada votación, y esa misma mañana" in page
    assert "before each vote" not in page
