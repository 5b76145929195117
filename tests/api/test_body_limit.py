"""Request bodies are limited while they stream: refused with 413 past the form limit, or the
upload limit on the routes that take a file, before the forgery check or any parser reads
them, whether the body says its length or not."""

import io
import json
import logging
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session

from api.app import API_UPLOAD_PATHS
from api.auth import sessions, tokens
from api.body_limit import BodyLimit
from api.db import get_engine
from api.settings import Settings, get_settings
from tests.conftest import api_token
from tests.factories import make_organization, make_target
from web import refusals
from web.app import UPLOAD_PATHS

MB = 1024 * 1024
CHUNK = 64 * 1024
HX = {"HX-Request": "true"}


class Sent:
    """What a client sent and what it got back, through the app's ASGI interface."""

    def __init__(self) -> None:
        self.pulled = 0  # bytes of the body the server took from the client
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""

    def json(self) -> Any:
        return json.loads(self.body)


def send(app: Any, path: str, chunks: Iterable[bytes], *, headers: dict[str, str],
         method: str = "POST") -> Sent:
    """One request whose body comes a chunk at a time, as a server hands it to the app; the
    body is only made as the app asks for it."""
    sent = Sent()
    source: Iterator[bytes] = iter(chunks)
    finished = False

    async def receive() -> dict[str, Any]:
        nonlocal finished
        if finished:
            return {"type": "http.disconnect"}
        chunk = next(source, None)
        if chunk is None:
            finished = True
            return {"type": "http.request", "body": b"", "more_body": False}
        sent.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def respond(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            sent.status = message["status"]
            sent.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            sent.body += message.get("body", b"")

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
             "server": ("testserver", 80),
             "headers": [(b"host", b"testserver"),
                         *((k.lower().encode(), v.encode()) for k, v in headers.items())]}
    # In a thread of its own: its event loop is the only one there, whatever another test
    # left running in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(anyio.run, app, scope, receive, respond).result()
    return sent


def endless(total: int) -> Iterator[bytes]:
    block = b"a" * CHUNK
    for _ in range(total // CHUNK):
        yield block


FORM = {"content-type": "application/x-www-form-urlencoded"}


# ---- refused --------------------------------------------------------------------------------

def test_a_sign_in_that_declares_a_huge_body_is_refused_unread(app: Any, db: None) -> None:
    sent = send(app, "/login", endless(300 * MB),
                headers={**FORM, "content-length": str(300 * MB)})
    assert sent.status == 413
    assert sent.pulled == 0
    assert sent.headers["connection"] == "close"
    assert sent.headers["content-type"].startswith("text/html")
    assert "larger than the limit of 1 MB for a form or JSON body" in sent.body.decode()
    # The security headers wrap the refusal too.
    assert sent.headers["x-frame-options"] == "DENY"


def test_a_streamed_sign_in_is_cut_at_the_limit(app: Any, db: None,
                                               caplog: pytest.LogCaptureFixture) -> None:
    """No Content-Length (chunked): the forgery check used to read all of it before refusing."""
    sent = send(app, "/login", endless(16 * MB), headers=FORM)
    assert sent.status == 413
    assert "Too large" in sent.body.decode()
    limit = get_settings().max_form_bytes
    assert limit < sent.pulled <= limit + CHUNK
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # Too large is not forged: the log must not send whoever reads it after a forgery.
    assert not [r for r in caplog.records if "anti-forgery" in r.getMessage()]


def test_a_body_longer_than_it_said_is_cut_too(app: Any, db: None) -> None:
    sent = send(app, "/login", endless(4 * MB), headers={**FORM, "content-length": "100"})
    assert sent.status == 413
    assert sent.pulled <= get_settings().max_form_bytes + CHUNK


def test_too_much_json_gets_problem_json(client: TestClient) -> None:
    body = json.dumps({"name": "x" * (2 * MB)})
    response = client.post("/api/v1/people", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 413 and problem["title"] == "Too large"
    assert "1 MB" in problem["detail"]


def test_streamed_json_is_cut_where_the_route_reads_it(app: Any, admin: Any,
                                                       caplog: pytest.LogCaptureFixture
                                                       ) -> None:
    """A token skips the forgery check, so here the route's own body parsing meets the limit."""
    token = api_token(admin)
    chunks = (b'{"name": "', *endless(8 * MB), b'"}')
    sent = send(app, "/api/v1/people", chunks,
                headers={"content-type": "application/json",
                         "authorization": f"Bearer {token}"})
    assert sent.status == 413
    assert sent.headers["content-type"] == "application/problem+json"
    assert sent.json()["detail"].startswith("The request is larger than the limit")
    assert sent.pulled <= get_settings().max_form_bytes + CHUNK
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_multipart_form_to_a_route_without_files_has_the_form_limit(
        client: TestClient) -> None:
    response = client.post("/api/v1/people", data={"name": "Ana"},
                           files={"file": ("big.txt", b"a" * (2 * MB), "text/plain")})
    assert response.status_code == 413
    assert "for a form or JSON body" in response.json()["detail"]
    page = client.post("/login", files={"file": ("big.txt", b"a" * (2 * MB), "text/plain")})
    assert page.status_code == 413


# ---- uploads --------------------------------------------------------------------------------

@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OVERSIGHT_MAX_UPLOAD_BYTES", str(200_000))
    monkeypatch.setenv("OVERSIGHT_MAX_FORM_BYTES", str(64 * 1024))
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("OVERSIGHT_MAX_UPLOAD_BYTES")
    monkeypatch.delenv("OVERSIGHT_MAX_FORM_BYTES")
    get_settings.cache_clear()


def test_an_upload_larger_than_a_form_but_under_the_upload_limit_works(
        client: TestClient, session: Session, actor: Any) -> None:
    org = make_organization(session, actor)
    target = make_target(session, actor)
    session.commit()
    text = b"Meeting notes, line after line.\n" * (3 * MB // 32)
    assert get_settings().max_form_bytes < len(text) < get_settings().max_upload_bytes
    api = client.post("/api/v1/documents", files={"file": ("notes.txt", text, "text/plain")},
                      data={"attached_kind": "organization", "attached_id": str(org.id)})
    assert api.status_code == 201, api.text
    page = client.post(f"/targets/{target.id}/documents", headers=HX,
                       files={"file": ("notes.txt", text, "text/plain")})
    assert page.status_code == 200, page.text
    rows = b"Name,Email,Notes\n" + b"".join(
        b"Person %d,p%d@example.org,Met at the council meeting\n" % (i, i)
        for i in range(30_000))
    assert len(rows) > get_settings().max_form_bytes
    sheet = client.post("/imports/people", files={"file": ("people.csv", rows, "text/csv")},
                        follow_redirects=False)
    assert sheet.status_code == 303, sheet.text


def test_an_upload_past_the_upload_limit_is_refused(client: TestClient, session: Session,
                                                    actor: Any, small_limits: None) -> None:
    org = make_organization(session, actor)
    session.commit()
    big = b"a" * 400_000
    api = client.post("/api/v1/documents", files={"file": ("big.txt", big, "text/plain")},
                      data={"attached_kind": "organization", "attached_id": str(org.id)})
    assert api.status_code == 413
    assert api.json()["detail"] == "The file is larger than the upload limit of 200,000 bytes."
    # Under the body's limit but over the file's: the route's own check says so, as before.
    over = client.post("/api/v1/documents",
                       files={"file": ("over.txt", b"a" * 200_001, "text/plain")},
                       data={"attached_kind": "organization", "attached_id": str(org.id)})
    assert over.status_code == 422
    page = client.post("/imports/people", files={"file": ("p.csv", io.BytesIO(big), "text/csv")})
    assert page.status_code == 413
    assert "upload limit of 200,000 bytes" in page.text


def test_a_streamed_upload_past_the_limit_is_cut_on_a_page(app: Any, admin: Any,
                                                           small_limits: None,
                                                           caplog: pytest.LogCaptureFixture
                                                           ) -> None:
    """The page's own form parser meets the limit: it stops, and the refusal answers."""
    with Session(get_engine()) as session:
        raw = sessions.start(session, admin, user_agent="pytest", address="testclient")
        session.commit()
    boundary = "limit-test-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="people.csv"\r\nContent-Type: text/csv\r\n\r\nName\r\n').encode()
    sent = send(app, "/imports/people", (head, *endless(4 * MB)),
                headers={"content-type": f"multipart/form-data; boundary={boundary}",
                         "cookie": f"oversight_session={raw}",
                         "x-csrf-token": tokens.csrf_for(raw)})
    assert sent.status == 413
    assert "upload limit of 200,000 bytes" in sent.body.decode()
    settings = get_settings()
    assert sent.pulled <= settings.max_upload_bytes + settings.max_form_bytes + CHUNK
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_every_json_route_that_takes_a_file_has_the_upload_limit(app: Any) -> None:
    limit = BodyLimit(app, upload_paths=(*API_UPLOAD_PATHS, *UPLOAD_PATHS),
                      page=refusals.too_large)
    with_files = [path for path, operations in app.openapi()["paths"].items()
                  for operation in operations.values()
                  if "multipart/form-data" in operation.get("requestBody", {}).get("content", {})]
    assert len(with_files) >= 5
    for path in with_files:
        concrete = path.replace("{record_id}", "1").replace("{concept}", "people")
        assert limit.takes_file(concrete), path
    assert not limit.takes_file("/login")
    assert not limit.takes_file("/api/v1/people")


@pytest.mark.parametrize(("name", "value"), [("max_form_bytes", "100"),
                                             ("max_import_ratio", "1"),
                                             ("max_import_cells", "0")])
def test_limits_too_small_to_work_are_refused(monkeypatch: pytest.MonkeyPatch, name: str,
                                              value: str) -> None:
    monkeypatch.setenv(f"OVERSIGHT_{name.upper()}", value)
    with pytest.raises(ValidationError, match=name):
        Settings(_env_file=None)  # type: ignore[call-arg]
