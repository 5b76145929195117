"""The services behind the pages: whip counts, the week ahead, calendar ranges, search."""

from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import Session

from api.calendar import service as calendar
from api.errors import Invalid
from api.overview import service as overview
from api.search import service as search
from api.targets import service as targets
from api.whip import service as whip
from tests import factories as f


def test_majority_is_as_recorded_or_a_simple_majority() -> None:
    assert whip.majority(7, 5) == 5
    assert whip.majority(7, 0) == 4
    assert whip.majority(6, 0) == 4
    assert whip.majority(0, 0) is None


def test_counts_for_votes_count_every_member_once(session: Session, actor: Any) -> None:
    body = f.make_body(session, actor, seats=5, majority_needed=0)
    campaign = f.make_campaign(session, actor)
    other = f.make_campaign(session, actor)
    yes, lean, _ = (f.make_target(session, actor, body_id=body.id) for _ in range(3))
    targets.set_stance(session, actor, target_id=yes.id, campaign_id=campaign.id,
                       level="champion")
    targets.set_stance(session, actor, target_id=lean.id, campaign_id=campaign.id,
                       level="leaning_yes")
    targets.set_stance(session, actor, target_id=lean.id, campaign_id=other.id,
                       level="opposed")
    counts = whip.counts_for_votes(session, actor, [
        SimpleNamespace(id=n, body_id=body.id, campaign_id=campaign_id, our_position="for",
                        outcome="pending")
        for n, campaign_id in ((1, campaign.id), (2, other.id), (3, None))])
    assert counts[1].likely_yes == 2 and counts[1].needed == 3 and counts[1].short == 1
    assert counts[1].levels["unknown"] == 1 and counts[1].members == 3
    assert counts[2].levels["opposed"] == 1 and counts[2].likely_yes == 0
    assert 3 not in counts
    assert counts[1].cells() == ["champion", "leaning_yes", "unknown"]
    # Only watched, the same members are counted toward nothing to win.
    watched = whip.counts_for_votes(session, actor, [SimpleNamespace(
        id=1, body_id=body.id, campaign_id=campaign.id, our_position="watch",
        outcome="pending")])
    assert watched[1].likely_yes == 2 and watched[1].goal is None and watched[1].short is None


def test_counts_for_votes_of_two_bodies_count_each_body_on_its_own_votes_campaign(
        session: Session, actor: Any) -> None:
    first, second = (f.make_body(session, actor, seats=3, majority_needed=0) for _ in range(2))
    ours, theirs = f.make_campaign(session, actor), f.make_campaign(session, actor)
    member = f.make_target(session, actor, body_id=first.id)
    other = f.make_target(session, actor, body_id=second.id)
    # Each member has a stance only on the campaign of the other body's vote.
    targets.set_stance(session, actor, target_id=member.id, campaign_id=theirs.id,
                       level="champion")
    targets.set_stance(session, actor, target_id=other.id, campaign_id=ours.id,
                       level="opposed")
    targets.set_stance(session, actor, target_id=other.id, campaign_id=theirs.id,
                       level="leaning_yes")
    counts = whip.counts_for_votes(session, actor, [
        SimpleNamespace(id=1, body_id=first.id, campaign_id=ours.id, our_position="for",
                        outcome="pending"),
        SimpleNamespace(id=2, body_id=second.id, campaign_id=theirs.id, our_position="for",
                        outcome="pending")])
    assert counts[1].levels["unknown"] == 1 and counts[1].likely_yes == 0
    assert counts[1].seats == 3 and counts[1].members == 1
    assert counts[2].levels["leaning_yes"] == 1 and counts[2].levels["opposed"] == 0


def test_the_whip_bar_marks_the_cell_that_reaches_the_goal() -> None:
    levels = {"champion": 2, "undecided": 1, "opposed": 2}
    count = whip.Count(seats=5, needed=3, levels=levels, position="for")
    assert count.cell_classes() == ["champion", "champion", "undecided threshold",
                                    "opposed", "opposed"]
    # A goal past the members counted, or none when only watching, marks no cell.
    assert "threshold" not in " ".join(whip.Count(seats=9, needed=7, levels=levels,
                                                  position="for").cell_classes())
    assert whip.Count(seats=5, needed=3, levels=levels).cell_classes() == count.cells()


def test_a_stance_from_the_board_needs_a_note(session: Session, actor: Any) -> None:
    target = f.make_target(session, actor)
    campaign = f.make_campaign(session, actor)
    with pytest.raises(Invalid) as refused:
        whip.record_stance(session, actor, target_id=target.id, campaign_id=campaign.id,
                           level="champion", source="meeting", note="   ")
    assert refused.value.field == "note"


def test_records_due_leaves_out_drafts_and_closed_requests(session: Session, actor: Any,
                                                          frozen_now: datetime) -> None:
    f.make_records_request(session, actor, subject="Draft", due_on=date(2026, 3, 3))
    f.make_records_request(session, actor, subject="Open", status="sent",
                           sent_on=date(2026, 2, 1), due_on=date(2026, 3, 3))
    assert [r.subject for r in overview.records_due(session, actor)] == ["Open"]


def test_calendar_ranges_are_checked(session: Session, actor: Any) -> None:
    with pytest.raises(Invalid):
        calendar.entries(session, actor, start=date(2026, 3, 2), end=date(2026, 3, 1))
    with pytest.raises(Invalid):
        calendar.entries(session, actor, start=date(2026, 1, 1), end=date(2026, 6, 1))
    assert calendar.entries(session, actor, start=date(2026, 3, 1), end=date(2026, 3, 31)) == []


def test_search_ignores_blank_and_unprintable_text(session: Session, actor: Any) -> None:
    f.make_target(session, actor, name="Ana Okafor")
    assert search.search(session, actor, "   ") == []
    found = search.search(session, actor, "oka\x00for")
    assert [g.kind for g in found] == ["target"]
    assert found[0].items[0]["title"] == "Ana Okafor"
