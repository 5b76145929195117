"""Global search shows each role exactly the records it may read, as the page and as the
service, for every kind of record that carries an owner and a visibility."""

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from api.search import service as search
from tests.factories.coalition import World, build, may_read
from web.concepts import record_url

# The kinds in the permission tests' world that global search shows.
SEARCHED_KINDS = {"person", "target", "meeting", "task", "records_request", "action", "agency",
                  "contract", "vote", "media_contact", "press_hit", "evidence_entry",
                  "known_outcome", "sharing_link"}


def test_each_role_finds_only_what_it_may_read(session: Session, actor: Any,
                                               client_as: Callable[..., TestClient]) -> None:
    world: World = build(session, actor)
    clients = {"admin": client_as(Role.admin), "lead": client_as(Role.lead),
               "partner": client_as(Role.partner, world.org_a),
               "viewer": client_as(Role.viewer, world.org_a)}
    cases = hidden = 0
    for role, client in clients.items():
        org = world.org_a if role in ("partner", "viewer") else None
        for record in world.records:
            if record.kind not in SEARCHED_KINDS:
                continue
            # Each record's first marker is in its title, so it is found by that alone.
            marker = record.markers[0]
            groups = search.search(session, client.user, marker.lower())  # type: ignore[attr-defined]
            got = [(g.kind, item["id"]) for g in groups for item in g.items]
            allowed = may_read(role, org, record)
            assert got == ([(record.kind, record.id)] if allowed else []), (role, record)
            cases += 1
            if role in ("admin", "viewer"):
                continue  # the page shows what the service found; checked for two roles
            page = client.get("/search", params={"q": marker})
            link = f'href="{record_url(record.kind, record.id)}"'
            assert page.status_code == 200
            assert (link in page.text) == allowed, (role, record)
            hidden += not allowed
    searched = [r for r in world.records if r.kind in SEARCHED_KINDS]
    assert cases == len(clients) * len(searched) and hidden > 20


def test_a_partner_does_not_find_another_organizations_private_record_by_any_word(
        session: Session, actor: Any, client_as: Callable[..., TestClient]) -> None:
    world: World = build(session, actor)
    partner = client_as(Role.partner, world.org_a)
    private = [r for r in world.records if r.kind in SEARCHED_KINDS
               and r.owner == world.org_b and r.visibility == "private"]
    # Every kind search finds is tried (a kind may have more than one such record).
    assert {r.kind for r in private} == set(SEARCHED_KINDS)
    for record in private:
        for marker in record.markers:
            # The beginning of the marker, as someone typing it would send.
            page = partner.get("/search", params={"q": marker[:12]})
            assert page.status_code == 200 and marker not in page.text
            assert record_url(record.kind, record.id) not in page.text


def test_more_results_are_told_only_from_what_the_reader_may_read(
        session: Session, actor: Any, client_as: Callable[..., TestClient]) -> None:
    from tests.factories import make_organization, make_target  # noqa: PLC0415

    ours, theirs = make_organization(session, actor), make_organization(session, actor)
    for n in range(search.SCAN + 5):
        make_target(session, actor, name=f"Quagga Hidden {n}", owner_organization_id=ours.id,
                    visibility="private")
    make_target(session, actor, name="Quagga Shared", visibility="coalition")
    session.commit()
    outsider = client_as(Role.partner, theirs.id)
    groups = search.search(session, outsider.user, "quagga")  # type: ignore[attr-defined]
    # Which of more matches than it looks at a database looks at is its own: SQLite looks at
    # the newest, and finds the shared one; whatever is found, nothing says there is more.
    assert {i["title"] for g in groups for i in g.items} <= {"Quagga Shared"}
    assert [g.more for g in groups] == [False] * len(groups)
    if session.get_bind().dialect.name == "sqlite":
        assert [g.kind for g in groups] == ["target"]
