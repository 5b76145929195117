"""When a held meeting's agenda item carries no pass/fail flag, the result is read from its
matter's history at that meeting (Legistar's /matters/{id}/histories): passed or failed, with
the roll call, or a "Deferred" or "Referred" action as a deferral that holds the vote until
the matter comes up again. The history is the real recorded Chicago one (see
tests/fixtures/README.md), replayed as the San Jose Flock item's matter."""

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
import respx
from sqlmodel import Session

from api import clock
from api.auth.models import Role, User
from api.db import new_session
from api.sources.agendas import service as agendas
from api.sources.agendas.legistar import LegistarSource
from tests import factories as f
from tests.sources.replay import SAN_JOSE_COUNCIL, LegistarReplay, chicago_histories, sanjose_votes
from tests.sources.test_agenda_lifecycle import (
    FETCHED_ON,
    FLOCK,
    MATTER,
    meeting,
    the_suggestion,
    the_vote,
    told,
)
from tests.sources.test_agenda_lifecycle import awaiting as waiting_for

HELD = datetime(2017, 9, 13, 16, 0, tzinfo=UTC)
# The recorded council meeting that passed the Chicago matter, and the San Jose one it stands
# for here.
CHICAGO_COUNCIL_MEETING = 3683
SAN_JOSE_MEETING = 1080


@pytest.fixture(autouse=True)
def before_the_meetings(db: None) -> None:
    clock.freeze(FETCHED_ON)


@pytest.fixture
def lead(session: Session) -> User:
    return f.make_user(Role.lead, session=session, email="lead@coalition.example")


def at_san_jose(histories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The recorded history with the council meeting's actions moved to the San Jose one."""
    rows = copy.deepcopy(histories)
    for row in rows:
        if row["MatterHistoryEventId"] == CHICAGO_COUNCIL_MEETING:
            row["MatterHistoryEventId"] = SAN_JOSE_MEETING
    return rows


def council_action(histories: list[dict[str, Any]], **changes: Any) -> list[dict[str, Any]]:
    """The history with its council action rewritten in Legistar's shape (the recordings hold
    only a pass)."""
    rows = [r for r in at_san_jose(histories)
            if r["MatterHistoryEventId"] != SAN_JOSE_MEETING]
    action = copy.deepcopy(next(r for r in at_san_jose(histories)
                                if r["MatterHistoryEventId"] == SAN_JOSE_MEETING))
    action.update(changes)
    return [*rows, action]


def sync(body_id: int, agenda: tuple[dict[str, Any], list[dict[str, Any]]], *,
         histories: list[dict[str, Any]] | None = None,
         votes: dict[int, list[dict[str, Any]]] | None = None
         ) -> tuple[agendas.SyncReport, list[str]]:
    with respx.mock(assert_all_mocked=True) as mock:
        replay = LegistarReplay(mock)
        replay.add(*agenda)
        if histories is not None:
            replay.add_histories(MATTER, histories)
        for item_id, roll in (votes or {}).items():
            replay.add_votes(item_id, roll)
        report = agendas.sync_body(
            new_session, body_id, sources=lambda config: LegistarSource(
                config.client, body_name=config.body_name, attempts=1, sleep=lambda s: None))
        return report, [r.url.path for r in replay.requests]


def a_confirmed_vote(session: Session, actor: User) -> tuple[int, int]:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    session.commit()
    sync(body.id, meeting())
    vote = agendas.confirm(session, actor, the_suggestion(body.id).id)
    session.commit()
    clock.freeze(HELD)
    return body.id, vote.id


def test_a_pass_recorded_on_the_matter_is_the_votes_outcome_once(
        session: Session, actor: User, lead: User) -> None:
    body_id, vote_id = a_confirmed_vote(session, actor)
    roll = [dict(v, VoteEventItemId=32041) for v in sanjose_votes()[32040]]
    # The recording writes the council's "Passed" twice for one meeting.
    report, asked = sync(body_id, meeting(), histories=at_san_jose(chicago_histories("dupe")),
                         votes={32041: roll})
    assert f"/v1/sanjose/matters/{MATTER}/histories" in asked
    assert (report.outcomes, report.votes_changed) == (1, [vote_id])
    held = the_vote(vote_id)
    assert (held.status, held.outcome) == ("held", "passed")
    assert "Result from the agenda: passed (11 yes)." in held.notes
    assert told(lead)[-1] == f"Agenda: “{FLOCK}” passed, 11 to 0"
    assert waiting_for(body_id) == []


def test_a_committees_action_at_another_meeting_is_not_this_meetings_result(
        session: Session, actor: User) -> None:
    body_id, vote_id = a_confirmed_vote(session, actor)
    # As recorded: the committee's "Recommended to Pass" and the council's "Passed" were at
    # meetings other than the one held here.
    report, _ = sync(body_id, meeting(), histories=chicago_histories("no_dupe"))
    assert report.outcomes == 0
    assert the_vote(vote_id).outcome == "pending"
    assert waiting_for(body_id) == [("1080", "32041")]


def test_a_failure_on_the_matter_is_recorded_with_its_tally_and_mover(
        session: Session, actor: User) -> None:
    body_id, vote_id = a_confirmed_vote(session, actor)
    failed = council_action(chicago_histories("no_dupe"), MatterHistoryActionName="Failed",
                            MatterHistoryPassedFlag=0, MatterHistoryPassedFlagName="Fail",
                            MatterHistoryTally="3:8", MatterHistoryMoverName="Sylvia Arenas")
    report, _ = sync(body_id, meeting(), histories=failed, votes={32041: []})
    assert report.outcomes == 1
    held = the_vote(vote_id)
    assert (held.status, held.outcome) == ("held", "failed")
    assert "Failed, 3:8, moved by Sylvia Arenas." in held.notes


def test_a_deferral_on_the_matter_holds_the_vote_until_the_matter_is_back(
        session: Session, actor: User, lead: User) -> None:
    body_id, vote_id = a_confirmed_vote(session, actor)
    deferred = council_action(chicago_histories("no_dupe"),
                              MatterHistoryActionName="Deferred and Published",
                              MatterHistoryPassedFlag=None, MatterHistoryPassedFlagName=None)
    report, asked = sync(body_id, meeting(), histories=deferred)
    assert not any(path.endswith("/votes") for path in asked)
    assert (report.outcomes, report.off_agenda, report.votes_changed) == (0, 1, [vote_id])
    put_off = the_vote(vote_id)
    assert (put_off.status, put_off.outcome) == ("postponed", "pending")
    assert "Put off at the meeting of Sep 12, 2017: Deferred and Published." in put_off.notes
    assert the_suggestion(body_id).off_agenda == "deferred"
    assert told(lead)[-1].startswith(f"Agenda: “{FLOCK}”: put off at the meeting of")
    assert waiting_for(body_id) == []

    # The matter on a later agenda under a new item brings the vote back, on the new date.
    sync(body_id, meeting(1090, "2017-09-26", "6:00 PM", flock_item=33001))
    back = the_vote(vote_id)
    assert back.status == "scheduled"
    assert back.scheduled_at.date().isoformat() == "2017-09-27"  # 6 PM PDT is 01:00 UTC


@pytest.mark.parametrize("action", ["Referred", "Continued", "Re-Referred"])
def test_a_referral_or_continuance_is_a_deferral(session: Session, actor: User,
                                                 action: str) -> None:
    body_id, vote_id = a_confirmed_vote(session, actor)
    put_off = council_action(chicago_histories("dupe"), MatterHistoryActionName=action,
                             MatterHistoryPassedFlag=None, MatterHistoryPassedFlagName=None)
    sync(body_id, meeting(), histories=put_off)
    vote = the_vote(vote_id)
    assert (vote.status, vote.outcome) == ("postponed", "pending")
    assert f"Put off at the meeting of Sep 12, 2017: {action}." in vote.notes
