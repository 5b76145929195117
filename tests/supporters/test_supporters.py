"""Supporters through a real SMTP server (aiosmtpd): sign-up on the public page, double opt-in,
the reminder before a vote, one-click unsubscribe (RFC 8058), and the abuse limits: honeypot,
rate limits, expiry, no enumeration, bounded storage; the leads' counts and export; erasure."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import clock
from api.accounts import erasure
from api.auth.models import AuditEntry, Role
from api.bodies import service as bodies
from api.bodies.models import BodyUpdate
from api.public_pages.models import PublicPage, ShownKind
from api.supporters import mail, reminders
from api.supporters import service as supporters
from api.supporters.models import ReminderStatus, Supporter, SupporterReminder, SupporterState
from api.votes.models import Vote
from tests import factories as f
from tests.alerts.servers import Received
from tests.factories.public_pages import COMMENT_RULES, Ground, make_ground
from tests.web.html import plain

SLUG = "riverbend-no-cameras"
TOKEN = re.compile(r'name="token" value="([^"]+)"')
LINK = re.compile(r"https?://\S+/p/\S+")


@pytest.fixture
def ground(session: Session, actor: Any, frozen_now: datetime) -> Ground:
    return make_ground(session, actor)


@pytest.fixture
def published(client_as: Any, ground: Ground, inbox: list[Received]) -> Ground:
    lead = client_as(Role.lead)
    vote_id = ground.public[ShownKind.vote][0]
    form = {"slug": SLUG, "intro": "Cameras log every car.",
            "pick": [f"{kind.value}:{ground.public[kind][0]}" for kind in ShownKind],
            f"note:vote:{vote_id}": "Sign up to speak by noon the day before."}
    assert lead.post(f"/campaigns/{ground.campaign.id}/public", data=form,
                     follow_redirects=False).status_code == 303
    assert lead.post(f"/campaigns/{ground.campaign.id}/public/publish",
                     follow_redirects=False).status_code == 303
    return ground


def _sign_up(client: TestClient, email: str, *, lang: str = "en", **extra: str) -> Any:
    page = client.get(f"/p/{SLUG}?lang={lang}")
    token = TOKEN.search(page.text)
    assert token, "the page has no sign-up form"
    return client.post(f"/p/{SLUG}/remind", data={"email": email, "token": token.group(1),
                                                   "lang": lang, **extra},
                       headers={"Origin": "http://testserver"})


def _links(mail: Received) -> list[str]:
    return LINK.findall(mail.part("plain"))


def _wait(inbox: list[Received], count: int) -> None:
    deadline = datetime.now(UTC) + timedelta(seconds=5)
    while len(inbox) < count and datetime.now(UTC) < deadline:
        pass
    assert len(inbox) == count, [m.message["Subject"] for m in inbox]


def _mail_owed(session: Session, inbox: list[Received], count: int) -> None:
    """The scheduler's part: the confirmations owed go out, never from the request."""
    session.expire_all()
    reminders.send_confirmations(session)
    session.commit()
    _wait(inbox, count)


def test_the_confirmation_is_sent_by_the_scheduler_not_the_request(
        anon_client: TestClient, published: Ground, inbox: list[Received],
        session: Session) -> None:
    assert _sign_up(anon_client, "new@example.org").status_code == 200
    assert inbox == [], "mailed inside the request: its length tells a new address"
    assert reminders.tick(lambda: session) == 1
    _wait(inbox, 1)
    assert reminders.tick(lambda: session) == 0, "never twice"
    # Signed up again a moment later: nothing more; after a while, a fresh link.
    _sign_up(anon_client, "new@example.org")
    assert reminders.tick(lambda: session) == 0
    clock.freeze(clock.now() + supporters.MAIL_AGAIN_AFTER + timedelta(minutes=1))
    _sign_up(anon_client, "new@example.org")
    assert inbox[1:] == []
    assert reminders.tick(lambda: session) == 1
    _wait(inbox, 2)
    assert inbox[1].rcpt_tos == ["new@example.org"]


def test_sign_up_confirm_reminder_and_one_click_unsubscribe(
        anon_client: TestClient, published: Ground, inbox: list[Received],
        session: Session, actor: Any) -> None:
    bodies.crud.update(session, actor, published.body.id, BodyUpdate(**COMMENT_RULES))
    session.commit()
    answer = _sign_up(anon_client, "Resident@Example.org", zip_code="60601")
    assert answer.status_code == 200 and "Check your inbox" in plain(answer.text)
    assert "set-cookie" not in answer.headers
    _mail_owed(session, inbox, 1)
    confirmation = inbox[0]
    assert confirmation.rcpt_tos == ["resident@example.org"]
    leave = confirmation.message["List-Unsubscribe"]
    assert leave.startswith("<http") and leave.endswith(">")
    assert confirmation.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    confirm = next(link for link in _links(confirmation) if "/confirm/" in link)
    path = confirm.split("testserver", 1)[-1] if "testserver" in confirm else \
        "/" + confirm.split("/", 3)[3]
    # Opening the link (as a mail program's link checker does) confirms nothing.
    opened = anon_client.get(path)
    assert opened.status_code == 200 and "Confirm" in opened.text
    supporter = session.exec(select(Supporter)).one()
    assert supporter.state == SupporterState.pending and supporter.zip_code == "60601"
    session.commit()
    done = anon_client.post(path, data={"lang": "en"})
    assert done.status_code == 200 and "Thank you" in done.text
    session.expire_all()
    assert session.exec(select(Supporter)).one().state == SupporterState.confirmed
    # Planned at once, due two days before the vote; nothing sent before then.
    vote = session.get(Vote, published.public[ShownKind.vote][0])
    assert vote is not None
    reminder = session.exec(select(SupporterReminder)).one()
    assert reminder.due_at == vote.scheduled_at.replace(tzinfo=UTC) - reminders.BEFORE
    session.commit()
    assert reminders.send_due(session) == 0
    clock.freeze(reminder.due_at + timedelta(minutes=1))
    assert reminders.tick(lambda: session) == 1
    assert reminders.tick(lambda: session) == 0, "never twice"
    _wait(inbox, 2)
    mail = inbox[1]
    text = mail.part("plain")
    assert vote.title in mail.message["Subject"] and "City Hall" in text
    assert "Sign up to speak by noon the day before." in text
    # How to comment as the kit says it: by when, and where to send written comments.
    assert "Written comments by 12:00" in text
    assert "Send written comments to: clerk@riverbend.example" in text
    assert f"/p/{SLUG}/votes/{vote.id}" in text
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # RFC 8058: the mail program POSTs to the address, nothing else.
    one_click = mail.message["List-Unsubscribe"].strip("<>")
    gone = anon_client.post("/" + one_click.split("/", 3)[3],
                            content=b"List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert gone.status_code == 200 and "unsubscribed" in gone.text
    session.expire_all()
    assert session.exec(select(Supporter)).first() is None
    assert session.exec(select(SupporterReminder)).first() is None
    # The unsubscribe page itself (a GET) shows a button and changes nothing.
    again = anon_client.get("/" + one_click.split("/", 3)[3])
    assert again.status_code == 404 and "not valid" in again.text


def test_the_answer_is_the_same_for_every_address(
        anon_client: TestClient, published: Ground, inbox: list[Received],
        session: Session) -> None:
    first = _sign_up(anon_client, "someone@example.org")
    _mail_owed(session, inbox, 1)
    repeat = _sign_up(anon_client, "someone@example.org")
    supporter = session.exec(select(Supporter)).one()
    supporter.state = SupporterState.confirmed
    session.add(supporter)
    session.commit()
    confirmed = _sign_up(anon_client, "someone@example.org")
    other = _sign_up(anon_client, "nobody@example.org")
    bodies = {plain(a.text) for a in (first, repeat, confirmed, other)}
    assert len(bodies) == 1 and {a.status_code for a in (first, repeat, confirmed, other)} == {200}
    # A repeat within minutes and a confirmed address are mailed nothing more.
    _mail_owed(session, inbox, 2)
    assert inbox[1].rcpt_tos == ["nobody@example.org"]


def test_the_honeypot_and_a_forged_form_keep_nothing(
        anon_client: TestClient, published: Ground, inbox: list[Received],
        session: Session) -> None:
    trapped = _sign_up(anon_client, "bot@example.org", website="http://spam.example")
    assert trapped.status_code == 200 and "Check your inbox" in plain(trapped.text)
    forged = anon_client.post(f"/p/{SLUG}/remind", data={"email": "x@example.org",
                                                          "token": "1.abc", "lang": "es"})
    assert forged.status_code == 422 and "Este formulario venció" in plain(forged.text)
    elsewhere = anon_client.post(f"/p/{SLUG}/remind", data={
        "email": "x@example.org", "lang": "en",
        "token": supporters.form_token(published.campaign.id)},
        headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 422
    assert session.exec(select(Supporter)).first() is None and inbox == []


@pytest.mark.parametrize(("email", "zip_code", "said"), [
    ("not an address", "", "Enter your email address"),
    ("", "", "Enter your email address"),
    ("a@example.org", "abc", "A ZIP code is five digits"),
])
def test_bad_input_is_said_in_the_page(anon_client: TestClient, published: Ground,
                                       email: str, zip_code: str, said: str) -> None:
    answer = _sign_up(anon_client, email, zip_code=zip_code)
    assert answer.status_code == 422 and said in plain(answer.text)
    assert 'aria-invalid="true"' in answer.text


def test_bad_input_in_spanish(anon_client: TestClient, published: Ground) -> None:
    answer = _sign_up(anon_client, "nope", lang="es")
    assert answer.status_code == 422 and 'lang="es"' in answer.text
    assert "Escriba su correo" in plain(answer.text)


def test_rate_limits_per_client_and_per_address(
        anon_client: TestClient, published: Ground, inbox: list[Received],
        session: Session) -> None:
    # An address is mailed a fresh link at most PER_ADDRESS_DAY times a day, however often
    # it is signed up; past that, the answer is the same but nothing is sent.
    tries = supporters.PER_ADDRESS_DAY + 1
    for n in range(tries):
        assert _sign_up(anon_client, "same@example.org").status_code == 200, n
        _mail_owed(session, inbox, min(n + 1, supporters.PER_ADDRESS_DAY))
        clock.freeze(clock.now() + supporters.MAIL_AGAIN_AFTER + timedelta(minutes=1))
    for n in range(supporters.PER_CLIENT_HOUR - tries):
        assert _sign_up(anon_client, f"n{n}@example.org").status_code == 200, n
    refused = _sign_up(anon_client, "fresh@example.org")
    assert refused.status_code == 429 and "Too many sign-ups" in plain(refused.text)


def test_the_limits_answer_the_same_for_a_subscribed_a_pending_and_a_fresh_address(
        anon_client: TestClient, published: Ground, inbox: list[Received],
        session: Session) -> None:
    # Their owners signed up today: one confirmed since, one not yet.
    _sign_up(anon_client, "subscribed@example.org")
    _sign_up(anon_client, "pending@example.org")
    _mail_owed(session, inbox, 2)
    supporter = session.exec(select(Supporter).where(
        Supporter.email == "subscribed@example.org")).one()
    supporter.state = SupporterState.confirmed
    session.add(supporter)
    session.commit()
    answers = {}
    for address in ("subscribed@example.org", "pending@example.org", "fresh@example.org"):
        # An outsider from a client of their own: past the previous one's hour.
        clock.freeze(clock.now() + timedelta(hours=1, minutes=1))
        said = [_sign_up(anon_client, address) for _ in range(supporters.PER_ADDRESS_DAY + 2)]
        answers[address] = [(a.status_code, plain(a.text)) for a in said]
    assert len({tuple(a) for a in answers.values()}) == 1, answers


def test_unconfirmed_sign_ups_expire_and_storage_is_bounded(
        anon_client: TestClient, published: Ground, inbox: list[Received],
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    _sign_up(anon_client, "late@example.org")
    _mail_owed(session, inbox, 1)
    path = "/" + next(link for link in _links(inbox[0]) if "/confirm/" in link).split("/", 3)[3]
    clock.freeze(clock.now() + supporters.PENDING_FOR + timedelta(hours=1))
    assert anon_client.get(path).status_code == 404
    assert supporters.forget_expired(session) == 1
    session.commit()
    assert session.exec(select(Supporter)).first() is None
    session.commit()
    monkeypatch.setattr(supporters, "PENDING_MOST", 1)
    assert _sign_up(anon_client, "one@example.org").status_code == 200
    full = _sign_up(anon_client, "two@example.org")
    assert full.status_code == 429 and "waiting for confirmation" in plain(full.text)


def _confirmed(session: Session, ground: Ground, email: str) -> Supporter:
    supporter = Supporter(campaign_id=ground.campaign.id, email=email,
                          state=SupporterState.confirmed, confirmed_at=clock.now())
    session.add(supporter)
    session.commit()
    return supporter


def test_a_moved_vote_moves_its_reminder_a_cancelled_or_unpublished_one_takes_it_back(
        client_as: Any, published: Ground, session: Session) -> None:
    _confirmed(session, published, "fan@example.org")
    reminders.plan(session)
    session.commit()
    vote = session.get(Vote, published.public[ShownKind.vote][0])
    assert vote is not None
    vote.scheduled_at = vote.scheduled_at + timedelta(days=7)
    session.add(vote)
    session.commit()
    reminders.plan(session)
    session.commit()
    row = session.exec(select(SupporterReminder)).one()
    assert row.occurrence == vote.scheduled_at.isoformat()
    assert row.status == ReminderStatus.pending
    session.commit()
    vote.status = "cancelled"
    session.add(vote)
    session.commit()
    reminders.plan(session)
    session.commit()
    assert session.exec(select(SupporterReminder)).first() is None
    session.commit()
    vote.status = "scheduled"
    session.add(vote)
    session.commit()
    reminders.plan(session)
    session.commit()
    assert session.exec(select(SupporterReminder)).one().status == ReminderStatus.pending
    session.commit()
    client_as(Role.lead).post(f"/campaigns/{published.campaign.id}/public/unpublish")
    reminders.plan(session)
    session.commit()
    assert session.exec(select(SupporterReminder)).first() is None


def test_only_leads_see_counts_and_export_in_the_audit_log(
        client_as: Any, anon_client: TestClient, published: Ground, session: Session,
        actor: Any) -> None:
    _confirmed(session, published, "fan@example.org")
    campaign = published.campaign.id
    lead = client_as(Role.lead)
    page = lead.get(f"/campaigns/{campaign}/public/supporters")
    assert page.status_code == 200 and "Confirmed" in page.text
    assert "fan@example.org" not in page.text
    csv = lead.get(f"/campaigns/{campaign}/public/supporters.csv")
    assert csv.status_code == 200 and "fan@example.org" in csv.text
    assert session.exec(select(AuditEntry).where(AuditEntry.record_kind == "supporters",
                                                 AuditEntry.action == "export")).first()
    org = f.make_organization(session, actor, name="Partner org")
    session.commit()
    for client in (client_as(Role.partner, org.id), client_as(Role.viewer, org.id)):
        for path in (f"/campaigns/{campaign}/public/supporters",
                     f"/campaigns/{campaign}/public/supporters.csv"):
            refused = client.get(path)
            assert refused.status_code in (403, 404) and "fan@example.org" not in refused.text
    for path in (f"/campaigns/{campaign}/public/supporters",
                 f"/campaigns/{campaign}/public/supporters.csv"):
        refused = anon_client.get(path, follow_redirects=False)
        assert refused.status_code in (303, 401) and "fan@example.org" not in refused.text
    assert "fan@example.org" not in anon_client.get(f"/p/{SLUG}").text


def test_erasing_a_person_erases_their_sign_ups(
        published: Ground, session: Session, actor: Any) -> None:
    _confirmed(session, published, "erase.me@example.org")
    person = f.make_person(session, actor, name="Erase Me", email="Erase.Me@example.org")
    session.commit()
    erasure.erase_person(session, actor, person.id)
    session.commit()
    assert session.exec(select(Supporter)).first() is None


def test_an_address_is_erased_on_request_by_leads_only(
        client_as: Any, published: Ground, session: Session, actor: Any) -> None:
    _confirmed(session, published, "gone@example.org")
    org = f.make_organization(session, actor, name="Partner org")
    session.commit()
    partner = client_as(Role.partner, org.id)
    assert partner.post("/api/v1/supporters/erase",
                        json={"email": "gone@example.org"}).status_code == 403
    lead = client_as(Role.lead)
    assert lead.post("/api/v1/supporters/erase", json={"email": "nope"}).status_code == 422
    assert lead.post("/api/v1/supporters/erase",
                     json={"email": "Gone@Example.org"}).status_code == 204
    assert session.exec(select(Supporter)).first() is None
    entry = session.exec(select(AuditEntry).where(AuditEntry.record_kind == "supporters",
                                                  AuditEntry.action == "erase")).one()
    assert "gone@example.org" not in str(entry.changes)


def test_links_work_only_under_their_own_campaigns_address_and_name_it(
        anon_client: TestClient, published: Ground, inbox: list[Received], session: Session,
        actor: Any) -> None:
    _sign_up(anon_client, "vecina@example.org", lang="es")
    _mail_owed(session, inbox, 1)
    confirm = next(link for link in _links(inbox[0]) if "/confirm/" in link)
    path = "/" + confirm.split("/", 3)[3]
    token = path.split("/confirm/")[1].split("?")[0]
    supporter = session.exec(select(Supporter)).one()
    session.commit()
    # The link's number is not the row's: it tells nothing of how many signed up.
    assert not token.startswith(f"{supporter.id}.")
    # In the supporter's language, naming the campaign, under its own address only.
    opened = anon_client.get(path.split("?")[0])
    assert opened.status_code == 200 and "Confirmar" in opened.text
    assert "Riverbend: No Cameras" in plain(opened.text)
    other = f.make_campaign(session, actor, name="Elsewhere")
    session.add(PublicPage(campaign_id=other.id, slug="elsewhere", published=True))
    session.commit()
    for slug in ("nope", "elsewhere"):
        for method in (anon_client.get, anon_client.post):
            wrong = method(f"/p/{slug}/confirm/{token}")
            assert wrong.status_code == 404 and "No public page at this address" in wrong.text
    session.expire_all()
    assert session.exec(select(Supporter)).one().state == SupporterState.pending
    session.commit()
    assert anon_client.post(path).status_code == 200
    # Unsubscribing works under its own address only, even with the page unpublished.
    leave = mail.links(session.exec(select(Supporter)).one(), SLUG)[1]
    leave_path = "/" + leave.split("/", 3)[3]
    session.commit()
    assert anon_client.post(leave_path.replace(SLUG, "elsewhere")).status_code == 404
    page = session.get(PublicPage, published.campaign.id)
    assert page is not None
    page.published = False
    session.add(page)
    session.commit()
    gone = anon_client.post(leave_path)
    assert gone.status_code == 200 and "Riverbend: No Cameras" in plain(gone.text)
    assert "Cancelar" in gone.text or "suscripción" in gone.text
    session.expire_all()
    assert session.exec(select(Supporter)).first() is None


def test_every_mail_has_a_message_id_of_its_own(
        anon_client: TestClient, published: Ground, inbox: list[Received],
        session: Session) -> None:
    vote = session.get(Vote, published.public[ShownKind.vote][0])
    assert vote is not None
    for n in range(2):
        # A supporter who leaves, then another whose reminder row may take the freed id.
        session.add(Supporter(campaign_id=published.campaign.id, email=f"s{n}@example.org",
                              state=SupporterState.confirmed, mailed_at=clock.now()))
        session.commit()
        reminders.plan(session)
        session.commit()
        clock.freeze(vote.scheduled_at.replace(tzinfo=UTC) - timedelta(days=1))
        assert reminders.send_due(session) == 1
        _wait(inbox, n + 1)
        supporters.erase_address(session, f.make_user(Role.lead, session=session),
                                 f"s{n}@example.org")
        session.commit()
    ids = [m.message["Message-ID"] for m in inbox]
    assert len(set(ids)) == 2, ids
