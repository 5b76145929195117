"""An empty list of suggested votes says why: nothing is watched until a body has an agenda
source, and where to set one."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.web.html import plain


def test_with_no_body_watched_the_page_says_where_to_start(
        client: TestClient, session: Session, actor: Any) -> None:
    body = f.make_body(session, actor, name="Riverbend Council")
    session.commit()
    text = plain(client.get("/suggested-votes").text)
    assert "no body has an agenda source yet" in text
    assert "set its agenda source under “Agenda source”" in text

    saved = client.post(f"/bodies/{body.id}/sections/agenda-source",
                        data={"agenda_source": "legistar", "legistar_client": "riverbend"},
                        follow_redirects=False)
    assert saved.status_code == 303
    text = plain(client.get("/suggested-votes").text)
    assert "Nothing waiting. Bodies with an agenda source are checked every few hours." in text
    assert "no body has an agenda source yet" not in text
