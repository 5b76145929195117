"""A sharing link changed through the JSON API: a field given as null is left as it was or
refused in words, never a server error."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f


@pytest.mark.parametrize("field", ["reported_on", "partner_name", "source_url", "kind"])
def test_a_null_field_in_a_change_is_no_server_error(client: TestClient, session: Session,
                                                     actor: Any, field: str) -> None:
    link = f.make_sharing_link(session, actor)
    session.commit()
    answer = client.patch(f"/api/v1/sharing-links/{link.id}", json={field: None})
    assert answer.status_code in (200, 422), answer.text


def test_a_day_the_calendar_lacks_is_refused_in_a_change(client: TestClient, session: Session,
                                                         actor: Any) -> None:
    link = f.make_sharing_link(session, actor)
    session.commit()
    answer = client.patch(f"/api/v1/sharing-links/{link.id}", json={"reported_on": "2019-02-30"})
    assert answer.status_code == 422
