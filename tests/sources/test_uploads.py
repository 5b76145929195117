"""Import files kept between preview and commit: found only by their uploader and for their
import, refused when damaged, and swept away after a day."""

from datetime import UTC, datetime, timedelta

import pytest

from api import clock
from api.auth.models import Role, User
from api.errors import Invalid, NotFound
from api.settings import get_settings
from api.sources import uploads


def user(user_id: int) -> User:
    return User(id=user_id, email=f"u{user_id}@example.org", name="U", role=Role.lead)


def test_an_upload_is_found_by_its_owner_for_its_import(db: None) -> None:
    kept = uploads.keep(user(1), kind="people", filename="../../etc/people.csv",
                        content=b"Name\nAna\n")
    assert kept.filename == "people.csv"
    found = uploads.find(user(1), kind="people", upload_id=kept.id)
    assert found.content() == b"Name\nAna\n"
    for who, kind, upload_id in ((user(2), "people", kept.id), (user(1), "targets", kept.id),
                                 (user(1), "people", "../" + kept.id[3:]),
                                 (user(1), "people", "0" * 32)):
        with pytest.raises(NotFound, match="This upload is gone"):
            uploads.find(who, kind=kind, upload_id=upload_id)
    uploads.discard(found)
    with pytest.raises(NotFound):
        uploads.find(user(1), kind="people", upload_id=kept.id)


def test_one_commit_at_a_time(db: None) -> None:
    kept = uploads.keep(user(1), kind="people", filename="p.csv", content=b"Name\nAna\n")
    with pytest.raises(RuntimeError), uploads.claimed(kept):
        with pytest.raises(uploads.Taken), uploads.claimed(kept):
            pass
        with pytest.raises(uploads.Taken):
            uploads.find(user(1), kind="people", upload_id=kept.id)
        raise RuntimeError("the commit failed")
    # A failed commit gives the file back for another try; a good one removes it.
    with uploads.claimed(uploads.find(user(1), kind="people", upload_id=kept.id)):
        pass
    with pytest.raises(NotFound):
        uploads.find(user(1), kind="people", upload_id=kept.id)


def test_a_damaged_file_is_not_used(db: None) -> None:
    kept = uploads.keep(user(1), kind="people", filename="p.csv", content=b"Name\nAna\n")
    (get_settings().data_dir / "imports" / f"{kept.id}.bin").write_bytes(b"Name\nEve\n")
    with pytest.raises(NotFound, match="damaged"):
        uploads.find(user(1), kind="people", upload_id=kept.id).content()


def test_uploads_older_than_a_day_are_swept(db: None) -> None:
    clock.freeze(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    old = uploads.keep(user(1), kind="people", filename="p.csv", content=b"Name\nAna\n")
    clock.freeze(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    assert uploads.find(user(1), kind="people", upload_id=old.id)
    clock.freeze(datetime(2026, 3, 2, 12, 0, tzinfo=UTC) + timedelta(seconds=1))
    with pytest.raises(NotFound):
        uploads.find(user(1), kind="people", upload_id=old.id)
    fresh = uploads.keep(user(1), kind="people", filename="p.csv", content=b"Name\nBo\n")
    folder = get_settings().data_dir / "imports"
    assert not (folder / f"{old.id}.bin").exists()
    assert (folder / f"{fresh.id}.bin").exists()


def test_empty_and_nameless_uploads_are_refused(db: None) -> None:
    with pytest.raises(Invalid, match="The file is empty."):
        uploads.keep(user(1), kind="people", filename="p.csv", content=b"  \n")
    with pytest.raises(Invalid, match="signed-in user"):
        uploads.keep(None, kind="people", filename="p.csv", content=b"Name\n")
