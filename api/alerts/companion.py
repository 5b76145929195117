"""The alert scheduler beside `oversight serve`, in a process of its own.

A full plan holds Python's lock for stretches of seconds; in the web process every page would
wait behind it. As a child `oversight worker` it runs on another core, and the web process
only starts it, starts it again if it dies, and stops it when the server stops. The child
watches for its parent too, so it does not outlive a server killed outright."""

import logging
import os
import signal
import subprocess
import sys
import threading
import time

log = logging.getLogger(__name__)

# A child that died is started again after a pause that doubles up to this, so a worker that
# fails at once (a database that is down) does not spin.
LONGEST_PAUSE = 60.0
# A child that ran this long before it died is started again at once.
HEALTHY_AFTER = 60.0


def worker_command(parent: int) -> list[str]:
    return [sys.executable, "-m", "api.cli", "worker", "--parent", str(parent)]


class Companion:
    """Runs, and keeps running, `oversight worker` as a child of this process."""

    def __init__(self, *, stop_seconds: float) -> None:
        self.stop_seconds = stop_seconds
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher = threading.Thread(target=self._watch, name="scheduler-companion",
                                         daemon=True)

    def start(self) -> "Companion":
        self._spawn()
        self._watcher.start()
        return self

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            # Its own process group: a Ctrl-C in the terminal reaches the server, which then
            # stops the child in its turn, rather than both at once.
            # This very interpreter and module, with no input from anyone.
            self.process = subprocess.Popen(worker_command(os.getpid()),  # noqa: S603
                                            start_new_session=True)
            self.started += 1
            log.info("alert scheduler started in process %s", self.process.pid)

    def _watch(self) -> None:
        pause = 1.0
        while not self._stopping.is_set():
            process = self.process
            assert process is not None
            began = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - began >= HEALTHY_AFTER:
                pause = 1.0
            log.error("the alert scheduler process %s exited with %s; starting it again in "
                      "%.0f s", process.pid, code, pause)
            if self._stopping.wait(pause):
                return
            pause = min(pause * 2, LONGEST_PAUSE)
            self._spawn()

    def stop(self) -> None:
        """Asks the child to stop, as `docker stop` would, and kills it if it outstays its
        shutdown time."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(self.stop_seconds)
        except subprocess.TimeoutExpired:
            log.warning("the alert scheduler process %s did not stop in time; killing it",
                        process.pid)
            process.kill()
            process.wait()


def watch_parent(parent: int, stop: threading.Event, *, every: float = 1.0) -> None:
    """Sets `stop` once the process that started this one is gone (its children are then
    handed to another parent)."""
    def watch() -> None:
        while not stop.wait(every):
            if os.getppid() != parent:
                log.warning("the server that started this worker is gone; stopping")
                stop.set()
                return

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
