"""The migration that makes vendors records of their own: each agency's free-text vendor becomes
the Vendor it means (spellings folded, existing vendors reused), and going back restores the
text; on SQLite and PostgreSQL."""

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from api import migrations
from api.db import make_engine
from tests.databases import fresh_database

BEFORE = "e3about001"
REVISION = "f2atlas001"
NOW = datetime(2026, 12, 6, 6, 0, tzinfo=UTC)
AGENCY = ("INSERT INTO agency (created_at, updated_at, name, kind, state_code, alpr_vendor, "
          "shares_with_federal, sharing_evidence_url, policy_url, source_links, notes, atlas_id, "
          "ori, detections_period, data_sharing_report_url, visibility) VALUES (:t, :t, :name, "
          "'police_department', 'CO', :vendor, 'unknown', '', '', '[]', '', '', '', '', '', "
          "'coalition')")


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def test_free_text_vendors_become_vendor_records_and_come_back(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        migrations.upgrade(url, BEFORE)
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO vendor (created_at, updated_at, name, website, "
                                 "notes) VALUES (:t, :t, 'Flock Safety, Inc.', "
                                 "'https://flock.example', 'kept')"), {"t": NOW})
            for name, vendor in [("A PD", "Flock"), ("B PD", "Flock Safety"),
                                 ("C PD", "ELSAG"), ("D PD", "elsag"), ("E PD", ""),
                                 ("F PD", "Roadside Optics")]:
                conn.execute(sa.text(AGENCY), {"t": NOW, "name": name, "vendor": vendor})
        engine.dispose()

        migrations.upgrade(url, REVISION)
        assert _rows(url, "SELECT agency.name, vendor.name FROM agency LEFT JOIN vendor "
                          "ON vendor.id = agency.vendor_id ORDER BY agency.name") == [
            ("A PD", "Flock Safety, Inc."), ("B PD", "Flock Safety, Inc."),
            ("C PD", "Leonardo (ELSAG)"), ("D PD", "Leonardo (ELSAG)"), ("E PD", None),
            ("F PD", "Roadside Optics")]
        assert _rows(url, "SELECT count(*) FROM vendor") == [(3,)]
        assert _rows(url, "SELECT website, notes FROM vendor WHERE name = "
                          "'Flock Safety, Inc.'") == [("https://flock.example", "kept")]

        migrations.downgrade(url, BEFORE)
        assert _rows(url, "SELECT name, alpr_vendor FROM agency ORDER BY name") == [
            ("A PD", "Flock Safety, Inc."), ("B PD", "Flock Safety, Inc."),
            ("C PD", "Leonardo (ELSAG)"), ("D PD", "Leonardo (ELSAG)"), ("E PD", ""),
            ("F PD", "Roadside Optics")]

