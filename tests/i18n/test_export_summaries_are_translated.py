"""An export's summary page and its CSV headings, made in a pseudo-language whose catalog
wraps every translated string in marks: no English is left outside them, as on every page."""

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.exports import test_redacted_export as campaign_export
from tests.exports.test_redacted_export import world  # noqa: F401 - the campaign's world
from tests.i18n.catalog_source import CLOSE, OPEN
from tests.i18n.test_every_page_is_translated import _user_data, pseudo  # noqa: F401
from tests.i18n.visible_text import calendar_words, untranslated


def test_a_campaigns_export_is_all_in_the_catalog(
        world: Any, pseudo: None,  # noqa: F811
        session: Session, client_as: Callable[..., TestClient]) -> None:
    files = campaign_export.export(client_as("lead", language="es"), world, "public")
    known = _user_data(session) | {"summary.html", "PST", "CA"}
    known |= {name for name in files if name.endswith(".csv")}
    left = untranslated(files["summary.html"], known=known, allowed_words=calendar_words("es_US"))
    assert left == []
    for name, body in files.items():
        if name.endswith(".csv"):
            heading = body.splitlines()[0]
            assert all(cell.startswith(OPEN) and cell.endswith(CLOSE)
                       for cell in heading.split(",")), (name, heading)
