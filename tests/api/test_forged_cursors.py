"""Page cursors nobody but this instance can make: one forged from the cursor format (an id past
the database's integers, a time with no zone, a jump to another name) is refused as changed,
on the JSON API and on a list page; and even a cursor the instance signed is read only when
every value in it fits its column, so a bad one is a plain refusal, never a server error."""

import base64
import hashlib
import json
import stat
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import signing
from api.contracts import service as contracts
from api.crud import ListQuery
from api.keyset import Cursor, encode
from api.meetings import service as meetings
from api.people import service as people
from api.settings import get_settings
from tests import factories as f


@pytest.fixture
def listed(session: Session, actor: Any) -> None:
    agency = f.make_agency(session, actor)
    for i in range(5):
        f.make_person(session, actor, name=f"Walker {i:02d}")
        f.make_meeting(session, actor, held_at=datetime(2026, 3, 1 + i, 18, tzinfo=UTC))
        f.make_contract(session, actor, agency_id=agency.id, annual_cost=Decimal(100 + i))
    session.commit()


def _forged(cursor: str, values: list[Any]) -> str:
    """The cursor with other values, checked the way anyone who read the format could: a hash
    of the list and the text, with no key."""
    encoded, _ = cursor.split(".")
    body = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    body[3] = values
    text = base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")
    scope = people.crud.list_scope(ListQuery(sort="name"))
    digest = hashlib.sha256(f"{scope}\x00{text}".encode()).digest()[:9]
    return f"{text}.{base64.urlsafe_b64encode(digest).decode()}"


@pytest.mark.parametrize("values", [
    ["Walker 00", 10**20], ["Walker 00", 2**31], ["Walker 03", 1], ["Walker 00\x00", 1]],
    ids=["past-sqlite-integers", "past-postgresql-integers", "jump", "nul"])
def test_a_cursor_forged_from_its_format_is_refused(client: TestClient, listed: None,
                                                    values: list[Any]) -> None:
    honest = client.get("/api/v1/people", params={"sort": "name", "limit": 2}).json()["next"]
    answer = client.get("/api/v1/people", params={"sort": "name", "limit": 2,
                                                  "cursor": _forged(honest, values)})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "start again from the first page" in answer.json()["detail"]


SIGNED_BAD = [
    ("/api/v1/people", "name", people.crud, ("Walker 00", 10**20)),
    ("/api/v1/people", "name", people.crud, ("Walker 00", -(2**31) - 1)),
    ("/api/v1/people", "name", people.crud, ("Walker 00\x00", 1)),
    ("/api/v1/people", "name", people.crud, ("\ud800", 1)),
    ("/api/v1/meetings", "-held_at", meetings.crud, (datetime(2026, 3, 2, 18), 1)),
    ("/api/v1/meetings", "-held_at", meetings.crud,
     (datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-12))), 1)),
    ("/api/v1/contracts", "-annual_cost", contracts.crud, (Decimal("1e30"), 1)),
]


@pytest.mark.parametrize(("path", "sort", "crud", "values"), SIGNED_BAD,
                         ids=["huge-id", "negative-id", "nul", "surrogate", "no-zone",
                              "past-year-9999", "huge-amount"])
def test_a_signed_cursor_is_read_only_with_values_its_columns_hold(
        client: TestClient, listed: None, path: str, sort: str, crud: Any,
        values: tuple[Any, ...]) -> None:
    cursor = encode(Cursor(values=values), scope=crud.list_scope(ListQuery(sort=sort)))
    answer = client.get(path, params={"sort": sort, "limit": 2, "cursor": cursor})
    assert answer.status_code == 422, answer.text
    assert "start again from the first page" in answer.json()["detail"]


def test_a_signed_cursor_with_a_huge_position_is_refused(client: TestClient,
                                                         listed: None) -> None:
    cursor = encode(Cursor(values=("Walker 00", 1), position=10**20),
                    scope=people.crud.list_scope(ListQuery(sort="name")))
    answer = client.get("/api/v1/people", params={"sort": "name", "cursor": cursor})
    assert answer.status_code == 422, answer.text


def test_honest_cursors_still_page_every_kind_of_value(client: TestClient,
                                                        listed: None) -> None:
    for path, sort in (("/api/v1/people", "name"), ("/api/v1/meetings", "-held_at"),
                       ("/api/v1/contracts", "-annual_cost")):
        page = client.get(path, params={"sort": sort, "limit": 2}).json()
        seen = [item["id"] for item in page["items"]]
        while page["next"]:
            answer = client.get(path, params={"sort": sort, "limit": 2, "cursor": page["next"]})
            assert answer.status_code == 200, answer.text
            page = answer.json()
            seen += [item["id"] for item in page["items"]]
        assert len(seen) == len(set(seen)) == 5, path


def test_a_list_page_refuses_a_forged_cursor_in_words(client: TestClient, listed: None) -> None:
    from tests.web.html import plain

    honest = client.get("/api/v1/people", params={"sort": "name", "limit": 2}).json()["next"]
    for values in (["Walker 00", 10**20], ["Walker 03", 1]):
        answer = client.get("/people", params={"sort": "name", "cursor": _forged(honest, values)})
        assert answer.status_code == 422, answer.text
        assert "start again from the first page" in plain(answer.text)
        assert 'href="/people?sort=name"' in answer.text


def test_the_key_is_made_once_and_kept_in_the_data_directory(client: TestClient,
                                                             listed: None) -> None:
    client.get("/api/v1/people", params={"limit": 2})
    kept = get_settings().data_dir / signing.KEY_FILE
    assert kept.exists() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert bytes.fromhex(kept.read_text().strip()) == signing.key()
    signing._key_at.cache_clear()
    assert bytes.fromhex(kept.read_text().strip()) == signing.key()
