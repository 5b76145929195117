"""Each alert is written in its recipient's language: the same vote reminder reaches a lead who
reads Spanish in Spanish (subject, date, labels) and a follower who reads English in English,
by email through a real SMTP server and in the app's notifications."""

from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from api.accounts import service as accounts
from api.alerts import service
from api.alerts.models import AlertOutbox, Notification
from api.alerts.subjects import title_in_words
from api.auth.models import User
from api.i18n.catalogs import use_locale
from api.targets import service as targets
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


def test_the_undecided_official_alert_is_written_in_the_recipients_language(
        session: Session, actor: Any, world: Campaign, ticks: Ticks,
        inbox: list[Received]) -> None:  # noqa: F811 - the fixture imported above
    lead = session.get(User, world.lead.id)
    assert lead is not None
    accounts.set_language(session, lead, "es")
    session.commit()
    undecided = factories.make_target(session, actor, name="Ana Okafor", body_id=world.body.id)
    targets.set_stance(session, actor, target_id=undecided.id, campaign_id=world.campaign.id,
                       level="undecided")
    factories.make_alert_rule(session, actor, world.campaign.id, subject="undecided_escalation",
                              offsets=["7d"], channels=["email", "in_app"],
                              recipients=["campaign_leads"])
    factories.make_vote(session, actor, title="Votación de prueba", body_id=world.body.id,
                        campaign_id=world.campaign.id, scheduled_at=VOTE_AT)
    session.commit()
    ticks()
    ticks.at(SEVEN_DAYS_BEFORE + timedelta(minutes=1))

    said = "Sin decidir y sin reunión en 30 días: Ana Okafor, antes de Votación de prueba"
    spanish = next(m for m in inbox if m.rcpt_tos == [world.lead.email])
    assert spanish.message["Subject"] == f"[Oversight] {said} (en 7 días)"
    assert spanish.part("plain").splitlines()[0] == f"{said} (en 7 días)"
    # The HTML part says which language it is in, for screen readers and spelling.
    assert '<html lang="es">' in spanish.part("html")
    session.expire_all()
    [note] = session.exec(select(Notification)
                          .where(Notification.user_id == world.lead.id)).all()
    assert note.title == f"{said} (en 7 días)"
    # The delivery log says it in the reader's language too.
    row = session.exec(select(AlertOutbox).where(AlertOutbox.user_id == world.lead.id)).first()
    assert row is not None
    with use_locale("es"):
        assert title_in_words(row.subject_kind, row.title) == said
    with use_locale("en"):
        assert title_in_words(row.subject_kind, row.title) == \
            "Undecided, not met in 30 days: Ana Okafor, before Votación de prueba"
