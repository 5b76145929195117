"""On a phone a table's header row is hidden and each cell is shown under its column's name,
so every cell of the account, audit and alert tables names its column."""

import re
from typing import Any

from sqlmodel import Session

from api.auth.models import Role
from tests import factories as f

PAGES = ("/admin/users", "/audit", "/account", "/alerts/log", "/alerts/follows",
         "/alerts/channels")


def _unlabelled_cells(html: str) -> list[str]:
    # A cell holding only a form (Withdraw, Sign out) explains itself with its button.
    cells = re.findall(r"<td(?![^>]*data-label)[^>]*>(.*?)</td>", html, flags=re.S)
    return [c for c in cells if c.strip() and not c.lstrip().startswith("<form")]


def test_every_cell_of_the_account_and_alert_tables_names_its_column(
        client_as: Any, session: Session, actor: Any) -> None:
    org = f.make_organization(session, actor, name="Riverton Police Accountability Project")
    session.commit()
    lead = client_as(Role.lead, organization_id=org.id, name="Maria Delgado",
                     password="a long enough passphrase")
    assert lead.post("/account/tokens", data={"name": "scripts", "scope": "read",
                                              "password": "a long enough passphrase"}
                     ).status_code == 200
    assert lead.post("/alerts/feeds", data={"kind": "user", "scope_id": str(lead.user.id)},
                     follow_redirects=False).status_code == 200
    for url in PAGES:
        page = lead.get(url)
        assert page.status_code == 200, url
        assert _unlabelled_cells(page.text) == [], url
        if url in ("/admin/users", "/audit", "/account", "/alerts/follows"):
            assert "data-label=" in page.text, url


def test_a_lead_reads_each_accounts_role_and_organization(
        client_as: Any, session: Session, actor: Any) -> None:
    org = f.make_organization(session, actor, name="Riverton Police Accountability Project")
    session.commit()
    lead = client_as(Role.lead, organization_id=org.id, name="Maria Delgado")
    page = lead.get("/admin/users").text
    assert 'data-label="Two-factor">off<' in page
    assert 'data-label="Role">lead · Riverton Police Accountability Project<' in page
