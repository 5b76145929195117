"""The reminders owed to supporters and their sending, on the scheduler's tick: before each vote a
published page shows, one email to each confirmed supporter of its campaign. A row per
(supporter, vote, date) is never sent twice; a vote that moves is owed a reminder for its new
date, and one no longer shown (cancelled, past, taken off the page, the page unpublished) is
owed nothing that was not sent yet."""

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock, signing
from api.auth.scoping import as_system
from api.db import rows_changed, table_of
from api.errors import NotFound
from api.i18n import catalogs
from api.public_pages import service as public_pages
from api.public_pages.models import PublicPage
from api.supporters import mail
from api.supporters import service as supporters
from api.supporters.models import ReminderStatus, Supporter, SupporterReminder, SupporterState

log = logging.getLogger(__name__)

# Two days ahead: time to plan to come, or to send a written comment before its deadline.
BEFORE = timedelta(days=2)
LEASE = timedelta(minutes=5)
MOST_ATTEMPTS = 5
# Sent reminders are kept a while after their vote for the "never twice", then forgotten.
KEPT_AFTER = timedelta(days=60)
BATCH = 200

REMINDERS = table_of(SupporterReminder)
# Kept as the reminder's last error (leads read it in the export, not supporters).
UNKNOWN = ("The sending stopped after the reminder was handed to the mail server; it may have "
           "gone out, so it is not sent again.")
MESSAGE_PURPOSE = "supporter-message-id"


def send_confirmations(session: Session) -> int:
    """Mails every sign-up owed a confirmation link; returns how many went out. Each is
    claimed and committed before it is sent, so no two ticks send one twice."""
    sent = 0
    for supporter_id in supporters.owed_confirmation(session):
        if not supporters.claim_confirmation(session, supporter_id):
            continue
        session.commit()
        with as_system(session):
            supporter = session.get(Supporter, supporter_id)
            page = session.exec(select(PublicPage).where(
                PublicPage.campaign_id == (supporter.campaign_id if supporter else -1),
                PublicPage.published)).first()
            if supporter is None or page is None:
                # Unpublished meanwhile: nothing to confirm on; the sign-up expires.
                continue
            view = public_pages.published(session, page.slug)
            email = mail.confirmation(supporter, slug=page.slug, campaign=view.campaign.name)
            _, leave = mail.links(supporter, page.slug)
            outcome = mail.send(session, email, leave=leave, message_id="")
        if outcome.ok:
            sent += 1
            continue
        log.warning("a supporter's confirmation was not sent: %s", outcome.error)
        supporters.confirmation_failed(session, supporter_id, outcome.error,
                                       permanent=outcome.permanent or _never_deliverable(
                                           outcome.error))
        session.commit()
    return sent


def _never_deliverable(error: str) -> bool:
    # A server without SMTPUTF8 never takes a non-ASCII mailbox name: trying again is useless.
    return error.startswith("SMTPNotSupportedError")


def _wanted(session: Session, now: datetime) -> dict[tuple[int, int, str], datetime]:
    wanted: dict[tuple[int, int, str], datetime] = {}
    for page in session.exec(select(PublicPage).where(PublicPage.published)).all():
        try:
            view = public_pages.published(session, page.slug)
        except NotFound:
            continue
        if not view.votes:
            continue
        confirmed = list(session.exec(select(Supporter.id).where(
            Supporter.campaign_id == page.campaign_id,
            Supporter.state == SupporterState.confirmed)).all())
        for shown in view.votes:
            vote = shown.record
            occurrence = vote.scheduled_at.isoformat()
            due = max(vote.scheduled_at - BEFORE, now)
            for supporter_id in confirmed:
                if supporter_id is not None:
                    wanted[(supporter_id, vote.id, occurrence)] = due
    return wanted


def plan(session: Session) -> int:
    """Brings the owed reminders in line with the published pages: new ones added, those
    whose vote moved or is no longer shown taken back unless sent. Returns how many changed."""
    now = clock.now()
    changed = 0
    with as_system(session):
        wanted = _wanted(session, now)
        rows = session.execute(sa.select(
            REMINDERS.c.id, REMINDERS.c.supporter_id, REMINDERS.c.vote_id,
            REMINDERS.c.occurrence, REMINDERS.c.status, REMINDERS.c.due_at)).all()
        have, dropped = set(), []
        for row in rows:
            key = (row.supporter_id, row.vote_id, row.occurrence)
            have.add(key)
            if row.status == ReminderStatus.pending.value and key not in wanted:
                dropped.append(row.id)
        if dropped:
            session.execute(sa.delete(REMINDERS).where(REMINDERS.c.id.in_(dropped)))
            # Rows deleted beneath the session leave it, so a new row taking an id is not
            # mistaken for one of them.
            for kept in [o for o in session.identity_map.values()
                         if isinstance(o, SupporterReminder) and o.id in dropped]:
                session.expunge(kept)
            changed += len(dropped)
        for key, due in wanted.items():
            if key not in have:
                session.add(SupporterReminder(supporter_id=key[0], vote_id=key[1],
                                              occurrence=key[2], due_at=due))
                changed += 1
        session.execute(sa.delete(REMINDERS).where(
            REMINDERS.c.status.in_([ReminderStatus.sent.value, ReminderStatus.failed.value]),
            REMINDERS.c.due_at < now - KEPT_AFTER))
        session.flush()
    return changed


def _message_id(reminder: SupporterReminder, supporter: Supporter) -> str:
    # The same for every try of one reminder, so a repeat after a lost lease can be dropped,
    # and never the same for two: row ids come back after rows are deleted, so the whole
    # (supporter, when they signed up, vote, date) is in it.
    made = signing.sign(MESSAGE_PURPOSE, f"{supporter.id}.{supporter.email}."
                        f"{supporter.created_at.isoformat()}.{reminder.vote_id}."
                        f"{reminder.occurrence}")
    return f"supporter-reminder.{hashlib.sha256(made).hexdigest()[:32]}"


def _claim(session: Session, now: datetime) -> list[int]:
    # A worker that stopped with a lease before handing its reminder to the mail server sent
    # nothing: it is tried again. One that stopped after (sent_at set) may have sent it, and
    # no mail server says so afterwards: it is not tried again, so no one gets it twice.
    session.execute(sa.update(REMINDERS).where(
        REMINDERS.c.status == ReminderStatus.sending.value, REMINDERS.c.lease_until < now,
        REMINDERS.c.sent_at.is_(None)).values(status=ReminderStatus.pending.value))
    session.execute(sa.update(REMINDERS).where(
        REMINDERS.c.status == ReminderStatus.sending.value, REMINDERS.c.lease_until < now,
        REMINDERS.c.sent_at.is_not(None)).values(
            status=ReminderStatus.failed.value, lease_until=None, last_error=UNKNOWN))
    due = list(session.execute(sa.select(REMINDERS.c.id).where(
        REMINDERS.c.status == ReminderStatus.pending.value, REMINDERS.c.due_at <= now)
        .order_by(REMINDERS.c.due_at, REMINDERS.c.id).limit(BATCH)).scalars())
    claimed = []
    for reminder_id in due:
        if rows_changed(session, sa.update(REMINDERS).where(
                REMINDERS.c.id == reminder_id,
                REMINDERS.c.status == ReminderStatus.pending.value)
                .values(status=ReminderStatus.sending.value, lease_until=now + LEASE,
                        attempts=REMINDERS.c.attempts + 1)) == 1:
            claimed.append(reminder_id)
    return claimed


def send_due(session: Session) -> int:
    """Sends the reminders that are due; returns how many went out."""
    now = clock.now()
    with as_system(session):
        claimed = _claim(session, now)
    session.commit()
    sent = 0
    for reminder_id in claimed:
        sent += _send_one(session, reminder_id, now)
        session.commit()
    return sent


def _send_one(session: Session, reminder_id: int, now: datetime) -> int:
    with as_system(session):
        reminder = session.get(SupporterReminder, reminder_id)
        if reminder is None:
            return 0
        # As this worker's claim left it (the claim wrote beneath any loaded copy).
        session.refresh(reminder)
        supporter = session.get(Supporter, reminder.supporter_id)
        page = session.exec(select(PublicPage).where(
            PublicPage.campaign_id == (supporter.campaign_id if supporter else -1),
            PublicPage.published)).first()
        view = public_pages.published(session, page.slug) if page is not None else None
        shown = next((s for s in view.votes if s.record.id == reminder.vote_id), None) \
            if view is not None else None
        if supporter is None or view is None or shown is None or \
                shown.record.scheduled_at.isoformat() != reminder.occurrence:
            # No longer owed: the next plan would have taken it back.
            session.delete(reminder)
            return 0
        vote = shown.record
        with catalogs.use_locale(supporter.language):
            when = mail.when_words(vote.scheduled_at, view.zone,
                                   time_not_announced=bool(vote.time_not_announced))
        email = mail.reminder(supporter, slug=view.page.slug, campaign=view.campaign.name,
                              title=vote.title, when=when, body=shown.extra.get("body") or "",
                              place=vote.location or "", how=shown.note, vote_id=vote.id,
                              comment=shown.extra.get("comment"))
        _, leave = mail.links(supporter, view.page.slug)
        message_id = _message_id(reminder, supporter)
        if not _hand_over(session, reminder):
            return 0
        outcome = mail.send(session, email, leave=leave, message_id=message_id)
        reminder = session.get(SupporterReminder, reminder_id)
        if reminder is None:
            return 1 if outcome.ok else 0
        if outcome.ok:
            reminder.status = ReminderStatus.sent
        elif outcome.permanent or reminder.attempts >= MOST_ATTEMPTS:
            reminder.status, reminder.last_error = ReminderStatus.failed, outcome.error[:500]
            reminder.sent_at = None
        else:
            reminder.status, reminder.last_error = ReminderStatus.pending, outcome.error[:500]
            reminder.due_at = now + timedelta(minutes=2 ** reminder.attempts)
            reminder.sent_at = None
        reminder.lease_until = None
        session.add(reminder)
        session.flush()
        return 1 if outcome.ok else 0


def _hand_over(session: Session, reminder: SupporterReminder) -> bool:
    """Marks the reminder handed to the mail server (sent_at) and commits, before it is: a
    worker that stops from here on leaves a mark that keeps it from being sent again. Only
    the worker whose claim still holds marks it; False when another has taken it over."""
    claim = (reminder.id, reminder.attempts)
    session.flush()
    session.commit()
    marked = rows_changed(session, sa.update(REMINDERS).where(
        REMINDERS.c.id == claim[0], REMINDERS.c.attempts == claim[1],
        REMINDERS.c.status == ReminderStatus.sending.value, REMINDERS.c.sent_at.is_(None))
        .values(sent_at=clock.now()))
    session.commit()
    # Read afresh from here: the mark was made beneath the loaded row.
    session.expire(reminder)
    return marked == 1


def tick(new_session: Callable[[], Session]) -> int:
    """The scheduler's job: expired sign-ups forgotten, confirmations owed sent, reminders
    planned and due ones sent. Returns how many mails went out."""
    with new_session() as session:
        supporters.forget_expired(session)
        plan(session)
        session.commit()
        confirmed = send_confirmations(session)
        session.commit()
        return confirmed + send_due(session)
