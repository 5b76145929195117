"""Benchmark: the server's memory while it refuses a 300 MB body and a zip bomb.

    python -m tests.bench.bench_limits [--megabytes 300] [--bomb-megabytes 150]

Serves the app with uvicorn on a fresh SQLite database in a temporary folder, then sends an
anonymous 300 MB POST /login twice (once saying its length, once chunked, sent as fast as the
server takes it), and, as a signed-in campaign lead, a zip bomb (a workbook of a few hundred
kilobytes whose one cell expands to 150 MB) and a workbook of one row a reader would build
whole, to preview as an import. Prints each answer's status, what the client got to send, and
the server's peak resident memory (VmHWM) before and after; the target is under 300 MB.
Not collected as a test: the numbers depend on the machine."""

import argparse
import os
import select
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
TARGET_MB = 300
BLOCK = 64 * 1024


def memory_mb(pid: int) -> dict[str, float]:
    """The process's resident memory now (VmRSS) and at its peak so far (VmHWM)."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found


def stream_post(port: int, path: str, total: int, *, chunked: bool) -> tuple[int | None, int]:
    """POSTs total bytes as a form, stopping once the server answers; the status (None when
    the connection ended without one) and how many bytes went out."""
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}",
            "Content-Type: application/x-www-form-urlencoded",
            "Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}"]
    block = b"a" * BLOCK
    frame = b"%x\r\n%s\r\n" % (len(block), block) if chunked else block
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        try:
            while sent < total:
                # An answer before the body is all sent: the server refused it.
                if select.select([sock], [], [], 0)[0]:
                    break
                sock.sendall(frame)
                sent += len(block)
            else:
                if chunked:
                    sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            answer = sock.recv(4096)
        except (ConnectionResetError, TimeoutError):
            answer = b""
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else None
    return status, sent


def post_file(port: int, path: str, token: str, filename: str, content: bytes
              ) -> tuple[int, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body, method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                 "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, response.read().decode()[:200]
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()[:200]


def lead_token() -> str:
    """A campaign lead with a read-write API token, made in the benchmark's database."""
    from sqlmodel import Session  # noqa: PLC0415

    from api.accounts import service as accounts  # noqa: PLC0415
    from api.auth.models import Role, TokenScope, User  # noqa: PLC0415
    from api.db import get_engine  # noqa: PLC0415

    with Session(get_engine(), expire_on_commit=False) as session:
        user = User(email="bench-lead@oversight.invalid", name="Benchmark lead", role=Role.lead)
        session.add(user)
        session.flush()
        _, token = accounts.create_token(session, user, name="benchmark",
                                         scope=TokenScope.write, days=1)
        session.commit()
    return token


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=300, help="size of the bodies sent")
    parser.add_argument("--bomb-megabytes", type=int, default=150,
                        help="what the zip bomb's cell expands to")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="oversight-bench-limits-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'oversight.db'}"
        # Set before the app's modules read their settings, here and in the server.
        os.environ.update({"OVERSIGHT_DATABASE_URL": database_url,
                           "OVERSIGHT_DATA_DIR": folder, "OVERSIGHT_RUN_SCHEDULER": "false"})
        from api import migrations  # noqa: PLC0415
        from tests.bench.http_bench import free_port, start_server, stop_server  # noqa: PLC0415
        from tests.sources.hostile_workbooks import wide_row, zip_bomb  # noqa: PLC0415

        migrations.upgrade(database_url)
        token = lead_token()
        bomb = zip_bomb(args.bomb_megabytes)
        row = wide_row(1_000_000)
        port = free_port()
        server = start_server(database_url, port, reuse=False)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10).read()  # noqa: S310
            time.sleep(0.5)
            before = memory_mb(server.pid)
            print(f"server pid {server.pid}: resident {before['VmRSS']:.0f} MB, "
                  f"peak {before['VmHWM']:.0f} MB before")
            total = args.megabytes * MB
            for chunked in (False, True):
                started = time.perf_counter()
                status, sent = stream_post(port, "/login", total, chunked=chunked)
                how = "chunked, no length" if chunked else "with Content-Length"
                print(f"anonymous POST /login of {args.megabytes} MB ({how}): status {status}, "
                      f"{sent / MB:.1f} MB sent before the answer, "
                      f"{time.perf_counter() - started:.2f} s; server peak "
                      f"{memory_mb(server.pid)['VmHWM']:.0f} MB")
            for name, content in ((f"a zip bomb ({len(bomb) / 1024:.0f} KB, one cell of "
                                   f"{args.bomb_megabytes} MB)", bomb),
                                  (f"a workbook of one row of a million cells "
                                   f"({len(row) / MB:.1f} MB)", row)):
                started = time.perf_counter()
                status, text = post_file(port, "/api/v1/imports/people", token, "people.xlsx",
                                         content)
                print(f"lead previews an import of {name}: status {status}, "
                      f"{time.perf_counter() - started:.2f} s; server peak "
                      f"{memory_mb(server.pid)['VmHWM']:.0f} MB")
                print(f"    {text}")
            after = memory_mb(server.pid)
            print(f"server: resident {after['VmRSS']:.0f} MB, peak {after['VmHWM']:.0f} MB "
                  f"after (peak grew {after['VmHWM'] - before['VmHWM']:.0f} MB)")
            verdict = "met" if after["VmHWM"] < TARGET_MB else "MISSED"
            print(f"target: peak under {TARGET_MB} MB: {verdict}")
            return 0 if after["VmHWM"] < TARGET_MB else 1
        finally:
            stop_server(server)


if __name__ == "__main__":
    sys.exit(main())
