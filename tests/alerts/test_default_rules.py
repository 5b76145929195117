"""The default rules added to a campaign twice are there once: each would otherwise send every
alert twice. One deleted comes back when they are asked for again."""

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

from api.alerts import service
from api.alerts.models import AlertRule
from api.alerts.rules import default_specs


def _rules(session: Session, campaign_id: int) -> list[AlertRule]:
    session.expire_all()
    return list(session.exec(select(AlertRule).where(AlertRule.campaign_id == campaign_id)))


def test_the_defaults_asked_for_twice_are_there_once(
        session: Session, actor: Any, make_campaign: Callable[..., Any]) -> None:
    made = make_campaign()
    campaign_id = made.campaign.id
    first = service.install_default_rules(session, actor, campaign_id=campaign_id)
    session.commit()
    assert len(first) == len(default_specs())
    again = service.install_default_rules(session, actor, campaign_id=campaign_id)
    session.commit()
    assert again == []
    assert len(_rules(session, campaign_id)) == len(default_specs())

    gone = first[0]
    service.delete_rule(session, actor, gone.id)
    session.commit()
    back = service.install_default_rules(session, actor, campaign_id=campaign_id)
    session.commit()
    assert [r.name for r in back] == [gone.name]
    assert len(_rules(session, campaign_id)) == len(default_specs())


def test_a_changed_default_is_a_rule_of_its_own(
        session: Session, actor: Any, make_campaign: Callable[..., Any]) -> None:
    made = make_campaign()
    campaign_id = made.campaign.id
    rule = service.install_default_rules(session, actor, campaign_id=campaign_id)[0]
    rule.offsets = ["2d"]
    session.add(rule)
    session.commit()
    back = service.install_default_rules(session, actor, campaign_id=campaign_id)
    session.commit()
    assert len(back) == 1 and back[0].subject == rule.subject
