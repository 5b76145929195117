"""The campaign page, its policy asks and actions board, the whip board and stance changes,
and the whip count on vote pages."""

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.actions import service as actions
from api.actions.models import ActionCreate
from api.targets import service as targets
from tests import factories as f
from tests.web.html import HX, fragment, is_full_page, plain
from web.routes.campaigns import BOARD_CARDS, FIRST_CARDS


@pytest.fixture
def council(session: Session, actor: Any, frozen_now: datetime) -> dict[str, Any]:
    """A seven-seat council needing four votes, a campaign, and stances on it."""
    place = f.make_jurisdiction(session, actor, name="Riverbend", timezone="America/Chicago")
    body = f.make_body(session, actor, name="Riverbend Council", jurisdiction_id=place.id,
                       seats=7, majority_needed=4)
    org = f.make_organization(session, actor, name="Riverbend Privacy")
    campaign = f.make_campaign(session, actor, name="Riverbend: No Cameras",
                               jurisdiction_id=place.id,
                               policy_asks=[{"ask": "retention_limit", "note": "24 hours"},
                                            {"ask": "search_audits"}])
    members = {}
    for name, level in [("Ava Yes", "champion"), ("Ben Lean", "leaning_yes"),
                        ("Cal Maybe", "undecided"), ("Dee Maybe", "undecided"),
                        ("Eve Lean", "leaning_no"), ("Fay No", "opposed"), ("Gus Quiet", None)]:
        target = f.make_target(session, actor, name=name, body_id=body.id,
                               owner_organization_id=org.id if name == "Ava Yes" else None)
        if level:
            targets.set_stance(session, actor, target_id=target.id, campaign_id=campaign.id,
                               level=level, source="other", note="seed")
        members[name] = target
    session.commit()
    f.make_meeting(session, actor, campaign_id=campaign.id, summary="Talked to Dee",
                   held_at=frozen_now - timedelta(days=3), target_ids=[members["Dee Maybe"].id])
    vote = f.make_vote(session, actor, title="Camera renewal", body_id=body.id,
                       campaign_id=campaign.id, scheduled_at=datetime(2026, 3, 12, 18, 0))
    return {"body": body, "campaign": campaign, "members": members, "vote": vote, "org": org}


def test_campaign_page_shows_goal_asks_targets_votes_board_and_activity(
        client: TestClient, session: Session, actor: Any, council: dict[str, Any]) -> None:
    campaign = council["campaign"]
    f.make_action(session, actor, title="Call-in day", campaign_id=campaign.id, status="planned")
    f.make_action(session, actor, title="Op-ed drafted", campaign_id=campaign.id, status="done")
    page = client.get(f"/campaigns/{campaign.id}")
    assert page.status_code == 200 and is_full_page(page.text)
    text = plain(page.text)
    assert "Goal: cancel renewal" in text
    assert "Retention limit not yet" in text and "24 hours" in text
    assert "0 of 2 won." in text
    assert "Camera renewal" in text and "in 10 days" in text
    assert "2 likely with us of 4 needed: 2 more to win" in text
    assert "Cal Maybe" in text and "needs a meeting" in text
    planned = text.index("Planned (1)")
    assert planned < text.index("Call-in day") < text.index("Done (1)")
    assert text.index("Done (1)") < text.index("Op-ed drafted")
    assert "Recent activity" in text and "Talked to Dee" in text
    assert "Ava Yes: undecided" not in text  # seeds went unknown → champion
    # The history says a stance in the campaign's terms, as the vote page does.
    assert "Ava Yes: not known → with us" in text and "champion" not in text


def test_the_board_shows_the_first_actions_by_date_then_undated_up_to_its_size(
        client: TestClient, session: Session, actor: Any, council: dict[str, Any]) -> None:
    campaign = council["campaign"]
    first = date(2026, 4, 1)
    # Made in reverse order of date, so the ids do not give the order away.
    for day in reversed(range(BOARD_CARDS - 1)):
        actions.crud.create(session, actor, ActionCreate(
            title=f"Dated {day:03d}", campaign_id=campaign.id,
            scheduled_on=first + timedelta(days=day // 2)))
    for n in range(3):
        actions.crud.create(session, actor, ActionCreate(
            title=f"Undated {n}", campaign_id=campaign.id, scheduled_on=None))
    actions.crud.create(session, actor, ActionCreate(
        title="Elsewhere", campaign_id=f.make_campaign(session, actor).id))
    session.commit()
    html = client.get(f"/campaigns/{campaign.id}").text
    board = plain(html[html.index('id="board"'):html.index('id="timeline"')])
    assert f"Planned ({BOARD_CARDS})" in board
    titles = re.findall(r"Move to in progress : (Dated \d+|Undated \d)", board)
    # Two actions a day, the later-made (lower number) first on a day: ids break the tie.
    dated = [f"Dated {day:03d}" for pair in range(0, BOARD_CARDS - 1, 2)
             for day in (pair + 1, pair) if day < BOARD_CARDS - 1]
    # The column opens with its first cards; the rest come with "Show … more", in the same
    # order, as the column alone (htmx) or as a page of its own.
    assert titles == [*dated, "Undated 0"][:FIRST_CARDS]
    assert f"Show {BOARD_CARDS - FIRST_CARDS} more" in board
    for column in (fragment(client, f"/campaigns/{campaign.id}/board/planned"),
                   client.get(f"/campaigns/{campaign.id}/board/planned")):
        assert column.status_code == 200
        shown = plain(column.text)
        assert re.findall(r"Move to in progress : (Dated \d+|Undated \d)", shown) == \
            [*dated, "Undated 0"]
        assert "Show" not in shown and "Elsewhere" not in shown
    assert "Elsewhere" not in board


def test_recent_activity_gathers_every_kind_of_record_newest_first(
        client: TestClient, session: Session, actor: Any, council: dict[str, Any],
        frozen_now: datetime) -> None:
    campaign, body = council["campaign"], council["body"]
    day = frozen_now.date()
    f.make_vote(session, actor, title="Committee hearing", body_id=body.id,
                campaign_id=campaign.id, scheduled_at=frozen_now - timedelta(days=9),
                status="held", outcome="passed")
    f.make_action(session, actor, title="Rally at city hall", campaign_id=campaign.id,
                  scheduled_on=day - timedelta(days=4), status="done")
    f.make_action(session, actor, title="Rally next month", campaign_id=campaign.id,
                  scheduled_on=day + timedelta(days=30))
    f.make_press_hit(session, actor, title="Paper covers the rally", outlet="The Ledger",
                     campaign_id=campaign.id, published_on=day - timedelta(days=5))
    request = f.make_records_request(session, actor, subject="Hit lists", status="sent",
                                     campaign_id=campaign.id, sent_on=day - timedelta(days=20),
                                     due_on_override=day - timedelta(days=1))
    f.make_task(session, actor, title="Print flyers", campaign_id=campaign.id, status="done")
    doc = f.make_document(session, actor, attached_kind="campaign", attached_id=campaign.id,
                          filename="talking-points.pdf")
    html = client.get(f"/campaigns/{campaign.id}").text
    timeline = html[html.index('id="timeline"'):]
    text = plain(timeline)
    for what, title, url in [
            ("Vote", "Committee hearing", None), ("Action", "Rally at city hall", None),
            ("Press", "Paper covers the rally", None),
            ("Records request sent", "Hit lists", f"/records-requests/{request.id}"),
            ("Records request due", "Hit lists", f"/records-requests/{request.id}"),
            ("Task done", "Print flyers", None), ("Document added", "talking-points.pdf",
                                                  f"/documents/{doc.id}"),
            ("Meeting", "Talked to Dee", None), ("Stance", "Ava Yes: not known → with us", None)]:
        assert f"{what} {title}" in text, what
        if url:
            assert f'href="{url}"' in timeline
    assert "held, passed" in text and "The Ledger" in text
    assert "Rally next month" not in text
    # Newest first: the document and the task done now, the meeting three days ago, the
    # rally four, the press five, the vote nine, the request sent twenty.
    order = ["talking-points.pdf", "Talked to Dee", "Rally at city hall",
             "Paper covers the rally", "Committee hearing", "Records request sent"]
    assert [text.index(t) for t in order] == sorted(text.index(t) for t in order)


def test_marking_a_policy_ask_won_swaps_the_checklist(
        client: TestClient, council: dict[str, Any]) -> None:
    campaign = council["campaign"]
    response = client.post(f"/campaigns/{campaign.id}/asks/retention_limit/won",
                           data={"won": "true"}, headers=HX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="asks-body"')
    text = plain(response.text)
    assert "1 of 2 won." in text and "Mark not won" in text
    assert "Retention limit: won." in text  # the flash, out of band
    page = plain(client.get(f"/campaigns/{campaign.id}").text)
    assert "1 of 2 won." in page


def test_editing_the_policy_asks(client: TestClient, council: dict[str, Any]) -> None:
    campaign = council["campaign"]
    form = fragment(client, f"/campaigns/{campaign.id}/asks/edit")
    assert form.status_code == 200 and 'name="ask_no_outside_sharing"' in form.text
    assert is_full_page(client.get(f"/campaigns/{campaign.id}/asks/edit").text)
    saved = client.post(f"/campaigns/{campaign.id}/asks", headers=HX, data={
        "ask_no_outside_sharing": "on", "won_no_outside_sharing": "on",
        "note_no_outside_sharing": "Turned off national lookup"})
    assert saved.status_code == 200
    text = plain(saved.text)
    assert "1 of 1 won." in text and "Turned off national lookup" in text
    assert "Retention limit" not in text
    cancel = plain(client.get(f"/campaigns/{campaign.id}").text)
    assert "Turned off national lookup" in cancel


def test_moving_an_action_between_columns(client: TestClient, session: Session, actor: Any,
                                          council: dict[str, Any]) -> None:
    campaign = council["campaign"]
    action = f.make_action(session, actor, title="Rally", campaign_id=campaign.id)
    moved = client.post(f"/campaigns/{campaign.id}/actions/{action.id}",
                        data={"status": "in_progress"}, headers=HX)
    assert moved.status_code == 200
    text = plain(moved.text)
    assert text.index("In progress (1)") < text.index("Rally")
    assert "“Rally” is now in progress." in text
    other = f.make_campaign(session, actor)
    wrong = client.post(f"/campaigns/{other.id}/actions/{action.id}",
                        data={"status": "done"}, headers=HX)
    assert wrong.status_code == 422
    bad = client.post(f"/campaigns/{campaign.id}/actions/{action.id}",
                      data={"status": "exploded"}, headers=HX)
    assert bad.status_code == 422


def test_whip_board_puts_members_in_columns_with_owner_last_meeting_and_alerts(
        client: TestClient, council: dict[str, Any]) -> None:
    campaign = council["campaign"]
    page = client.get(f"/campaigns/{campaign.id}/whip")
    assert page.status_code == 200 and is_full_page(page.text)
    html = page.text
    text = plain(html)
    assert "Whip board: Riverbend Council" in text
    assert "2 likely with us of 4 needed: 2 more to win" in text

    def column(level: str) -> str:
        start = html.index(f'<section class="stance-column {level}"')
        return plain(html[start:html.index("</section>", start)])

    assert "Ava Yes" in column("champion") and "Riverbend Privacy" in column("champion")
    assert "Ben Lean" in column("leaning_yes")
    undecided = column("undecided")
    assert "Cal Maybe" in undecided and "Dee Maybe" in undecided
    assert "Fay No" in column("opposed") and "Gus Quiet" in column("unknown")
    # Dee was met three days ago; Cal never: only Cal stands out.
    cal = html[html.index(f'id="member-{council["members"]["Cal Maybe"].id}"'):]
    cal = cal[:cal.index("</li>")]
    dee = html[html.index(f'id="member-{council["members"]["Dee Maybe"].id}"'):]
    dee = dee[:dee.index("</li>")]
    cal_at = html.index(f'id="member-{council["members"]["Cal Maybe"].id}"')
    assert "needs-meeting" in html[cal_at - 60:cal_at]
    assert "Undecided, no meeting in 30 days" in plain(cal)
    assert "Undecided, no meeting in 30 days" not in plain(dee)
    assert "Last met: Feb 27, 2026" in plain(dee) and "Last met: never" in plain(cal)

    part = fragment(client, f"/campaigns/{campaign.id}/whip?body={council['body'].id}")
    assert part.text.lstrip().startswith('<div id="board"')


def test_changing_a_stance_needs_a_note_and_records_history(
        client: TestClient, session: Session, actor: Any, council: dict[str, Any]) -> None:
    campaign, cal = council["campaign"], council["members"]["Cal Maybe"]
    url = f"/campaigns/{campaign.id}/whip/stance"
    form = {"target_id": str(cal.id), "body_id": str(council["body"].id),
            "level": "leaning_yes", "source": "meeting", "note": ""}
    refused = client.post(url, data=form, headers=HX)
    assert refused.status_code == 422
    assert f'id="note-{cal.id}-error"' in refused.text
    assert "Say how you know" in plain(refused.text)
    assert "<details class=\"stance-change\" open>" in refused.text

    moved = client.post(url, data={**form, "note": "Said yes at coffee"}, headers=HX)
    assert moved.status_code == 200
    text = plain(moved.text)
    assert "3 likely with us of 4 needed: 1 more to win" in text
    assert "Cal Maybe: undecided → leaning with us." in text
    history = targets.history(session, actor, target_id=cal.id, campaign_id=campaign.id)
    assert history[0].to_level == "leaning_yes" and history[0].note == "Said yes at coffee"
    assert history[0].source == "meeting"
    session.commit()  # end the read, so the app can write

    plain_post = client.post(url, data={**form, "level": "champion", "note": "Pledged"},
                             follow_redirects=False)
    assert plain_post.status_code == 303
    assert plain_post.headers["location"] == (f"/campaigns/{campaign.id}/whip"
                                              f"?body={council['body'].id}")
    bad_level = client.post(url, data={**form, "level": "ecstatic", "note": "x"}, headers=HX)
    assert bad_level.status_code == 422 and "Choose a stance." in plain(bad_level.text)


def test_the_dashboard_whip_bar_follows_stances(client: TestClient, session: Session,
                                                actor: Any, council: dict[str, Any]) -> None:
    votes = fragment(client, "/", **{"HX-Target": "votes"})
    assert not is_full_page(votes.text)
    assert "2 likely with us of 4 needed" in plain(votes.text)
    assert votes.text.count('class="cell ') == 7
    for name in ("Cal Maybe", "Dee Maybe"):
        targets.set_stance(session, actor, target_id=council["members"][name].id,
                           campaign_id=council["campaign"].id, level="champion")
    session.commit()
    after = plain(fragment(client, "/", **{"HX-Target": "votes"}).text)
    assert "4 likely with us of 4 needed: enough to win" in after


def test_vote_page_shows_the_whip_count_and_records_member_votes(
        client: TestClient, council: dict[str, Any]) -> None:
    vote, ava = council["vote"], council["members"]["Ava Yes"]
    page = plain(client.get(f"/votes/{vote.id}").text)
    assert "Thu Mar 12, 2026 6:00 PM CDT" in page
    assert "2 likely with us of 4 needed" in page
    # Stances in the campaign's terms beside the literal yes and no of the roll call.
    assert "Ava Yes with us Vote of Ava Yes" in page
    assert "champion" not in page
    saved = client.post(f"/votes/{vote.id}/member-votes", data={f"member_{ava.id}": "yes"},
                        headers=HX)
    assert saved.status_code == 200 and "Saved how members voted." in plain(saved.text)
    assert '<option value="yes" selected>' in saved.text
    bad = client.post(f"/votes/{vote.id}/member-votes", data={f"member_{ava.id}": "maybe"},
                      headers=HX)
    assert bad.status_code == 422


def test_target_page_lists_stances_and_history(client: TestClient,
                                               council: dict[str, Any]) -> None:
    ava = council["members"]["Ava Yes"]
    text = plain(client.get(f"/targets/{ava.id}").text)
    assert "Riverbend: No Cameras : with us" in text
    # No earlier change: the stance it moved from is not known.
    assert "not known → with us" in text and "seed" in text and "champion" not in text


def test_body_page_links_whip_boards(client: TestClient, council: dict[str, Any]) -> None:
    body = council["body"]
    html = client.get(f"/bodies/{body.id}").text
    assert f'/campaigns/{council["campaign"].id}/whip?body={body.id}' in html
    assert "Members (7)" in plain(html)


def test_a_campaign_without_bodies_explains_the_empty_board(client: TestClient,
                                                            session: Session,
                                                            actor: Any) -> None:
    lonely = f.make_campaign(session, actor, name="Lonely")
    text = plain(client.get(f"/campaigns/{lonely.id}/whip").text)
    assert "no body to count yet" in text
    assert client.get("/campaigns/999999/whip").status_code == 404


@pytest.mark.parametrize(("language", "said"), [
    (None, "Choose planned, in progress or done."),
    ("es", "Elija planeada, en curso o hecha."),
])
def test_a_move_to_no_column_shows_the_board_again_with_why_on_the_card(
        client_as: Any, session: Session, actor: Any, council: dict[str, Any],
        language: str | None, said: str) -> None:
    campaign = council["campaign"]
    action = f.make_action(session, actor, title="Rally", campaign_id=campaign.id)
    session.commit()
    client = client_as("admin", language=language)
    for headers in (HX, {}):
        bad = client.post(f"/campaigns/{campaign.id}/actions/{action.id}",
                          data={"status": "exploded"}, headers=headers,
                          follow_redirects=False)
        assert bad.status_code == 422
        assert is_full_page(bad.text) is (headers == {})
        card = bad.text[bad.text.index(f'href="/actions/{action.id}"'):]
        error = card[:card.index("</p>", card.index(f'id="move-{action.id}-error"'))]
        assert said in plain(error)
    assert actions.crud.get(session, actor, action.id).status.value == "planned"
