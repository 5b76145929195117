"""Retention: the preview lists exactly the people with contact details and no activity for the
period; applying it clears their details (and nobody else's), files an audit entry for each,
and strikes the values from their earlier entries."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock, retention, upkeep
from api.auth.models import AuditEntry
from api.cli import main
from api.documents.models import AttachedTo
from api.people import service as people
from api.people.models import Person, PersonUpdate
from api.settings import get_settings
from tests.factories import (
    make_affiliation,
    make_document,
    make_meeting,
    make_organization,
    make_person,
)

NOW = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
LONG_AGO = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
LATELY = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
DAYS = 365


def at(when: datetime) -> None:
    clock.freeze(when)


@pytest.fixture
def world(session: Session, actor: Any) -> dict[str, Any]:
    """People made long ago; some of them active lately in each way activity is counted."""
    at(LONG_AGO)
    made = {
        "quiet": make_person(session, actor, name="Quiet Quinn", email="quinn@example.org",
                             phone="555-0100", ok_to_text=True),
        "signal only": make_person(session, actor, name="Sam Signal", email=None,
                                   signal_handle="@sam.01", ok_to_email=False),
        "no details": make_person(session, actor, name="Nadia Nodetails", email=None,
                                  ok_to_email=False),
        "met lately": make_person(session, actor, name="Mo Meeting", email="mo@example.org"),
        "joined lately": make_person(session, actor, name="Jo Joined", email="jo@example.org"),
        "edited lately": make_person(session, actor, name="Ed Edited", email="ed@example.org"),
        "filed lately": make_person(session, actor, name="Fi Filed", email="fi@example.org"),
        "met long ago": make_person(session, actor, name="Lou Longago", email="lou@example.org"),
    }
    make_meeting(session, actor, held_at=LONG_AGO + timedelta(days=3),
                 attendee_ids=[made["met long ago"].id, made["quiet"].id])
    organization = make_organization(session, actor)
    at(LATELY)
    make_meeting(session, actor, held_at=LATELY, attendee_ids=[made["met lately"].id])
    make_affiliation(session, actor, person_id=made["joined lately"].id,
                     organization_id=organization.id)
    people.crud.update(session, actor, made["edited lately"].id,
                       PersonUpdate(notes="Called back"))
    session.commit()
    make_document(session, actor, attached_kind=AttachedTo.person,
                  attached_id=made["filed lately"].id)
    at(NOW)
    return made


def _stored(session: Session, person_id: int) -> dict[str, Any]:
    table = Person.__table__  # type: ignore[attr-defined]
    return dict(session.execute(sa.select(table).where(table.c.id == person_id))
                .mappings().one())


def _row(session: Session, person_id: int) -> Person:
    session.expire_all()
    found = session.get(Person, person_id)
    assert found is not None
    return found


def test_the_preview_lists_exactly_the_people_with_details_and_no_recent_activity(
        session: Session, world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    stale = retention.stale(session, days=DAYS)
    assert [(p.name, p.fields) for p in stale] == [
        ("Lou Longago", ("email",)), ("Quiet Quinn", ("email", "phone")),
        ("Sam Signal", ("signal_handle",))]
    session.commit()

    assert main(["retention", "--preview", "--days", str(DAYS)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 people with no activity since 2025-03-02 (365 days) would lose "
                          "their contact details.")
    assert "Quiet Quinn" in out and "email, phone" in out and "signal handle" in out
    assert "Mo Meeting" not in out and "Nadia" not in out
    # A preview changes nothing.
    assert _row(session, world["quiet"].id).email == "quinn@example.org"
    # With a longer period nobody is stale yet.
    assert retention.stale(session, days=DAYS * 3) == []


def test_apply_clears_their_details_only_and_records_each_in_the_audit_log(
        session: Session, world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    before = {key: _stored(session, p.id) for key, p in world.items()}
    session.commit()

    assert main(["retention", "--apply", "--days", str(DAYS)]) == 0
    assert "3 people with no activity since 2025-03-02" in capsys.readouterr().out

    for key in ("quiet", "signal only", "met long ago"):
        person = _row(session, world[key].id)
        assert (person.email, person.phone, person.signal_handle) == (None, "", "")
        assert not (person.ok_to_email or person.ok_to_text or person.ok_to_call)
        # The rest of the record stays, and its last change stays where it was.
        assert person.name == before[key]["name"]
        assert person.updated_at == before[key]["updated_at"]
    for key in ("no details", "met lately", "joined lately", "edited lately", "filed lately"):
        assert _stored(session, world[key].id) == before[key], key

    quinn = world["quiet"].id
    entries = session.exec(select(AuditEntry).where(
        AuditEntry.record_kind == "person", AuditEntry.record_id == quinn)
        .order_by(AuditEntry.id)).all()
    cleared = [e for e in entries if e.action == retention.ACTION]
    assert len(cleared) == 1
    assert cleared[0].actor_label == "system@oversight.invalid"
    assert cleared[0].at == NOW
    assert cleared[0].changes == {"email": ["[removed]", None], "phone": ["[removed]", ""],
                                  "ok_to_email": [True, False], "ok_to_text": [True, False]}
    # The values are gone from the log too: its entry for the creation keeps the fields' names.
    created = next(e for e in entries if e.action == "create")
    assert created.changes["email"] == [None, "[removed]"]
    assert created.changes["name"] == [None, "Quiet Quinn"]
    logged = session.execute(sa.select(AuditEntry.changes)).scalars().all()  # type: ignore[call-overload]
    for value in ("quinn@example.org", "555-0100", "@sam.01", "lou@example.org"):
        assert value not in repr(logged), value
    assert "mo@example.org" in repr(logged)
    assert len(session.exec(select(AuditEntry).where(
        AuditEntry.action == retention.ACTION)).all()) == 3

    # Nothing is left to clear, so a second run finds nobody.
    session.commit()
    assert retention.stale(session, days=DAYS) == []


def test_retention_is_off_unless_set_and_then_runs_daily_from_the_scheduler(
        session: Session, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    session.commit()
    assert get_settings().retention_days == 0
    assert main(["retention", "--apply"]) == 0
    assert "Retention is off" in capsys.readouterr().out
    assert "retention" not in {job.name for job in upkeep.upkeep_jobs(get_settings())}
    assert _row(session, world["quiet"].id).email == "quinn@example.org"
    session.commit()

    monkeypatch.setenv("OVERSIGHT_RETENTION_DAYS", str(DAYS))
    get_settings.cache_clear()
    try:
        jobs = {job.name: job for job in upkeep.upkeep_jobs(get_settings())}
        assert jobs["people.retention"].seconds == 24 * 3600
        jobs["people.retention"].run()
    finally:
        monkeypatch.delenv("OVERSIGHT_RETENTION_DAYS")
        get_settings.cache_clear()
    assert _row(session, world["quiet"].id).email is None
    assert _row(session, world["met lately"].id).email == "mo@example.org"
