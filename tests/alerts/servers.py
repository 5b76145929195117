"""Real servers on 127.0.0.1 for the alert tests: an SMTP server (aiosmtpd) that keeps what it
receives, and an HTTP server that receives webhooks with scripted answers."""

import email
import email.policy
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    # The message as it came over the wire, and the options its MAIL FROM declared.
    raw: bytes = b""
    mail_options: list[str] = field(default_factory=list)

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return body.get_content()


class _Keep:
    def __init__(self, inbox: list[Received],
                 then: Callable[[], None] | None = None, refuse: int = 0) -> None:
        self.inbox = inbox
        self.then = then
        self.refuse = refuse

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refuse:
            # A server busy for a moment: the sender is told to try again later.
            self.refuse -= 1
            return "451 Try again later"
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        self.inbox.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message,  # type: ignore[arg-type]
                                   raw, list(envelope.mail_options)))
        if self.then is not None:
            self.then()
        return "250 OK"


@contextmanager
def smtp_server(then: Callable[[], None] | None = None, *, refuse: int = 0,
                smtputf8: bool = True) -> Iterator[tuple[int, list[Received]]]:
    """An SMTP server on 127.0.0.1; yields its port and the list it fills. `then` runs once
    a message is kept, before the sender is told it was taken; the first `refuse` messages
    are refused for now (451). Without `smtputf8` it takes only ASCII mailbox names."""
    inbox: list[Received] = []
    port = free_port()
    controller = Controller(_Keep(inbox, then, refuse), hostname="127.0.0.1", port=port,
                            enable_SMTPUTF8=smtputf8)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the webhook server received; `answers` are the statuses to give, in order (then
    200), and `delay` holds each answer back that many seconds."""

    port: int = 0
    answers: list[int] = field(default_factory=list)
    delay: float = 0.0
    redirect_to: str = ""
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def ok_ids(self) -> Counter[str]:
        """How many times each webhook-id was answered with a 2xx."""
        with self.lock:
            return Counter(d.headers["webhook-id"] for d in self.deliveries
                           if 200 <= d.status < 300)

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.ok_ids()) >= count:
                return
            time.sleep(0.02)
        raise AssertionError(f"only {len(self.ok_ids())} of {count} webhooks arrived")

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.deliveries) >= count:
                    return
            time.sleep(0.02)
        raise AssertionError(f"only {len(self.deliveries)} of {count} requests arrived")


@contextmanager
def webhook_server(**options: Any) -> Iterator[Receiver]:
    receiver = Receiver(**options)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("content-length", 0))
            body = self.rfile.read(length)
            if receiver.delay:
                time.sleep(receiver.delay)
            with receiver.lock:
                status = receiver.answers.pop(0) if receiver.answers else 200
                receiver.deliveries.append(Delivery(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body, status))
            try:
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("location", receiver.redirect_to or "http://127.0.0.1:1/")
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except (BrokenPipeError, ConnectionResetError):
                # The sender gave up waiting (a timeout test); what it sent is recorded.
                pass

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
