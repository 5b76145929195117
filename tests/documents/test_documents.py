"""JSON API of documents: upload, download as an attachment, describe, list and delete."""

import hashlib
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.settings import get_settings
from tests.api.contract import MISSING_ID, problem
from tests.factories import make_document, make_organization, make_target


def pdf_bytes() -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return out


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\xff\x00" * 2)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


FILES = {
    "pdf": ("audit.pdf", pdf_bytes(), "application/pdf"),
    "png": ("camera.png", png_bytes(), "image/png"),
    "csv": ("cameras.csv", "site,count\nMain St,4\nÉlan Ave,2\n".encode(), "text/csv"),
}
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(48)


def upload(client: TestClient, parent: Any, name: str, content: bytes, *,
           kind: str = "organization", description: str = "") -> Any:
    return client.post("/api/v1/documents", files={"file": (name, content, "text/plain")},
                       data={"attached_kind": kind, "attached_id": str(parent.id),
                             "description": description})


@pytest.fixture
def org(session: Session, actor: Any) -> Any:
    return make_organization(session, actor)


@pytest.mark.parametrize("kind", sorted(FILES))
def test_upload_and_download(client: TestClient, org: Any, admin: Any, kind: str) -> None:
    name, content, mime = FILES[kind]
    response = upload(client, org, name, content, description="From the records request.")
    assert response.status_code == 201, response.text
    doc = response.json()
    assert (doc["filename"], doc["content_type"], doc["size_bytes"]) == (name, mime, len(content))
    assert doc["sha256"] == hashlib.sha256(content).hexdigest()
    assert (doc["attached_kind"], doc["attached_id"]) == ("organization", org.id)
    assert (doc["description"], doc["uploaded_by_id"]) == ("From the records request.", admin.id)
    assert client.get(f"/api/v1/documents/{doc['id']}").json() == doc

    download = client.get(f"/api/v1/documents/{doc['id']}/content")
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"].startswith(mime)
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;") and name in disposition


def test_type_comes_from_the_bytes(client: TestClient, org: Any) -> None:
    # A PNG named .csv is a PNG; a name cannot make an image into text or the other way.
    doc = upload(client, org, "notes.csv", png_bytes()).json()
    assert doc["content_type"] == "image/png"
    assert doc["filename"] == "notes.csv"


@pytest.mark.parametrize(("name", "content"), [
    ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(54)),
    ("report.pdf", ELF),
    ("blob.bin", bytes(range(256)) * 8),
    ("archive.zip", b"PK\x03\x04" + bytes(26) + b"evil.sh"),
    ("empty.txt", b""),
])
def test_refused_files(client: TestClient, org: Any, name: str, content: bytes) -> None:
    problem(upload(client, org, name, content), 422, "file")
    assert client.get("/api/v1/documents").json()["total"] == 0


@pytest.fixture
def small_uploads(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setenv("OVERSIGHT_MAX_UPLOAD_BYTES", "1000")
    get_settings.cache_clear()
    yield 1000
    monkeypatch.delenv("OVERSIGHT_MAX_UPLOAD_BYTES")
    get_settings.cache_clear()


def test_size_limit(client: TestClient, org: Any, small_uploads: int) -> None:
    body = problem(upload(client, org, "big.txt", b"a" * (small_uploads + 1)), 422, "file")
    assert "1000 bytes" in body["detail"]
    assert upload(client, org, "fits.txt", b"a" * small_uploads).status_code == 201


@pytest.mark.parametrize(("data", "field_name"), [
    ({"attached_kind": "organization", "attached_id": str(MISSING_ID)}, "attached_id"),
    # The organization exists, but no target has its id.
    ({"attached_kind": "target", "attached_id": "ORG"}, "attached_id"),
    ({"attached_kind": "spaceship", "attached_id": "ORG"}, "attached_kind"),
    ({"attached_kind": "organization", "attached_id": "-1"}, "attached_id"),
    ({"attached_kind": "organization"}, "attached_id"),
    ({"attached_kind": "organization", "attached_id": "ORG", "description": "a\x00b"},
     "description"),
])
def test_refused_attachments(client: TestClient, org: Any, data: dict[str, str],
                             field_name: str) -> None:
    data = {k: str(org.id) if v == "ORG" else v for k, v in data.items()}
    response = client.post("/api/v1/documents", data=data,
                           files={"file": ("n.txt", b"words\n", "text/plain")})
    problem(response, 422, field_name)


def test_missing_file(client: TestClient, org: Any) -> None:
    response = client.post("/api/v1/documents",
                           data={"attached_kind": "organization", "attached_id": str(org.id)})
    problem(response, 422, "file")


def test_attach_to_any_record(client: TestClient, session: Session, actor: Any) -> None:
    target = make_target(session, actor)
    doc = upload(client, target, "letter.txt", b"Dear Supervisor,\n", kind="target").json()
    page = client.get("/api/v1/documents",
                      params={"attached_kind": "target", "attached_id": target.id}).json()
    assert [item["id"] for item in page["items"]] == [doc["id"]]


def test_list_search_sort_and_pages(client: TestClient, session: Session, org: Any,
                                    actor: Any) -> None:
    names = ["minutes.txt", "budget.csv", "audit.txt"]
    ids = {name: upload(client, org, name, b"a,b\n1,2\n").json()["id"] for name in names}
    other = make_document(session, actor, filename="elsewhere.txt", attached_kind="organization",
                          attached_id=make_organization(session, actor).id)

    found = client.get("/api/v1/documents", params={"q": "BUDGET"}).json()
    assert [item["id"] for item in found["items"]] == [ids["budget.csv"]]
    mine = client.get("/api/v1/documents", params={"attached_id": org.id}).json()
    assert sorted(item["id"] for item in mine["items"]) == sorted(ids.values())
    ascending = client.get("/api/v1/documents",
                           params={"attached_id": org.id, "sort": "filename"}).json()
    assert [item["filename"] for item in ascending["items"]] == sorted(names)
    descending = client.get("/api/v1/documents",
                            params={"attached_id": org.id, "sort": "-filename"}).json()
    assert [item["filename"] for item in descending["items"]] == sorted(names, reverse=True)
    first = client.get("/api/v1/documents", params={"limit": 3, "sort": "id"}).json()
    rest = client.get("/api/v1/documents", params={"limit": 3, "offset": 3, "sort": "id"}).json()
    assert (first["total"], len(first["items"]), len(rest["items"])) == (4, 3, 1)
    assert rest["items"][0]["id"] == other.id
    problem(client.get("/api/v1/documents", params={"sort": "sha256"}), 422, "sort")


def test_describe(client: TestClient, session: Session, actor: Any) -> None:
    doc = make_document(session, actor)
    url = f"/api/v1/documents/{doc.id}"
    changed = client.patch(url, json={"description": "Signed copy", "filename": "../x/final.csv"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["description"], changed.json()["filename"]) == ("Signed copy",
                                                                          "final.csv")
    assert changed.json()["sha256"] == doc.sha256
    problem(client.patch(url, json={"filename": "  "}), 422, "filename")
    problem(client.patch(url, json={"filename": None}), 422, "filename")
    problem(client.patch(url, json={"description": "x" * 20_001}), 422, "description")
    assert client.get(url).json()["filename"] == "final.csv"


def test_delete_removes_the_file(client: TestClient, session: Session, actor: Any) -> None:
    doc = make_document(session, actor)
    stored = get_settings().documents_dir / doc.stored_name
    assert stored.is_file()
    assert client.delete(f"/api/v1/documents/{doc.id}").status_code == 204
    assert not stored.exists()
    problem(client.get(f"/api/v1/documents/{doc.id}"), 404)
    problem(client.get(f"/api/v1/documents/{doc.id}/content"), 404)


@pytest.mark.parametrize(("method", "suffix"), [("get", ""), ("get", "/content"),
                                                ("patch", ""), ("delete", "")])
def test_unknown_id(client: TestClient, method: str, suffix: str) -> None:
    kwargs = {"json": {"description": "x"}} if method == "patch" else {}
    problem(client.request(method, f"/api/v1/documents/{MISSING_ID}{suffix}", **kwargs), 404)
