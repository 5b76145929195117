"""`oversight demo --scale`: counts, the same rows from the same seed, sound references, and
records the services and the JSON API can read."""

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel

from api.auth.models import Role
from api.auth.scoping import act_as
from api.cli import main
from api.crud import ListQuery
from api.db import new_session
from api.demo import scale
from api.meetings import latest
from api.meetings import service as meetings
from api.records_requests import service as records_requests
from api.targets import service as targets
from api.tasks import service as tasks
from tests.databases import is_postgres
from tests.factories import make_user

SMALL = scale.SCALES["small"]
# Same shape, fewer rows: for the test that loads three times.
TINY = replace(SMALL, organizations=40, people=200, meetings=300, actions=300, tasks=300,
               records_requests=50)

# table: the columns whose values, in id order, make a run's fingerprint
FINGERPRINT = {
    "organization": ["name", "kind", "status"],
    "person": ["name", "email", "tags"],
    "target": ["name", "title", "body_id"],
    "campaign": ["name", "jurisdiction_id", "policy_asks"],
    "vote": ["title", "scheduled_at", "member_votes"],
    "meeting": ["held_at", "organization_id", "summary"],
    "action": ["title", "scheduled_on", "status"],
    "task": ["title", "due_on", "action_id", "meeting_id"],
    "records_request": ["subject", "status", "due_on"],
    "stancechange": ["target_id", "campaign_id", "to_level", "recorded_at"],
}


def fingerprint(session: Session) -> str:
    digest = hashlib.sha256()
    for name, columns in FINGERPRINT.items():
        table = SQLModel.metadata.tables[name]
        rows = session.execute(sa.select(*(table.c[c] for c in columns)).order_by(table.c.id))
        for row in rows:
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def count(session: Session, name: str) -> int:
    return session.execute(
        sa.select(sa.func.count()).select_from(SQLModel.metadata.tables[name])).scalar_one()


def empty(session: Session) -> None:
    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name != "app_user":
            session.execute(sa.delete(table))
    session.commit()


def orphans(session: Session) -> list[str]:
    """Every foreign key value that names no row, found with joins (works on both databases)."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            parent = fk.column.table.alias("parent")
            stmt = (sa.select(sa.func.count()).select_from(
                table.outerjoin(parent, parent.c[fk.column.name] == fk.parent))
                .where(fk.parent.is_not(None), parent.c[fk.column.name].is_(None)))
            missing = session.execute(stmt).scalar_one()
            if missing:
                found.append(f"{table.name}.{fk.parent.name}: {missing}")
    return found


def test_makes_the_counts_of_its_scale(session: Session, frozen_now: datetime) -> None:
    written = scale.load(session, scale=SMALL, seed=3)
    expected = {
        "jurisdiction": SMALL.jurisdictions, "body": scale.counts(SMALL)["bodies"],
        "target": scale.counts(SMALL)["targets"], "organization": SMALL.organizations,
        "person": SMALL.people, "campaign": SMALL.campaigns, "vote": SMALL.votes,
        "meeting": SMALL.meetings, "action": SMALL.actions, "task": SMALL.tasks,
        "records_request": SMALL.records_requests,
    }
    assert {name: count(session, name) for name in expected} == expected
    # The returned tally is what is in the database, link and history tables included.
    assert {name: count(session, name) for name in written} == written
    for history in ("stancechange", "stance", "affiliation", "meeting_target",
                    "meeting_attendee", "records_request_status_change", "campaign_lead"):
        assert written[history] > 0, history
    # Each current stance is where its history ended.
    stance = SQLModel.metadata.tables["stance"]
    change = SQLModel.metadata.tables["stancechange"]
    last = (sa.select(change.c.to_level).where(change.c.target_id == stance.c.target_id,
                                               change.c.campaign_id == stance.c.campaign_id)
            .order_by(change.c.id.desc()).limit(1).scalar_subquery())
    mismatched = session.execute(sa.select(sa.func.count()).select_from(stance)
                                 .where(stance.c.level != last)).scalar_one()
    assert mismatched == 0


def test_the_same_seed_makes_the_same_rows(session: Session, frozen_now: datetime) -> None:
    scale.load(session, scale=TINY, seed=5)
    first = fingerprint(session)
    empty(session)
    scale.load(session, scale=TINY, seed=5)
    assert fingerprint(session) == first
    empty(session)
    scale.load(session, scale=TINY, seed=6)
    assert fingerprint(session) != first


def test_every_reference_names_a_row(session: Session, frozen_now: datetime) -> None:
    scale.load(session, scale=SMALL, seed=1)
    assert orphans(session) == []
    if not is_postgres():
        assert session.execute(sa.text("PRAGMA foreign_key_check")).all() == []
    # Votes record only members of the body that votes.
    vote = SQLModel.metadata.tables["vote"]
    target = SQLModel.metadata.tables["target"]
    members = dict(session.execute(sa.select(target.c.id, target.c.body_id)).all())
    for body_id, member_votes in session.execute(sa.select(vote.c.body_id, vote.c.member_votes)):
        assert all(members[m["target_id"]] == body_id for m in member_votes)


def test_the_services_read_what_it_wrote(session: Session, actor, frozen_now: datetime) -> None:  # type: ignore[no-untyped-def]
    scale.load(session, scale=SMALL, seed=1)
    page = targets.crud.list_page(session, actor, ListQuery(limit=50, offset=100))
    assert page.total == scale.counts(SMALL)["targets"]
    assert len(page.items) == 50
    names = [item.name for item in page.items]
    assert names == sorted(names)

    meeting_id = session.execute(sa.select(sa.func.min(
        SQLModel.metadata.tables["meeting"].c.id))).scalar_one()
    meeting = meetings.crud.read(session, actor, meeting_id)
    assert meeting.target_ids and meeting.attendee_ids

    requests = records_requests.crud.list_page(session, actor, ListQuery(
        filters={"status": "extended"}, limit=20))
    assert requests.total > 0
    for item in requests.items:
        assert item.deadline is not None and item.deadline.extension_days > 0
        assert item.due_on is not None


def test_partners_share_most_meetings_and_tasks_and_keep_some(
        session: Session, frozen_now: datetime) -> None:
    """Leads see what partners share with them and not what a partner keeps to itself, as in
    a real coalition, so pages timed as a lead show meetings and tasks."""
    scale.load(session, scale=TINY, seed=1)
    session.commit()
    lead = make_user(Role.lead)
    for name, service in (("meeting", meetings), ("task", tasks)):
        table = SQLModel.metadata.tables[name]
        shared = session.execute(sa.select(table.c.visibility, sa.func.count())
                                 .group_by(table.c.visibility)).all()
        by_visibility = {str(v): n for v, n in shared}
        assert set(by_visibility) == {"coalition", "leads", "private"}, name
        with new_session(read_only=True) as as_lead:
            act_as(as_lead, lead)
            seen = service.crud.list_page(as_lead, lead, ListQuery(limit=1)).total
        owner = table.c.get("organization_id", table.c.get("owner_organization_id"))
        kept = session.execute(sa.select(sa.func.count()).select_from(table).where(
            table.c.visibility == "private", owner.is_not(None))).scalar_one()
        assert kept > 0 and seen == sum(by_visibility.values()) - kept, name
        assert by_visibility["coalition"] > by_visibility["private"], name


def test_the_api_lists_and_adds_after_it(client: TestClient, frozen_now: datetime) -> None:
    # Asked before the load, and kept: the load, made with the change count's triggers off,
    # must still count as a change, and leave them on for what follows.
    assert client.get("/api/v1/people", params={"limit": 50, "offset": 500}).json()["total"] == 0
    assert main(["demo", "--scale", "small", "--seed", "2"]) == 0
    people = client.get("/api/v1/people", params={"limit": 50, "offset": 500})
    assert people.status_code == 200
    assert people.json()["total"] == SMALL.people
    assert len(people.json()["items"]) == 50
    # Ids were given by the generator; new records must still get fresh ones.
    made = client.post("/api/v1/organizations", json={"name": "A New Partner"})
    assert made.status_code == 201, made.text
    assert made.json()["id"] > SMALL.organizations
    listed = client.get("/api/v1/organizations", params={"q": "A New Partner"}).json()
    assert [o["name"] for o in listed["items"]] == ["A New Partner"]


def test_cli_prints_progress_and_refuses_a_full_database(
        db: None, frozen_now: datetime, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--scale", "small"]) == 0
    out = capsys.readouterr().out
    assert "Making the small demo from seed 1" in out
    assert "meetings: 2,000 meetings" in out
    assert "done:" in out
    assert main(["demo", "--scale", "small"]) == 1
    refused = capsys.readouterr()
    assert "needs an empty database" in refused.err
    # Nothing is said about making a demo that will not be made.
    assert refused.out == ""
    assert main(["demo", "--scale", "small", "--if-empty"]) == 0
    assert "demo not loaded" in capsys.readouterr().out


def test_a_spanish_organizer_follows_the_load_in_spanish(
        db: None, frozen_now: datetime, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "es")
    assert main(["demo", "--scale", "small"]) == 0
    out = capsys.readouterr().out
    assert "Creando la demostración pequeña con la semilla 1: " in out
    assert "2,000 reuniones" in out and "reuniones: 2,000 reuniones" in out
    assert "índices de búsqueda creados" in out and "listo: " in out and " filas" in out
    for english in ("Making", "meeting", "done:", "search indexes", "rows", "records request"):
        assert english not in out, english
    assert main(["demo", "--scale", "small"]) == 1
    refused = capsys.readouterr()
    assert "necesita una base de datos vacía" in refused.err
    assert "Creando" not in refused.out and refused.out == ""


def test_a_required_column_it_does_not_fill_is_named(session: Session) -> None:
    table = sa.Table("later", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("added", sa.String(10), nullable=False),
                     sa.Column("defaulted", sa.String(10), nullable=False, default="x"),
                     sa.Column("optional", sa.String(10)))
    writer = scale.Writer(session, progress=lambda line: None)
    with pytest.raises(RuntimeError, match="later.added"):
        writer.add(table, {"id": 1})


def test_the_meetings_summaries_are_made_for_the_load(
        session: Session, frozen_now: datetime) -> None:
    """Loaded with the summaries' triggers off, the meetings' latest per target and local days
    are made from all rows at the end, as the app would have kept them."""
    scale.load(session, scale=TINY, seed=1)
    session.commit()
    meeting = SQLModel.metadata.tables["meeting"]
    link = SQLModel.metadata.tables["meeting_target"]
    recomputed = session.execute(
        sa.select(link.c.target_id, meeting.c.organization_id, meeting.c.visibility,
                  sa.func.max(meeting.c.held_at))
        .join(meeting, meeting.c.id == link.c.meeting_id)
        .group_by(link.c.target_id, meeting.c.organization_id, meeting.c.visibility)).all()
    kept = session.execute(sa.select(latest.table)).all()
    assert kept and sorted(map(tuple, kept), key=str) == sorted(map(tuple, recomputed), key=str)
    days = session.execute(sa.select(meeting.c.held_at, meeting.c.local_day,
                                     meeting.c.local_zone)).all()
    assert days and all(
        day == held.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date()
        for held, day, zone in days)
