"""A stance is told only to those who may read where it was seen: each reader's current stance
is the latest change they may read, and the level a change moved from is the one before it
that they may read. The JSON API, the whip board, the dashboard's whip counts, the campaign
page (its targets and its recent activity), the target page and the meeting form's "who" step
all agree, for the organization that saw it, another organization's partner and viewer, and a
lead; and editing an old meeting never sets its stance again over a later one."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import clock
from api.auth.models import Visibility
from api.meetings import standing as stances
from api.targets import service as targets
from api.targets.models import Stance
from tests import factories as f
from tests.web.html import fragment, plain


@dataclass
class Coalition:
    campaign: int
    body: int
    vote: int
    members: dict[str, int]
    readers: dict[str, TestClient]
    now: datetime


@pytest.fixture
def coalition(session: Session, actor: Any, client_as: Callable[..., TestClient],
              frozen_now: datetime) -> Coalition:
    """A five-seat council needing three votes on a campaign, its members shared with the whole
    coalition, and signed in: a partner of organization A, a partner and a viewer of
    organization B, and a lead."""
    place = f.make_jurisdiction(session, actor, name="Riverton",
                                timezone="America/Los_Angeles")
    body = f.make_body(session, actor, name="Riverton Council", jurisdiction_id=place.id,
                       seats=5, majority_needed=3)
    campaign = f.make_campaign(session, actor, name="No Cameras in Riverton",
                               jurisdiction_id=place.id)
    org_a = f.make_organization(session, actor, name="Org A")
    org_b = f.make_organization(session, actor, name="Org B")
    members = {name: f.make_target(session, actor, name=name, body_id=body.id,
                                   visibility="coalition").id
               for name in ("Dana Reyes", "Eli Park", "Fay Ortiz", "Gus Hale")}
    # Sits on no body of the campaign: offered first on the meeting form only to those who
    # know of a stance of theirs on it.
    members["Aaron Olu"] = f.make_target(session, actor, name="Aaron Olu",
                                         visibility="coalition").id
    vote = f.make_vote(session, actor, title="Camera renewal", body_id=body.id,
                       campaign_id=campaign.id, scheduled_at=frozen_now + timedelta(days=10),
                       visibility="coalition")
    session.commit()
    readers = {"a": client_as("partner", org_a.id), "b": client_as("partner", org_b.id),
               "viewer": client_as("viewer", org_b.id), "lead": client_as("lead")}
    return Coalition(campaign.id, body.id, vote.id, members, readers, frozen_now)


def _at(world: Coalition, minutes: int) -> None:
    # Each step a minute later: changes stand in the order they were recorded, and a page
    # asked again is made again.
    clock.freeze(world.now + timedelta(minutes=minutes))


def _meeting(world: Coalition, reader: str, visibility: str, seen: dict[str, str],
             summary: str) -> int:
    made = world.readers[reader].post("/api/v1/meetings", json={
        "held_at": (world.now - timedelta(days=1)).isoformat(), "campaign_id": world.campaign,
        "summary": summary, "visibility": visibility,
        "target_ids": [world.members[name] for name in seen],
        "stances_observed": [{"target_id": world.members[name], "level": level}
                             for name, level in seen.items()]})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


@pytest.fixture
def seen(coalition: Coalition) -> Coalition:
    """Dana Reyes: champion at A's private meeting, leaning yes at A's meeting told to the
    leads, then opposed at B's meeting with the whole coalition. Eli Park and Aaron Olu:
    champions at the private meeting only. Fay Ortiz: leaning yes at the leads' meeting only."""
    _at(coalition, 1)
    _meeting(coalition, "a", "private",
             {"Dana Reyes": "champion", "Eli Park": "champion", "Aaron Olu": "champion"},
             "Coffee at the diner")
    _at(coalition, 2)
    _meeting(coalition, "a", "leads", {"Dana Reyes": "leaning_yes", "Fay Ortiz": "leaning_yes"},
             "Office hours")
    _at(coalition, 3)
    _meeting(coalition, "b", "coalition", {"Dana Reyes": "opposed"}, "Town hall")
    _at(coalition, 4)
    return coalition


# What each reader may know: A reads all three meetings; the lead the leads' and the
# coalition's; B's partner and viewer only the coalition's.
CURRENT = {
    "a": {"Dana Reyes": "opposed", "Eli Park": "champion", "Fay Ortiz": "leaning_yes",
          "Aaron Olu": "champion"},
    "lead": {"Dana Reyes": "opposed", "Fay Ortiz": "leaning_yes"},
    "b": {"Dana Reyes": "opposed"},
    "viewer": {"Dana Reyes": "opposed"},
}
DANA_HISTORY = {
    "a": [("leaning_yes", "opposed"), ("champion", "leaning_yes"), ("unknown", "champion")],
    "lead": [("leaning_yes", "opposed"), ("unknown", "leaning_yes")],
    "b": [("unknown", "opposed")],
    "viewer": [("unknown", "opposed")],
}
LIKELY_YES = {"a": 2, "lead": 1, "b": 0, "viewer": 0}
READERS = list(CURRENT)


def _names(world: Coalition) -> dict[int, str]:
    return {target_id: name for name, target_id in world.members.items()}


@pytest.mark.parametrize("reader", READERS)
def test_the_current_stance_is_the_latest_change_the_reader_may_read(seen: Coalition,
                                                                     reader: str) -> None:
    client, names = seen.readers[reader], _names(seen)
    listed = client.get(f"/api/v1/stances?campaign_id={seen.campaign}")
    assert listed.status_code == 200
    assert {names[s["target_id"]]: s["level"] for s in listed.json()} == CURRENT[reader]
    for name, target_id in seen.members.items():
        own = client.get(f"/api/v1/targets/{target_id}/stances")
        assert own.status_code == 200
        assert [s["level"] for s in own.json()] == \
            ([CURRENT[reader][name]] if name in CURRENT[reader] else []), name
        by_target = client.get(f"/api/v1/stances?target_id={target_id}").json()
        assert [s["level"] for s in by_target] == [s["level"] for s in own.json()]


@pytest.mark.parametrize("reader", READERS)
def test_a_change_moves_from_the_previous_one_the_reader_may_read(seen: Coalition,
                                                                  reader: str) -> None:
    client, dana = seen.readers[reader], seen.members["Dana Reyes"]
    history = client.get(f"/api/v1/targets/{dana}/stance-history").json()
    assert [(h["from_level"], h["to_level"]) for h in history] == DANA_HISTORY[reader]
    page = plain(client.get(f"/targets/{dana}").text)
    told = [f"{OUR_TERMS[old]} → {OUR_TERMS[new]}" for old, new in DANA_HISTORY[reader]]
    for step in told:
        assert step in page
    for old, new in DANA_HISTORY["a"]:
        step = f"{OUR_TERMS[old]} → {OUR_TERMS[new]}"
        if (old, new) not in DANA_HISTORY[reader] and old != "unknown":
            assert step not in page


def _whip_columns(html: str) -> dict[int, str]:
    """Each member's column on the whip board, by target id."""
    found: dict[int, str] = {}
    column = ""
    for match in re.finditer(r'<section class="stance-column (\w+)"|id="member-(\d+)"', html):
        if match.group(1):
            column = match.group(1)
        else:
            found[int(match.group(2))] = column
    return found


@pytest.mark.parametrize("reader", READERS)
def test_the_whip_board_and_its_counts_show_what_the_reader_may_read(seen: Coalition,
                                                                     reader: str) -> None:
    client, names = seen.readers[reader], _names(seen)
    expected = {name: CURRENT[reader].get(name, "unknown")
                for name in ("Dana Reyes", "Eli Park", "Fay Ortiz", "Gus Hale")}
    for page in (client.get(f"/campaigns/{seen.campaign}/whip?body={seen.body}"),
                 fragment(client, f"/campaigns/{seen.campaign}/whip?body={seen.body}")):
        assert page.status_code == 200
        assert {names[t]: level for t, level in _whip_columns(page.text).items()} == expected
        assert f"{LIKELY_YES[reader]} likely with us of 3 needed" in plain(page.text)
    votes = plain(fragment(client, "/", **{"HX-Target": "votes"}).text)
    assert f"{LIKELY_YES[reader]} likely with us of 3 needed" in votes
    vote_page = plain(client.get(f"/votes/{seen.vote}").text)
    assert f"{LIKELY_YES[reader]} likely with us of 3 needed" in vote_page


# A stance in the campaign's terms, as histories and the vote page both say it.
OUR_TERMS = {"champion": "with us", "leaning_yes": "leaning with us", "undecided": "undecided",
             "leaning_no": "leaning against", "opposed": "against us", "unknown": "not known"}


def _campaign_members(html: str) -> dict[str, str]:
    rows = re.findall(r'<a href="/targets/\d+">([^<]+)</a>.*?<span class="stance (\w+)">', html,
                      flags=re.S)
    return dict(rows)


@pytest.mark.parametrize("reader", READERS)
def test_the_campaign_page_shows_stances_and_activity_the_reader_may_read(
        seen: Coalition, reader: str) -> None:
    client = seen.readers[reader]
    page = client.get(f"/campaigns/{seen.campaign}")
    assert page.status_code == 200
    shown = _campaign_members(page.text.split('id="targets"', 1)[1].split("</table>", 1)[0])
    assert shown == {name: CURRENT[reader].get(name, "unknown")
                     for name in ("Aaron Olu", "Dana Reyes", "Eli Park", "Fay Ortiz",
                                  "Gus Hale") if name != "Aaron Olu" or name in CURRENT[reader]}
    timeline = plain(page.text.split('id="timeline"', 1)[1])
    def said(level: str) -> str:
        return OUR_TERMS[level]

    told = {f"Dana Reyes: {said(old)} → {said(new)}" for old, new in DANA_HISTORY[reader]}
    everything = {f"Dana Reyes: {said(old)} → {said(new)}" for old, new in DANA_HISTORY["a"]} | {
        "Dana Reyes: not known → against us", "Dana Reyes: not known → leaning with us",
        "Dana Reyes: leaning with us → against us", "Eli Park: not known → with us",
        "Fay Ortiz: not known → leaning with us"}
    for line in sorted(everything):
        expected = line in told or any(line == f"{name}: not known → {said(level)}"
                                       for name, level in CURRENT[reader].items()
                                       if name != "Dana Reyes")
        assert (line in timeline) == expected, line


@pytest.mark.parametrize("reader", READERS)
def test_the_meeting_form_offers_first_those_the_reader_knows_a_stance_of(
        seen: Coalition, reader: str) -> None:
    found = seen.readers[reader].get(
        f"/meetings/new/who?campaign_id={seen.campaign}&format=json").json()["targets"]
    names = [row["name"] for row in found]
    # The campaign's own come first, by name: the body's members, and those with a stance on
    # the campaign the reader knows of.
    if "Aaron Olu" in CURRENT[reader]:
        assert names[0] == "Aaron Olu"
    else:
        assert names.index("Aaron Olu") > names.index("Gus Hale")


def test_the_planner_asks_at_a_tier_or_as_a_user(seen: Coalition, session: Session) -> None:
    eli, dana, fay = (seen.members[n] for n in ("Eli Park", "Dana Reyes", "Fay Ortiz"))
    now = clock.now()
    ids = [eli, dana, fay]

    known = stances.sources(session, ids, now)

    def levels(reader: Any) -> dict[int, dict[int, str]]:
        return {t: {c: level.value for c, level in known[t].standing(reader).levels.items()}
                for t in ids}

    c = seen.campaign
    assert levels(Visibility.coalition) == {eli: {}, dana: {c: "opposed"}, fay: {}}
    assert levels(Visibility.leads) == {eli: {}, dana: {c: "opposed"}, fay: {c: "leaning_yes"}}
    assert levels("leads") == levels(Visibility.leads)
    assert levels(Visibility.private) == {eli: {c: "champion"}, dana: {c: "opposed"},
                                          fay: {c: "leaning_yes"}}
    partner_b = seen.readers["b"].user  # type: ignore[attr-defined]
    partner_a = seen.readers["a"].user  # type: ignore[attr-defined]
    assert levels(partner_b) == levels(Visibility.coalition)
    assert levels(partner_a) == levels(Visibility.private)
    # Each reader is told what the pages tell them.
    for user in (partner_a, partner_b):
        told: dict[int, dict[int, str]] = {t: {} for t in ids}
        for t in ids:
            for stance in targets.stances(session, user, target_id=t):
                told[t][stance.campaign_id] = stance.level.value
        assert levels(user) == told
    assert known[eli].standing(Visibility.coalition).last_met is None
    assert known[dana].standing(Visibility.coalition).last_met == seen.now - timedelta(days=1)
    assert known[eli].standing(partner_a).last_met == seen.now - timedelta(days=1)
    # The trusted copy still holds the latest change, whoever may read it.
    copy = {s.target_id: s.level for s in session.exec(select(Stance)).all()}
    assert copy[eli] == "champion" and copy[dana] == "opposed"


def test_editing_an_old_meeting_never_sets_its_stance_again(coalition: Coalition,
                                                            session: Session) -> None:
    world, gus = coalition, coalition.members["Gus Hale"]
    a, b, lead = world.readers["a"], world.readers["b"], world.readers["lead"]
    history = f"/api/v1/targets/{gus}/stance-history"

    def current(client: TestClient) -> list[str]:
        return [s["level"] for s in client.get(f"/api/v1/targets/{gus}/stances").json()]

    _at(world, 1)
    meeting = _meeting(world, "a", "coalition", {"Gus Hale": "leaning_yes"}, "Porch visit")
    _at(world, 2)
    put = lead.put(f"/api/v1/targets/{gus}/stances/{world.campaign}", json={
        "level": "opposed", "source": "public_statement", "note": "Said no on the radio"})
    assert put.status_code == 200 and put.json()["level"] == "opposed"
    assert len(a.get(history).json()) == 2

    _at(world, 3)
    moved = a.patch(f"/api/v1/meetings/{meeting}", json={"location": "City Hall, room 2"})
    assert moved.status_code == 200, moved.text
    for client in (a, b, lead):
        assert current(client) == ["opposed"]
    assert [h["to_level"] for h in a.get(history).json()] == ["opposed", "leaning_yes"]

    _at(world, 4)
    hidden = a.patch(f"/api/v1/meetings/{meeting}", json={"visibility": "private"})
    assert hidden.status_code == 200, hidden.text
    assert current(a) == current(b) == ["opposed"]
    assert [(h["from_level"], h["to_level"]) for h in b.get(history).json()] == [
        ("unknown", "opposed")]
    assert [(h["from_level"], h["to_level"]) for h in a.get(history).json()] == [
        ("leaning_yes", "opposed"), ("unknown", "leaning_yes")]

    _at(world, 5)
    corrected = a.patch(f"/api/v1/meetings/{meeting}", json={
        "stances_observed": [{"target_id": gus, "level": "undecided"}]})
    assert corrected.status_code == 200, corrected.text
    # Recorded, in the place of what it corrects: the later stance stays.
    assert current(a) == ["opposed"]
    assert [(h["from_level"], h["to_level"]) for h in a.get(history).json()] == [
        ("undecided", "opposed"), ("leaning_yes", "undecided"), ("unknown", "leaning_yes")]
    again = a.patch(f"/api/v1/meetings/{meeting}", json={"summary": "Porch visit, again"})
    assert again.status_code == 200
    assert len(a.get(history).json()) == 3
    copy = session.exec(select(Stance).where(Stance.target_id == gus)).one()
    assert copy.level == "opposed"
