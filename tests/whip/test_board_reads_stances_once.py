"""The whip board and the vote counts read every member's stance, as the signed-in reader knows
it, in the same statements for a large body as for a small one: never a statement per member."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.meetings import service as meetings
from api.meetings.models import MeetingCreate, StanceObserved
from api.targets import service as targets
from tests import factories as f
from tests.statements import statements
from tests.web.html import fragment, plain


def _selects(client: TestClient, url: str, **headers: str) -> tuple[int, str]:
    with statements() as seen:
        page = fragment(client, url, **headers) if headers else client.get(url)
    assert page.status_code == 200
    # Signing in is read, and now and then marked as used, the same for every page.
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")
             and "FROM auth_session" not in s]
    return len(reads), plain(page.text)


def test_a_larger_body_takes_no_more_statements(session: Session, actor: Any,
                                                 client_as: Callable[..., TestClient],
                                                 frozen_now: datetime) -> None:
    place = f.make_jurisdiction(session, actor, name="Riverton")
    body = f.make_body(session, actor, name="Riverton Council", jurisdiction_id=place.id,
                       seats=9, majority_needed=5)
    campaign = f.make_campaign(session, actor, name="No Cameras", jurisdiction_id=place.id)
    mine = f.make_organization(session, actor, name="Ours")
    theirs = f.make_organization(session, actor, name="Theirs")
    f.make_vote(session, actor, title="Renewal", body_id=body.id, campaign_id=campaign.id,
                scheduled_at=frozen_now + timedelta(days=5), visibility="coalition",
                our_position="for")
    partner = client_as("partner", mine.id)
    urls = [(f"/campaigns/{campaign.id}/whip?body={body.id}", {}),
            ("/", {"HX-Target": "votes"})]

    def add_members(names: list[str]) -> None:
        for name in names:
            member = f.make_target(session, actor, name=name, body_id=body.id,
                                   visibility="coalition")
            targets.set_stance(session, actor, target_id=member.id, campaign_id=campaign.id,
                               level="leaning_yes", note="said so")
            # Later, and kept from us: another organization's private meeting.
            meetings.crud.create(session, actor, MeetingCreate(
                held_at=frozen_now - timedelta(days=1), campaign_id=campaign.id,
                organization_id=theirs.id, visibility="private", target_ids=[member.id],
                stances_observed=[StanceObserved(target_id=member.id, level="opposed")]))
        session.commit()

    add_members(["Ana", "Ben"])
    few = []
    for url, headers in urls:
        count, text = _selects(partner, url, **headers)
        assert "2 likely with us of 5 needed" in text
        few.append(count)
    add_members(["Cal", "Dee", "Eve", "Fay", "Gus"])
    for (url, headers), before in zip(urls, few, strict=True):
        count, text = _selects(partner, url, **headers)
        assert "7 likely with us of 5 needed: enough to win" in text
        assert count == before, url
