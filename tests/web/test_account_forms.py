"""Account forms refused for what was typed keep the page and say what to fix; a form the
server cannot read at all still names the field in words."""

import re
from typing import Any

from api.auth.models import Role
from tests.web.html import plain


def test_a_token_without_a_name_or_with_odd_days_is_refused_on_the_account_page(
        client_as: Any) -> None:
    partner = client_as(Role.partner, password="a long enough passphrase")
    nameless = partner.post("/account/tokens", data={"name": " ", "scope": "read"})
    assert nameless.status_code == 422
    text = plain(nameless.text)
    assert "Your account" in text and "Change password" in text
    assert "Give the token a name, such as the script that will use it." in text
    for days in ("0", "-4", "1.5", "99999"):
        odd = partner.post("/account/tokens", data={"name": "cron", "scope": "read",
                                                    "days": days})
        assert odd.status_code == 422, days
        assert "a whole number of days from 1 to 3650" in plain(odd.text)
    bad_scope = partner.post("/account/tokens", data={"name": "cron", "scope": "admin"})
    assert "read only, or read and write" in plain(bad_scope.text)
    made = partner.post("/account/tokens", data={"name": "cron", "scope": "write",
                                                 "days": "30",
                                                 "password": "a long enough passphrase"})
    assert made.status_code == 200
    assert "Your new token “cron”" in plain(made.text)


def test_an_unreadable_form_names_its_field_in_words(client_as: Any) -> None:
    lead = client_as(Role.lead)
    refused = lead.post("/admin/invitations", data={"email": "new@example.org",
                                                    "role": "overlord"})
    assert refused.status_code == 422
    text = plain(refused.text)
    assert "Role: choose one of the options." in text
    assert "Input should be" not in text


def test_the_invitation_form_offers_the_roles_the_person_may_invite(client_as: Any) -> None:
    def offered(role: Role) -> list[str]:
        page = client_as(role).get("/admin/users").text
        form = page[page.index('action="/admin/invitations"'):]
        select = form[form.index('<select name="role">'):form.index("</select>")]
        return re.findall(r'<option value="(\w+)"', select)

    assert offered(Role.lead) == ["lead", "partner", "viewer"]
    assert offered(Role.admin) == ["admin", "lead", "partner", "viewer"]
