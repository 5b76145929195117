"""A statement made once and kept is still read with each reader's own criteria: the copy
kept for one kind of reader is never handed to another."""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.auth.models import Role
from api.auth.scoping import act_as, built_once
from api.db import new_session
from api.meetings.models import Meeting
from tests import factories as f

KEPT = built_once(sa.select(Meeting.summary).order_by(Meeting.summary))


def _read(reader: Any) -> list[str]:
    with new_session(read_only=True) as session:
        act_as(session, reader)
        return list(session.execute(KEPT).scalars())


def test_each_reader_reads_a_kept_statement_with_their_own_criteria(
        session: Session, actor: Any) -> None:
    ours, theirs = (f.make_organization(session, actor) for _ in range(2))
    for org, visibility in ((ours, "private"), (theirs, "private"), (theirs, "leads"),
                            (theirs, "coalition")):
        f.make_meeting(session, actor, summary=f"{visibility} of {org.name}",
                       organization_id=org.id, visibility=visibility,
                       held_at=datetime(2026, 3, 1, 18, 0, tzinfo=UTC))
    session.commit()
    partner = f.make_user(Role.partner, session=session, organization_id=ours.id)
    other = f.make_user(Role.partner, session=session, organization_id=theirs.id)
    lead = f.make_user(Role.lead, session=session)
    admin = f.make_user(Role.admin, session=session)
    # In turns, so that each reads after another's copy was kept.
    for _ in range(2):
        assert _read(partner) == sorted([f"private of {ours.name}",
                                         f"coalition of {theirs.name}"])
        assert _read(other) == sorted([f"private of {theirs.name}", f"leads of {theirs.name}",
                                       f"coalition of {theirs.name}"])
        assert _read(lead) == sorted([f"leads of {theirs.name}", f"coalition of {theirs.name}"])
        assert len(_read(admin)) == 4
