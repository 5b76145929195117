"""The board's columns read their first cards only, each with how many the column holds among
the board's cards: the same as reading every card and counting them."""

from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from api.actions import service as actions
from tests.factories import make_action, make_campaign


def _status(card: Any) -> str:
    return str(getattr(card["status"], "value", card["status"]))


def test_first_cards_of_each_column_with_its_count(session: Session, actor: Any) -> None:
    campaign = make_campaign(session, actor)
    start = date(2026, 5, 1)
    statuses = ["planned"] * 9 + ["done"] * 4 + ["in_progress"] * 2 + ["cancelled"]
    for n, status in enumerate(statuses * 2):
        # Every fourth undated, which the board puts last.
        make_action(session, actor, campaign_id=campaign.id, status=status,
                    scheduled_on=None if n % 4 == 3 else start - timedelta(days=n))
    session.commit()

    for limit in (200, 20, 5):
        every = actions.board(session, actor, campaign_id=campaign.id, limit=limit)
        counted = Counter(_status(card) for card in every)
        for first in (1, 3, 12):
            shown = actions.board(session, actor, campaign_id=campaign.id, limit=limit,
                                  first=first)
            expected = [card for n, card in enumerate(every)
                        if sum(_status(c) == _status(card) for c in every[:n]) < first]
            assert [c["id"] for c in shown] == [c["id"] for c in expected], (limit, first)
            assert all(c["in_status"] == counted[_status(c)] for c in shown + every)
    assert len(every) == 5 and sum(counted.values()) == 5
