"""Reads and writes of campaigns' public pages: what the leads chose, what anyone may see of
it, and turning a page on and off. Everything shown is read afresh at the "public" tier
(permissions.shown_publicly), so a record shared less widely after it was chosen drops off."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from api import clock
from api.agencies.models import Agency
from api.auth import audit, permissions
from api.auth.models import User
from api.auth.scoping import as_system
from api.bodies import comment_rules
from api.bodies.models import Body
from api.campaigns import service as campaigns
from api.campaigns.models import Campaign, CampaignContract, policy_asks_of
from api.contracts.models import Contract
from api.errors import Invalid, NotFound
from api.fields import stored_id
from api.i18n.catalogs import N_
from api.jurisdictions import service as jurisdictions
from api.jurisdictions.models import Jurisdiction
from api.media.models import PressHit
from api.meetings.models import Meeting
from api.public_pages.models import (
    ChosenItem,
    PublicItem,
    PublicPage,
    PublicPageRead,
    PublicPageUpdate,
    ShownKind,
)
from api.records_requests.models import RecordsRequest
from api.targets.models import StanceChange, StanceSource, Target
from api.vendors.models import Vendor
from api.votes.models import Vote, VoteStatus, of_campaigns

MODELS: dict[ShownKind, type[SQLModel]] = {
    ShownKind.target: Target, ShownKind.vote: Vote, ShownKind.agency: Agency,
    ShownKind.contract: Contract, ShownKind.records_request: RecordsRequest,
    ShownKind.press_hit: PressHit,
}
AHEAD = (VoteStatus.scheduled.value, VoteStatus.postponed.value)
# A cancelled vote stays in the supporters' calendar this long after its date, marked
# cancelled, so calendar apps that keep what they once had learn of it and drop it.
CANCELLED_KEPT = timedelta(days=30)
# The most of each kind a page lists, and the form offers.
MOST = 200
# Longer than any address a page may have: refused before the database is asked.
SLUG_MOST = 100
# Said the same for an unknown address and a page not published: no one learns which exist.
NO_PAGE = N_("No public page at this address.")


# Where a stance may come from to be told on a public page: what anyone could look up.
PUBLIC_SOURCES = (StanceSource.public_statement, StanceSource.vote, StanceSource.news)


# ---- the leads' side -------------------------------------------------------------------------

def settings(session: Session, actor: User, campaign_id: int) -> PublicPageRead | None:
    """The campaign's page as its leads set it up; None before they do. Leads only, as its
    settings page: the draft address, words and choices are theirs until published."""
    permissions.require_publishing(actor)
    campaigns.crud.get(session, actor, campaign_id)
    page = session.get(PublicPage, campaign_id)
    if page is None:
        return None
    items = session.exec(select(PublicItem).where(PublicItem.campaign_id == campaign_id)
                         .order_by(PublicItem.kind, PublicItem.record_id)).all()
    return PublicPageRead(
        campaign_id=campaign_id, slug=page.slug, published=page.published,
        published_at=page.published_at, show_stances=page.show_stances, intro=page.intro,
        items=[ChosenItem(kind=i.kind, record_id=i.record_id, note=i.note,
                          talking_points=i.talking_points, sample_comment=i.sample_comment)
               for i in items])


def save(session: Session, actor: User, *, campaign_id: int,
         changes: PublicPageUpdate) -> PublicPageRead:
    """Sets the page's address, what it shows and the leads' words on it. Leads only; every
    chosen record must be shared at the "public" tier."""
    permissions.require_publishing(actor)
    campaigns.crud.get(session, actor, campaign_id)
    taken = session.exec(select(PublicPage.campaign_id).where(
        PublicPage.slug == changes.slug, PublicPage.campaign_id != campaign_id)).first()
    if taken is not None:
        raise Invalid(N_("Another campaign's public page has this address: choose another."),
                      field="slug")
    _check_public(session, changes.items)
    _check_related(session, campaign_id, changes.items)
    page = session.get(PublicPage, campaign_id) or PublicPage(campaign_id=campaign_id,
                                                             slug=changes.slug)
    page.slug, page.show_stances, page.intro = changes.slug, changes.show_stances, changes.intro
    session.add(page)
    session.flush()
    chosen = {(item.kind.value, item.record_id): item for item in changes.items}
    for old in session.exec(select(PublicItem).where(PublicItem.campaign_id == campaign_id)):
        if (str(old.kind), old.record_id) not in chosen:
            session.delete(old)
    session.flush()
    for (kind, record_id), item in chosen.items():
        row = session.get(PublicItem, (campaign_id, kind, record_id))
        if row is None:
            row = PublicItem(campaign_id=campaign_id, kind=ShownKind(kind), record_id=record_id)
        row.note = item.note
        row.talking_points, row.sample_comment = item.talking_points, item.sample_comment
        session.add(row)
    session.flush()
    found = settings(session, actor, campaign_id)
    assert found is not None
    return found


def _check_public(session: Session, items: Iterable[ChosenItem]) -> None:
    wanted: dict[ShownKind, set[int]] = {}
    for item in items:
        wanted.setdefault(item.kind, set()).add(item.record_id)
    with as_system(session):
        for kind, ids in wanted.items():
            model = MODELS[kind]
            key = sa.inspect(model).primary_key[0]
            shown = set(session.execute(select(key).where(
                key.in_(ids), permissions.shown_publicly(model))).scalars())
            if ids - shown:
                raise Invalid(N_("Only records shared with the public can be shown on the "
                                 "public page: share them with “Anyone (public)” first."),
                              field="items")


def _check_related(session: Session, campaign_id: int, items: Iterable[ChosenItem]) -> None:
    """Every chosen record must be one the form offers: the campaign's own (candidates), so a
    forged choice never puts another campaign's vote or an unrelated official on the page."""
    wanted: dict[ShownKind, set[int]] = {}
    for item in items:
        wanted.setdefault(item.kind, set()).add(item.record_id)
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    with as_system(session):
        related = _related(campaign)
        for kind, ids in wanted.items():
            key = sa.inspect(MODELS[kind]).primary_key[0]
            found = set(session.execute(select(key).where(key.in_(ids), related[kind])).scalars())
            if ids - found:
                raise Invalid(N_("Only this campaign's own records can be shown on its public "
                                 "page: choose among those the form offers."), field="items")


def set_published(session: Session, actor: User, *, campaign_id: int,
                  published: bool) -> PublicPageRead:
    """Turns the page on or off, in the audit log. Leads only, and only once set up."""
    permissions.require_publishing(actor)
    campaigns.crud.get(session, actor, campaign_id)
    page = session.get(PublicPage, campaign_id)
    if page is None:
        raise Invalid(N_("Choose the page's address and what it shows before publishing it."),
                      field="slug")
    if page.published != published:
        page.published = published
        if published:
            page.published_at = clock.now()
        session.add(page)
        session.flush()
        audit.record(session, action="publish" if published else "unpublish",
                     record_kind="public_page", record_id=campaign_id,
                     changes={"slug": page.slug})
    found = settings(session, actor, campaign_id)
    assert found is not None
    return found


# ---- what the public sees --------------------------------------------------------------------

@dataclass
class Shown:
    """One record on the page, with the leads' words about it and what it is said with."""

    record: Any
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # A vote's comment kit in the leads' words (empty: made from the campaign's asks).
    talking_points: str = ""
    sample_comment: str = ""


@dataclass
class PublicView:
    """Everything a public page shows: only public-tier records the leads chose."""

    campaign: Campaign
    page: PublicPage
    place: str
    zone: ZoneInfo
    asks: list[dict[str, Any]]
    targets: list[Shown] = field(default_factory=list)
    votes: list[Shown] = field(default_factory=list)
    agencies: list[Shown] = field(default_factory=list)
    contracts: list[Shown] = field(default_factory=list)
    requests: list[Shown] = field(default_factory=list)
    press: list[Shown] = field(default_factory=list)
    # Chosen votes since cancelled, for the calendar only: the page lists votes ahead.
    cancelled: list[Any] = field(default_factory=list)


def published(session: Session, slug: str) -> PublicView:
    """The page at the address, for anyone; NotFound alike for an unknown address and a page
    that is not published."""
    with as_system(session):
        if len(slug) > SLUG_MOST:
            raise NotFound(NO_PAGE)
        page = session.exec(select(PublicPage).where(PublicPage.slug == slug,
                                                     PublicPage.published)).first()
        if page is None:
            raise NotFound(NO_PAGE)
        return _view(session, page)


@dataclass
class CommentKit:
    """What a resident needs to comment on one vote: the vote, how and by when to comment, what
    to say, and whom they address (the decision-makers on its body the page shows)."""

    view: PublicView
    vote: Shown
    addressed: list[Shown]


def comment_kit(session: Session, slug: str, vote_id: int) -> CommentKit:
    """The kit for a vote ahead that the published page shows; NotFound as for a page that
    does not exist for any other vote, so no vote is learned of through it."""
    return _kit(published(session, slug), vote_id)


def preview(session: Session, actor: User, campaign_id: int) -> PublicView:
    """Exactly what the page shows, published or not, for the leads who decide it."""
    permissions.require_publishing(actor)
    campaigns.crud.get(session, actor, campaign_id)
    page = session.get(PublicPage, campaign_id)
    if page is None:
        raise Invalid(N_("Choose the page's address and what it shows first."), field="slug")
    with as_system(session):
        return _view(session, page)


def preview_kit(session: Session, actor: User, campaign_id: int, vote_id: int) -> CommentKit:
    """A vote's kit as the page will show it, published or not, for the page's leads; NotFound
    for a vote the page does not show."""
    view = preview(session, actor, campaign_id)
    return _kit(view, vote_id)


def _kit(view: PublicView, vote_id: int) -> CommentKit:
    vote = next((s for s in view.votes if stored_id(s.record) == vote_id), None)
    if vote is None:
        raise NotFound(NO_PAGE)
    addressed = [t for t in view.targets if t.record.body_id == vote.record.body_id]
    return CommentKit(view=view, vote=vote, addressed=addressed)


def _view(session: Session, page: PublicPage) -> PublicView:
    campaign = session.get(Campaign, page.campaign_id)
    if campaign is None:
        raise NotFound(NO_PAGE)
    zone = campaigns.zone(session, page.campaign_id)
    place = session.get(Jurisdiction, campaign.jurisdiction_id) \
        if campaign.jurisdiction_id is not None else None
    view = PublicView(campaign=campaign, page=page, place=place.name if place else "",
                      zone=zone, asks=[{"ask": str(a["ask"]), "won": bool(a.get("won"))}
                                       for a in policy_asks_of(campaign)])
    chosen: dict[ShownKind, dict[int, str]] = {}
    kits: dict[int, PublicItem] = {}
    for item in session.exec(select(PublicItem).where(PublicItem.campaign_id == page.campaign_id)):
        chosen.setdefault(ShownKind(item.kind), {})[item.record_id] = item.note
        if item.kind == ShownKind.vote:
            kits[item.record_id] = item
    # Only records still the campaign's own: one moved to another campaign drops off.
    related = _related(campaign)
    rows = {kind: _public_rows(session, kind, notes, related[kind])
            for kind, notes in chosen.items()}
    bodies = _names(session, Body, {r.body_id for r in rows.get(ShownKind.target, [])}
                    | {r.body_id for r in rows.get(ShownKind.vote, [])})
    agency_ids = {r.agency_id for k in (ShownKind.contract, ShownKind.records_request)
                  for r in rows.get(k, [])}
    agencies = _names(session, Agency, agency_ids, public=True)
    vendors = _names(session, Vendor, {r.vendor_id for k in (ShownKind.agency, ShownKind.contract)
                                       for r in rows.get(k, [])})
    notes = {kind: chosen.get(kind, {}) for kind in ShownKind}
    standing = _standing(session, page, [stored_id(t) for t in rows.get(ShownKind.target, [])])
    view.targets = [Shown(t, notes[ShownKind.target][stored_id(t)],
                          {"body": bodies.get(t.body_id), "stance": standing.get(stored_id(t))})
                    for t in rows.get(ShownKind.target, [])]
    now = clock.now()
    ahead = [v for v in rows.get(ShownKind.vote, [])
             if v.scheduled_at >= now and str(getattr(v.status, "value", v.status)) in AHEAD]
    rules = _comment_rules(session, ahead)
    view.votes = [Shown(v, notes[ShownKind.vote][stored_id(v)],
                        {"body": bodies.get(v.body_id), "comment": rules[stored_id(v)]},
                        kits[stored_id(v)].talking_points, kits[stored_id(v)].sample_comment)
                  for v in ahead]
    view.cancelled = _cancelled(session, page.campaign_id, list(kits), now)
    view.agencies = [Shown(a, notes[ShownKind.agency][stored_id(a)],
                           {"vendor": vendors.get(a.vendor_id)})
                     for a in rows.get(ShownKind.agency, [])]
    view.contracts = [Shown(k, notes[ShownKind.contract][stored_id(k)],
                            {"agency": agencies.get(k.agency_id),
                             "vendor": vendors.get(k.vendor_id)})
                      for k in rows.get(ShownKind.contract, [])]
    view.requests = [Shown(r, notes[ShownKind.records_request][stored_id(r)],
                           {"agency": agencies.get(r.agency_id)})
                     for r in rows.get(ShownKind.records_request, [])]
    view.press = [Shown(p, notes[ShownKind.press_hit][stored_id(p)])
                  for p in rows.get(ShownKind.press_hit, [])]
    return view


def _cancelled(session: Session, campaign_id: int, chosen: list[int],
               now: datetime) -> list[Vote]:
    """The chosen votes of the campaign cancelled since, shared at the public tier still and
    not long past: the calendar says them cancelled rather than dropping them."""
    if not chosen:
        return []
    return list(session.execute(sa.select(Vote).where(
        Vote.id.in_(chosen), of_campaigns(campaign_id),
        Vote.status == VoteStatus.cancelled.value,
        Vote.scheduled_at >= now - CANCELLED_KEPT, permissions.shown_publicly(Vote))
        .order_by(*ORDER[ShownKind.vote]).limit(MOST)).scalars())


@dataclass(frozen=True)
class HowToComment:
    """A vote's public comment as its body's rules say it: by when and where to write, how to
    sign up to speak and until when, on the wall clock where the body meets."""

    written_by: datetime | None = None
    send_to: str = ""
    speaker_signup: str = ""
    signup_closes: datetime | None = None
    # A rule counted from the meeting's start, for a vote whose hour is not announced yet.
    hours_before: int = 0

    @property
    def said(self) -> bool:
        return bool(self.written_by or self.send_to or self.speaker_signup or self.signup_closes
                    or self.hours_before)


def _comment_rules(session: Session, votes: list[Vote]) -> dict[int, HowToComment]:
    """Each vote's public-comment rules from its body. A body is the coalition's shared fact,
    as its name on the page is; only its public-comment rules are read from it here."""
    ids = {v.body_id for v in votes if v.body_id is not None}
    found = {stored_id(b): b for b in session.exec(select(Body).where(Body.id.in_(ids)))} \
        if ids else {}
    zones = {body_id: jurisdictions.zone(session, body.jurisdiction_id)
             for body_id, body in found.items()}
    out: dict[int, HowToComment] = {}
    for vote in votes:
        body = found.get(vote.body_id) if vote.body_id is not None else None
        if body is None:
            out[stored_id(vote)] = HowToComment()
            continue
        known = not vote.time_not_announced
        times = comment_rules.comment_times(body, vote.scheduled_at, zones[stored_id(body)],
                                            time_known=known)
        waiting = body.comment_hours_before if not known and str(body.comment_deadline) == \
            comment_rules.CommentDeadline.hours_before else 0
        out[stored_id(vote)] = HowToComment(
            written_by=times.written_by, send_to=body.comment_send_to,
            speaker_signup=body.speaker_signup, signup_closes=times.signup_closes,
            hours_before=waiting)
    return out


ORDER: dict[ShownKind, tuple[Any, ...]] = {
    ShownKind.target: (Target.name, Target.id),
    ShownKind.vote: (Vote.scheduled_at, Vote.id),
    ShownKind.agency: (Agency.name, Agency.id),
    ShownKind.contract: (Contract.title, Contract.id),
    ShownKind.records_request: (RecordsRequest.sent_on, RecordsRequest.id),
    ShownKind.press_hit: (PressHit.published_on.desc(), PressHit.id),
}


def _public_rows(session: Session, kind: ShownKind, chosen: dict[int, str],
                 related: Any) -> list[Any]:
    model = MODELS[kind]
    key = sa.inspect(model).primary_key[0]
    return list(session.execute(sa.select(model).where(
        key.in_(list(chosen)), related, permissions.shown_publicly(model))
        .order_by(*ORDER[kind]).limit(MOST)).scalars())


def _names(session: Session, model: Any, ids: set[int | None], *,
           public: bool = False) -> dict[int, str]:
    """Names of the records a shown one points at; of an owned kind, only public ones."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    label = model.name
    conditions = [model.id.in_(wanted)]
    if public:
        conditions.append(permissions.shown_publicly(model))
    return {int(i): str(n) for i, n in session.execute(sa.select(model.id, label)
                                                         .where(*conditions)).all()}


def _standing(session: Session, page: PublicPage, target_ids: list[int]) -> dict[int, str]:
    """Where each decision-maker stands on the campaign, when the leads show it: their latest
    change told by a public source (their own statement, a recorded vote, the news, or a
    meeting shared at the public tier). A stance a member noted from a private talk or from
    anywhere else is the coalition's reading, not a public record, and never shows."""
    if not page.show_stances or not target_ids:
        return {}
    public_meetings = select(Meeting.id).where(permissions.shown_publicly(Meeting))
    rows = session.exec(select(StanceChange).where(
        StanceChange.campaign_id == page.campaign_id, StanceChange.target_id.in_(target_ids),
        sa.or_(sa.and_(StanceChange.meeting_id.is_(None),
                       StanceChange.source.in_([s.value for s in PUBLIC_SOURCES])),
               StanceChange.meeting_id.in_(public_meetings)))
        .order_by(StanceChange.recorded_at, StanceChange.id)).all()
    return {row.target_id: str(getattr(row.to_level, "value", row.to_level)) for row in rows}


# ---- what the leads may choose from --------------------------------------------------------

def candidates(session: Session, actor: User, campaign_id: int) -> dict[ShownKind, list[Any]]:
    """The campaign's public-tier records the leads may put on its page: decision-makers on
    its bodies or with a stance on it, its votes ahead, its place's agencies and contracts
    and those it names, its records requests and press."""
    permissions.require_publishing(actor)
    campaign = campaigns.crud.get(session, actor, campaign_id)
    with as_system(session):
        related = _related(campaign)
        return {kind: list(session.execute(sa.select(MODELS[kind]).where(
            condition, permissions.shown_publicly(MODELS[kind]))
            .order_by(*ORDER[kind]).limit(MOST)).scalars())
            for kind, condition in related.items()}


def _related(campaign: Campaign) -> dict[ShownKind, Any]:
    """Per kind, the condition for a record of the campaign's own, which its page may show."""
    campaign_id, place = stored_id(campaign), campaign.jurisdiction_id
    # A campaign without a place has no local agencies or bodies (not those without one).
    here = sa.true() if place is not None else sa.false()
    local_agencies = select(Agency.id).where(Agency.jurisdiction_id == place, here)
    named = select(CampaignContract.contract_id).where(
        CampaignContract.campaign_id == campaign_id)
    bodies = select(Body.id).where(Body.jurisdiction_id == place, here)
    vote_bodies = select(Vote.body_id).where(of_campaigns(campaign_id))
    stanced = select(StanceChange.target_id).where(StanceChange.campaign_id == campaign_id)
    return {
        ShownKind.target: sa.or_(Target.body_id.in_(bodies), Target.body_id.in_(vote_bodies),
                                 Target.id.in_(stanced)),
        ShownKind.vote: sa.and_(of_campaigns(campaign_id), Vote.scheduled_at >= clock.now()),
        ShownKind.agency: sa.or_(Agency.id.in_(local_agencies), Agency.id.in_(
            select(Contract.agency_id).where(Contract.id.in_(named)))),
        ShownKind.contract: sa.or_(Contract.id.in_(named),
                                   Contract.agency_id.in_(local_agencies)),
        ShownKind.records_request: RecordsRequest.campaign_id == campaign_id,
        ShownKind.press_hit: PressHit.campaign_id == campaign_id,
    }


def label_of(record: Any) -> str:
    """What the leads' form calls a record it offers."""
    return str(getattr(record, "name", None) or getattr(record, "title", None)
               or getattr(record, "subject", ""))


def when_local(at: datetime | None, zone: ZoneInfo) -> datetime | None:
    return clock.local(at, zone) if at is not None else None
