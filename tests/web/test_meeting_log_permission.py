"""The meeting log form is offered only to who may save a meeting: another is refused when
opening it, as every other "new" form refuses them, not after typing a whole meeting."""

from typing import Any

from api.auth.models import Role
from tests.web.html import plain


def test_the_log_form_is_refused_to_a_role_that_may_not_add_meetings(client_as: Any) -> None:
    viewer = client_as(Role.viewer)
    refused = viewer.get("/meetings/new")
    assert refused.status_code == 403
    assert "Your role cannot add meetings." in plain(refused.text)
    assert 'name="summary"' not in refused.text
    lead = client_as(Role.lead)
    offered = lead.get("/meetings/new")
    assert offered.status_code == 200 and 'name="summary"' in offered.text
