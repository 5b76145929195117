"""A person's own rows (what they are told, follow and prefer, and the keys to their feeds and
to the API) are theirs: the audit log, which files each entry under an organization and a
visibility, has no place for them and leaves them out. Entries about them written before are
for administrators only."""

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.accounts import service
from api.alerts import service as alerts
from api.alerts.models import Notification
from api.auth import audit, permissions
from api.auth.models import AuditEntry, Role, TokenScope
from api.search import saved
from api.search.models import SavedSearchCreate
from tests import factories as f

SUBJECT = "Sheriff-data-sharing-MOU"
TITLE = f"Records request due: RR {SUBJECT}"
PERSONAL = ("notification", "follow", "alert_preference", "feed_token", "api_token",
            "alert_outbox", "alert_attempt", "saved_search", "saved_search_match")


def test_a_persons_own_rows_leave_no_entry(session: Session, actor: Any,
                                           client_as: Callable[..., TestClient]) -> None:
    org = f.make_organization(session, actor, name="Riverton Immigrant Rights Network")
    partner = f.make_user("partner", session=session, organization_id=org.id)
    campaign = f.make_campaign(session, actor, name="No Cameras")
    session.commit()
    # As the dispatcher writes an in-app alert.
    session.add(Notification(user_id=partner.id, title=TITLE, link="/records-requests/1"))
    alerts.follow(session, partner, subject_kind="campaign", subject_id=campaign.id)
    alerts.update_preferences(session, partner, {"email_mode": "digest"})
    alerts.regenerate_feed_token(session, partner, kind="user")
    service.create_token(session, partner, name=f"script {SUBJECT}", scope=TokenScope.write)
    saved.create(session, partner, SavedSearchCreate(name=f"search {SUBJECT}", query="mou",
                                                     alert=True))
    session.commit()

    kinds = set(session.exec(select(AuditEntry.record_kind)).all())
    session.rollback()  # ends the read, so the app's writes are not kept waiting
    assert not kinds & set(PERSONAL), kinds
    lead = client_as(Role.lead)
    for url in ("/api/v1/audit", "/audit", "/audit?record_kind=notification",
                "/api/v1/audit?record_kind=notification"):
        page = lead.get(url)
        assert page.status_code == 200 and SUBJECT not in page.text, url


def test_entries_filed_before_are_read_only_by_administrators(
        session: Session, actor: Any, client_as: Callable[..., TestClient],
        client: TestClient) -> None:
    # An entry as the log used to file a notification: the coalition's, of no organization.
    audit.record(session, action="create", record_kind="notification", record_id=1,
                 changes={"title": [None, TITLE]})
    session.commit()
    lead = client_as(Role.lead)
    listed = lead.get("/api/v1/audit", params={"record_kind": "notification"}).json()
    assert listed["items"] == [] and listed["total"] == 0
    assert SUBJECT not in lead.get("/audit").text
    assert SUBJECT in client.get("/api/v1/audit", params={"record_kind": "notification"}).text
    entry = session.exec(select(AuditEntry).where(
        AuditEntry.record_kind == "notification")).one()
    lead_user = f.make_user("lead", session=session)
    assert not permissions.can_read(lead_user, entry)
    assert permissions.can_read(f.make_user("admin", session=session), entry)
