"""A webhook receiver on 127.0.0.1 that accepts connections, reads the request and never
answers: the endpoint that hangs."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Hanging:
    port: int = 0
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


@contextmanager
def hanging_server() -> Iterator[Hanging]:
    hanging = Hanging()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(512)
    listener.settimeout(0.1)
    hanging.port = listener.getsockname()[1]
    held: list[socket.socket] = []
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            connection.settimeout(1)
            try:
                if connection.recv(65536):
                    with hanging.lock:
                        hanging.requests += 1
            except OSError:
                pass
            held.append(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield hanging
    finally:
        done.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()
