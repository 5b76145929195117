"""`oversight serve --workers N`: N web processes answer requests on one port, side by side on
the one database, while the alert scheduler runs in one child process only, so no alert is
planned or sent twice."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from api.settings import PROJECT_ROOT
from tests.alerts.servers import free_port
from tests.alerts.test_processes import _env, _wait
from tests.alerts.test_serve_schedules_beside_it import _alive, _children, _holder, _workers

WORKERS = 2


def _web_workers(pid: int) -> list[int]:
    """The server's children that serve pages: uvicorn starts each with multiprocessing."""
    found = []
    for child in _children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in command and _alive(child):
            found.append(child)
    return found


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310
        answer.read()
        return int(answer.status)


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def server(db: None, port: int) -> Iterator[subprocess.Popen[bytes]]:
    # The worktree's own code, as `python -m` finds it from here; the workers inherit it.
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers",
         str(WORKERS)], cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env=_env(run_scheduler="true", alert_tick_seconds=0.3))
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            for pid in [*_web_workers(process.pid), *_workers(process.pid)]:
                os.kill(pid, signal.SIGKILL)
            process.kill()
            process.wait(timeout=10)


def test_n_workers_answer_and_one_child_schedules(server: subprocess.Popen[bytes],
                                                   port: int) -> None:
    _wait(lambda: len(_web_workers(server.pid)) == WORKERS, 60, "the web workers")
    _wait(lambda: len(_workers(server.pid)) == 1, 30, "the scheduler's process")
    url = f"http://127.0.0.1:{port}/healthz"

    def answers() -> bool:
        try:
            return _get(url) == 200
        except OSError:
            return False

    _wait(answers, 60, "the server to answer")
    workers = _web_workers(server.pid)
    before = {pid: _cpu_ticks(pid) for pid in workers}
    # Many requests at once, so the kernel hands connections to every worker; pages too,
    # which each worker reads from the one SQLite database.
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(_get, [url] * 1500 + [f"http://127.0.0.1:{port}/login"]
                                 * 100))
    assert set(statuses) == {200}
    assert all(_cpu_ticks(pid) > before[pid] for pid in workers), "a worker answered nothing"

    [child] = _workers(server.pid)
    _wait(lambda: f":{child}:" in _holder(), 30, "the scheduler child to tick")
    # However long it runs, the lease stays with that one child: no web worker schedules.
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        assert f":{child}:" in _holder()
        assert _workers(server.pid) == [child]
        time.sleep(0.1)

    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    _wait(lambda: not any(_alive(pid) for pid in [*workers, child]), 15,
          "the workers and the scheduler to stop with the server")
