"""A statement made once and kept is still read with each reader's own criteria: the copy
kept for one kind of reader is never handed to another."""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.auth import permissions
from api.auth.models import Role
from api.auth.scoping import act_as, as_system, built_once, kept_for, load, read
from api.db import new_session
from api.meetings.models import Meeting
from tests import factories as f

KEPT = built_once(sa.select(Meeting.summary).order_by(Meeting.summary))


def _read(reader: Any) -> list[str]:
    with new_session(read_only=True) as session:
        act_as(session, reader)
        return list(session.execute(KEPT).scalars())


def _read_on_the_connection(reader: Any) -> list[str]:
    with new_session(read_only=True) as session:
        act_as(session, reader)
        return list(read(session, KEPT).scalars())


def _loaded(reader: Any, meeting_ids: list[int]) -> list[str]:
    with new_session(read_only=True) as session:
        act_as(session, reader)
        return sorted(m.summary for i in meeting_ids
                      if (m := load(session, Meeting, i)) is not None)


def test_each_reader_reads_a_kept_statement_with_their_own_criteria(
        session: Session, actor: Any) -> None:
    _each_reader_reads_their_own(session, actor, _read)


def test_a_kept_statement_read_on_the_connection_has_each_readers_criteria(
        session: Session, actor: Any) -> None:
    _each_reader_reads_their_own(session, actor, _read_on_the_connection)


def test_a_record_loaded_by_id_is_only_one_the_reader_may_read(
        session: Session, actor: Any) -> None:
    ids = {}

    def by_id(reader: Any) -> list[str]:
        return _loaded(reader, sorted(ids.values()))

    _each_reader_reads_their_own(session, actor, by_id, made=ids)


def test_a_kept_statement_read_as_the_system_reads_every_row(
        session: Session, actor: Any) -> None:
    org = f.make_organization(session, actor)
    f.make_meeting(session, actor, summary="kept to itself", organization_id=org.id,
                   visibility="private", held_at=datetime(2026, 3, 1, 18, 0, tzinfo=UTC))
    session.commit()
    lead = f.make_user(Role.lead, session=session)
    with new_session(read_only=True) as reading:
        act_as(reading, lead)
        assert "kept to itself" not in list(read(reading, KEPT).scalars())
        with as_system(reading):
            assert "kept to itself" in list(read(reading, KEPT).scalars())
        assert "kept to itself" not in list(read(reading, KEPT).scalars())


def _each_reader_reads_their_own(session: Session, actor: Any, reads: Any, *,
                                 made: dict[str, int] | None = None) -> None:
    ours, theirs = (f.make_organization(session, actor) for _ in range(2))
    for org, visibility in ((ours, "private"), (theirs, "private"), (theirs, "leads"),
                            (theirs, "coalition")):
        meeting = f.make_meeting(session, actor, summary=f"{visibility} of {org.name}",
                                 organization_id=org.id, visibility=visibility,
                                 held_at=datetime(2026, 3, 1, 18, 0, tzinfo=UTC))
        if made is not None:
            made[f"{visibility} of {org.name}"] = meeting.id
    session.commit()
    partner = f.make_user(Role.partner, session=session, organization_id=ours.id)
    other = f.make_user(Role.partner, session=session, organization_id=theirs.id)
    lead = f.make_user(Role.lead, session=session)
    admin = f.make_user(Role.admin, session=session)
    # In turns, so that each reads after another's copy was kept.
    for _ in range(2):
        assert reads(partner) == sorted([f"private of {ours.name}",
                                         f"coalition of {theirs.name}"])
        assert reads(other) == sorted([f"private of {theirs.name}", f"leads of {theirs.name}",
                                       f"coalition of {theirs.name}"])
        assert reads(lead) == sorted([f"leads of {theirs.name}", f"coalition of {theirs.name}"])
        assert len(reads(admin)) == 4


def test_a_statement_with_the_readers_rule_written_in_is_kept_per_reader(
        session: Session, actor: Any) -> None:
    """`kept_for` makes a statement whose own conditions name the reader's rule once per kind
    of reader, and each reader reads with their own."""
    made: list[Any] = []

    def written_for(reader: Any) -> Any:
        def make() -> Any:
            made.append(reader)
            rule = permissions.visible(Meeting, reader)
            return sa.select(Meeting.summary).where(
                sa.true() if rule is None else rule).order_by(Meeting.summary)
        return kept_for(("meetings by rule",), reader, make)

    def by_rule(reader: Any) -> list[str]:
        with new_session(read_only=True) as reading, as_system(reading):
            return list(read(reading, written_for(reader)).scalars())

    _each_reader_reads_their_own(session, actor, by_rule)
    # Four readers of four kinds, each read twice: each statement made once.
    assert len(made) == 4
