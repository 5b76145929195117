"""An official's title is the office they hold, and reads so ("Cargo" in Spanish) on their
list (and its CSV file), their page and their form, while a vote's title stays a title."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import service as accounts
from api.i18n.catalogs import use_locale
from tests import factories as f
from tests.web.html import plain
from web import audit_words


def _speak(session: Session, admin: Any, language: str) -> None:
    accounts.set_language(session, session.merge(admin), language)
    session.commit()


@pytest.mark.parametrize(("language", "office", "title"), [
    ("es", "Cargo", "Título"), ("en", "Office", "Title")])
def test_the_officials_list_says_office_not_title(
        client: TestClient, session: Session, actor: Any, admin: Any, language: str,
        office: str, title: str) -> None:
    f.make_target(session, actor, name="Ann Okafor", title="council_member")
    session.commit()
    _speak(session, admin, language)
    listed = client.get("/targets")
    assert listed.status_code == 200
    text = plain(listed.text)
    assert "Ann Okafor" in text
    assert office in text
    assert title not in text
    # Each cell carries its column's name for the phone view.
    assert f'data-label="{office}"' in listed.text


def test_the_officials_page_and_form_say_cargo(client: TestClient, session: Session,
                                               actor: Any, admin: Any) -> None:
    target = f.make_target(session, actor, name="Ann Okafor", title="council_member")
    session.commit()
    _speak(session, admin, "es")
    for url in (f"/targets/{target.id}", "/targets/new"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Cargo" in plain(page.text), url
        assert "Título" not in plain(page.text), url
    exported = client.get("/targets.csv")
    assert exported.status_code == 200
    heading = exported.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert "Cargo" in heading
    assert "Título" not in heading


def test_a_votes_title_is_still_a_title(client: TestClient, session: Session, actor: Any,
                                        admin: Any) -> None:
    vote = f.make_vote(session, actor, title="Plate reader renewal")
    session.commit()
    _speak(session, admin, "es")
    for url in (f"/votes/{vote.id}", "/votes/new"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Título" in plain(page.text), url
        assert "Cargo" not in plain(page.text), url


def test_the_log_names_the_field_as_its_records_pages_do() -> None:
    with use_locale("es"):
        assert audit_words.field_words("title", "target") == "Cargo"
        assert audit_words.field_words("title", "vote") == "Título"
        # A field of no known record keeps the label most records give it.
        assert audit_words.field_words("title") == "Título"
