"""A list's CSV says who a record is shared with in the reader's words, as its page does."""

import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import service as accounts
from api.auth.models import User
from tests import factories as f
from web.words import sharing_words


def _shared_with(text: str) -> set[str]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    column = next(i for i, name in enumerate(rows[0]) if name in ("Shared with",
                                                                  "Compartido con"))
    return {row[column] for row in rows[1:]}


def test_the_votes_csv_says_who_reads_in_the_readers_words(
        client: TestClient, session: Session, actor: Any, admin: User) -> None:
    f.make_vote(session, actor, visibility="coalition")
    session.commit()
    english = _shared_with(client.get("/votes.csv").text)
    assert english == {sharing_words("coalition")} and "coalition" not in english
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    spanish = _shared_with(client.get("/votes.csv").text)
    assert spanish and "coalition" not in spanish
    assert spanish != english
