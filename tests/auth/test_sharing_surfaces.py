"""The sharing matrix on the surfaces that leave the app: calendar feeds, in-app notifications,
email and webhook bodies. Organization A makes a task, a records request, a meeting and an
action at each tier, each with a unique marker; the alert planner and dispatcher run for real,
through a real SMTP server and a real webhook receiver; then every recipient (each role of A
and of B, a lead, an administrator, a webhook endpoint) gets exactly the markers it may read:
what may not show does not, and what must show does."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.alerts import service
from api.auth.models import Role
from tests import factories as f
from tests.alerts.conftest import Ticks, notifications
from tests.alerts.servers import Received, Receiver, smtp_server, webhook_server
from tests.factories.coalition import VISIBILITIES, Record, marker, may_read

START = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
DUE = date(2026, 3, 20)
# The morning before the due day in Los Angeles (8 AM PDT), and a little after.
REMINDED = datetime(2026, 3, 19, 15, 0, tzinfo=UTC)
READERS = [("partner", "A"), ("viewer", "A"), ("partner", "B"), ("viewer", "B"),
           ("lead", None), ("admin", None)]
# A webhook posts to a channel many read: the whole coalition, unless its endpoint says.
ENDPOINT_READS = ("coalition", "public")


@dataclass
class Made:
    campaign: Any
    orgs: dict[str, int]
    users: dict[tuple[str, str | None], Any]
    records: list[Record] = field(default_factory=list)

    def not_alerted(self) -> set[str]:
        """Meetings and actions are no alert's subject: none of theirs leaves by an alert."""
        return self.markers("meeting") | self.markers("action")

    def markers(self, kind: str | None = None) -> set[str]:
        return {m for r in self.records if kind in (None, r.kind) for m in r.markers}

    def readable_by(self, role: str, org: str | None) -> set[str]:
        org_id = self.orgs.get(org) if org else None
        return {m for r in self.records if may_read(role, org_id, r) for m in r.markers}


@pytest.fixture
def frozen(db: None) -> Iterator[None]:
    clock.freeze(START)
    yield
    clock.set_clock(None)


@pytest.fixture
def inbox(session: Session, actor: Any, frozen: None) -> Iterator[list[Received]]:
    with smtp_server() as (port, received):
        service.update_channel_settings(session, actor, {
            "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False,
            "smtp_from": "alerts@coalition.example", "allow_private_webhooks": True})
        session.commit()
        yield received


@pytest.fixture
def receiver(inbox: list[Received]) -> Iterator[Receiver]:
    with webhook_server() as found:
        yield found


@pytest.fixture
def made(session: Session, actor: Any, frozen: None) -> Made:
    place = f.make_jurisdiction(session, actor, name="Riverton",
                                timezone="America/Los_Angeles")
    campaign = f.make_campaign(session, actor, name="No Cameras", jurisdiction_id=place.id)
    agency = f.make_agency(session, actor, name="Riverton PD", jurisdiction_id=place.id)
    orgs = {name: f.make_organization(session, actor, name=f"Org {name}").id
            for name in ("A", "B")}
    users = {(role, org): f.make_user(role, session=session,
                                      organization_id=orgs[org] if org else None)
             for role, org in READERS}
    world = Made(campaign, orgs, users)
    a = orgs["A"]
    for tier in VISIBILITIES:
        m = marker()
        task = f.make_task(session, actor, title=f"Task {m}", due_on=DUE,
                           campaign_id=campaign.id, owner_organization_id=a, visibility=tier)
        world.records.append(Record("task", task.id, a, tier, [m]))
        m = marker()
        request = f.make_records_request(
            session, actor, subject=f"Request {m}", agency_id=agency.id,
            campaign_id=campaign.id, requester_organization_id=a, visibility=tier,
            status="sent", sent_on=date(2026, 2, 20), due_on_override=DUE)
        world.records.append(Record("records_request", request.id, a, tier, [m]))
        m, kept = marker(), marker()
        meeting = f.make_meeting(session, actor, summary=m, private_notes=kept,
                                 campaign_id=campaign.id, organization_id=a, visibility=tier)
        world.records.append(Record("meeting", meeting.id, a, tier, [m, kept]))
        m = marker()
        action = f.make_action(session, actor, title=f"Action {m}", scheduled_on=DUE,
                               campaign_id=campaign.id, owner_organization_id=a,
                               visibility=tier)
        world.records.append(Record("action", action.id, a, tier, [m]))
    session.commit()
    return world


def _rules(session: Session, actor: Any, world: Made) -> None:
    everyone = [f"user:{u.id}" for u in world.users.values()]
    service.create_rules_from_specs(session, actor, campaign_id=world.campaign.id, specs=[
        {"subject": subject, "offsets": ["1d"], "direction": "before", "recipients": everyone,
         "channels": ["email", "in_app", "webhook"]}
        for subject in ("task_due", "records_request_due")])
    session.commit()


def _found(text: str, world: Made) -> set[str]:
    return {m for m in world.markers() if m in text}


def _send_everything(session: Session, actor: Any, world: Made) -> None:
    _rules(session, actor, world)
    ticks = Ticks()
    try:
        ticks()
        ticks.at(REMINDED)
        ticks.at(REMINDED + timedelta(minutes=5))
    finally:
        ticks.close()


def test_each_recipient_is_told_exactly_what_it_may_read(
        session: Session, actor: Any, made: Made, inbox: list[Received],
        receiver: Receiver) -> None:
    service.create_endpoint(session, actor, {"name": "Coalition hook", "url": receiver.url})
    session.commit()
    _send_everything(session, actor, made)
    silent = made.not_alerted()
    alerted = made.markers() - silent

    for (role, org), user in made.users.items():
        wanted = made.readable_by(role, org) - silent
        assert wanted, (role, org)
        told = notifications(user.id)
        in_app = _found("\n".join(f"{n.title}\n{n.body}\n{n.link}" for n in told), made)
        assert in_app == wanted, (role, org, "in-app")
        mails = [m for m in inbox if user.email in m.rcpt_tos]
        mailed = _found("\n".join(f"{m.message['Subject']}\n{m.part('plain')}\n{m.part('html')}"
                                  for m in mails), made)
        assert mailed == wanted, (role, org, "email")

    posted = _found("\n".join(d.body.decode() for d in receiver.deliveries), made)
    assert posted == {m for r in made.records if r.visibility in ENDPOINT_READS
                      and r.kind not in ("meeting", "action") for m in r.markers}
    assert posted < alerted


@pytest.mark.parametrize(("chosen", "reads"), [
    ("public", {"public"}), ("coalition", {"coalition", "public"}),
    ("leads", {"leads", "coalition", "public"})])
def test_a_webhook_endpoint_reads_at_the_visibility_chosen_for_it(
        session: Session, actor: Any, made: Made, receiver: Receiver, chosen: str,
        reads: set[str]) -> None:
    endpoint = service.create_endpoint(session, actor, {"name": "Hook", "url": receiver.url,
                                                        "reads": chosen})
    session.commit()
    assert endpoint.reads == chosen
    _send_everything(session, actor, made)
    posted = _found("\n".join(d.body.decode() for d in receiver.deliveries), made)
    assert posted == {m for r in made.records if r.visibility in reads
                      and r.kind not in ("meeting", "action")
                      for m in r.markers}


@pytest.mark.parametrize("kind", ["campaign", "user"])
def test_a_calendar_feed_tells_its_owner_what_they_may_read(
        session: Session, made: Made, anon_client: TestClient, kind: str,
        client_as: Callable[..., TestClient]) -> None:
    # Meetings have no date ahead to put in a calendar; planned actions do.
    meetings = made.markers("meeting")
    for (role, org), user in made.users.items():
        if kind == "user":
            # A user's own feed holds the campaigns their organization leads and what they
            # follow: here, the campaign.
            service.follow(session, user, subject_kind="campaign", subject_id=made.campaign.id)
        _, raw = service.regenerate_feed_token(
            session, user, kind=kind, scope_id=made.campaign.id if kind == "campaign" else 0)
        session.commit()
        feed = anon_client.get(service.feed_path(raw))
        assert feed.status_code == 200, feed.text
        # Long lines of a calendar are folded: a marker may straddle a fold.
        text = feed.text.replace("\r\n ", "")
        wanted = made.readable_by(role, org) - meetings
        assert _found(text, made) == wanted, (role, org, kind)


def test_the_readers_agree_with_the_rules(made: Made) -> None:
    """The expected sets differ between recipients, so the matrix tests something."""
    seen = {(role, org): frozenset(made.readable_by(role, org)) for role, org in READERS}
    assert seen[("partner", "A")] == seen[("viewer", "A")] == seen[("admin", None)] \
        == frozenset(made.markers())
    assert seen[("partner", "B")] < seen[("lead", None)] < seen[("admin", None)]
    assert Role.lead.value == "lead"
