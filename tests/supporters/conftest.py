"""The supporters' tests' fixtures: the instance's mail server and a published page."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlmodel import Session

from api.auth.models import Role
from tests.alerts.servers import Received
from tests.factories.public_pages import Ground, make_ground, publish
from tests.supporters.mail import instance_mail


@pytest.fixture
def inbox(session: Session, actor: Any) -> Iterator[list[Received]]:
    with instance_mail(session, actor) as received:
        yield received


@pytest.fixture
def published_ground(session: Session, actor: Any, frozen_now: datetime, client_as: Any,
                     request: pytest.FixtureRequest) -> Ground:
    """The public ground, its page published at the test module's SLUG."""
    made = make_ground(session, actor)
    publish(client_as(Role.lead), made, request.module.SLUG)
    return made
