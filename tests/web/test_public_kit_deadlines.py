"""The comment kit's deadlines as a resident reads them: one gone by says so, one in another
year says its year, in each language and on every public surface that says them; the printed
kit carries the page's whole address; where to send comments is a link only when it is one."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock, public_url
from api.auth.models import Role
from api.bodies import comment_rules
from api.bodies import service as bodies
from api.bodies.models import BodyUpdate
from api.public_pages.models import ShownKind
from tests.factories.public_pages import Ground, publish, with_comment_rules
from tests.web.html import plain

SLUG = "riverbend-deadlines"
# The vote is at 6 PM on Thursday March 12, 2026 in Riverbend (Chicago); written comments are
# due by noon the day before, and sign-up closes a quarter past its start.
DUE = "12:00 PM on Wednesday, March 11"
PASSED = f"Written comments were due by {DUE}: that deadline has passed."


@pytest.fixture
def ground(session: Session, actor: Any, frozen_now: datetime, client_as: Any) -> Ground:
    made = with_comment_rules(session, actor)
    publish(client_as(Role.lead), made, SLUG)
    return made


def _kit(client: TestClient, ground: Ground, lang: str) -> str:
    answer = client.get(f"/p/{SLUG}/votes/{ground.public[ShownKind.vote][0]}?lang={lang}")
    assert answer.status_code == 200
    return answer.text


def test_a_deadline_gone_by_says_so_on_the_kit_the_page_and_the_json(
        anon_client: TestClient, ground: Ground) -> None:
    assert f"Written comments by {DUE}" in plain(_kit(anon_client, ground, "en"))
    # 1 PM in Riverbend on the day before: the vote is ahead, the written deadline is not.
    clock.freeze(datetime(2026, 3, 11, 18, 0, tzinfo=UTC))
    kit = plain(_kit(anon_client, ground, "en"))
    assert PASSED in kit and f"Written comments by {DUE}" not in kit
    assert "Sign-up to speak closes at 6:15 PM on Thursday, March 12." in kit
    assert ("Los comentarios por escrito debían enviarse hasta las 12:00 p.m. del miércoles, "
            "11 de marzo: ese plazo ya venció.") in plain(_kit(anon_client, ground, "es"))
    assert PASSED in plain(anon_client.get(f"/p/{SLUG}?lang=en").text)
    (vote,) = anon_client.get(f"/p/{SLUG}.json?lang=en").json()["votes"]
    assert vote["written_comments_said"] == PASSED


def test_a_deadline_in_another_year_says_its_year(
        anon_client: TestClient, ground: Ground) -> None:
    clock.freeze(datetime(2025, 12, 20, 17, 0, tzinfo=UTC))
    kit = plain(_kit(anon_client, ground, "en"))
    assert f"Written comments by {DUE}, 2026" in kit
    assert "Sign-up to speak closes at 6:15 PM on Thursday, March 12, 2026." in kit
    spanish = plain(_kit(anon_client, ground, "es"))
    assert "hasta las 12:00 p.m. del miércoles, 11 de marzo de 2026" in spanish


def test_the_printed_kit_leads_back_to_the_page(
        anon_client: TestClient, ground: Ground) -> None:
    kit = _kit(anon_client, ground, "en")
    address = f"{public_url.base_url()}/p/{SLUG}"
    assert address.startswith("http") and f'<strong class="address">{address}</strong>' in kit
    assert f"{address}</strong>" in _kit(anon_client, ground, "es")


def test_where_to_send_is_linked_only_when_it_is_one_address(
        anon_client: TestClient, ground: Ground, session: Session, actor: Any) -> None:
    assert comment_rules.send_to_link("o'neil&co@riverbend.example") == \
        "mailto:o'neil%26co@riverbend.example"
    assert comment_rules.send_to_link("Clerk, 1 Main St. <clerk@riverbend.example>") == ""
    assert comment_rules.send_to_link("https://riverbend.example/comment") == \
        "https://riverbend.example/comment"
    assert comment_rules.send_to_link("javascript:alert(1)@x.example") == ""
    bodies.crud.update(session, actor, ground.body.id, BodyUpdate(
        comment_send_to='clerk"><b>x@riverbend.example'))
    session.commit()
    kit = _kit(anon_client, ground, "en")
    assert "<b>" not in kit and "mailto:" not in kit.split('id="how"', 1)[1].split("</section>")[0]
