"""The migration that keeps calendar feed addresses as hashes: an address handed out before it
keeps answering afterwards, only its hash is left in the database, the table keeps its triggers,
and going back and forth again works."""

import hashlib
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from api import migrations
from api.auth.models import Role
from api.auth.tokens import new_token
from api.db import get_engine
from tests.databases import app_bound_to, fresh_database
from tests.factories import make_user

BEFORE = "c5hook0001"
# The table as it was before the migration: the secret itself in `token`.
OLD_FEEDS = sa.table("feed_token", sa.column("created_at", sa.DateTime),
                     sa.column("updated_at", sa.DateTime), sa.column("user_id", sa.Integer),
                     sa.column("kind", sa.String), sa.column("scope_id", sa.Integer),
                     sa.column("token", sa.String))


def _triggers() -> set[str]:
    with get_engine().connect() as conn:
        if conn.dialect.name == "postgresql":
            return set(conn.exec_driver_sql(
                "SELECT tgrelid::regclass::text || '.' || tgname FROM pg_trigger "
                "WHERE NOT tgisinternal").scalars())
        return set(conn.exec_driver_sql(
            "SELECT tbl_name || '.' || name FROM sqlite_master WHERE type = 'trigger'").scalars())


def _stored() -> list[tuple[object, ...]]:
    with get_engine().connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql("SELECT * FROM feed_token")]


def test_addresses_handed_out_before_keep_working_and_only_their_hashes_stay(
        tmp_path: Path) -> None:
    mine, theirs = new_token(), new_token()
    with fresh_database(tmp_path) as url, app_bound_to(url):
        migrations.upgrade(url)
        at_head = _triggers()
        owner = make_user(Role.lead, email="lead@example.org")
        other = make_user(Role.partner, email="partner@example.org")
        migrations.downgrade(url, BEFORE)
        made = datetime(2026, 11, 1, 12, 0)
        with get_engine().begin() as conn:
            for user, raw in ((owner, mine), (other, theirs)):
                conn.execute(OLD_FEEDS.insert().values(created_at=made, updated_at=made,
                                                       user_id=user.id, kind="user", scope_id=0,
                                                       token=raw))
        triggers = _triggers()

        migrations.upgrade(url)

        stored = _stored()
        assert len(stored) == 2
        everything = repr(stored)
        assert mine not in everything and theirs not in everything
        with get_engine().connect() as conn:
            hashes = set(conn.exec_driver_sql("SELECT token_hash FROM feed_token").scalars())
        assert hashes == {hashlib.sha256(raw.encode()).hexdigest() for raw in (mine, theirs)}
        # The feed table keeps its triggers through the change, and the schema is as at head.
        assert {t for t in triggers if t.startswith("feed_token.")} <= _triggers()
        assert _triggers() == at_head
        migrations.check(url)

        from api.app import create_app  # noqa: PLC0415  (bound to this database)

        with TestClient(create_app(), raise_server_exceptions=False) as calendar_app:
            for raw in (mine, theirs):
                feed = calendar_app.get(f"/feeds/{raw}.ics")
                assert feed.status_code == 200, feed.text
                assert feed.headers["content-type"].startswith("text/calendar")
            # The stored hash is no address.
            digest = hashlib.sha256(mine.encode()).hexdigest()
            assert calendar_app.get(f"/feeds/{digest}.ics").status_code == 404

        # Back again: a hash cannot become an address, so the feeds go; then forward again.
        migrations.downgrade(url, BEFORE)
        assert _stored() == []
        migrations.upgrade(url)
        migrations.check(url)
        assert _triggers() == at_head
