"""`oversight serve` runs the alert scheduler in a child process, not in the web process: the
ticks are the child's, a child that dies is started again, and neither outlives the other (a
stopped server stops its child; a server killed outright leaves a child that stops itself)."""

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from api.alerts.scheduler import DISPATCH
from api.db import session_scope
from api.settings import PROJECT_ROOT
from tests.alerts.servers import free_port
from tests.alerts.test_processes import OVERSIGHT, _env, _wait


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


def _workers(pid: int) -> list[int]:
    """The server's children that run `oversight worker`."""
    out = []
    for child in _children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except FileNotFoundError:
            continue
        if b"worker" in command and b"--parent" in command:
            out.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _holder() -> str:
    with session_scope(read_only=True) as s:
        return str(s.execute(sa.text("SELECT holder FROM scheduler_lease WHERE name = :n"),
                             {"n": DISPATCH}).scalar_one_or_none() or "")


@pytest.fixture
def server(db: None) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([OVERSIGHT, "serve", "--port", str(free_port())],
                               cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL,
                               env=_env(run_scheduler="true", alert_tick_seconds=0.3))
    yield process
    for pid in _workers(process.pid) if process.poll() is None else []:
        os.kill(pid, signal.SIGKILL)
    if process.poll() is None:
        process.kill()
    process.wait(timeout=15)


def test_the_scheduler_is_a_child_that_is_started_again_and_stopped_with_the_server(
        server: subprocess.Popen[bytes]) -> None:
    _wait(lambda: len(_workers(server.pid)) == 1, 30, "the scheduler's process")
    [child] = _workers(server.pid)
    # The ticks are the child's: the web process runs no scheduler of its own.
    _wait(lambda: f":{child}:" in _holder(), 30, "the child to tick")

    os.kill(child, signal.SIGKILL)
    _wait(lambda: [p for p in _workers(server.pid) if p != child], 15,
          "the scheduler to be started again")
    [again] = _workers(server.pid)
    _wait(lambda: f":{again}:" in _holder(), 30, "the new child to tick")

    started = time.monotonic()
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=20)
    _wait(lambda: not _alive(again), 5, "the child to stop with the server")
    assert time.monotonic() - started < 15


def test_a_child_whose_server_was_killed_stops_by_itself(
        server: subprocess.Popen[bytes]) -> None:
    _wait(lambda: len(_workers(server.pid)) == 1, 30, "the scheduler's process")
    [child] = _workers(server.pid)
    _wait(lambda: f":{child}:" in _holder(), 30, "the child to tick")
    server.kill()
    server.wait(timeout=10)
    _wait(lambda: not _alive(child), 15, "the orphaned child to stop")
