"""Campaigns counted from a vote follow it: wherever its date is changed (by hand, through the
JSON API or by the agenda watcher), their vote date and unfinished dated steps move with it."""

from sqlmodel import Session, select

from api.actions.models import Action
from api.auth.models import User
from api.bodies import service as bodies
from api.campaigns import service as campaigns
from api.campaigns.anchors import AnchorKind
from api.campaigns.models import CampaignUpdate
from api.votes.models import Vote


def follow_vote(session: Session, actor: User, vote: Vote) -> list[int]:
    """Campaigns whose steps are counted from this vote take its day as their vote date, and
    their unfinished steps move with it; the campaigns moved."""
    day = vote.scheduled_at.astimezone(bodies.zone(session, vote.body_id)).date()
    found = session.exec(select(Action.campaign_id).where(
        Action.vote_id == vote.id, Action.anchor_kind == AnchorKind.vote,
        Action.campaign_id.is_not(None)).distinct()).all()
    moved = []
    for campaign_id in found:
        campaign = campaigns.crud.get(session, actor, campaign_id)
        if campaign.vote_date != day:
            campaigns.crud.update(session, actor, campaign_id, CampaignUpdate(vote_date=day))
            moved.append(campaign_id)
    return moved
