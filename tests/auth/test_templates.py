"""Templates escape what users write: autoescaping is on, every template is .html, and stored
script payloads render inert on every page."""

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import service as accounts
from api.auth.models import TokenScope
from api.db import get_engine
from tests.auth.routes import get_routes
from web.templating import TEMPLATES_DIR, templates

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
            "javascript:alert(1)", "{{7*7}}"]


def test_every_template_is_html_and_autoescaped() -> None:
    names = [p.relative_to(TEMPLATES_DIR).as_posix() for p in Path(TEMPLATES_DIR).rglob("*")
             if p.is_file()]
    assert names and all(name.endswith(".html") for name in names)
    decide = templates.env.autoescape
    assert callable(decide)
    assert all(decide(name) for name in names)
    # Why only .html: other extensions would not be escaped.
    assert not decide("letter.txt")
    assert templates.env.from_string("{{ v }}").render(v="<b>") == "&lt;b&gt;"


def test_stored_payloads_render_inert(client: TestClient, app: Any, admin: Any) -> None:
    payload = " | ".join(PAYLOADS)
    org = client.post("/api/v1/organizations", json={"name": f"Org {payload}",
                                                     "notes": payload}).json()
    with Session(get_engine()) as s:
        accounts.create_token(s, admin, name=payload[:100], scope=TokenScope.read)
        s.commit()
    client.post("/admin/invitations", data={"email": "x@example.org", "role": "viewer",
                                            "organization_id": str(org["id"])})
    client.patch("/api/v1/users/1", json={"name": "Oversight <script>alert(1)</script>"})
    pages = [path for path in get_routes(app)
             if "{" not in path and not path.startswith("/api/") and path != "/openapi.json"]
    assert "/account" in pages and "/audit" in pages
    for path in pages:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(path, headers=headers)
            if response.headers.get("content-type", "").startswith("text/csv"):
                # A CSV download is data for a spreadsheet, never rendered as a page; its
                # formula guard is tested with the exports.
                continue
            text = response.text
            assert "<script>alert(1)</script>" not in text, path
            assert "<img src=x onerror" not in text, path
            assert 'href="javascript:' not in text.lower(), path
    audit = client.get("/audit").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in audit
    assert "{{7*7}}" in audit
