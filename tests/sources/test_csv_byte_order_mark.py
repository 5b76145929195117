"""Every CSV the app hands out starts with a UTF-8 byte order mark, so spreadsheet programs read
its accents right: each list page's CSV (/people.csv), each JSON API export and the CSV files
inside an organization's ZIP; and every CSV is written by api.csv_export."""

import codecs
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import User
from api.settings import PROJECT_ROOT
from tests.factories import make_campaign, make_organization, make_person

BOM = codecs.BOM_UTF8
NAME = "José Muñoz-Ibáñez"


def csv_paths(app: Any) -> list[str]:
    return sorted({ctx.path for ctx in iter_route_contexts(app.routes)
                   if ctx.path.endswith(".csv") and "GET" in (ctx.methods or ())})


def test_every_csv_download_starts_with_a_byte_order_mark(client: TestClient, session: Session,
                                                          actor: User) -> None:
    make_person(session, actor, name=NAME, email="jose@example.org")
    campaign = make_campaign(session, actor)
    session.commit()
    paths = csv_paths(client.app)
    assert {"/people.csv", "/organizations.csv", "/api/v1/exports/people.csv",
            "/campaigns/{campaign_id}/public/supporters.csv"} <= set(paths)
    for path in paths:
        done = client.get(path.replace("{campaign_id}", str(campaign.id)))
        assert done.status_code == 200, (path, done.text)
        assert done.headers["content-type"] == "text/csv; charset=utf-8", path
        assert done.content.startswith(BOM), path
        # One mark, not two: the text behind it begins with the header.
        assert not done.content[len(BOM):].startswith(BOM), path
    for path in ("/people.csv", "/api/v1/exports/people.csv"):
        text = client.get(path).content.decode("utf-8-sig")
        assert NAME in text, path


def test_an_organizations_zip_holds_csv_files_with_the_mark(client: TestClient,
                                                            session: Session,
                                                            actor: User) -> None:
    organization = make_organization(session, actor, name="Coalición Latina")
    session.commit()
    done = client.get(f"/api/v1/exports/organizations/{organization.id}.zip")
    assert done.status_code == 200, done.text
    with zipfile.ZipFile(io.BytesIO(done.content)) as archive:
        names = [name for name in archive.namelist() if name.endswith(".csv")]
        assert "meeting_notes.csv" in names
        for name in names:
            assert archive.read(name).startswith(BOM), name


def test_csv_export_is_the_one_writer_of_csv() -> None:
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\b")
    found = [str(path.relative_to(PROJECT_ROOT))
             for folder in ("api", "web") for path in (PROJECT_ROOT / folder).rglob("*.py")
             if writers.search(path.read_text(encoding="utf-8"))]
    assert found == [str(Path("api") / "csv_export.py")]
