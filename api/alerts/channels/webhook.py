"""Webhooks over httpx: Standard Webhooks 1.0 signing, Slack, Discord and Matrix bodies, and
the refusal of addresses inside the network (private, loopback, link-local)."""

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from api.alerts.channels import Outcome, Told
from api.alerts.models import AlertOutbox, WebhookFlavor
from api.errors import Invalid
from api.i18n.catalogs import N_, current, gettext, use_locale

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
USER_AGENT = "Oversight-Webhooks/1.0"


class BadUrl(ValueError):
    """A webhook URL that cannot be used; `refusal` says why in the reader's language."""

    def __init__(self, template: str, **values: Any) -> None:
        self.refusal = Invalid(template, field="url", **values)
        super().__init__(str(self.refusal))


class RefusedAddress(BadUrl):
    """The URL points inside the network and private addresses are not allowed."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature header: v1, then base64 HMAC-SHA256 of 'id.timestamp.body'."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Checks a request's Standard Webhooks signature (what a receiver does)."""
    expected = sign(secret, headers["webhook-id"], int(headers["webhook-timestamp"]), body)
    offered = headers.get("webhook-signature", "").split()
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return (not ip.is_global) or ip.is_multicast or ip.is_loopback or ip.is_link_local \
        or ip.is_private or ip.is_reserved or ip.is_unspecified


@dataclass(frozen=True)
class Target:
    url: httpx.URL
    host: str
    address: str


def check_url(url: str, *, allow_private: bool, resolve: bool = True) -> Target | None:
    """Refuses a URL whose host is, or resolves to, an address inside the network. Returns the
    address to connect to, so the request goes where the check looked (no DNS rebinding); None
    when the name does not resolve (and resolve failures are tolerated by the caller)."""
    if any(c.isspace() or not c.isprintable() for c in url):
        raise BadUrl(N_("must not contain spaces"))
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise BadUrl(N_("is not a valid URL: {reason}"), reason=str(exc)) from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise BadUrl(N_("must be an http:// or https:// URL with a host"))
    if parsed.userinfo:
        raise BadUrl(N_("must not carry a user name or password"))
    host = parsed.host
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        if _forbidden(literal) and not allow_private:
            raise RefusedAddress(N_("{host} is a private, loopback or link-local address"),
                                 host=host)
        return Target(parsed, host, str(literal))
    if not resolve:
        return None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not allow_private:
        for address in addresses:
            if _forbidden(address):
                raise RefusedAddress(N_("{host} resolves to {address}, a private, loopback or "
                                        "link-local address"), host=host, address=str(address))
    return Target(parsed, host, str(addresses[0])) if addresses else None


def payload(row: AlertOutbox, told: Told, *, now: datetime) -> dict[str, Any]:
    """The thin generic body: ids, kind, title, date and a link; never notes."""
    if row.event_at is None:
        date = None
    elif row.all_day:
        date = row.event_at.astimezone(ZoneInfo(row.zone)).date().isoformat()
    else:
        date = row.event_at.isoformat().replace("+00:00", "Z")
    return {
        "type": f"alert.{row.subject_kind}",
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "data": {
            "alert_id": row.id, "kind": row.subject_kind, "subject_id": row.subject_id,
            "occurrence": row.occurrence, "title": row.title, "headline": told.headline,
            "date": date, "all_day": row.all_day, "local_time": told.when,
            "timezone": row.zone, "campaign_id": row.campaign_id, "link": told.link,
            "late": row.late,
        },
    }


# The link's words in a chat message; the message is written in the endpoint's language.
OPEN = N_("Open in Oversight")


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def body_for(flavor: str, row: AlertOutbox, told: Told, *, now: datetime) -> dict[str, Any]:
    detail = " · ".join(p for p in (told.when, told.place) if p)
    if flavor == WebhookFlavor.slack:
        text = f"*{_slack_escape(told.headline)}*"
        if detail:
            text += f"\n{_slack_escape(detail)}"
        return {"text": text + f"\n<{told.link}|{_slack_escape(gettext(OPEN))}>"}
    if flavor == WebhookFlavor.discord:
        content = f"**{told.headline}**" + (f"\n{detail}" if detail else "") + f"\n{told.link}"
        # No @everyone or role pings from a title someone typed.
        return {"content": content[:2000], "allowed_mentions": {"parse": []}}
    if flavor == WebhookFlavor.matrix:
        text = told.headline + (f"\n{detail}" if detail else "") + f"\n{told.link}"
        html = (f"<strong>{escape(told.headline)}</strong>"
                + (f"<br>{escape(detail)}" if detail else "")
                + f"<br><a href=\"{escape(told.link, quote=True)}\">{escape(gettext(OPEN))}</a>")
        return {"text": text, "html": html, "username": "Oversight"}
    return payload(row, told, now=now)


def send(client: httpx.Client, *, url: str, secret: str, flavor: str, row: AlertOutbox,
         told: Told, now: datetime, allow_private: bool,
         language: str | None = None) -> Outcome:
    """Posts the alert; its words in `language` (else the language in force), and what went
    wrong in the language in force."""
    try:
        target = check_url(url, allow_private=allow_private)
    except RefusedAddress as exc:
        return Outcome(False, gettext("Refused: {reason}").format(reason=exc.refusal.message),
                       permanent=True)
    except BadUrl as exc:
        return Outcome(False, gettext("Invalid URL: {reason}").format(
            reason=exc.refusal.message), permanent=True)
    if target is None:
        return Outcome(False, gettext("Could not look up {host}").format(
            host=httpx.URL(url).host))
    with use_locale(language or current()):
        made = body_for(flavor, row, told, now=now)
    body = json.dumps(made, separators=(",", ":")).encode()
    timestamp = int(now.timestamp())
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": row.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, row.message_id, timestamp, body),
        "host": target.url.netloc.decode("ascii"),
    }
    extensions: dict[str, Any] = {}
    request_url = target.url.copy_with(host=target.address)
    if target.url.scheme == "https" and target.host != target.address:
        # Connect to the checked address but verify the certificate for the name.
        extensions["sni_hostname"] = target.host
    try:
        response = client.post(request_url, content=body, headers=headers,
                               extensions=extensions, follow_redirects=False)
    except httpx.TimeoutException as exc:
        return Outcome(False, f"Timed out: {type(exc).__name__}")
    except httpx.HTTPError as exc:
        return Outcome(False, f"{type(exc).__name__}: {exc}"[:2000])
    status = response.status_code
    if 200 <= status < 300:
        return Outcome(True, status_code=status)
    if status == 410:
        return Outcome(False, "The receiver answered 410 Gone; the endpoint is now disabled.",
                       status_code=status, permanent=True, disable_endpoint=True)
    if 300 <= status < 400:
        return Outcome(False, f"The receiver answered {status} (a redirect, not followed).",
                       status_code=status)
    return Outcome(False, f"The receiver answered {status}.", status_code=status)


def new_client(timeout: float) -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
                        follow_redirects=False, trust_env=False,
                        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32))
