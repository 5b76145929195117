"""Keeps secrets (invitation, reset and calendar-feed links, API tokens) out of every log line."""

import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

REDACTED = "[redacted]"

# Paths whose next part is the secret itself, in any case and whatever follows it (`.ics` or
# nothing, a typo, another suffix): a mistyped address carries the secret as surely as a
# right one. `%2F` too, for a path carried in a query string (such as ?next=...), and percent
# escapes within the secret. A part of digits only is a record's id (/api/v1/alerts/feeds/12),
# never a secret.
_SLASH = r"(?:/|%2F)"
_PATH_PART = r"(?:[A-Za-z0-9_-]|%[0-9A-F]{2})+"
_TOKEN_PATHS = re.compile(
    rf"(?P<head>{_SLASH}(?:password-reset|invite|feeds){_SLASH})"
    rf"(?!\d+(?![A-Za-z0-9_%-])){_PATH_PART}", re.IGNORECASE)
_API_TOKENS = re.compile(r"\bovs_[A-Za-z0-9_-]+")
_SECRET_PARAMETERS = re.compile(
    r"(?P<name>[?&;](?:[a-z_]*token|code|password|secret|key|api_key|signature)=)[^&;#\s\"]*",
    re.IGNORECASE)


def redact(text: str) -> str:
    """The text with every secret it carries replaced by [redacted]."""
    text = _TOKEN_PATHS.sub(lambda found: found.group("head") + REDACTED, text)
    text = _API_TOKENS.sub(REDACTED, text)
    return _SECRET_PARAMETERS.sub(lambda found: found.group("name") + REDACTED, text)


_TRACEBACKS = logging.Formatter()


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, int | float):
        return value
    # Such as an httpx URL: replaced by its text only when that carries a secret, so any other
    # argument keeps its type for the message's format.
    try:
        text = str(value)
    except Exception:  # noqa: BLE001  (logging must never break the code that logs)
        return value
    cleaned = redact(text)
    return value if cleaned == text else cleaned


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and its string arguments in place, keeping their shape:
    uvicorn's access formatter reads the arguments one by one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(value) for value in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        if record.exc_info and not record.exc_text:
            # Formatted once here, as a handler's formatter would, so an exception's message (a
            # failed request's URL, say) is redacted too; formatters use the text kept here.
            record.exc_text = redact(_TRACEBACKS.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


# uvicorn's own loggers: its access log has a line per request, with the path and query.
SERVER_LOGGERS = ("uvicorn.access", "uvicorn.error")

_filter = RedactSecrets()


def _redacting_factory(make: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        _filter.filter(record)
        return record

    # A mark on the function, so installing twice is seen; mypy knows no attributes set on
    # a function.
    factory.redacts_secrets = True  # type: ignore[attr-defined]
    return factory


def install() -> None:
    """Redacts every log line made in this process from now on; safe to call again.

    A filter on a logger sees only what is logged to that very logger, not what its children
    pass up, and handlers are added and replaced by whoever configures logging. So records
    are redacted where they are made, for every logger; uvicorn's loggers also carry the
    filter, so their lines stay clean even if a server later replaces the record factory."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(_filter)
    current = logging.getLogRecordFactory()
    if not getattr(current, "redacts_secrets", False):
        logging.setLogRecordFactory(_redacting_factory(current))


def address_host(url: str) -> str:
    """A webhook address cut to its host: for Slack and Discord the path is the password, so
    only those who keep the webhook read the rest of it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.netloc else "…"
