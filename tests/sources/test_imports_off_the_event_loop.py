"""Reading and planning an import runs off the event loop: while a large file (within the limits)
is being parsed for the JSON API or the upload page, the server, served for real by uvicorn,
keeps answering other requests, here /healthz. The answer's delay is measured against how long
the parsing itself took, so a slow machine slows both alike."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from api.auth import sessions, tokens
from api.auth.models import User
from api.db import get_engine
from api.sources import spreadsheets
from tests.conftest import api_token
from tests.serving import serving

WAIT = 300.0  # seconds: only how long a broken server may hang the test
HEALTH_CHECKS = 3


@dataclass
class Parsing:
    """When the wrapped reader began and ended, as the server ran it."""

    began: threading.Event = field(default_factory=threading.Event)
    start: float = 0.0
    end: float = 0.0

    @property
    def seconds(self) -> float:
        return self.end - self.start


@contextmanager
def timed(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> Iterator[Parsing]:
    parsing = Parsing()
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        parsing.start = time.monotonic()
        parsing.began.set()
        try:
            return original(*args, **kwargs)
        finally:
            parsing.end = time.monotonic()

    with monkeypatch.context() as patch:
        patch.setattr(module, name, wrapper)
        yield parsing


def health_while(address: str, parsing: Parsing, send: Callable[[httpx.Client], httpx.Response]
                 ) -> tuple[httpx.Response, float, float]:
    """Sends the import from a thread of its own and, once its parsing has begun, asks for
    /healthz a few times over; the import's answer, when the first /healthz was answered, and
    the quickest answer's delay (a busy machine may hold up any one request)."""
    answers: dict[str, httpx.Response] = {}

    def importing() -> None:
        with httpx.Client(base_url=address, timeout=WAIT) as browser:
            answers["import"] = send(browser)

    thread = threading.Thread(target=importing, daemon=True)
    thread.start()
    assert parsing.began.wait(WAIT), "the import never began parsing"
    delays: list[float] = []
    answered: list[float] = []
    with httpx.Client(base_url=address, timeout=WAIT) as other:
        for _ in range(HEALTH_CHECKS):
            asked = time.monotonic()
            health = other.get("/healthz")
            answered.append(time.monotonic())
            delays.append(answered[-1] - asked)
            assert health.status_code == 200 and health.json() == {"status": "ok"}
    thread.join(WAIT)
    return answers["import"], answered[0], min(delays)


def assert_answered_while_parsing(parsing: Parsing, first: float, delay: float) -> None:
    assert parsing.seconds > 0.2, "too small a file to tell anything"
    # Answered before the parsing ended, and in a fraction of the time it took.
    assert first < parsing.end, (first - parsing.start, parsing.seconds)
    assert delay < parsing.seconds / 2, (delay, parsing.seconds)


def test_the_api_answers_others_while_it_plans_a_large_spreadsheet(
        app: Any, admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [f"Person {n},p{n}@example.org,555-{n % 10_000:04d}" for n in range(40_000)]
    content = ("Name,Email,Phone\n" + "\n".join(rows) + "\n").encode()
    bearer = {"Authorization": f"Bearer {api_token(admin)}"}
    with serving(app) as address, timed(monkeypatch, spreadsheets, "plan") as parsing:
        answer, first, delay = health_while(address, parsing, lambda browser: browser.post(
            "/api/v1/imports/people", headers=bearer,
            files={"file": ("people.csv", content, "text/csv")}))
    assert answer.status_code == 200, answer.text
    assert answer.json()["total_rows"] == 40_000
    assert_answered_while_parsing(parsing, first, delay)


def test_the_upload_page_answers_others_while_it_reads_a_large_spreadsheet(
        app: Any, admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    # As many cells as an import may have: 50,000 rows of 19 columns, 8 MB.
    header = ",".join(["Name", "Email", "Phone", *(f"Note {n}" for n in range(16))])
    notes = ",".join(f"note {n}" for n in range(16))
    rows = [f"Person {n},p{n}@example.org,555-{n % 10_000:04d},{notes}" for n in range(49_999)]
    content = (header + "\n" + "\n".join(rows) + "\n").encode()
    with Session(get_engine()) as s:
        raw = sessions.start(s, admin, user_agent="pytest", address="127.0.0.1")
        s.commit()
    signed_in = {"Cookie": f"oversight_session={raw}", "X-CSRF-Token": tokens.csrf_for(raw)}
    with serving(app) as address, timed(monkeypatch, spreadsheets, "read_sheet") as parsing:
        answer, first, delay = health_while(address, parsing, lambda browser: browser.post(
            "/imports/people", headers=signed_in, follow_redirects=False,
            files={"file": ("people.csv", content, "text/csv")}))
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].endswith("/columns")
    assert_answered_while_parsing(parsing, first, delay)
