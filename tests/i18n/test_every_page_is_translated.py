"""Every page, and the part of it htmx asks for, in a pseudo-language whose catalog wraps each
message in ⟦…⟧: what is left outside the marks, once the records' own words are taken out, is
English that never went through the catalog.

Pages not converted yet are listed in NOT_YET_TRANSLATED. The list only shrinks: a listed page
that comes out clean fails the test until it is taken off."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel, select

from api import demo
from api.accounts import service as accounts
from api.auth.models import User, Visibility
from api.calendar.service import _summary as calendar_summary
from api.documents.models import AttachedTo
from api.i18n import catalogs
from api.playbooks import loader
from api.public_pages import service as public_pages
from api.public_pages.models import ChosenItem, PublicPageUpdate, ShownKind
from api.records_requests import laws, letters
from api.search import saved
from api.search.models import SavedSearchCreate
from api.sources.agendas.matching import DEFAULT_KEYWORDS
from api.targets.models import Target
from api.votes.models import Vote
from tests.auth.routes import get_routes
from tests.conftest import sign_in
from tests.factories import make_alert_rule, make_document
from tests.i18n.catalog_source import extracted, pseudo_translations
from tests.i18n.visible_text import calendar_words, untranslated

LEAD = demo.DEMO_ACCOUNTS[0][0]
PARAM = re.compile(r"{(\w+)(?::\w+)?}")
# Answers that are not pages (files, feeds, scripts, counts); their text is checked elsewhere
# or has none.
NOT_PAGES = re.compile(r".*\.(csv|ics)$|/sw\.js$|/healthz$|/openapi\.json$|"
                       r"/documents/\{document_id\}/download$|/notifications/unread-count$")

# Pages whose words are not all in the catalog yet, by route. Take a page off when it passes.
NOT_YET_TRANSLATED: dict[str, str] = {
}


# Addresses beyond each route's own, for what only a query shows: search results, and none.
MORE_VISITS = {"/search": ["/search?q=Riverton", "/search?q=zzzqqq"],
               # Every public address is one route: the page, and a vote's kit under it.
               "/p/{rest:path}": ["/p/demo-page/votes/{vote_id}"],
               # A letter written out, in the language it is sent in (marked so on the page).
               "/records-requests/{record_id}/letter": [
                   "/records-requests/{record_id}/letter?template=alpr_all&requester_name=Ana"],
               # The chosen playbook's plan and the form to start a campaign from it.
               "/campaigns/new-from-playbook": ["/campaigns/new-from-playbook?playbook="
                                                "cancel_renewal"]}
# Pages of an upload in progress: the demo has none, so the test reaches them only as their
# not-found answer (checked to be that, and translated); their own words are not checked yet.
# "/p" alone is the public page's not-found answer, by design.
ONLY_AS_NOT_FOUND = {"/imports/{kind}/{upload_id}/columns", "/imports/{kind}/{upload_id}/preview",
                     "/p"}


@pytest.fixture(scope="module")
def pseudo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The Spanish catalog swapped for the pseudo-language, so the pages take the Spanish path
    (Spanish dates and numbers included) with every translated word marked."""
    translations = pseudo_translations(extracted(str(tmp_path_factory.mktemp("messages"))))
    kept = catalogs.LOADED.get("es")
    catalogs.LOADED["es"] = translations
    yield
    if kept is None:
        catalogs.LOADED.pop("es", None)
    else:
        catalogs.LOADED["es"] = kept


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    demo.load(session)
    session.commit()
    lead = session.exec(select(User).where(User.email == LEAD)).one()
    accounts.set_language(session, lead, "es")
    invitation = accounts.invite(session, lead, email="nueva@example.org",
                                 organization_id=lead.organization_id, role=lead.role)
    reset = accounts.request_reset(session, LEAD)
    session.commit()
    assert reset is not None
    # What the demo does not make: a document and an alert rule, for their pages.
    make_document(session, lead, attached_id=lead.organization_id,
                  attached_kind=AttachedTo.organization)
    make_alert_rule(session, lead, _first_id(session, "campaign"), offsets=["7d"],
                    channels=["email"])
    # A saved search of everything: opened again, it is the search page's answer.
    saved.create(session, lead, SavedSearchCreate(name="Riverton", query="Riverton",
                                                  alert=True))
    # The first campaign's public page, published, with a decision-maker and a vote on it.
    campaign_id = _first_id(session, "campaign")
    for model in (Target, Vote):
        first = session.get(model, _first_id(session, model.__tablename__))
        first.visibility = Visibility.public
        session.add(first)
    session.flush()
    public_pages.save(session, lead, campaign_id=campaign_id, changes=PublicPageUpdate(
        slug="demo-page", intro="Riverton", show_stances=True,
        items=[ChosenItem(kind=kind, record_id=_first_id(session, kind.value))
               for kind in (ShownKind.target, ShownKind.vote)]))
    public_pages.set_published(session, lead, campaign_id=campaign_id, published=True)
    session.refresh(lead)
    session.expunge(lead)
    session.commit()
    return {"lead": lead, "invite_token": invitation[1], "reset_token": reset[1],
            "public_page": "demo-page"}


def _user_data(session: Session) -> set[str]:
    """Every text the records hold: names, titles, notes, tags. Codes (lowercase words joined
    by underscores, such as a status) are not the records' words but ours, and stay checked;
    a tag is the records' own however it is written. The records laws' proper names (a state,
    its law, the law's citation) are no language's to translate either."""
    found: set[str] = set()
    for table in SQLModel.metadata.sorted_tables:
        columns = [c for c in table.columns if _holds_text(c) or isinstance(c.type, sa.JSON)]
        if not columns:
            continue
        for row in session.execute(sa.select(*columns)):
            for column, value in zip(columns, row, strict=True):
                for text in _texts(value):
                    # A tag, or text kept in a JSON column (a campaign's asks and their
                    # notes), is the records' own however it is written.
                    if column.name == "tags" or not re.fullmatch(r"[a-z0-9_]*", text):
                        found.add(text)
                        found.update(line.strip() for line in text.splitlines())
    for law in laws.all_laws().values():
        found.update(text for text in (law.name, law.law, law.citation) if text)
    return found | _playbook_words() | _letter_words()


def _letter_words() -> set[str]:
    """The letters' titles and descriptions, written in their files (campaigns/letters, and
    each language's beside them), in the language the page names them in."""
    found: set[str] = set()
    for template in letters.templates():
        for language in letters.LANGUAGES:
            said = letters.translated(template, language)
            found.update((said.title, said.description))
    return found


def _playbook_words() -> set[str]:
    """The playbooks' own titles, summaries, phases, actions and tasks: organizers write them
    in their files (campaigns/playbooks, and each language's beside them), as records hold
    theirs."""
    found: set[str] = set()
    books = [book for loaded in loader.catalog().playbooks.values()
             for book in (loaded.playbook, *loaded.translations.values())]
    for book in books:
        for text in _texts(book.model_dump(mode="json")):
            if not re.fullmatch(r"[a-z0-9_]*", text):
                found.add(text)
                found.update(line.strip() for line in text.splitlines())
    return found


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _holds_text(column: sa.Column[Any]) -> bool:
    # SQLModel's AutoString wraps a String.
    return isinstance(getattr(column.type, "impl", column.type), sa.String | sa.Text)


def _first_id(session: Session, table: str) -> int:
    return session.execute(sa.text(f"SELECT min(id) FROM {table}")).scalar_one()  # noqa: S608


def _expand(route: str, app: Any, session: Session, world: dict[str, Any]) -> str:
    """A concrete address of the route, about the demo's first record of its kind."""
    pages = app.state.concept_pages
    noun = route.split("/")[1]
    values: dict[str, str] = {}
    for name in PARAM.findall(route):
        if name in ("record_id", "campaign_id") and noun in pages:
            values[name] = str(_first_id(session, pages[noun].spec.model.__tablename__))
        elif name == "rest" and noun == "p":
            values[name] = world["public_page"]
        elif name == "vote_id" and (noun == "p" or route.endswith("/preview/votes/{vote_id}")):
            values[name] = str(_first_id(session, "vote"))
        elif name == "slug":
            spec = pages[noun].spec
            record = session.get(spec.model, int(values["record_id"]))
            values[name] = spec.readable_sections(world["lead"], record)[0][0]
        elif name == "token":
            values[name] = world["invite_token" if noun == "invite" else "reset_token"]
        elif name == "rule_id":
            values[name] = str(_first_id(session, "alert_rule"))
        elif name == "saved_id":
            values[name] = str(_first_id(session, "saved_search"))
        elif name == "document_id":
            values[name] = str(_first_id(session, "document") or 0)
        elif name == "status":
            values[name] = "planned"  # a column of the campaign's actions board
        elif name == "kind":
            values[name] = "atlas" if route.endswith(("{kind}", "preview")) else "targets"
        else:
            # No record of the kind in the demo (an upload): the page's not-found answer.
            values[name] = "0"
    return PARAM.sub(lambda m: values[m.group(1)], route)


def test_every_page_speaks_the_readers_language(app: Any, session: Session, pseudo: None,
                                                world: dict[str, Any]) -> None:
    allowed = calendar_words("es_US") | {"English", "Español"}
    routes = [r for r in get_routes(app)
              if not r.startswith(("/api/", "/static/", "/feeds/")) and not NOT_PAGES.match(r)]
    assert "/" in routes and "/meetings/new" in routes and len(routes) > 80
    failures: list[str] = []
    now_clean: list[str] = []
    with TestClient(app, raise_server_exceptions=False) as signed_in, \
            TestClient(app, raise_server_exceptions=False) as visitor:
        sign_in(signed_in, world["lead"])
        visitor.headers["Accept-Language"] = "es-MX,es;q=0.9,en;q=0.5"
        # The browser and address the sign-in recorded (tests.conftest.sign_in), shown on the
        # account page: lowercase words, which the records' codes would otherwise be.
        known = _user_data(session) | {"pytest", "testclient"}
        # Long notes as the calendar shortens them, and the words the agenda watcher looks for
        # by default, which are matched against agendas as written: records' words, not ours.
        known |= {calendar_summary(value) for value in known} | set(DEFAULT_KEYWORDS)
        # The test's session writes (BEGIN IMMEDIATE on SQLite): it lets go before each request.
        session.rollback()
        for route in routes:
            path = _expand(route, app, session, world)
            session.rollback()
            browser = visitor if route in ("/login", "/password-reset", "/invite/{token}",
                                           "/password-reset/{token}", "/p",
                                           "/p/{rest:path}") \
                else signed_in
            left: list[str] = []
            more = [_expand(a, app, session, world) for a in MORE_VISITS.get(route, [])]
            for headers, address in [(h, a) for a in [path, *more]
                                     for h in ({}, {"HX-Request": "true"})]:
                response = browser.get(address, headers=headers)
                assert response.status_code < 500, (address, response.status_code)
                assert (response.status_code == 404) == (route in ONLY_AS_NOT_FOUND), (
                    address, response.status_code)
                if "text/html" not in response.headers.get("content-type", ""):
                    continue
                left += untranslated(response.text, known=known, allowed_words=allowed)
            if route in NOT_YET_TRANSLATED:
                if not left:
                    now_clean.append(route)
            elif left:
                failures.append(f"{path}: {sorted(set(left))[:8]}")
    assert not failures, "English outside the catalog:\n" + "\n".join(failures)
    assert not now_clean, f"translated now, take off NOT_YET_TRANSLATED: {now_clean}"


def test_the_list_names_only_routes_that_exist(app: Any) -> None:
    routes = set(get_routes(app))
    assert sorted(set(NOT_YET_TRANSLATED) - routes) == []


