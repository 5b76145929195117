"""An agenda item followed through its life, replayed from the real San Jose event: found,
confirmed, continued to a later meeting under a new item id, moved, cancelled; withdrawn and put
back; moved onto the consent calendar. The later meetings and the cancellation are built from
the recorded event in Legistar's documented shape (EventAgendaStatusName, EventComment,
EventItemMatterId); the real event was never continued or cancelled."""

from datetime import UTC, datetime
from typing import Any

import pytest
import respx
from sqlmodel import Session, select

from api import clock
from api.alerts import service as alerts
from api.alerts.models import AlertOutbox, Notification, OutboxStatus
from api.auth.models import Role, User
from api.db import new_session
from api.sources.agendas import service as agendas
from api.sources.agendas.legistar import LegistarSource
from api.sources.models import SuggestedVote, SuggestionStatus
from api.votes.models import Vote
from tests import factories as f
from tests.alerts.conftest import outbox, tick_once
from tests.sources.replay import (
    SAN_JOSE_COUNCIL,
    LegistarReplay,
    item_like,
    sanjose_event,
    sanjose_votes,
)

FETCHED_ON = datetime(2017, 9, 1, 16, 0, tzinfo=UTC)
FLOCK = "Agreement with Flock Safety for Automated License Plate Reader Cameras"
MATTER = 2017
Agenda = tuple[dict[str, Any], list[dict[str, Any]]]


@pytest.fixture(autouse=True)
def before_the_meetings(db: None) -> None:
    clock.freeze(FETCHED_ON)


@pytest.fixture
def lead(session: Session) -> User:
    return f.make_user(Role.lead, session=session, email="lead@coalition.example")


def meeting(event_id: int = 1080, day: str = "2017-09-12", time: str | None = "1:30 PM",
            *, flock_item: int | None = 32041, consent: bool = True,
            **event_changes: Any) -> Agenda:
    """The recorded San Jose event (or one like it under another id and day), with the Flock
    item under the given item id, or without it."""
    event, items = sanjose_event()
    event.update(EventId=event_id, EventDate=f"{day}T00:00:00", EventTime=time,
                 **event_changes)
    items = [dict(item, EventItemEventId=event_id) for item in items]
    if flock_item is not None:
        items.append(item_like(
            items, 5, EventItemId=flock_item, EventItemEventId=event_id,
            EventItemAgendaSequence=27, EventItemAgendaNumber="2.8" if consent else "3.4",
            EventItemTitle=FLOCK, EventItemMatterId=MATTER, EventItemMatterFile="17-061",
            EventItemMatterType="Consent Agenda" if consent else "Agreement",
            EventItemActionText="Approve an agreement with Flock Group Inc."))
    return event, items


def sync(body_id: int, *agenda: Agenda,
         votes: dict[int, list[dict[str, Any]]] | None = None,
         histories: list[dict[str, Any]] | None = None) -> agendas.SyncReport:
    with respx.mock(assert_all_mocked=True) as mock:
        replay = LegistarReplay(mock)
        for event, items in agenda:
            replay.add(event, items)
        if histories is not None:
            replay.add_histories(MATTER, histories)
        for item_id, roll in (votes or {}).items():
            replay.add_votes(item_id, roll)
        return agendas.sync_body(new_session, body_id, sources=lambda config: LegistarSource(
            config.client, body_name=config.body_name, attempts=1, sleep=lambda s: None))


def the_suggestion(body_id: int) -> SuggestedVote:
    with new_session() as fresh:
        [found] = fresh.exec(select(SuggestedVote).where(SuggestedVote.body_id == body_id))
        return found


def the_vote(vote_id: int) -> Vote:
    with new_session() as fresh:
        vote = fresh.get(Vote, vote_id)
        assert vote is not None
        return vote


def told(user: User) -> list[str]:
    """What the agenda watcher told the user in the app (alerts of rules aside)."""
    with new_session() as fresh:
        return [n.title for n in fresh.exec(select(Notification).where(
            Notification.user_id == user.id, Notification.outbox_id.is_(None))  # type: ignore[union-attr]
            .order_by(Notification.id))]


def awaiting(body_id: int) -> list[tuple[str, str]]:
    with new_session() as fresh:
        return agendas.awaiting_outcome(fresh, body_id)


def planned(vote_id: int) -> list[AlertOutbox]:
    tick_once()
    return outbox(subject_kind="vote", subject_id=vote_id)


def test_an_item_continued_moved_and_cancelled_takes_its_vote_and_alerts_along(
        session: Session, actor: User, lead: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    alerts.create_rules_from_specs(session, actor, campaign_id=None, specs=[{
        "subject": "vote", "offsets": ["1d"], "direction": "before",
        "recipients": [f"user:{lead.id}"], "channels": ["in_app"]}])
    session.commit()

    # Found: one suggestion, and the leads are told.
    assert sync(body.id, meeting()).created == 1
    assert told(lead) == [f"Agenda: “{FLOCK}” on Tuesday, September 12, 2017 at 1:30 PM"]
    found = the_suggestion(body.id)
    vote = agendas.confirm(session, actor, found.id)
    session.commit()
    [reminder] = planned(vote.id)
    assert reminder.due_at == datetime(2017, 9, 11, 20, 30, tzinfo=UTC)

    # Continued: the item leaves the 12th and comes back on the 26th under a new item id.
    report = sync(body.id, meeting(flock_item=None), meeting(1090, "2017-09-26", "6:00 PM",
                                                             flock_item=33001))
    assert (report.created, report.votes_moved, report.off_agenda) == (0, [vote.id], 0)
    continued = the_suggestion(body.id)
    assert (continued.id, continued.source_event_id, continued.source_item_id) == (
        found.id, "1090", "33001")
    assert continued.status == SuggestionStatus.confirmed and continued.off_agenda == ""
    assert the_vote(vote.id).scheduled_at == datetime(2017, 9, 27, 1, 0, tzinfo=UTC)
    [reminder] = [r for r in planned(vote.id) if r.status == OutboxStatus.pending]
    assert reminder.due_at == datetime(2017, 9, 26, 1, 0, tzinfo=UTC)

    # Moved: the meeting of the 26th moves to the 28th.
    report = sync(body.id, meeting(1090, "2017-09-28", "6:00 PM", flock_item=33001))
    assert report.votes_moved == [vote.id]
    assert the_vote(vote.id).scheduled_at == datetime(2017, 9, 29, 1, 0, tzinfo=UTC)

    # Cancelled: the vote and its reminders are cancelled, and nothing new is suggested.
    report = sync(body.id, meeting(1090, "2017-09-28", "6:00 PM", flock_item=33001,
                                   EventAgendaStatusName="Cancelled",
                                   EventComment="MEETING CANCELED"))
    assert (report.votes_changed, report.off_agenda) == ([vote.id], 1)
    assert the_suggestion(body.id).off_agenda == "cancelled"
    cancelled = the_vote(vote.id)
    assert cancelled.status == "cancelled"
    assert "The meeting of Sep 28, 2017 was cancelled." in cancelled.notes
    assert {r.status for r in planned(vote.id)} == {OutboxStatus.cancelled}
    # Synced again, nothing changes and nobody is told twice.
    again = sync(body.id, meeting(1090, "2017-09-28", "6:00 PM", flock_item=33001,
                                  EventAgendaStatusName="Cancelled"))
    assert (again.votes_changed, again.off_agenda, again.updated) == ([], 0, 0)

    assert told(lead) == [
        f"Agenda: “{FLOCK}” on Tuesday, September 12, 2017 at 1:30 PM",
        f"Agenda: “{FLOCK}” moved to Tuesday, September 26, 2017 at 6:00 PM",
        f"Agenda: “{FLOCK}” moved to Thursday, September 28, 2017 at 6:00 PM",
        f"Agenda: “{FLOCK}”: the meeting of Sep 28, 2017 was cancelled.",
    ]


def test_a_withdrawn_item_holds_its_vote_until_it_is_back(
        session: Session, actor: User, lead: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    sync(body.id, meeting())
    vote = agendas.confirm(session, actor, the_suggestion(body.id).id)
    session.commit()

    report = sync(body.id, meeting(flock_item=None))
    assert (report.off_agenda, report.votes_changed) == (1, [vote.id])
    assert the_suggestion(body.id).off_agenda == "withdrawn"
    held = the_vote(vote.id)
    assert held.status == "postponed" and "Taken off the agenda of Sep 12, 2017." in held.notes

    report = sync(body.id, meeting())
    assert report.votes_changed == [vote.id]
    assert the_suggestion(body.id).off_agenda == ""
    assert the_vote(vote.id).status == "scheduled"
    assert told(lead)[1:] == [f"Agenda: “{FLOCK}”: taken off the agenda of Sep 12, 2017.",
                              f"Agenda: “{FLOCK}” is back on the agenda"]


def test_an_unconfirmed_suggestion_withdrawn_is_marked_and_not_offered_as_new(
        session: Session, actor: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    sync(body.id, meeting())
    sync(body.id, meeting(flock_item=None))
    withdrawn = the_suggestion(body.id)
    assert (withdrawn.status, withdrawn.off_agenda) == (SuggestionStatus.suggested, "withdrawn")


def test_a_consent_flag_changed_after_confirmation_is_carried_over_with_a_note(
        session: Session, actor: User, lead: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    sync(body.id, meeting())
    vote = agendas.confirm(session, actor, the_suggestion(body.id).id)
    session.commit()
    assert the_vote(vote.id).consent_calendar is True

    report = sync(body.id, meeting(consent=False))
    assert report.votes_changed == [vote.id]
    pulled = the_vote(vote.id)
    assert pulled.consent_calendar is False
    assert "moved it off the consent calendar" in pulled.notes
    assert told(lead)[-1] == f"Agenda: “{FLOCK}” moved off the consent calendar"


def test_a_cancelled_meeting_suggests_nothing_and_a_missing_time_is_said(
        session: Session, actor: User, lead: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    assert sync(body.id, meeting(EventAgendaStatusName="Cancelled")).created == 0
    assert told(lead) == []
    assert sync(body.id, meeting(time=None)).created == 1
    assert the_suggestion(body.id).time_text == ""
    assert told(lead) == [f"Agenda: “{FLOCK}” on Tuesday, September 12, 2017, time not "
                          "announced"]


def test_a_held_meeting_records_the_result_and_each_members_vote(
        session: Session, actor: User, lead: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    members = {name: f.make_target(session, actor, name=name, body_id=body.id).id
               for name in ("Sam Liccardo", "Sylvia Arenas", "Johnny Khamis")}
    session.commit()
    sync(body.id, meeting())
    vote = agendas.confirm(session, actor, the_suggestion(body.id).id)
    session.commit()
    # Before the meeting there is nothing to ask for.
    assert awaiting(body.id) == []

    clock.freeze(datetime(2017, 9, 13, 16, 0, tzinfo=UTC))
    assert awaiting(body.id) == [("1080", "32041")]
    event, items = meeting()
    items[-1].update(EventItemPassedFlag=0, EventItemPassedFlagName="Fail",
                     EventItemActionName="Denied")
    # The real roll call of the item the Flock item is modelled on, two members turned.
    roll = [dict(v, VoteEventItemId=32041) for v in sanjose_votes()[32040]]
    for v in roll:
        if v["VotePersonName"] in ("Sylvia Arenas", "Johnny Khamis", "Dev Davis"):
            v.update(VoteValueName="No")
    report = sync(body.id, (event, items), votes={32041: roll})
    assert (report.outcomes, report.votes_changed) == (1, [vote.id])
    held = the_vote(vote.id)
    assert (held.status, held.outcome) == ("held", "failed")
    assert {m["target_id"]: m["vote"] for m in held.member_votes} == {
        members["Sam Liccardo"]: "yes", members["Sylvia Arenas"]: "no",
        members["Johnny Khamis"]: "no"}
    assert "Result from the agenda: failed (8 yes, 3 no)." in held.notes
    assert "Not among the body's targets: Charles \"Chappie\" Jones" in held.notes
    assert told(lead)[-1] == f"Agenda: “{FLOCK}” failed, 8 to 3"

    # Recorded once: the next sync asks for nothing and tells nobody.
    assert awaiting(body.id) == []
    before = told(lead)
    assert sync(body.id, (event, items)).outcomes == 0
    assert told(lead) == before


def test_a_meeting_without_a_result_yet_leaves_the_vote_waiting(
        session: Session, actor: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    sync(body.id, meeting())
    vote = agendas.confirm(session, actor, the_suggestion(body.id).id)
    session.commit()
    clock.freeze(datetime(2017, 9, 13, 16, 0, tzinfo=UTC))
    # Neither the item nor its matter's history says anything yet.
    report = sync(body.id, meeting(), histories=[])
    assert (report.ok, report.outcomes) == (True, 0)
    assert the_vote(vote.id).outcome == "pending"
    assert awaiting(body.id) == [("1080", "32041")]


def test_a_campaign_counted_from_the_vote_moves_with_it(
        session: Session, actor: User) -> None:
    from api.actions.models import Action
    from api.campaigns.models import Campaign
    from api.playbooks import service as playbooks
    from api.playbooks.models import CampaignFromPlaybook

    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    sync(body.id, meeting())
    vote = agendas.confirm(session, actor, the_suggestion(body.id).id)
    made = playbooks.create_campaign(session, actor, key="stop_new_contract",
                                     data=CampaignFromPlaybook(
                                         jurisdiction_id=body.jurisdiction_id, vote_id=vote.id,
                                         campaign_start=datetime(2017, 8, 1).date()))
    session.commit()
    campaign_id = made.campaign.id
    assert str(made.campaign.vote_date) == "2017-09-12"
    week_before = [a for a in made.actions if a.anchor_kind == "vote"][0]

    sync(body.id, meeting(flock_item=None), meeting(1090, "2017-09-26", "6:00 PM",
                                                    flock_item=33001))
    with new_session() as fresh:
        campaign = fresh.get(Campaign, campaign_id)
        action = fresh.get(Action, week_before.id)
        assert campaign is not None and action is not None
        assert str(campaign.vote_date) == "2017-09-26"
        assert str(action.scheduled_on) == str(
            datetime(2017, 9, 26).date() + (
                datetime.fromisoformat(str(week_before.scheduled_on)) - datetime(2017, 9, 12)))


def test_a_vote_moved_to_a_meeting_already_behind_us_is_held_not_scheduled(
        session: Session, actor: User, lead: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    sync(body.id, meeting())
    vote = agendas.confirm(session, actor, the_suggestion(body.id).id)
    session.commit()
    assert vote.status == "scheduled"

    # A month later the platform shows the item on the meeting of September 19: the votes
    # service would refuse it as still scheduled there, so the watcher records it held.
    clock.freeze(datetime(2017, 10, 2, 16, 0, tzinfo=UTC))
    report = sync(body.id, meeting(day="2017-09-19"), histories=[])
    assert report.votes_moved == [vote.id]
    moved = the_vote(vote.id)
    assert (moved.status, moved.scheduled_at) == (
        "held", datetime(2017, 9, 19, 20, 30, tzinfo=UTC))
    assert told(lead)[-1] == (f"Agenda: “{FLOCK}” moved to Tuesday, September 19, 2017 at "
                              "1:30 PM and was held")


def test_the_watchers_news_is_written_in_each_readers_language(
        session: Session, actor: User, lead: User) -> None:
    """A lead who reads Spanish is told of a found item, a moved meeting and a cancelled one
    in Spanish, while an English-reading lead reads the same news in English."""
    reader = f.make_user(Role.lead, session=session, email="lider@coalition.example",
                         language="es")
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    session.commit()
    sync(body.id, meeting(time=None))
    agendas.confirm(session, actor, the_suggestion(body.id).id)
    session.commit()
    sync(body.id, meeting(1090, "2017-09-28", "6:00 PM", flock_item=32041))
    sync(body.id, meeting(1090, "2017-09-28", "6:00 PM", flock_item=32041,
                          EventAgendaStatusName="Cancelled"))
    english, spanish = told(lead), told(reader)
    assert english == [
        f"Agenda: “{FLOCK}” on Tuesday, September 12, 2017, time not announced",
        f"Agenda: “{FLOCK}” moved to Thursday, September 28, 2017 at 6:00 PM",
        f"Agenda: “{FLOCK}”: the meeting of Sep 28, 2017 was cancelled."]
    assert len(spanish) == 3
    assert spanish[0] == (f"Orden del día: «{FLOCK}» el martes, 12 de septiembre de 2017, "
                          "hora por anunciar")
    assert spanish[1].startswith(f"Orden del día: «{FLOCK}» se movió al jueves, 28 de "
                                 "septiembre de 2017 a las 6:00")
    assert spanish[2].startswith(f"Orden del día: «{FLOCK}»: se canceló la reunión del 28")
    with new_session() as fresh:
        bodies = [n.body for n in fresh.exec(select(Notification).where(
            Notification.user_id == reader.id).order_by(Notification.id))]
    assert bodies[0].startswith("Coincide con ")
    assert bodies[2] == "Sus alertas esperan hasta que el punto vuelva a un orden del día."


def test_a_vote_confirmed_without_a_time_waits_for_the_agenda_to_announce_it(
        session: Session, actor: User, lead: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    sync(body.id, meeting(time=None))
    vote = agendas.confirm(session, actor, the_suggestion(body.id).id)
    session.commit()
    unknown = the_vote(vote.id)
    # The day, with no hour made up for it: not midnight where the council meets.
    assert unknown.time_not_announced is True
    # A time Legistar leaves as words is no time either.
    assert sync(body.id, meeting(time="TBD")).votes_moved == []
    assert the_vote(vote.id).time_not_announced is True

    report = sync(body.id, meeting(time="1:30 PM"))
    assert report.votes_moved == [vote.id]
    announced = the_vote(vote.id)
    assert announced.time_not_announced is False
    assert announced.scheduled_at == datetime(2017, 9, 12, 20, 30, tzinfo=UTC)
    assert told(lead)[-1] == f"Agenda: “{FLOCK}” moved to Tuesday, September 12, 2017 at 1:30 PM"


def test_found_continued_moved_cancelled_and_voted_ends_on_the_right_day_with_its_result(
        session: Session, actor: User, lead: User) -> None:
    """The whole life in one replay: each change moves or cancels the vote's reminder and
    tells the leads once; the vote ends held on the day it was taken, with its result and each
    member's vote."""
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    members = {name: f.make_target(session, actor, name=name, body_id=body.id).id
               for name in ("Sam Liccardo", "Sylvia Arenas")}
    alerts.create_rules_from_specs(session, actor, campaign_id=None, specs=[{
        "subject": "vote", "offsets": ["1d"], "direction": "before",
        "recipients": [f"user:{lead.id}"], "channels": ["in_app"]}])
    session.commit()

    sync(body.id, meeting())
    vote = agendas.confirm(session, actor, the_suggestion(body.id).id)
    session.commit()
    assert len(planned(vote.id)) == 1
    sync(body.id, meeting(flock_item=None), meeting(1090, "2017-09-26", "6:00 PM",
                                                    flock_item=33001))
    sync(body.id, meeting(1090, "2017-09-28", "6:00 PM", flock_item=33001))
    [reminder] = [r for r in planned(vote.id) if r.status == OutboxStatus.pending]
    assert reminder.due_at == datetime(2017, 9, 28, 1, 0, tzinfo=UTC)
    sync(body.id, meeting(1090, "2017-09-28", "6:00 PM", flock_item=33001,
                          EventAgendaStatusName="Cancelled", EventComment="MEETING CANCELED"))
    assert {r.status for r in planned(vote.id)} == {OutboxStatus.cancelled}

    # Put on the agenda of the next meeting, October 3, under another item id.
    october = meeting(1100, "2017-10-03", "1:30 PM", flock_item=33002)
    report = sync(body.id, october)
    assert report.votes_changed == [vote.id] or report.votes_moved == [vote.id]
    back = the_vote(vote.id)
    assert (back.status, back.scheduled_at) == (
        "scheduled", datetime(2017, 10, 3, 20, 30, tzinfo=UTC))
    [reminder] = [r for r in planned(vote.id) if r.status == OutboxStatus.pending]
    assert reminder.due_at == datetime(2017, 10, 2, 20, 30, tzinfo=UTC)

    # Voted: the meeting was held and the item failed, with its roll call.
    clock.freeze(datetime(2017, 10, 4, 16, 0, tzinfo=UTC))
    event, items = october
    items[-1].update(EventItemPassedFlag=0, EventItemPassedFlagName="Fail",
                     EventItemActionName="Denied")
    roll = [dict(v, VoteEventItemId=33002) for v in sanjose_votes()[32040]]
    for v in roll:
        if v["VotePersonName"] in ("Sylvia Arenas", "Johnny Khamis", "Dev Davis"):
            v.update(VoteValueName="No")
    assert sync(body.id, (event, items), votes={33002: roll}).outcomes == 1
    held = the_vote(vote.id)
    assert (held.status, held.outcome) == ("held", "failed")
    assert held.scheduled_at == datetime(2017, 10, 3, 20, 30, tzinfo=UTC)
    assert {m["target_id"]: m["vote"] for m in held.member_votes} == {
        members["Sam Liccardo"]: "yes", members["Sylvia Arenas"]: "no"}

    # One word to the leads for each change, and only one.
    assert told(lead) == [
        f"Agenda: “{FLOCK}” on Tuesday, September 12, 2017 at 1:30 PM",
        f"Agenda: “{FLOCK}” moved to Tuesday, September 26, 2017 at 6:00 PM",
        f"Agenda: “{FLOCK}” moved to Thursday, September 28, 2017 at 6:00 PM",
        f"Agenda: “{FLOCK}”: the meeting of Sep 28, 2017 was cancelled.",
        f"Agenda: “{FLOCK}” is back on the agenda and moved to Tuesday, October 3, 2017 at "
        "1:30 PM",
        f"Agenda: “{FLOCK}” failed, 8 to 3",
    ]
