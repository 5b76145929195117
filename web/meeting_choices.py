"""What the meeting form offers: the user's current campaign, their own organization, and who
they may have met, found by typing, those their organization met lately first, then the
current campaign's targets. Every list goes through the concept's own list search with the
acting user, so nobody is offered a record they may not read."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api import clock
from api.auth import permissions
from api.auth.models import User
from api.bodies.models import Body
from api.campaigns.models import Campaign, CampaignLead, CampaignStatus
from api.meetings.models import Meeting, MeetingAttendee, MeetingTarget
from api.people.models import Person
from api.targets import service as targets
from api.targets.models import Target
from api.votes.models import Vote, of_campaigns
from web.concept_pages import ListRequest, list_rows
from web.concepts import SPECS, ref_options

# Offered before any typing: a phone screen of rows, the likeliest first.
OFFERED_TARGETS = 6
OFFERED_PEOPLE = 4
# Offered for what was typed.
FOUND_TARGETS = 8
FOUND_PEOPLE = 5
# Whom the organization met within this long is whom it likely meets again.
RECENTLY = timedelta(days=60)
MAX_CHOSEN = 200


def _organization(actor: User) -> int | None:
    return getattr(actor, "organization_id", None)


def current_campaign(session: Session, actor: User) -> int | None:
    """The campaign the user is working on: that of their organization's latest meeting, else
    the active campaign their organization leads that changed last, else the only active one.
    None when nothing says which: the form then asks rather than guesses."""
    org = _organization(actor)
    if org is not None:
        latest = session.execute(
            sa.select(Meeting.campaign_id)
            .where(Meeting.organization_id == org, Meeting.campaign_id.is_not(None))
            .order_by(Meeting.held_at.desc()).limit(1)).scalar()
        if latest is not None:
            return int(latest)
        led = session.execute(
            sa.select(Campaign.id).join(CampaignLead, CampaignLead.campaign_id == Campaign.id)
            .where(CampaignLead.organization_id == org,
                   Campaign.status == CampaignStatus.active.value)
            .order_by(Campaign.updated_at.desc()).limit(1)).scalar()
        if led is not None:
            return int(led)
    active = session.execute(sa.select(Campaign.id)
                             .where(Campaign.status == CampaignStatus.active.value)
                             .limit(2)).scalars().all()
    return int(active[0]) if len(active) == 1 else None


def organizations_for(session: Session, actor: User) -> list[tuple[int, str]]:
    """The organizations the user may log a meeting for: a partner or viewer only their own;
    leads and administrators any, their own first."""
    org = _organization(actor)
    options = ref_options(session, "organization")
    return sorted((option for option in options
                   if permissions.may_log_meeting_for(actor, option[0])),
                  key=lambda option: option[0] != org)


def _recent(link: Any, column: str, org: int) -> Any:
    """Ids met at the organization's own meetings of the last while: its own meetings, which
    its members may read whatever their sharing."""
    meetings = sa.select(Meeting.id).where(Meeting.organization_id == org,
                                           Meeting.held_at >= clock.now() - RECENTLY)
    return sa.select(getattr(link, column)).where(link.meeting_id.in_(meetings))


def _campaign_targets(actor: User, campaign: Campaign | None) -> list[Any]:
    """The members of the bodies the campaign is about (those its votes go to, those of its
    jurisdiction) and anyone with a stance on it. A stance recorded for one member of some
    other body (a county supervisor) brings that member, not the whole board."""
    if campaign is None:
        return []
    voted = sa.select(Vote.body_id).where(of_campaigns(campaign.id))
    bodies = [Target.body_id.in_(voted)]
    if campaign.jurisdiction_id is not None:
        bodies.append(Target.body_id.in_(
            sa.select(Body.id).where(Body.jurisdiction_id == campaign.jurisdiction_id)))
    stanced = targets.with_stance(actor, campaign=campaign.id)
    return [sa.or_(*bodies, Target.id.in_(stanced))]


def _rows(session: Session, actor: User, noun: str, ids: Sequence[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    model = SPECS[noun].model
    found = list_rows(session, actor, SPECS[noun], ListRequest(sort="name"),
                      where=[model.id.in_(list(ids)[:MAX_CHOSEN])], limit=MAX_CHOSEN).rows
    order = {value: index for index, value in enumerate(ids)}
    return sorted(found, key=lambda row: order.get(row["id"], 0))


def _first(session: Session, actor: User, noun: str, groups: list[list[Any]], *, q: str,
           skip: Sequence[int], limit: int) -> list[dict[str, Any]]:
    """Up to `limit` readable records matching `q`, taken group by group (each by name)."""
    model = SPECS[noun].model
    found: list[dict[str, Any]] = []
    seen = set(skip)
    for where in groups:
        if len(found) >= limit:
            break
        rows = list_rows(session, actor, SPECS[noun], ListRequest(q=q, sort="name"),
                         where=[*where, model.id.not_in(seen)] if seen else where,
                         limit=limit - len(found)).rows
        found.extend(rows)
        seen.update(row["id"] for row in rows)
    return found


def who(session: Session, actor: User, *, campaign_id: int | None, q: str = "",
        target_ids: Sequence[int] = (), attendee_ids: Sequence[int] = ()) -> dict[str, Any]:
    """Those already chosen, then those offered: for `q` when one was typed, else the
    likeliest: whom the organization met lately, then the campaign's targets, or the
    organization's own people."""
    org = _organization(actor)
    q = q.strip()[:200]
    searching = bool(q)
    campaign = session.get(Campaign, campaign_id) if campaign_id else None
    met_targets = [[Target.id.in_(_recent(MeetingTarget, "target_id", org))]] \
        if org is not None else []
    met_people = [[Person.id.in_(_recent(MeetingAttendee, "person_id", org))]] \
        if org is not None else []
    target_groups = [*met_targets, *([_campaign_targets(actor, campaign)] if campaign else []),
                     []]
    people_groups = [*met_people,
                     *([[Person.owner_organization_id == org]] if org is not None else []), []]
    return {
        "chosen_targets": _rows(session, actor, "targets", target_ids),
        "chosen_people": _rows(session, actor, "people", attendee_ids),
        "found_targets": _first(session, actor, "targets", target_groups,
                                q=q, skip=target_ids,
                                limit=FOUND_TARGETS if searching else OFFERED_TARGETS),
        "found_people": _first(session, actor, "people", people_groups, q=q, skip=attendee_ids,
                               limit=FOUND_PEOPLE if searching else OFFERED_PEOPLE),
        "who_q": q,
    }
