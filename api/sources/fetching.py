"""Asking outside services for JSON over httpx: timeouts, retries with backoff, plain errors."""

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from api.settings import get_settings

log = logging.getLogger(__name__)

USER_AGENT = "Oversight/0.1 (coalition CRM; self-hosted)"
# Statuses worth asking again: the service is busy, rate-limiting us or briefly broken.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_WAIT_SECONDS = 60.0

Sleep = Callable[[float], None]
# Looks at a failed reply; returns a message when the failure is known to be permanent.
Diagnose = Callable[[httpx.Response], str | None]


class OutsideError(Exception):
    """An outside service could not give us what we asked for; the message says why."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def new_client(*, timeout: float | None = None) -> httpx.Client:
    seconds = timeout if timeout is not None else get_settings().outside_timeout_seconds
    return httpx.Client(timeout=httpx.Timeout(seconds), follow_redirects=True,
                        headers={"User-Agent": USER_AGENT, "Accept": "application/json"})


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wait_for(response: httpx.Response | None, backoff: float, attempt: int) -> float:
    if response is not None:
        after = response.headers.get("Retry-After", "")
        if after.isdigit():
            return min(float(after), MAX_WAIT_SECONDS)
    return min(backoff * 2 ** (attempt - 1), MAX_WAIT_SECONDS)


def request_json(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    service: str,
    params: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    attempts: int | None = None,
    backoff: float = 1.0,
    sleep: Sleep = time.sleep,
    diagnose: Diagnose | None = None,
) -> Any:
    """The decoded JSON reply. Timeouts, network errors, busy or broken servers and replies that
    are not JSON are retried with exponential backoff; other 4xx replies are not. Raises
    OutsideError naming the service, the status and the service's own message."""
    tries = attempts if attempts is not None else get_settings().outside_attempts
    problem = f"{service} could not be reached"
    for attempt in range(1, tries + 1):
        response: httpx.Response | None = None
        try:
            response = http.request(method, url, params=params, data=data)
        except httpx.TimeoutException:
            problem = f"{service} did not answer within the time limit"
        except httpx.HTTPError as exc:
            problem = f"{service} could not be reached: {_short(str(exc)) or type(exc).__name__}"
        else:
            if response.is_success:
                try:
                    return response.json()
                except (json.JSONDecodeError, UnicodeDecodeError):
                    problem = (f"{service} sent a reply that is not JSON: "
                               f"{_short(response.text, 120)!r}")
            else:
                known = diagnose(response) if diagnose else None
                if known:
                    raise OutsideError(known, permanent=True)
                problem = (f"{service} answered HTTP {response.status_code}"
                           + (f": {_short(response.text)}" if response.text.strip() else ""))
                if response.status_code not in RETRY_STATUSES:
                    raise OutsideError(problem, permanent=True)
        if attempt < tries:
            wait = _wait_for(response, backoff, attempt)
            log.info("%s; trying again in %.1f s (attempt %d of %d)", problem, wait, attempt + 1,
                     tries)
            sleep(wait)
    raise OutsideError(f"{problem} (tried {tries} times)" if tries > 1 else problem)
