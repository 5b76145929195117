"""Flash messages that survive a redirect: kept for one page view in a short-lived cookie."""

import json
from dataclasses import dataclass
from urllib.parse import quote, unquote

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "oversight_flash"
# A warning: done, with something the person should know (steps already late).
KINDS = ("success", "warning", "error")


@dataclass(frozen=True)
class Message:
    text: str
    kind: str = "success"
    # A page of this site the message points to, such as the record it made.
    link: str = ""
    link_text: str = ""


def _local(link: str) -> str:
    return link if link.startswith("/") and not link.startswith(("//", "/\\")) else ""


def success(text: str, *, link: str = "", link_text: str = "") -> Message:
    return Message(text, "success", _local(link), link_text if _local(link) else "")


def warning(text: str) -> Message:
    return Message(text, "warning")


def error(text: str) -> Message:
    return Message(text, "error")


def keep(response: Response, message: Message) -> None:
    """Shows the message on the next page this browser loads."""
    value = quote(json.dumps([message.kind, message.text[:500], message.link[:500],
                              message.link_text[:200]]))
    response.set_cookie(COOKIE, value, max_age=120, path="/", httponly=True, samesite="lax")


def read(request: Request) -> list[Message]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        kind, text, *rest = json.loads(unquote(raw))
        link, link_text = (rest + ["", ""])[:2]
    except (ValueError, TypeError):
        return []
    if kind not in KINDS or not all(isinstance(v, str) for v in (text, link, link_text)):
        return []
    return [Message(text, kind, _local(link), link_text if _local(link) else "")]


def clear(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
