"""A count speaks in the campaign's terms: members are with us or against us, and what it takes
to win depends on our position on the item (to block a renewal, enough that it cannot pass);
the literal yes and no are the roll call's alone."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import service as accounts
from api.targets import service as targets
from tests import factories as f
from tests.web.html import plain

LEVELS = ["champion", "champion", "leaning_yes", "opposed", "undecided", "leaning_no", "opposed"]


@pytest.mark.parametrize(("position", "verdict"), [
    # Seven seats, five yes votes to pass: to block it takes three.
    ("against", "To block it: 3 likely with us of 3 needed: enough to block it"),
    ("for", "To pass it: 3 likely with us of 5 needed: 2 more to win"),
    ("amend", "For our amendment: 3 likely with us of 5 needed: 2 more to win"),
    # No position taken: the stances' numbers only, and nothing "to win".
    ("watch", "Watching only, no position taken: 5 yes votes pass it"),
])
def test_the_count_follows_our_position_on_the_vote(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime,
        position: str, verdict: str) -> None:
    body = f.make_body(session, actor, name="Riverton Council", seats=7, majority_needed=5)
    campaign = f.make_campaign(session, actor, name="No Renewal")
    for index, level in enumerate(LEVELS):
        member = f.make_target(session, actor, name=f"Member {index}", body_id=body.id)
        targets.set_stance(session, actor, target_id=member.id, campaign_id=campaign.id,
                           level=level, note="said so")
    vote = f.make_vote(session, actor, title="Flock renewal", body_id=body.id,
                       campaign_id=campaign.id, our_position=position,
                       scheduled_at=frozen_now + timedelta(days=3))
    session.commit()
    page = plain(client.get(f"/votes/{vote.id}").text)
    assert verdict in page
    assert ("2 with us, 1 leaning with us, 1 undecided or not known, 1 leaning against, "
            "2 against us") in page
    assert "likely yes" not in page
    if position == "watch":
        assert "to win" not in page and "likely with us" not in page
    home = plain(client.get("/").text)
    assert verdict in home


def test_our_position_is_set_and_checked_through_the_api(client: TestClient, session: Session,
                                                         actor: Any) -> None:
    body = f.make_body(session, actor)
    made = client.post("/api/v1/votes", json={
        "title": "Renewal", "body_id": body.id, "scheduled_at": "2027-01-12T18:00:00",
        "our_position": "against"})
    assert made.status_code == 201, made.text
    assert made.json()["our_position"] == "against"
    bad = client.post("/api/v1/votes", json={
        "title": "Renewal", "body_id": body.id, "scheduled_at": "2027-01-12T18:00:00",
        "our_position": "yes please"})
    assert bad.status_code == 422 and "our_position" in bad.text


@pytest.mark.parametrize(("position", "outcome", "said"), [
    ("against", "failed", "It failed: a win for us"),
    ("against", "passed", "It passed: a loss for us"),
    ("for", "passed", "It passed: a win for us"),
    ("watch", "passed", "It passed"),
])
def test_a_held_vote_tells_its_result_in_our_terms(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime,
        position: str, outcome: str, said: str) -> None:
    body = f.make_body(session, actor, seats=7, majority_needed=4)
    campaign = f.make_campaign(session, actor)
    vote = f.make_vote(session, actor, body_id=body.id, campaign_id=campaign.id,
                       our_position=position, status="held", outcome=outcome,
                       scheduled_at=frozen_now - timedelta(days=3))
    session.commit()
    page = plain(client.get(f"/votes/{vote.id}").text)
    assert said in page
    assert "more to win" not in page and "more to block it" not in page


@pytest.mark.parametrize(("position", "verdict"), [
    ("against", "To block it: 3 likely with us of 3 needed: enough to block it"),
    ("for", "To pass it: 3 likely with us of 5 needed: 2 more to win"),
])
def test_the_whip_board_counts_toward_the_campaigns_vote_on_the_body(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime,
        position: str, verdict: str) -> None:
    body = f.make_body(session, actor, name="Riverton Council", seats=7, majority_needed=5)
    campaign = f.make_campaign(session, actor, name="No Renewal")
    for index, level in enumerate(LEVELS):
        member = f.make_target(session, actor, name=f"Member {index}", body_id=body.id)
        targets.set_stance(session, actor, target_id=member.id, campaign_id=campaign.id,
                           level=level, note="said so")
    # An older vote of the campaign on the body, held, and the next one the board counts for.
    f.make_vote(session, actor, title="First reading", body_id=body.id, campaign_id=campaign.id,
                our_position="for" if position == "against" else "against", status="held",
                outcome="passed", scheduled_at=frozen_now - timedelta(days=30))
    vote = f.make_vote(session, actor, title="Flock renewal", body_id=body.id,
                       campaign_id=campaign.id, our_position=position,
                       scheduled_at=frozen_now + timedelta(days=3))
    session.commit()
    answer = client.get(f"/campaigns/{campaign.id}/whip")
    board = plain(answer.text)
    assert verdict in board
    assert "Flock renewal" in board and f'href="/votes/{vote.id}"' in answer.text
    assert verdict in plain(client.get("/").text)
    fragment = client.get(f"/campaigns/{campaign.id}/whip?body={body.id}",
                          headers={"HX-Request": "true"})
    assert verdict in plain(fragment.text)


@pytest.mark.parametrize(("goal", "verdict"), [
    ("cancel_renewal", "To block it: 0 likely with us of 3 needed: 3 more to block it"),
    ("ban_alpr", "To pass it: 0 likely with us of 5 needed: 5 more to win"),
])
def test_a_board_with_no_vote_yet_counts_toward_the_campaigns_goal(
        client: TestClient, session: Session, actor: Any, goal: str, verdict: str) -> None:
    place = f.make_jurisdiction(session, actor)
    body = f.make_body(session, actor, seats=7, majority_needed=5, jurisdiction_id=place.id)
    f.make_target(session, actor, body_id=body.id)
    campaign = f.make_campaign(session, actor, jurisdiction_id=place.id, goal=goal)
    session.commit()
    answer = client.get(f"/campaigns/{campaign.id}/whip?body={body.id}")
    assert verdict in plain(answer.text)
    assert "Counted for the vote" not in plain(answer.text)


def test_the_board_names_only_a_vote_its_reader_may_read(
        client_as: Any, session: Session, actor: Any, frozen_now: datetime) -> None:
    ours = f.make_organization(session, actor, name="Ours")
    theirs = f.make_organization(session, actor, name="Theirs")
    body = f.make_body(session, actor, seats=7, majority_needed=5)
    f.make_target(session, actor, body_id=body.id)
    campaign = f.make_campaign(session, actor, goal="ban_alpr")
    f.make_vote(session, actor, title="Their private renewal", body_id=body.id,
                campaign_id=campaign.id, our_position="against", visibility="private",
                owner_organization_id=theirs.id, scheduled_at=frozen_now + timedelta(days=3))
    session.commit()
    board = plain(client_as("partner", ours.id).get(
        f"/campaigns/{campaign.id}/whip?body={body.id}").text)
    assert "Their private renewal" not in board and "To block it" not in board
    assert "To pass it: 0 likely with us of 5 needed: 5 more to win" in board
    own = plain(client_as("partner", theirs.id).get(
        f"/campaigns/{campaign.id}/whip?body={body.id}").text)
    assert "Their private renewal" in own and "To block it" in own


def test_a_link_from_a_vote_opens_the_board_counted_for_that_vote(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor, name="Riverton Council", seats=7, majority_needed=5)
    campaign = f.make_campaign(session, actor, name="No Renewal")
    f.make_vote(session, actor, title="Flock renewal", body_id=body.id,
                campaign_id=campaign.id, our_position="against",
                scheduled_at=frozen_now + timedelta(days=3))
    ordinance = f.make_vote(session, actor, title="Surveillance ordinance", body_id=body.id,
                            campaign_id=campaign.id, our_position="for",
                            scheduled_at=frozen_now + timedelta(days=30))
    session.commit()
    home = client.get("/").text
    link = f"/campaigns/{campaign.id}/whip?body={body.id}&amp;vote={ordinance.id}"
    assert link in home
    board = plain(client.get(link.replace("&amp;", "&")).text)
    assert "Counted for the vote: Surveillance ordinance" in board and "To pass it" in board
    # Without a vote named, the next one is counted; a vote of another body is not taken.
    first = plain(client.get(f"/campaigns/{campaign.id}/whip?body={body.id}").text)
    assert "Counted for the vote: Flock renewal" in first and "To block it" in first
    other = f.make_vote(session, actor, title="Elsewhere", body_id=f.make_body(
        session, actor, name="County Board").id, campaign_id=campaign.id,
        scheduled_at=frozen_now + timedelta(days=5))
    session.commit()
    strayed = plain(client.get(
        f"/campaigns/{campaign.id}/whip?body={body.id}&vote={other.id}").text)
    assert "Counted for the vote: Flock renewal" in strayed


@pytest.mark.parametrize(("likely_levels", "verdict"), [
    # One likely vote or several: the Spanish count agrees with its number either way.
    (["champion"], "Para aprobarlo: con nosotros, probablemente 1 de los 5 votos necesarios; "
                   "faltan 4"),
    (["champion", "leaning_yes", "champion", "champion"],
     "Para aprobarlo: con nosotros, probablemente 4 de los 5 votos necesarios; falta 1")])
def test_the_spanish_count_agrees_with_one_likely_vote(
        client: TestClient, session: Session, actor: Any, admin: Any, frozen_now: datetime,
        likely_levels: list[str], verdict: str) -> None:
    accounts.set_language(session, session.merge(admin), "es")
    body = f.make_body(session, actor, name="Riverton Council", seats=7, majority_needed=5)
    campaign = f.make_campaign(session, actor, name="No Renewal")
    for index, level in enumerate(likely_levels):
        member = f.make_target(session, actor, name=f"Member {index}", body_id=body.id)
        targets.set_stance(session, actor, target_id=member.id, campaign_id=campaign.id,
                           level=level, note="said so")
    vote = f.make_vote(session, actor, title="Flock renewal", body_id=body.id,
                       campaign_id=campaign.id, our_position="for",
                       scheduled_at=frozen_now + timedelta(days=3))
    session.commit()
    page = plain(client.get(f"/votes/{vote.id}").text)
    assert verdict in page
    assert "1 votos" not in page


def test_the_board_shows_the_votes_time_or_that_it_is_not_announced(
        client: TestClient, session: Session, actor: Any,
        frozen_now: datetime) -> None:
    body = f.make_body(session, actor, name="Riverton Council", seats=7, majority_needed=5)
    campaign = f.make_campaign(session, actor, name="No Renewal")
    vote = f.make_vote(session, actor, title="Flock renewal", body_id=body.id,
                       campaign_id=campaign.id, our_position="against",
                       scheduled_at=frozen_now + timedelta(days=3))
    session.commit()
    address = f"/campaigns/{campaign.id}/whip?body={body.id}"
    # Babel puts a narrow no-break space before "AM".
    timed = plain(client.get(address).text).replace("\u202f", " ")
    assert "Counted for the vote: Flock renewal · Thu Mar 5, 2026 9:00 AM PST" in timed
    assert "time not announced" not in timed
    vote.time_not_announced = True
    session.add(vote)
    session.commit()
    untimed = plain(client.get(address).text)
    assert "Flock renewal · Thu Mar 5, 2026, time not announced" in untimed


def test_the_spanish_board_says_the_time_is_not_announced(
        client: TestClient, session: Session, actor: Any, admin: Any,
        frozen_now: datetime) -> None:
    accounts.set_language(session, session.merge(admin), "es")
    body = f.make_body(session, actor, name="Riverton Council", seats=7, majority_needed=5)
    campaign = f.make_campaign(session, actor, name="No Renewal")
    f.make_vote(session, actor, title="Flock renewal", body_id=body.id,
                campaign_id=campaign.id, our_position="against", time_not_announced=True,
                scheduled_at=frozen_now + timedelta(days=3))
    session.commit()
    board = plain(client.get(f"/campaigns/{campaign.id}/whip?body={body.id}").text)
    assert "Flock renewal · jue 5 mar 2026, hora por anunciar" in board
