"""Flash messages that survive a redirect: kept for one page view in a short-lived cookie."""

import json
from dataclasses import dataclass
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "oversight_flash"
KINDS = ("success", "error")


@dataclass(frozen=True)
class Message:
    text: str
    kind: str = "success"


def success(text: str) -> Message:
    return Message(text, "success")


def error(text: str) -> Message:
    return Message(text, "error")


def keep(response: Response, message: Message) -> None:
    """Shows the message on the next page this browser loads."""
    value = quote(json.dumps([message.kind, message.text[:500]]))
    response.set_cookie(COOKIE, value, max_age=120, path="/", httponly=True, samesite="lax")


def read(request: Request) -> list[Message]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        kind, text = json.loads(unquote(raw))
    except (ValueError, TypeError):
        return []
    if kind not in KINDS or not isinstance(text, str):
        return []
    return [Message(text, kind)]


def clear(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
