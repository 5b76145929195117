"""A list's CSV says each choice as its page does, in the reader's language (headers and values
alike), and a Spanish or English export of organizations, people or targets is read back by
the sheet import as the same stored choices: a coalition can edit its sheet and import it."""

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from api.i18n.catalogs import translations
from api.sources import spreadsheets
from api.sources.spreadsheets import Choice
from tests import factories as f
from tests.web.html import plain


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize(("language", "active"), [("en", "active"), ("es", "activa")])
def test_a_campaigns_status_reads_in_the_csv_as_on_its_page(
        client_as: Callable[..., TestClient], session: Session, actor: Any, language: str,
        active: str) -> None:
    f.make_campaign(session, actor, name="Cámaras no", status="active")
    session.commit()
    reader = client_as(Role.admin, language=language)
    row = _rows(reader.get("/campaigns.csv").text)[0]
    assert active in row.values()
    assert active in plain(reader.get("/campaigns").text)


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_exported_list_imports_back_as_the_same_choices(
        client_as: Callable[..., TestClient], session: Session, actor: Any,
        language: str) -> None:
    body = f.make_body(session, actor, name="Riverton City Council")
    records = {
        "organizations": (f.make_organization(
            session, actor, name="Unidos por Riverton", kind="immigrant_rights",
            coalition_role="co_lead", status="joined"),
            {"kind": "immigrant_rights", "coalition_role": "co_lead", "status": "joined"}),
        "people": (f.make_person(
            session, actor, name="Rosa Díaz", preferred_contact="in_person", ok_to_email=True,
            ok_to_text=False), {"preferred_contact": "in_person", "ok_to_email": True,
                                "ok_to_text": False}),
        "targets": (f.make_target(session, actor, name="Ana Ruiz", title="police_chief",
                                  body_id=body.id), {"title": "police_chief"}),
    }
    session.commit()
    reader = client_as(Role.admin, language=language)
    for noun, (record, stored) in records.items():
        exported = reader.get(f"/{noun}.csv")
        assert exported.status_code == 200
        made = spreadsheets.plan(session, concept_name=noun, content=exported.content,
                                 filename=f"{noun}.csv", on_duplicate=Choice.update)
        assert [r.errors for r in made.rows] == [[]], (noun, exported.text)
        (row,) = made.rows
        assert row.existing_id == record.id, noun
        for name, value in stored.items():
            assert row.values[name] == value, (noun, name, exported.text)


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_exported_targets_list_imports_back_with_its_relationship_owner_and_body(
        client_as: Callable[..., TestClient], session: Session, actor: Any,
        language: str) -> None:
    owner = f.make_organization(session, actor, name="Unidos por Riverton")
    body = f.make_body(session, actor, name="Riverton City Council")
    target = f.make_target(session, actor, name="Ana Ruiz", body_id=body.id,
                           owner_organization_id=owner.id)
    session.commit()
    exported = client_as(Role.admin, language=language).get("/targets.csv")
    assert exported.status_code == 200
    made = spreadsheets.plan(session, concept_name="targets", content=exported.content,
                             filename="targets.csv", on_duplicate=Choice.update)
    assert made.mapping["owner_organization"] in made.headers, exported.text
    (row,) = made.rows
    assert row.errors == [], exported.text
    assert row.existing_id == target.id
    assert row.values["owner_organization_id"] == owner.id, exported.text
    assert row.values["body_id"] == body.id, exported.text


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("noun", ["organizations", "people", "targets"])
def test_every_column_an_exported_list_writes_is_read_back(
        client_as: Callable[..., TestClient], session: Session, actor: Any, noun: str,
        language: str) -> None:
    exported = client_as(Role.admin, language=language).get(f"/{noun}.csv")
    assert exported.status_code == 200
    headers = next(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    # Who may read a record is set where it is imported, never read from a file.
    sharing = translations(language).gettext("Shared with")
    headers = [header for header in headers if header != sharing]
    mapped = spreadsheets.guess_mapping(spreadsheets.concept(noun), headers,
                                        also=spreadsheets.headings(spreadsheets.concept(noun)))
    assert sorted(mapped.values()) == sorted(headers), (noun, language)
