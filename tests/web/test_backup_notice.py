"""The administrator's dashboard says how the last backup went: none yet, when the last one was
made, or that the last one failed and why; nobody else is told."""

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.auth.models import Role
from api.backups import status
from api.settings import get_settings
from tests.web.html import fragment, is_full_page, plain

ARCHIVE = "oversight-20260302T140000Z.tar.age"


def full_page(client: TestClient) -> str:
    response = client.get("/")
    assert response.status_code == 200
    assert is_full_page(response.text)
    return response.text


@pytest.fixture
def no_backup_yet(db: None) -> Iterator[None]:
    path = get_settings().data_dir / status.FILE
    path.unlink(missing_ok=True)
    yield
    path.unlink(missing_ok=True)


def test_the_administrators_dashboard_says_how_the_last_backup_went(
        no_backup_yet: None, client: TestClient, client_as: Callable[..., TestClient],
        frozen_now: datetime) -> None:
    html = full_page(client)
    assert "No backup has been made on this server yet" in plain(html)
    # Another session of an administrator each time: the page kept for one is given again
    # within the minute.
    status.record_success(get_settings(), at=frozen_now - timedelta(hours=3), file=ARCHIVE)
    html = full_page(client_as(Role.admin))
    assert "Last backup:" in plain(html) and ARCHIVE in html
    assert "scheduled backups are off" in plain(html)

    status.record_failure(get_settings(), at=frozen_now - timedelta(hours=1),
                          error="pg_dump failed: connection refused.")
    admin = client_as(Role.admin)
    html = full_page(admin)
    assert "The last backup, on Mon Mar 2, 2026 8:00 AM PST, failed" in plain(html)
    assert "pg_dump failed: connection refused." in plain(html)
    assert "The last good one was made" in plain(html) and ARCHIVE in html
    part = fragment(admin, "/", **{"HX-Target": "votes"})
    assert part.status_code == 200 and 'id="backup-status"' not in part.text

    for role in (Role.lead, Role.partner, Role.viewer):
        other = full_page(client_as(role))
        assert 'id="backup-status"' not in other and "backup" not in plain(other).lower()
