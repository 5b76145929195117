"""Each alert is written in its recipient's language: the same vote reminder reaches a lead who
reads Spanish in Spanish (subject, date, labels) and a follower who reads English in English,
by email through a real SMTP server and in the app's notifications."""

from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from api.accounts import service as accounts
from api.alerts import service
from api.alerts.models import Notification
from api.auth.models import User
from tests import factories
from tests.alerts.conftest import Campaign, Ticks
from tests.alerts.servers import Received

# The vote of the English email test, and its real SMTP server.
from tests.alerts.test_email import SEVEN_DAYS_BEFORE, VOTE_AT, inbox  # noqa: F401


def test_each_recipient_reads_the_alert_in_their_language(
        session: Session, actor: Any, world: Campaign, ticks: Ticks,
        inbox: list[Received]) -> None:  # noqa: F811 - the fixture imported above
    lead = session.get(User, world.lead.id)
    assert lead is not None
    accounts.set_language(session, lead, "es")
    follower = factories.make_user("partner", session=session, name="Bo Lee")
    service.follow(session, follower, subject_kind="body", subject_id=world.body.id)
    session.commit()
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d"],
                              channels=["email", "in_app"],
                              recipients=["campaign_leads", "followers"])
    factories.make_vote(session, actor, title="Renew the Flock contract",
                        body_id=world.body.id, campaign_id=world.campaign.id,
                        scheduled_at=VOTE_AT, location="Council Chambers, 500 Main St")
    session.commit()
    ticks()
    ticks.at(SEVEN_DAYS_BEFORE + timedelta(minutes=1))

    spanish = next(m for m in inbox if m.rcpt_tos == [world.lead.email])
    assert spanish.message["Subject"] == \
        "[Oversight] Votación en 7 días: Renew the Flock contract"
    text = spanish.part("plain")
    assert "Cuándo: jue 2 abr 2026 6:00 p.m. PDT" in text
    assert "Dónde: " in text and "Abrir en Oversight: http" in text
    assert "Recibe esto por una regla de alertas" in text
    assert '<th align="left">Cuándo</th>' in spanish.part("html")

    english = next(m for m in inbox if m.rcpt_tos == [follower.email])
    assert english.message["Subject"] == "[Oversight] Vote in 7 days: Renew the Flock contract"
    assert "When: Thu Apr 2, 2026 6:00 PM PDT" in english.part("plain")

    session.expire_all()
    titles = {n.user_id: n.title for n in session.exec(select(Notification)).all()}
    assert titles[world.lead.id] == "Votación en 7 días: Renew the Flock contract"
    assert titles[follower.id] == "Vote in 7 days: Renew the Flock contract"
