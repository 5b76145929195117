"""`oversight serve` run in the test's process with uvicorn held back: what it printed, what it
asked uvicorn for, and the settings it left for the app, undone afterwards; and the app served
for real on a free port, for tests that need a server's own behaviour (its access log, its
event loop)."""

import contextlib
import io
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn

from api import public_url
from api.cli import main
from api.settings import get_settings


@dataclass
class Served:
    printed: str = ""
    # uvicorn.run's keyword arguments, and the link address the app would have used.
    asked: dict[str, Any] = field(default_factory=dict)
    links: str = ""


@contextlib.contextmanager
def served(*args: str, base_url: str | None = None) -> Iterator[Served]:
    """Runs `oversight serve ARGS`; links keep pointing there until the block ends."""
    found = Served()

    def run(app: str, **kwargs: Any) -> None:
        found.asked = {"app": app, **kwargs}
        found.links = public_url.base_url()

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("uvicorn.run", run)
            if base_url is None:
                patch.delenv("OVERSIGHT_BASE_URL", raising=False)
            else:
                patch.setenv("OVERSIGHT_BASE_URL", base_url)
            # Noted as it is now, so the address serve records is taken away afterwards.
            patch.setenv("OVERSIGHT_SERVED_URL", "")
            get_settings.cache_clear()
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                assert main(["serve", *args]) == 0
            found.printed = out.getvalue()
            yield found
    finally:
        get_settings.cache_clear()


@contextlib.contextmanager
def serving(app: Any, *, access_log: bool = False) -> Iterator[str]:
    """The app served by uvicorn in a thread of this process (so it shares the test database
    and the clock) on a free 127.0.0.1 port; yields its address."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                            log_level="info" if access_log else "warning",
                            access_log=access_log, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
