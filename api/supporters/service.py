"""Supporters: signing up on a campaign's public page (double opt-in), unsubscribing with one
click, what the campaign's leads see of them, and erasure. Anyone may sign up; the answer is
the same whether the address was new, pending or confirmed, so nobody learns who signed up."""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock, signing
from api.auth import audit, permissions
from api.auth.models import User
from api.auth.scoping import as_system
from api.campaigns import service as campaigns
from api.campaigns.models import Campaign
from api.db import rows_changed, table_of
from api.errors import DomainError, Invalid
from api.i18n import locales
from api.i18n.catalogs import N_
from api.public_pages.models import PublicPage
from api.supporters.models import (
    Supporter,
    SupporterAttempt,
    SupporterReminder,
    SupporterState,
)

# A form is taken for a day after the page that carries it was made; the token changes each
# hour, so the page stays the same (and cacheable) within the hour.
FORM_HOURS = 24
# A sign-up not confirmed within two days is deleted.
PENDING_FOR = timedelta(hours=48)
# No more sign-ups wait for confirmation per campaign than this: bounded storage.
PENDING_MOST = 500
# Sign-ups per client address an hour, and per email address a day (every campaign).
PER_CLIENT_HOUR = 10
PER_ADDRESS_DAY = 3
# A repeated sign-up of a pending address mails again only after this long.
MAIL_AGAIN_AFTER = timedelta(minutes=10)
# A confirmation the mail server did not take is tried this many times in all.
MAIL_MOST = 5
ATTEMPTS_KEPT = timedelta(days=1)

TOO_MANY = N_("Too many sign-ups from here or for this address: please try again later.")
FULL = N_("Too many sign-ups are waiting for confirmation right now: please try again later.")
EXPIRED_FORM = N_("This form has expired: reload the page and sign up again.")
CONFIRM_PURPOSE = "supporter-confirm"
LEAVE_PURPOSE = "supporter-unsubscribe"
FORM_PURPOSE = "supporter-form"
ATTEMPT_PURPOSE = "supporter-attempt"


class TooMany(DomainError):
    status = 429


# ---- tokens --------------------------------------------------------------------------------

def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _check(purpose: str, message: str) -> str:
    return _b64(signing.sign(purpose, message)[:18])


def _hour(at: datetime) -> int:
    return int(at.timestamp() // 3600)


def form_token(campaign_id: int) -> str:
    """The token a page's sign-up form carries: for this campaign, made this hour."""
    hour = _hour(clock.now())
    return f"{hour}.{_check(FORM_PURPOSE, f'{campaign_id}.{hour}')}"


def form_token_valid(campaign_id: int, token: str) -> bool:
    hour, _, check = token.partition(".")
    if not hour.isascii() or not hour.isdigit() or len(hour) > 12:
        return False
    age = _hour(clock.now()) - int(hour)
    return 0 <= age <= FORM_HOURS and hmac.compare_digest(
        check, _check(FORM_PURPOSE, f"{campaign_id}.{hour}"))


# A link names its sign-up by a number that says nothing of how many there are: the row's id
# through a keyed permutation of 48-bit numbers (a small Feistel network on the key).
MASK_PURPOSE = "supporter-number"
HALF = 24
ID_MOST = 2**31 - 1


def _round(step: int, half: int) -> int:
    return int.from_bytes(signing.sign(MASK_PURPOSE, f"{step}.{half}")[:3], "big")


def _mask(number: int) -> int:
    left, right = number >> HALF, number & ((1 << HALF) - 1)
    for step in range(4):
        left, right = right, left ^ _round(step, right)
    return (left << HALF) | right


def _unmask(number: int) -> int:
    left, right = number >> HALF, number & ((1 << HALF) - 1)
    for step in reversed(range(4)):
        left, right = right ^ _round(step, left), left
    return (left << HALF) | right


def _supporter_token(purpose: str, supporter: Supporter, *, until: int | None = None) -> str:
    # The address is in the check: a link made for an erased sign-up never works for another.
    assert supporter.id is not None
    number = _mask(supporter.id)
    body = f"{number}" if until is None else f"{number}.{until}"
    return f"{body}.{_check(purpose, f'{body}.{supporter.email}')}"


def confirm_token(supporter: Supporter) -> str:
    until = int((clock.now() + PENDING_FOR).timestamp())
    return _supporter_token(CONFIRM_PURPOSE, supporter, until=until)


def leave_token(supporter: Supporter) -> str:
    """The unsubscribe link's token: good for as long as the supporter is kept."""
    return _supporter_token(LEAVE_PURPOSE, supporter)


def _read_token(session: Session, purpose: str, token: str, *,
                expires: bool) -> Supporter | None:
    parts = token.split(".")
    if len(parts) != (3 if expires else 2) or len(token) > 100:
        return None
    if not all(p.isascii() and p.isdigit() and len(p) <= 15 for p in parts[:-1]):
        return None
    if expires and int(parts[1]) < clock.now().timestamp():
        return None
    try:
        given = parts[-1].encode()
        base64.urlsafe_b64decode(given + b"=" * (-len(given) % 4))
    except (binascii.Error, ValueError):
        return None
    body = ".".join(parts[:-1])
    number = int(parts[0])
    # Links mailed before numbers were masked carry the row's id itself; they keep working.
    for supporter_id in ((_unmask(number), number) if number < 1 << 2 * HALF else (number,)):
        # Only what an id column holds is asked for: PostgreSQL refuses a larger number.
        if supporter_id > ID_MOST:
            continue
        supporter = session.get(Supporter, supporter_id)
        if supporter is not None and hmac.compare_digest(
                parts[-1], _check(purpose, f"{body}.{supporter.email}")):
            return supporter
    return None


def _on_page(session: Session, supporter: Supporter | None, slug: str) -> Supporter | None:
    # A link works only under its own campaign's current address, published or not (an
    # unsubscribe must always work); under any other it is as an unknown address.
    if supporter is None:
        return None
    page = session.get(PublicPage, supporter.campaign_id)
    return supporter if page is not None and page.slug == slug else None


# ---- signing up ----------------------------------------------------------------------------

def _attempt_key(kind: str, value: str) -> str:
    return hashlib.sha256(signing.sign(ATTEMPT_PURPOSE, f"{kind}:{value}")).hexdigest()


def normalized(email: str) -> str:
    """The address as kept and mailed: lowercase, its domain in its ASCII (IDNA) form, so an
    internationalized domain reaches mail servers that know only ASCII names. A domain that
    has no such form is kept as given (the sending then fails and says so)."""
    address = email.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address


def count_attempt(session: Session, *, client: str, email: str) -> bool:
    """Notes a sign-up asked for, by keyed hashes of the client's and the email address, and
    refuses when the client asked too often. Kept whether or not the sign-up goes on. Whether
    the address itself was asked for too often is returned, not said: an answer that changed
    with it would tell who else tried the address today (its owner, signing up)."""
    now = clock.now()
    by_client, by_address = _attempt_key("client", client), _attempt_key("email", normalized(email))
    with as_system(session):
        _note_attempt(session, now, by_client, by_address if email else "")
        asked = {key: session.exec(select(sa.func.count()).select_from(SupporterAttempt).where(
                SupporterAttempt.key == key, SupporterAttempt.at > now - since)).one()
            for key, since in ((by_client, timedelta(hours=1)),
                               (by_address, timedelta(days=1)))}
    # This attempt is counted too: the limit is the number of tries, this one included.
    if asked[by_client] > PER_CLIENT_HOUR:
        raise TooMany(TOO_MANY)
    return not email or asked[by_address] <= PER_ADDRESS_DAY


def _note_attempt(session: Session, now: datetime, *keys: str) -> None:
    for key in keys:
        if key:
            session.add(SupporterAttempt(key=key, at=now))
    session.flush()


def sign_up(session: Session, *, slug: str, email: str, zip_code: str, language: str) -> None:
    """A sign-up on the published page at `slug`: a new address is kept pending and owed a
    confirmation link; a pending one is owed it again (not too often); a confirmed one is left
    as it is. The mail goes out from the scheduler, never inside the request, so neither what
    the visitor is told nor how long the answer takes says which case it was."""
    with as_system(session):
        page = session.exec(select(PublicPage).where(PublicPage.slug == slug,
                                                     PublicPage.published)).first()
        if page is None:
            raise Invalid(N_("This page is no longer published."))
        now = clock.now()
        address = normalized(email)
        # Full for every address alike, known or not, so the refusal tells nothing of one.
        forget_expired(session)
        waiting = session.exec(select(sa.func.count()).select_from(Supporter).where(
            Supporter.campaign_id == page.campaign_id,
            Supporter.state == SupporterState.pending)).one()
        if waiting >= PENDING_MOST:
            raise TooMany(FULL)
        found = session.exec(select(Supporter).where(Supporter.campaign_id == page.campaign_id,
                                                     Supporter.email == address)).first()
        if found is not None and found.state == SupporterState.confirmed:
            return
        if found is None:
            found = Supporter(campaign_id=page.campaign_id, email=address)
        elif found.mailed_at is None or now - found.mailed_at < MAIL_AGAIN_AFTER:
            # Owed a mail already, or mailed a moment ago.
            return
        found.zip_code = zip_code
        found.language = language if locales.is_supported(language) else locales.SUPPORTED[0]
        # No mail sent yet: owed one, which the scheduler's next tick sends.
        found.mailed_at = found.mail_retry_at = None
        found.mail_attempts, found.mail_error = 0, ""
        found.updated_at = now
        session.add(found)
        session.flush()


def owed_confirmation(session: Session) -> list[int]:
    """The pending sign-ups owed a confirmation mail (a retried one once its time has come),
    oldest first."""
    with as_system(session):
        return [i for i in session.exec(select(Supporter.id).where(
            Supporter.state == SupporterState.pending, Supporter.mailed_at.is_(None),
            sa.or_(Supporter.mail_retry_at.is_(None), Supporter.mail_retry_at <= clock.now()))
            .order_by(Supporter.id)).all() if i is not None]


def claim_confirmation(session: Session, supporter_id: int) -> bool:
    """Takes the sign-up's owed mail for sending, once: two ticks never send it twice."""
    table = table_of(Supporter)
    with as_system(session):
        return rows_changed(session, sa.update(table).where(
            table.c.id == supporter_id, table.c.mailed_at.is_(None)).values(
                mailed_at=clock.now(), mail_attempts=table.c.mail_attempts + 1)) == 1


def confirmation_failed(session: Session, supporter_id: int, error: str, *,
                        permanent: bool) -> None:
    """The mail server did not take the confirmation: tried again later (2, 4, 8… minutes)
    unless the refusal is for good or it was tried MAIL_MOST times; the refusal is kept."""
    table = table_of(Supporter)
    with as_system(session):
        tried = session.execute(sa.select(table.c.mail_attempts).where(
            table.c.id == supporter_id)).scalar()
        if tried is None:
            return
        again = not permanent and tried < MAIL_MOST
        session.execute(sa.update(table).where(table.c.id == supporter_id).values(
            mail_error=error[:500], mailed_at=None if again else table.c.mailed_at,
            mail_retry_at=clock.now() + timedelta(minutes=2 ** tried) if again else None))


class ElsewhereLink(DomainError):
    """A good link followed under another page's address: answered as an unknown address."""

    status = 404


def _following(session: Session, purpose: str, slug: str, token: str, *,
               expires: bool) -> Supporter | None:
    supporter = _read_token(session, purpose, token, expires=expires)
    if supporter is not None and _on_page(session, supporter, slug) is None:
        raise ElsewhereLink(N_("No public page at this address."))
    return supporter


def confirming(session: Session, slug: str, token: str) -> Supporter | None:
    """The sign-up the confirmation link names, if the link is good and not expired. A good
    link under another page's address raises ElsewhereLink."""
    with as_system(session):
        return _following(session, CONFIRM_PURPOSE, slug, token, expires=True)


def confirm(session: Session, slug: str, token: str) -> Supporter | None:
    """Confirms the sign-up the link names; None for a link that is not good (expired, or
    for a sign-up deleted meanwhile)."""
    with as_system(session):
        supporter = _following(session, CONFIRM_PURPOSE, slug, token, expires=True)
        if supporter is None:
            return None
        if supporter.state != SupporterState.confirmed:
            supporter.state = SupporterState.confirmed
            supporter.confirmed_at = supporter.updated_at = clock.now()
            session.add(supporter)
            session.flush()
        return supporter


def leaving(session: Session, slug: str, token: str) -> Supporter | None:
    with as_system(session):
        return _following(session, LEAVE_PURPOSE, slug, token, expires=False)


def unsubscribe(session: Session, slug: str, token: str) -> None:
    """Deletes the supporter the link names, and the reminders owed to them. A link already
    used (or never good) does nothing: the answer is the same."""
    with as_system(session):
        supporter = _following(session, LEAVE_PURPOSE, slug, token, expires=False)
        if supporter is not None:
            _delete(session, [supporter.id])


def campaign_name(session: Session, supporter: Supporter) -> str:
    """The name of the campaign the supporter signed up for, for the pages their links open."""
    with as_system(session):
        campaign = session.get(Campaign, supporter.campaign_id)
        return campaign.name if campaign is not None else ""


def _delete(session: Session, ids: list[int | None]) -> None:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return
    # Core statements, so no audit entry copies an address being forgotten.
    session.execute(sa.delete(table_of(SupporterReminder)).where(
        table_of(SupporterReminder).c.supporter_id.in_(wanted)))
    session.execute(sa.delete(table_of(Supporter)).where(table_of(Supporter).c.id.in_(wanted)))
    for supporter in [s for s in session.identity_map.values() if isinstance(s, Supporter)]:
        if supporter.id in wanted:
            session.expunge(supporter)


def forget_expired(session: Session) -> int:
    """Deletes sign-ups never confirmed in time and attempts older than the limits count."""
    now = clock.now()
    with as_system(session):
        stale = list(session.exec(select(Supporter.id).where(
            Supporter.state == SupporterState.pending,
            Supporter.created_at < now - PENDING_FOR)).all())
        _delete(session, list(stale))
        session.execute(sa.delete(table_of(SupporterAttempt)).where(
            table_of(SupporterAttempt).c.at < now - ATTEMPTS_KEPT))
    return len(stale)


# ---- the leads' side -----------------------------------------------------------------------

@dataclass(frozen=True)
class Counts:
    confirmed: int
    pending: int
    # Pending sign-ups whose confirmation the mail server refused for good or after every try,
    # and the newest refusal: the leads' cue to look at the mail settings.
    undelivered: int = 0
    last_refusal: str = ""


def counts(session: Session, actor: User, campaign_id: int) -> Counts:
    """How many have signed up and confirmed, and how many wait: for the campaign's leads."""
    permissions.require_publishing(actor)
    campaigns.crud.get(session, actor, campaign_id)
    # A pending sign-up whose confirmation the mail server refused for good: no retry is due.
    given_up = sa.and_(Supporter.state == SupporterState.pending, Supporter.mail_error != "",
                       Supporter.mail_retry_at.is_(None))
    confirmed, pending, undelivered, newest = session.execute(sa.select(
        _count_where(Supporter.state == SupporterState.confirmed),
        _count_where(Supporter.state == SupporterState.pending),
        _count_where(given_up),
        sa.func.max(sa.case((given_up, Supporter.id))),
    ).where(Supporter.campaign_id == campaign_id)).one()
    last = session.execute(sa.select(Supporter.mail_error).where(
        Supporter.id == newest)).scalar() if newest is not None else None
    return Counts(confirmed=int(confirmed), pending=int(pending), undelivered=int(undelivered),
                  last_refusal=last or "")


def _count_where(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


EXPORT_COLUMNS = ("email", "zip_code", "language", "confirmed_at")


def export(session: Session, actor: User, campaign_id: int) -> list[tuple[str, str, str, str]]:
    """The confirmed supporters, for the campaign's leads, in the audit log."""
    permissions.require_publishing(actor)
    campaigns.crud.get(session, actor, campaign_id)
    rows = session.execute(sa.select(Supporter.email, Supporter.zip_code, Supporter.language,
                                     Supporter.confirmed_at).where(
        Supporter.campaign_id == campaign_id, Supporter.state == SupporterState.confirmed)
        .order_by(Supporter.confirmed_at, Supporter.id)).all()
    audit.record(session, action="export", record_kind="supporters", record_id=campaign_id,
                 changes={"count": len(rows)})
    return [(e, z, lang, at.isoformat() if at else "") for e, z, lang, at in rows]


def erase_address(session: Session, actor: User, email: str) -> int:
    """Erasure on request: every sign-up of the address, on every campaign, is deleted for
    good. Who may erase people may erase supporters; the audit log keeps only the count."""
    permissions.require_publishing(actor)
    return forget_address(session, email)


def forget_address(session: Session, email: str) -> int:
    """Deletes every sign-up of the address (as part of erasing a person with it)."""
    address = email.strip().lower()
    if not address:
        return 0
    with as_system(session):
        ids = list(session.exec(select(Supporter.id).where(Supporter.email == address)).all())
        _delete(session, list(ids))
        if ids:
            audit.record(session, action="erase", record_kind="supporters", record_id=None,
                         changes={"count": len(ids)})
    return len(ids)
