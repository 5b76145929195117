"""A letter's text is marked with the language it is written in, and a letter's English title
is never run into the reader's words in one choice."""

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import service as accounts
from api.auth.models import User
from tests.factories import make_records_request


def test_a_spanish_letter_is_marked_spanish(client: TestClient, session: Session,
                                            actor: Any) -> None:
    request = make_records_request(session, actor)
    base = (f"/records-requests/{request.id}/letter?template=alpr_all"
            "&requester_name=Rosa+Parkes&requester_email=rosa%40example.org")
    spanish = client.get(base + "&language=es").text
    assert re.search(r'<textarea id="letter-text"[^>]* lang="es"', spanish)
    english = client.get(base).text
    assert re.search(r'<textarea id="letter-text"[^>]* lang="en"', english)


def test_a_state_letter_in_the_batch_is_grouped_under_the_readers_words(
        client: TestClient, session: Session, admin: User) -> None:
    english = client.get("/records-requests/batch").text
    assert "(CA only)</option>" in english
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    page = client.get("/records-requests/batch").text
    assert "(solo CA)" not in page
    assert re.search(r'<optgroup label="Solo CA"><option value="[a-z0-9_]+"[^>]* lang="es">'
                     r"Política de uso y privacidad", page)


def test_the_letter_picker_names_each_letter_in_the_readers_language(
        client: TestClient, session: Session, actor: Any, admin: User) -> None:
    request = make_records_request(session, actor)
    english = client.get(f"/records-requests/{request.id}").text
    assert re.search(r'<label for="letter-alpr_all" lang="en">Everything about the ALPR',
                     english)
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    page = client.get(f"/records-requests/{request.id}").text
    assert re.search(r'<label for="letter-alpr_all" lang="es">Todo sobre el programa', page)
    assert re.search(r'<label for="letter-appeal" lang="es">[^<]*[Aa]pelaci', page)
    for english_title in ("Everything about the ALPR program", "Follow-up at the deadline",
                          "Appeal of a denial"):
        assert english_title not in page
    assert "títulos de las cartas" not in page
