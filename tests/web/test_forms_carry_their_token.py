"""Every form that posts carries the session's anti-forgery token in its own hidden field: a
browser sends the form as the page rendered it, with no header of ours, and a form whose token
is empty is refused as expired, losing what was typed."""

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.auth.tokens import csrf_for
from tests import factories as f
from tests.auth.routes import get_routes
from tests.conftest import sign_in
from tests.web.html import form_fields, plain, replace
from web.templating import TEMPLATES_DIR


class PostingForms(HTMLParser):
    """The token each posting form of a page carries, by its action ("" when it has none)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str | None]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._inside = a.get("method", "get").lower() == "post"
            if self._inside:
                self.forms.append((a.get("action", ""), None))
        elif tag == "input" and self._inside and a.get("name") == "csrf_token":
            action, _ = self.forms[-1]
            self.forms[-1] = (action, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def _browser(app: Any, admin: Any) -> TestClient:
    """An administrator's browser: it sends only what the page's forms hold."""
    browser = TestClient(app, raise_server_exceptions=False)
    sign_in(browser, admin)
    del browser.headers["X-CSRF-Token"]
    return browser


def test_recording_an_outcome_from_the_contract_page_as_rendered_is_accepted(
        app: Any, admin: Any, session: Session, actor: Any) -> None:
    clock.freeze(datetime(2026, 12, 5, 20, 0, tzinfo=UTC))
    made = f.make_contract(session, actor, end_date=date(2026, 3, 31), auto_renews=True,
                           renewal_term_months=12, termination_notice_days=90)
    browser = _browser(app, admin)
    page = browser.get(f"/contracts/{made.id}").text
    fields = form_fields(page, action=f"/contracts/{made.id}/outcomes")
    done = browser.post(f"/contracts/{made.id}/outcomes",
                        data=dict(replace(fields, outcome="renewed", decided_on="2026-03-15")),
                        follow_redirects=False)
    assert done.status_code == 303, plain(done.text)
    assert browser.get(f"/api/v1/contracts/{made.id}",
                       headers={"X-CSRF-Token": "unused"}).json()["term_ends"] == "2027-03-31"


def _pages(app: Any, session: Session, actor: Any, admin: Any) -> list[str]:
    """Every page of the app without a part to fill, and each record page, of a record made
    for it (a contract with a recorded vote, so its terms and outcome forms show)."""
    body = f.make_body(session, actor)
    campaign = f.make_campaign(session, actor)
    target = f.make_target(session, actor, body_id=body.id)
    agency = f.make_agency(session, actor, with_place=True)
    contract = f.make_contract(session, actor, agency_id=agency.id, renewal_term_months=12)
    vote = f.make_vote(session, actor, body_id=body.id, campaign_id=campaign.id,
                       contract_id=contract.id)
    made = {
        "actions": f.make_action(session, actor, campaign_id=campaign.id),
        "agencies": agency, "bodies": body, "campaigns": campaign, "contracts": contract,
        "jurisdictions": f.make_jurisdiction(session, actor),
        "media-contacts": f.make_media_contact(session, actor),
        "meetings": f.make_meeting(session, actor, campaign_id=campaign.id,
                                   target_ids=[target.id]),
        "organizations": f.make_organization(session, actor),
        "people": f.make_person(session, actor),
        "press": f.make_press_hit(session, actor),
        "records-requests": f.make_records_request(session, actor, agency_id=agency.id),
        "targets": target, "tasks": f.make_task(session, actor, assignee_user_id=admin.id),
        "vendors": f.make_vendor(session, actor), "votes": vote,
    }
    session.commit()
    pages = []
    for path in get_routes(app):
        if path.startswith("/api/") or path.endswith((".csv", ".js", ".json", ".ics")):
            continue
        kind = path.split("/")[1]
        if "{" not in path:
            pages.append(path)
        elif re.fullmatch(r"/[\w-]+/\{record_id(:int)?\}", path) and kind in made:
            pages.append(f"/{kind}/{made[kind].id}")
    rule = f.make_alert_rule(session, actor, campaign.id)
    pages += [f"/alerts/rules/{rule.id}", f"/campaigns/{campaign.id}/whip",
              f"/campaigns/{campaign.id}/agenda-keywords",
              f"/records-requests/{made['records-requests'].id}/letter"]
    return pages


def test_every_posting_form_of_every_page_carries_the_token(
        app: Any, admin: Any, session: Session, actor: Any) -> None:
    browser = _browser(app, admin)
    token = csrf_for(browser.cookies.get("oversight_session") or "")
    pages = _pages(app, session, actor, admin)
    assert any(p.startswith("/contracts/") and p[11:].isdigit() for p in pages)
    posting, wrong = 0, []
    for url in pages:
        response = browser.get(url)
        assert response.status_code < 500, url
        forms = PostingForms()
        forms.feed(response.text)
        posting += len(forms.forms)
        wrong += [(url, action) for action, value in forms.forms if value != token]
    assert wrong == [], "\n".join(map(str, wrong))
    assert posting > len(pages) // 2


# The public side's forms: signed out, with no session to tie a token to, each carries a
# token of its own (the sign-up form's, signed per campaign; the link's in its address).
OWN_TOKENS = {"public_pages/remind_form.html", "public_pages/supporter.html"}


def test_every_posting_form_written_in_a_template_has_its_token_field() -> None:
    """The forms the rendered pages may not show (a webhook's test button, a notification's
    "Mark read"): each holds a token field, given by the shared macro or written out."""
    missing = []
    for path in sorted(Path(TEMPLATES_DIR).rglob("*.html")):
        if str(path.relative_to(TEMPLATES_DIR)) in OWN_TOKENS:
            continue
        text = path.read_text()
        for form in re.finditer(r"<form\b[^>]*>", text):
            if not re.search(r'method="post"', form.group(0), re.IGNORECASE):
                continue
            inside = text[form.end():text.find("</form>", form.end())]
            if "csrf_input" not in inside and 'name="csrf_token"' not in inside:
                line = text.count("\n", 0, form.start()) + 1
                missing.append(f"{path.relative_to(TEMPLATES_DIR)}:{line}")
    assert missing == []
