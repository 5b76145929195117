"""Reads and writes of campaign actions."""

from datetime import date
from functools import cache
from typing import Any, TypedDict, cast

import sqlalchemy as sa
from sqlmodel import Session

from api.actions.models import ACTIONS, Action, ActionKind, ActionRead, ActionStatus
from api.auth.models import User, Visibility
from api.auth.scoping import built_once, read
from api.crud import Crud
from api.organizations.models import Organization

crud: Crud[Action, ActionRead] = Crud(**ACTIONS.crud_options())


CAMPAIGN = sa.bindparam("campaign_id", type_=sa.Integer())


class BoardCard(TypedDict):
    """An action as a campaign's board shows it, with the owner and visibility that decide
    who may move it (a mapping, as permissions.writable_rows reads rows)."""

    id: int
    title: str
    kind: ActionKind | str
    scheduled_on: date | None
    status: ActionStatus | str
    owner_organization_id: int | None
    visibility: Visibility | str
    owner_name: str | None
    # How many of the board's cards share this card's status (its column's count).
    in_status: int


@cache
def _board(limit: int, first: int | None) -> sa.Select[Any]:
    # Made once, for any campaign: building the statement cost more than running it.
    mine = (sa.select(Action.id, Action.title, Action.kind, Action.scheduled_on, Action.status,
                      Action.owner_organization_id, Action.visibility)
            .where(Action.campaign_id == CAMPAIGN))
    # Dated and undated apart, each in the order of the index on (campaign, date): only the
    # first few of each are read, where one order with undated last sorted all of them.
    dated = (mine.where(Action.scheduled_on.is_not(None))
             .order_by(Action.scheduled_on, Action.id).limit(limit).subquery())
    undated = (mine.where(Action.scheduled_on.is_(None))
               .order_by(Action.id).limit(limit).subquery())
    both = sa.union_all(sa.select(dated), sa.select(undated)).subquery()
    taken = (sa.select(both).order_by(both.c.scheduled_on.is_(None), both.c.scheduled_on,
                                      both.c.id).limit(limit).subquery())
    # The board's cards, numbered within their column and counted: a page that draws a
    # column's first few cards reads those only, with the column's count.
    order = (taken.c.scheduled_on.is_(None), taken.c.scheduled_on, taken.c.id)
    cards = sa.select(taken, sa.func.row_number().over(partition_by=taken.c.status,
                                                       order_by=order).label("place"),
                      sa.func.count().over(partition_by=taken.c.status).label("in_status")
                      ).subquery()
    # The owner's name looked up for each card: joined, PostgreSQL read every organization
    # into a hash for the few the board shows.
    owner_name = (sa.select(Organization.name)
                  .where(Organization.id == cards.c.owner_organization_id)
                  .scalar_subquery().label("owner_name"))
    stmt = sa.select(cards.c.id, cards.c.title, cards.c.kind, cards.c.scheduled_on,
                     cards.c.status, cards.c.owner_organization_id, cards.c.visibility,
                     owner_name, cards.c.in_status)
    if first is not None:
        stmt = stmt.where(cards.c.place <= first)
    return built_once(stmt.order_by(cards.c.scheduled_on.is_(None), cards.c.scheduled_on,
                                    cards.c.id))


def board(session: Session, actor: User, *, campaign_id: int, limit: int,
          first: int | None = None) -> list[BoardCard]:
    """A campaign's first `limit` actions by date, undated last: what its board shows of each,
    with the owner and visibility that decide who may move a card and how many cards share
    its status, in one query; with `first`, only the first that many of each status."""
    found = read(session, _board(limit, first), {CAMPAIGN.key: campaign_id})
    # The statement selects exactly these columns (_board).
    return [cast(BoardCard, row._asdict()) for row in found]
