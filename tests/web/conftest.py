"""Fixtures of the page tests that several files share."""

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from tests.factories import at_noon, make_agency, make_organization

BATCH_DAY = date(2026, 3, 2)


@pytest.fixture
def agencies(session: Session, actor: Any) -> dict[str, Any]:
    """Three agencies in three states and a requesting organization, on a fixed day, for the
    page that sends one letter to many agencies."""
    at_noon(BATCH_DAY)
    found = {
        "ca": make_agency(session, actor, with_place=True, state_code="CA",
                          name="Zephyr Police Department"),
        "co": make_agency(session, actor, with_place=True, state_code="CO",
                          name="Zenith County Sheriff"),
        "other": make_agency(session, actor, with_place=True, state_code="TX",
                             name="Amarillo Police"),
    }
    found["org"] = make_organization(session, actor, name="Zebra Privacy Union")
    session.commit()
    return found


