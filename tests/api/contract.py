"""The behaviour every JSON collection shares, written once and run against each concept."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

MISSING_ID = 987_654

Payload = Callable[[Session, Any], dict[str, Any]]


@dataclass(frozen=True)
class Spec:
    """What the shared tests need to know about one collection."""

    path: str
    # A valid create body; it may create the records it refers to.
    payload: Payload
    # Three sets of overrides with distinct values of `sort`; `q` matches only the second.
    rows: tuple[dict[str, Any], dict[str, Any], dict[str, Any]]
    sort: str
    q: str
    # A filter parameter; the rows must not all share its value.
    filter: str | None
    # A valid change, and a change that breaks a rule with the field it names.
    patch: dict[str, Any]
    bad_patch: tuple[dict[str, Any], str]
    # Create overrides that must be refused with 422, each with the field it names.
    invalid: list[tuple[dict[str, Any], str]] = field(default_factory=list)


def problem(response: Response, status: int, field: str | None = None) -> dict[str, Any]:
    """Asserts a problem JSON response with this status (and naming the field, if given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    if field is not None:
        named = [e["field"] for e in body.get("errors", [])]
        assert field in named, f"{field} not among {named}: {body}"
    return body


def echoes(sent: dict[str, Any], got: dict[str, Any]) -> None:
    for name, value in sent.items():
        assert got[name] == value, f"{name}: sent {value!r}, got {got[name]!r}"


def query_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


class CrudContract:
    """Create, read, list, update and delete, as every collection must do them."""

    spec: Spec

    def create(self, client: TestClient, session: Session, actor: Any,
               **overrides: Any) -> dict[str, Any]:
        body = {**self.spec.payload(session, actor), **overrides}
        response = client.post(self.spec.path, json=body)
        assert response.status_code == 201, response.text
        echoes(body, response.json())
        return response.json()

    def create_rows(self, client: TestClient, session: Session, actor: Any) -> list[dict]:
        # Made out of order, so a list that merely returns insertion order fails the sort test.
        made = {i: self.create(client, session, actor, **self.spec.rows[i]) for i in (2, 0, 1)}
        return [made[0], made[1], made[2]]

    def listing(self, client: TestClient, **params: Any) -> dict[str, Any]:
        response = client.get(self.spec.path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def test_create_then_get(self, client: TestClient, session: Session, actor: Any) -> None:
        created = self.create(client, session, actor)
        assert created["id"] >= 1
        response = client.get(f"{self.spec.path}/{created['id']}")
        assert response.status_code == 200
        assert response.json() == created

    def test_search(self, client: TestClient, session: Session, actor: Any) -> None:
        rows = self.create_rows(client, session, actor)
        page = self.listing(client, q=self.spec.q)
        assert [item["id"] for item in page["items"]] == [rows[1]["id"]]
        assert page["total"] == 1

    def test_filter(self, client: TestClient, session: Session, actor: Any) -> None:
        name = self.spec.filter
        assert name is not None
        rows = self.create_rows(client, session, actor)
        wanted = rows[0][name]
        expected = {row["id"] for row in rows if row[name] == wanted}
        assert 0 < len(expected) < len(rows), "the rows must differ in the filtered field"
        page = self.listing(client, **{name: query_value(wanted)})
        ours = {item["id"] for item in page["items"]} & {row["id"] for row in rows}
        assert ours == expected
        assert all(item[name] == wanted for item in page["items"])

    @pytest.mark.parametrize("descending", [False, True])
    def test_sort(self, client: TestClient, session: Session, actor: Any,
                  descending: bool) -> None:
        rows = self.create_rows(client, session, actor)
        key = self.spec.sort
        expected = [row["id"] for row in sorted(rows, key=lambda r: r[key], reverse=descending)]
        page = self.listing(client, sort=f"-{key}" if descending else key, limit=500)
        ours = {row["id"] for row in rows}
        assert [item["id"] for item in page["items"] if item["id"] in ours] == expected

    def test_pagination(self, client: TestClient, session: Session, actor: Any) -> None:
        rows = self.create_rows(client, session, actor)
        total = self.listing(client)["total"]
        seen: list[int] = []
        for offset in range(0, total, 2):
            page = self.listing(client, limit=2, offset=offset, sort="id")
            assert (page["total"], page["limit"], page["offset"]) == (total, 2, offset)
            assert len(page["items"]) == min(2, total - offset)
            seen += [item["id"] for item in page["items"]]
        assert seen == sorted(set(seen)) and len(seen) == total
        assert {row["id"] for row in rows} <= set(seen)
        assert self.listing(client, limit=2, offset=total)["items"] == []

    def test_patch(self, client: TestClient, session: Session, actor: Any) -> None:
        created = self.create(client, session, actor)
        url = f"{self.spec.path}/{created['id']}"
        response = client.patch(url, json=self.spec.patch)
        assert response.status_code == 200, response.text
        echoes(self.spec.patch, response.json())
        assert client.get(url).json() == response.json()
        untouched = set(created) - set(self.spec.patch) - {"updated_at"}
        assert {k: response.json()[k] for k in untouched} == {k: created[k] for k in untouched}

    def test_patch_breaking_a_rule(self, client: TestClient, session: Session,
                                   actor: Any) -> None:
        created = self.create(client, session, actor)
        url = f"{self.spec.path}/{created['id']}"
        change, field_name = self.spec.bad_patch
        problem(client.patch(url, json=change), 422, field_name)
        assert client.get(url).json() == created

    def test_delete(self, client: TestClient, session: Session, actor: Any) -> None:
        created = self.create(client, session, actor)
        url = f"{self.spec.path}/{created['id']}"
        response = client.delete(url)
        assert response.status_code == 204
        assert response.content == b""
        problem(client.get(url), 404)
        problem(client.delete(url), 404)

    @pytest.mark.parametrize("method", ["get", "patch", "delete"])
    def test_unknown_id(self, client: TestClient, method: str) -> None:
        url = f"{self.spec.path}/{MISSING_ID}"
        kwargs = {"json": self.spec.patch} if method == "patch" else {}
        body = problem(client.request(method, url, **kwargs), 404)
        assert str(MISSING_ID) in body["detail"]

    def test_invalid_input(self, client: TestClient, session: Session, actor: Any,
                           invalid: tuple[dict[str, Any], str]) -> None:
        overrides, field_name = invalid
        body = {**self.spec.payload(session, actor), **overrides}
        before = self.listing(client)["total"]
        problem(client.post(self.spec.path, json=body), 422, field_name)
        assert self.listing(client)["total"] == before


def refused_reference(client: TestClient, spec: Spec, session: Session, actor: Any,
                      field_name: str, value: Any) -> None:
    """A create naming a row that does not exist is refused with 422 naming the field."""
    body = {**spec.payload(session, actor), field_name: value}
    detail = problem(client.post(spec.path, json=body), 422, field_name)["detail"]
    assert str(MISSING_ID) in detail


def blocked_delete(client: TestClient, url: str, still_there: str) -> None:
    """Deleting a row a required reference still points at is refused, and nothing is lost."""
    problem(client.delete(url), 409)
    assert client.get(url).status_code == 200
    assert client.get(still_there).status_code == 200
