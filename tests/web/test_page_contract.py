"""What every page promises: htmx configured to swap 422s, CSRF token in hx-headers and forms,
no inline script or style (the CSP allows none), Vary: HX-Request, labels on inputs, and
errors as pages while the JSON API keeps problem JSON."""

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.web.html import fragment, is_full_page, plain


def _urls(session: Session, actor: Any) -> list[str]:
    campaign = f.make_campaign(session, actor)
    body = f.make_body(session, actor)
    target = f.make_target(session, actor, body_id=body.id)
    vote = f.make_vote(session, actor, body_id=body.id, campaign_id=campaign.id)
    meeting = f.make_meeting(session, actor, campaign_id=campaign.id, target_ids=[target.id])
    return ["/", "/campaigns", f"/campaigns/{campaign.id}", f"/campaigns/{campaign.id}/whip",
            "/targets", f"/targets/{target.id}", f"/targets/{target.id}/sections/seat/edit",
            "/targets/new", f"/votes/{vote.id}", f"/meetings/{meeting.id}", "/meetings/new",
            f"/bodies/{body.id}", "/calendar", "/calendar?view=agenda", "/search?q=a",
            "/organizations", "/records-requests", "/press", "/nowhere"]


class Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.problems: list[str] = []
        self.labels: set[str] = set()
        self.inputs: list[str] = []
        self.forms: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name, _ in attrs:
            if name.startswith("on") or name.startswith("hx-on") or name == "style":
                self.problems.append(f"<{tag} {name}>")
        # A JSON block is data the scripts read (their words), which no browser runs.
        if tag == "script" and not a.get("src") and a.get("type") != "application/json":
            self.inline_scripts += 1
        if tag == "style":
            self.problems.append("<style>")
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"] or "")
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.inputs.append(a.get("id") or f"<{tag} name={a.get('name')}> without id")
        if tag == "form":
            self.forms.append([])
        if tag == "input" and self.forms and a.get("name"):
            self.forms[-1].append(a["name"] or "")


def test_every_page_keeps_the_promises(client: TestClient, session: Session,
                                       actor: Any) -> None:
    for url in _urls(session, actor):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        html = response.text
        assert is_full_page(html), url
        assert "HX-Request" in response.headers["vary"], url
        page = Inspector()
        page.feed(html)
        assert page.inline_scripts == 0, url
        assert page.problems == [], url
        unlabeled = [i for i in page.inputs if i not in page.labels]
        assert unlabeled == [], (url, unlabeled)
        config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html)
        assert config and '{"code":"422","swap":true}' in config.group(1), url
        assert '"allowEval":false' in config.group(1)
        assert '<main id="main"' in html and '<nav aria-label="Main"' in html
        assert 'id="flash"' in html


def test_the_csrf_token_goes_into_hx_headers_and_every_form(client: TestClient,
                                                            session: Session, actor: Any,
                                                            admin: Any) -> None:
    campaign = f.make_campaign(session, actor)
    body = f.make_body(session, actor)
    target = f.make_target(session, actor, body_id=body.id)
    f.make_vote(session, actor, body_id=body.id, campaign_id=campaign.id)
    f.make_task(session, actor, title="Mine", assignee_user_id=admin.id)
    token = client.headers["X-CSRF-Token"]
    assert token
    for url in ("/", f"/targets/{target.id}", f"/campaigns/{campaign.id}", "/meetings/new",
                f"/campaigns/{campaign.id}/whip"):
        html = client.get(url).text
        expected = 'hx-headers=\'{"X-CSRF-Token": "' + token + '"}\''
        assert expected in html, url
        posting = re.findall(r'<form[^>]*method="post"', html)
        tokens = html.count(f'<input type="hidden" name="csrf_token" value="{token}">')
        assert tokens >= len(posting) > 0, url
    edit = fragment(client, f"/targets/{target.id}/sections/seat/edit").text
    assert f'name="csrf_token" value="{token}"' in edit


@pytest.mark.parametrize("url", ["/api/v1/targets/999999", "/api/v1/targets/abc"])
def test_the_json_api_still_answers_problem_json(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "vary" not in response.headers or "HX-Request" not in response.headers["vary"]


def test_an_error_during_an_htmx_request_lands_in_the_flash_area(client: TestClient) -> None:
    response = fragment(client, "/targets/999999/sections/seat/edit")
    assert response.status_code == 404
    assert response.headers["hx-retarget"] == "#flash"
    assert response.headers["hx-push-url"] == "false"
    assert "No target with id 999999." in plain(response.text)


def test_the_script_of_our_own_is_served(client: TestClient) -> None:
    response = client.get("/static/js/oversight.js")
    assert response.status_code == 200 and "htmx:sendError" in response.text


def test_only_the_htmx_module_touches_hx_headers() -> None:
    web = Path(__file__).resolve().parents[2] / "web"
    offenders = [path.relative_to(web).as_posix() for path in sorted(web.rglob("*.py"))
                 if "HX-" in path.read_text() and path.name != "htmx.py"]
    assert offenders == []
    assert "HX-Request" in (web / "htmx.py").read_text()
