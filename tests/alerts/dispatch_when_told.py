"""A dispatcher process for the concurrency test: loads everything, waits for a go file so two
of them start claiming at the same moment, then sends everything due and prints its count."""

import sys
import time
from pathlib import Path

from api.alerts.dispatcher import Dispatcher


def main() -> None:
    go = Path(sys.argv[1])
    dispatcher = Dispatcher()
    print("ready", flush=True)
    deadline = time.monotonic() + 30
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.002)
    report = dispatcher.dispatch_due()
    dispatcher.close()
    print(f"sent {report.sent}", flush=True)


if __name__ == "__main__":
    main()
