"""What a public page shows, read afresh at the "public" tier: stances only from public
sources, records shared less widely after they were chosen dropped, votes past left off."""

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from api.auth.models import Role, Visibility
from api.errors import Forbidden, NotFound
from api.public_pages import service as public_pages
from api.public_pages.models import ChosenItem, PublicPageUpdate, ShownKind
from api.targets import service as targets
from api.targets.models import Target
from api.votes.models import Vote
from tests import factories as f
from tests.factories.public_pages import Ground, make_ground


@pytest.fixture
def ground(session: Session, actor: Any, frozen_now: datetime) -> Ground:
    return make_ground(session, actor)


@pytest.fixture
def lead(session: Session) -> Any:
    return f.make_user(Role.lead, session=session)


def _publish(session: Session, lead: Any, ground: Ground, *, stances: bool = True) -> None:
    public_pages.save(session, lead, campaign_id=ground.campaign.id, changes=PublicPageUpdate(
        slug="riverbend", show_stances=stances,
        items=[ChosenItem(kind=kind, record_id=record_id)
               for kind, (record_id, _) in ground.public.items()]))
    public_pages.set_published(session, lead, campaign_id=ground.campaign.id, published=True)
    session.commit()


def test_a_stance_seen_in_a_meeting_below_the_public_tier_is_not_told(
        session: Session, actor: Any, lead: Any, ground: Ground) -> None:
    target_id = ground.public[ShownKind.target][0]
    _publish(session, lead, ground)
    for visibility, level in (("coalition", "opposed"), ("public", "champion")):
        f.make_meeting(session, actor, campaign_id=ground.campaign.id, visibility=visibility,
                       held_at=datetime(2026, 3, 1, 18, tzinfo=UTC), target_ids=[target_id],
                       stances_observed=[{"target_id": target_id, "level": level}])
        session.commit()
        view = public_pages.published(session, "riverbend")
        told = {s.record.id: s.extra["stance"] for s in view.targets}
        # The coalition's meeting is newer than the public stance, and still not told.
        assert told[target_id] == ("leaning_yes" if visibility == "coalition" else "champion")


@pytest.mark.parametrize("source", ["meeting", "other"])
def test_a_stance_noted_from_a_private_source_is_not_told(
        session: Session, actor: Any, lead: Any, ground: Ground, source: str) -> None:
    target_id = ground.public[ShownKind.target][0]
    _publish(session, lead, ground)
    targets.set_stance(session, actor, target_id=target_id, campaign_id=ground.campaign.id,
                       level="opposed", source=source)
    session.commit()
    told = {s.record.id: s.extra["stance"]
            for s in public_pages.published(session, "riverbend").targets}
    # The older public statement still stands; the newer private reading is not told.
    assert told[target_id] == "leaning_yes"
    targets.set_stance(session, actor, target_id=target_id, campaign_id=ground.campaign.id,
                       level="opposed", source="news")
    session.commit()
    told = {s.record.id: s.extra["stance"]
            for s in public_pages.published(session, "riverbend").targets}
    assert told[target_id] == "opposed"


def test_stances_are_left_off_unless_the_leads_show_them(session: Session, lead: Any,
                                                         ground: Ground) -> None:
    _publish(session, lead, ground, stances=False)
    view = public_pages.published(session, "riverbend")
    assert view.targets and all(s.extra["stance"] is None for s in view.targets)


@pytest.mark.parametrize("kind", list(ShownKind))
def test_a_record_shared_less_widely_after_it_was_chosen_drops_off(
        session: Session, lead: Any, ground: Ground, kind: ShownKind) -> None:
    _publish(session, lead, ground)
    record_id, mark = ground.public[kind]
    shown = public_pages.published(session, "riverbend")
    assert any(s.record.id == record_id for s in _all(shown))
    model = public_pages.MODELS[kind]
    session.execute(sa.update(model).where(model.id == record_id)  # type: ignore[attr-defined]  # every shown kind has an id
                    .values(visibility=Visibility.coalition.value))
    session.commit()
    assert not any(s.record.id == record_id and type(s.record) is model
                   for s in _all(public_pages.published(session, "riverbend")))


def _all(view: public_pages.PublicView) -> list[Any]:
    return [*view.targets, *view.votes, *view.agencies, *view.contracts, *view.requests,
            *view.press]


def test_votes_past_are_left_off(session: Session, lead: Any, ground: Ground) -> None:
    _publish(session, lead, ground)
    vote_id = ground.public[ShownKind.vote][0]
    session.execute(sa.update(Vote).where(Vote.id == vote_id).values(
        scheduled_at=datetime(2026, 2, 1, 18, tzinfo=UTC)))
    session.commit()
    assert public_pages.published(session, "riverbend").votes == []


def test_an_unpublished_page_and_an_unknown_one_are_alike(session: Session, lead: Any,
                                                           ground: Ground) -> None:
    _publish(session, lead, ground)
    public_pages.set_published(session, lead, campaign_id=ground.campaign.id, published=False)
    session.commit()
    with pytest.raises(NotFound) as off:
        public_pages.published(session, "riverbend")
    with pytest.raises(NotFound) as unknown:
        public_pages.published(session, "nothing")
    assert off.value.message == unknown.value.message


@pytest.mark.parametrize("role", [Role.partner, Role.viewer])
def test_only_leads_publish(session: Session, actor: Any, ground: Ground, role: Role) -> None:
    org = f.make_organization(session, actor)
    member = f.make_user(role, session=session, organization_id=org.id)
    with pytest.raises(Forbidden):
        public_pages.save(session, member, campaign_id=ground.campaign.id,
                          changes=PublicPageUpdate(slug="riverbend"))
    with pytest.raises(Forbidden):
        public_pages.set_published(session, member, campaign_id=ground.campaign.id,
                                   published=True)
    with pytest.raises(Forbidden):
        public_pages.preview(session, member, ground.campaign.id)


def test_the_decision_makers_offered_are_the_public_ones(session: Session, lead: Any,
                                                         ground: Ground) -> None:
    offered = public_pages.candidates(session, lead, ground.campaign.id)
    for kind, (record_id, _) in ground.public.items():
        assert [r.id for r in offered[kind]] == [record_id], kind
    assert all(r.visibility == Visibility.public for rows in offered.values() for r in rows
               if isinstance(r, Target))
