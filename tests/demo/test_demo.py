"""The demo coalition: what it loads, its dates relative to the clock, and `oversight demo`."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import clock, demo
from api.actions.models import Action
from api.agencies.models import Agency
from api.auth.models import Role, User
from api.bodies.models import Body
from api.campaigns.models import Campaign, CampaignLead
from api.cli import main
from api.contracts.models import Contract
from api.db import get_engine
from api.demo import public_page
from api.errors import Conflict
from api.jurisdictions.models import Jurisdiction
from api.media.models import MediaContact, PressHit
from api.meetings.models import Meeting, MeetingAttendee, MeetingTarget
from api.organizations.models import Organization
from api.people.models import Affiliation, Person
from api.records_requests.models import RecordsRequest
from api.targets import service as targets
from api.targets.models import Stance, StanceChange, Target
from api.tasks.models import Task
from api.vendors.models import Vendor
from api.votes.models import Vote
from tests.web.html import plain

LA = ZoneInfo("America/Los_Angeles")


def count(session: Session, model: type) -> int:
    return session.exec(select(sa.func.count()).select_from(model)).one()


def renewal_vote(session: Session) -> Vote:
    return session.exec(select(Vote).where(Vote.kind == "renewal")).one()


def flock_contract(session: Session) -> Contract:
    flock = session.exec(select(Vendor).where(Vendor.name == "Flock Safety")).one()
    return session.exec(select(Contract).where(Contract.vendor_id == flock.id)).one()


def test_is_empty_before_and_not_after(session: Session) -> None:
    assert demo.is_empty(session)
    demo.load(session)
    session.commit()
    assert not demo.is_empty(session)


def test_any_record_but_the_system_account_makes_it_not_empty(session: Session) -> None:
    session.add(User(email="organizer@rirn.example.org", name="Organizer"))
    session.flush()
    assert not demo.is_empty(session)
    session.rollback()
    assert demo.is_empty(session)
    session.add(Organization(name="Someone Else's Coalition"))
    session.flush()
    assert not demo.is_empty(session)


def test_loads_every_concept(session: Session) -> None:
    summary = demo.load(session)
    session.commit()
    expected = {
        Organization: 4, Person: 8, Affiliation: 9, Jurisdiction: 2, Body: 3, Target: 12,
        Agency: 2, Vendor: 2, Contract: 2, Campaign: 1, CampaignLead: 2, Vote: 2, Meeting: 4,
        MeetingTarget: 5, MeetingAttendee: 8, Task: 4, RecordsRequest: 2, MediaContact: 2,
        PressHit: 1, Stance: 7, Action: 6,
    }
    assert {model: count(session, model) for model in expected} == expected
    assert "http://127.0.0.1:8000" in summary
    assert demo.DEMO_LOGIN in summary
    assert "4 organizations" in summary and "1 campaign," in summary


def test_places_bodies_and_agencies(session: Session) -> None:
    demo.load(session)
    city = session.exec(select(Jurisdiction).where(Jurisdiction.kind == "city")).one()
    county = session.exec(select(Jurisdiction).where(Jurisdiction.kind == "county")).one()
    assert city.parent_id == county.id
    assert (city.timezone, city.state_code) == ("America/Los_Angeles", "CA")
    council = session.exec(select(Body).where(Body.kind == "city_council")).one()
    assert (council.seats, council.majority_needed, council.jurisdiction_id) == (7, 4, city.id)
    members = session.exec(select(Target).where(Target.body_id == council.id)).all()
    assert Counter(t.title for t in members) == {"council_member": 6, "mayor": 1}
    assert sum(1 for t in members if t.owner_organization_id) >= 3
    board = session.exec(select(Body).where(Body.kind == "board_of_supervisors")).one()
    assert board.seats == 5
    sheriff = session.exec(select(Target).where(Target.title == "sheriff")).one()
    office = session.get(Body, sheriff.body_id)
    assert office is not None and office.kind == "sheriffs_office"
    assert session.exec(select(Target).where(Target.title == "police_chief")).one()
    sharing = {a.kind: a for a in session.exec(select(Agency)).all()}
    assert sharing.keys() == {"police_department", "sheriff"}
    for agency in sharing.values():
        assert agency.shares_with_federal in {"yes", "disputed"}
        assert agency.sharing_evidence_url.startswith("https://")
        assert agency.fixed_cameras and agency.retention_days and agency.sharing_partners


def test_flock_notice_deadline_is_about_45_days_out(session: Session) -> None:
    demo.load(session)
    contract = flock_contract(session)
    assert contract.auto_renews
    assert contract.notice_deadline is not None
    assert 40 <= (contract.notice_deadline - clock.today()).days <= 50
    police = session.get(Agency, contract.agency_id)
    assert police is not None and police.kind == "police_department"
    vigilant = session.exec(select(Vendor).where(
        Vendor.name == "Motorola Solutions (Vigilant)")).one()
    sheriff_contract = session.exec(select(Contract).where(
        Contract.vendor_id == vigilant.id)).one()
    sheriff = session.get(Agency, sheriff_contract.agency_id)
    assert sheriff is not None and sheriff.kind == "sheriff"


def test_renewal_vote_is_ten_days_out_at_six_pm_local(session: Session) -> None:
    demo.load(session)
    vote = renewal_vote(session)
    local = vote.scheduled_at.astimezone(LA)
    assert (local.hour, local.minute) == (18, 0)
    days = (local.date() - clock.now().astimezone(LA).date()).days
    assert 9 <= days <= 11
    assert vote.consent_calendar and vote.agenda_item_number
    assert vote.contract_id == flock_contract(session).id
    campaign = session.exec(select(Campaign)).one()
    assert vote.campaign_id == campaign.id
    later = session.exec(select(Vote).where(Vote.kind != "renewal")).one()
    assert later.scheduled_at > vote.scheduled_at + timedelta(days=20)


def test_dates_follow_the_clock_across_daylight_saving(session: Session,
                                                       frozen_now: datetime) -> None:
    # Ten days after 2 March 2026 is past the switch to daylight time on 8 March.
    demo.load(session)
    vote = renewal_vote(session)
    assert vote.scheduled_at == datetime(2026, 3, 13, 1, 0, tzinfo=UTC)  # 18:00 PDT on 12 March
    assert flock_contract(session).notice_deadline == frozen_now.date() + timedelta(days=45)
    campaign = session.exec(select(Campaign)).one()
    assert campaign.start_date is not None and campaign.start_date < frozen_now.date()
    meetings = session.exec(select(Meeting)).all()
    assert all(m.held_at < frozen_now for m in meetings)


@pytest.mark.parametrize("local_hour", [(23, 30), (0, 30)])
def test_steps_on_the_vote_day_fall_on_its_local_day(session: Session,
                                                     local_hour: tuple[int, int]) -> None:
    # At 11:30 PM in Riverton it is already tomorrow in UTC; at 12:30 AM it is the same day.
    clock.freeze(datetime(2026, 12, 4, *local_hour, tzinfo=LA))
    demo.load(session)
    vote = renewal_vote(session)
    vote_day = vote.scheduled_at.astimezone(LA).date()
    assert vote_day == clock.now().astimezone(LA).date() + timedelta(days=10)
    on_the_day = session.exec(select(Action).where(Action.vote_id == vote.id,
                                                   Action.scheduled_on == vote_day)).all()
    assert {a.title for a in on_the_day} >= {"Public comment at the renewal vote",
                                             "Rally at City Hall before the vote"}


def test_stances_are_mixed_and_have_history(session: Session) -> None:
    demo.load(session)
    known = targets.stances(session, None)
    levels = Counter(s.level for s in known)
    assert len(levels) >= 4
    assert levels == {"champion": 1, "leaning_yes": 2, "undecided": 2, "leaning_no": 1,
                      "opposed": 1}
    # The trusted copy of each latest stance agrees with what is worked out from the history.
    assert Counter(s.level for s in session.exec(select(Stance)).all()) == levels
    history = session.exec(select(StanceChange)).all()
    assert len(history) > len(levels)
    from_meeting = [c for c in history if c.meeting_id is not None]
    assert len(from_meeting) == 1
    change = from_meeting[0]
    told = next(h for h in targets.history(session, None, target_id=change.target_id)
                if h.id == change.id)
    assert (told.source, told.from_level, told.to_level) == (
        "meeting", "undecided", "leaning_yes")
    assert [s.level for s in known if s.target_id == change.target_id] == ["leaning_yes"]


def test_work_items_span_past_and_future(session: Session) -> None:
    demo.load(session)
    today = clock.today()
    tasks = session.exec(select(Task)).all()
    open_tasks = [t for t in tasks if t.status == "open"]
    assert any(t.due_on and t.due_on < today for t in open_tasks)
    assert any(t.due_on and today <= t.due_on <= today + timedelta(days=7) for t in open_tasks)
    assert all(t.completed_at for t in tasks if t.status == "done")
    requests = session.exec(select(RecordsRequest)).all()
    assert any(r.sent_on and (today - r.sent_on).days == 15 and r.due_on for r in requests)
    assert any(r.due_on and r.due_on < today and r.status == "sent" for r in requests)
    actions = session.exec(select(Action)).all()
    assert len({a.status for a in actions}) >= 3
    assert {"public_comment", "call_in_day", "op_ed", "rally", "letter",
            "records_request"} <= {a.kind for a in actions}
    orgs = session.exec(select(Organization)).all()
    assert {o.kind for o in orgs} == {"immigrant_rights", "privacy", "police_accountability",
                                      "faith"}
    people = session.exec(select(Person)).all()
    assert any(p.ok_to_email for p in people) and any(not p.ok_to_email for p in people)


def test_loading_twice_is_refused(session: Session) -> None:
    demo.load(session)
    with pytest.raises(Conflict):
        demo.load(session)


def test_cli_if_empty_loads_once(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--if-empty"]) == 0
    first = capsys.readouterr().out
    assert "Riverton: No Renewal for Flock" in first and demo.APP_URL in first
    assert main(["demo", "--if-empty"]) == 0
    assert "demo not loaded" in capsys.readouterr().out
    with Session(get_engine()) as session:
        assert count(session, Campaign) == 1
        assert count(session, Organization) == 4
        assert not demo.is_empty(session)


def test_demo_accounts_sign_in_with_the_chosen_password(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.auth import passwords
    from api.settings import get_settings

    monkeypatch.setenv("OVERSIGHT_DEMO_PASSWORD", "riverton demo passphrase")
    get_settings.cache_clear()
    try:
        summary = demo.load(session)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert "riverton demo passphrase" in summary
    for email, _, role, _ in demo.DEMO_ACCOUNTS:
        user = session.exec(select(User).where(User.email == email)).one()
        assert user.role == role and user.organization_id
        assert passwords.verify("riverton demo passphrase", user.password_hash)[0]
        assert email in summary


def test_demo_password_is_made_up_when_not_set(session: Session) -> None:
    summary = demo.load(session)
    password = summary.rsplit("password: ", 1)[1].strip()
    assert len(password) >= 12
    lead = session.exec(select(User).where(User.role == "lead")).one()
    from api.auth import passwords

    assert passwords.verify(password, lead.password_hash)[0]


@pytest.mark.parametrize(("language", "loaded", "dates"), [
    ("en", "Loaded the demo campaign “Riverton: No Renewal for Flock”.",
     "Flock notice deadline: Apr 16, 2026 (in 45 days); council vote Thu Mar 12, 2026 6:00 PM "
     "PDT."),
    ("es", "Se cargó la campaña de demostración «Riverton: No Renewal for Flock».",
     "Plazo de aviso a Flock: 16 abr 2026 (en 45 días); votación del concejo: jue 12 mar 2026 "
     "6:00 p.m. PDT.")])
def test_the_summary_writes_names_and_dates_the_way_the_language_does(
        language: str, loaded: str, dates: str, db: None, frozen_now: datetime,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", language)
    assert main(["demo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == loaded
    assert lines[2] == dates


def test_the_demo_publishes_its_campaigns_public_page(
        session: Session, anon_client: TestClient, client_as: Any) -> None:
    lead = client_as(Role.lead)
    demo.load(session)
    session.commit()
    page = anon_client.get(f"/p/{public_page.SLUG}?lang=en")
    assert page.status_code == 200
    text = plain(page.text)
    assert "Second amendment to the Flock Safety agreement" in text
    assert "Marcus Bell" in text and "bell@riverton.example.org" in text
    # What the coalition keeps for itself stays off: target notes, private meetings.
    assert "Asked for the data-sharing audit" not in text and "Ruiz" not in text
    vote = renewal_vote(session)
    kit = plain(anon_client.get(f"/p/{public_page.SLUG}/votes/{vote.id}?lang=en").text)
    assert "Written comments by 12:00 PM on" in kit and "cityclerk@riverton.example.org" in kit
    assert "Riverton City Hall, 300 Main Street" in kit
    assert anon_client.get(f"/p/{public_page.SLUG}.ics").status_code == 200
    # Leads find it from the page's settings.
    campaign = vote.campaign_id
    session.commit()
    settings = lead.get(f"/campaigns/{campaign}/public").text
    assert f'href="/p/{public_page.SLUG}"' in settings
