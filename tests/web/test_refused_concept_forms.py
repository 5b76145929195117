"""A partner sending a form for a record kept by the coalition's leads (a new jurisdiction, a
body's section) is answered with the refusal itself, not the form again with a problem marked
nowhere."""

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from tests import factories as f
from tests.web.html import plain


def test_a_partner_is_refused_plainly(session: Session, actor: Any,
                                      client_as: Callable[..., TestClient]) -> None:
    organization = f.make_organization(session, actor)
    body = f.make_body(session, actor)
    session.commit()
    partner = client_as(Role.partner, organization.id)
    for url, data in (("/jurisdictions", {"name": "Riverton", "kind": "city",
                                          "state_code": "CA"}),
                      (f"/bodies/{body.id}/sections/body", {"name": "Riverton Council"})):
        answer = partner.post(url, data=data)
        text = plain(answer.text)
        assert answer.status_code == 403, url
        assert "kept by its leads" in text, url
        assert "Please correct the problem marked below" not in text, url
