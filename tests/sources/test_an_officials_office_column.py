"""A spreadsheet of officials fills each one's office from a column headed by the office's
label in either language ("Office", "Cargo"), or by the "Title" ("Título") that files
exported before it was called so still carry."""

from typing import Any

import pytest
from sqlmodel import Session, select

from api.auth.models import User
from api.db import new_session
from api.sources import spreadsheets
from api.targets.models import Target
from tests.sources.test_spreadsheets import as_csv


@pytest.mark.parametrize("heading", ["Cargo", "Título", "Titulo", "Title", "Office"])
def test_the_office_column_fills_the_officials_title(session: Session, actor: User,
                                                     heading: str) -> None:
    content = as_csv([["Nombre", heading, "Distrito"],
                      ["Elena Park", "Mayor", "At large"],
                      ["Marcus Bell", "integrante del concejo", "Distrito 1"]])
    plan = spreadsheets.plan(session, concept_name="targets", content=content)
    assert plan.mapping["title"] == heading
    assert not [row.errors for row in plan.rows if row.errors]
    spreadsheets.commit(session, actor, plan)
    session.commit()
    with new_session(read_only=True) as fresh:
        found = {t.name: t.title for t in fresh.exec(select(Target)).all()}
    assert found == {"Elena Park": "mayor", "Marcus Bell": "council_member"}


def test_the_office_is_offered_by_its_labels_in_both_languages() -> None:
    said: Any = spreadsheets.headings(spreadsheets.CONCEPTS["targets"])["title"]
    assert {"Office", "Cargo", "Title", "Título"} <= set(said)
