"""An export is written in the language of whoever makes it, as a list's CSV is: the summary
page (with its <html lang>), each CSV file's headings, and every choice, stance and checkbox;
dates in the CSV files stay YYYY-MM-DD."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.exports import test_redacted_export as campaign_export
from tests.exports import test_shared_export as shared_export
from tests.exports.test_redacted_export import world  # noqa: F401 - the campaign's world
from tests.web.html import plain

SAID = {
    "en": {"lang": '<html lang="en">', "name": "Name", "stance": "Stance",
           "against": "against us", "not_known": "not known", "active": "active",
           "public": "public", "no": "no", "note": "Note", "before": "Stance before",
           "after": "Stance after",
           "made": ("Generated Mar 2, 2026, 9:00 AM PST. It holds only the records shared "
                    "with “ Public: anyone ” or more widely. No one's contact details are "
                    "included."),
           "tier": "Public: anyone", "heading": "Decision-makers",
           "meetings": "Meetings with decision-makers shared at this tier: ",
           "file": "targets.csv: the decision-makers (",
           "ask": "No use for immigration enforcement", "open": "not yet won"},
    "es": {"lang": '<html lang="es">', "name": "Nombre", "stance": "Postura",
           "against": "en contra de nosotros", "not_known": "postura desconocida",
           "active": "activa", "public": "público", "no": "no", "note": "Nota",
           "before": "Postura anterior", "after": "Postura nueva",
           "made": ("Generado el 2 mar 2026, 9:00 a.m. PST. Incluye solo los registros compartidos "
                    "con « Público: cualquier persona » o más ampliamente. No se incluyen los "
                    "datos de contacto de nadie."),
           "tier": "Público: cualquier persona", "heading": "Funcionarios",
           "meetings": "Reuniones con funcionarios compartidas en este nivel: ",
           "file": "targets.csv: los funcionarios (",
           "ask": "Ningún uso para el control migratorio", "open": "todavía no se ha ganado"},
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_campaigns_export_speaks_its_exporters_language(
        world: campaign_export.World,  # noqa: F811
        client_as: Callable[..., TestClient], language: str) -> None:
    words = SAID[language]
    lead = client_as("lead", language=language)
    files = campaign_export.export(lead, world, "public")
    summary = files["summary.html"]
    assert words["lang"] in summary
    text = plain(summary)
    for key in ("made", "tier", "heading", "meetings", "file", "ask", "open"):
        assert words[key] in text, key
    target = campaign_export.mark("A", "target", "public")
    listed = {r[words["name"]]: r for r in campaign_export.rows(files, "targets.csv")}
    assert listed[target][words["stance"]] == words["against"]
    changes = campaign_export.rows(files, "stance_changes.csv")
    assert [(r[words["before"]], r[words["after"]]) for r in changes
            if r[words["note"]] == campaign_export.STANCE_PUBLIC] == [
        (words["not_known"], words["against"])]
    [the_campaign] = campaign_export.rows(files, "campaign.csv")
    assert words["active"] in the_campaign.values()
    assert {words["public"]} == {r[list(r)[-1]] for r in campaign_export.rows(files,
                                                                              "actions.csv")}
    [ask] = campaign_export.rows(files, "policy_asks.csv")
    assert words["no"] in ask.values() and "false" not in ask.values()
    # A day in a CSV file is the same in every language, for a spreadsheet to read.
    assert listed[target][list(listed[target])[7]].startswith("2026-01-20T10:00")


def test_nothing_of_a_spanish_export_is_left_in_english(
        world: campaign_export.World,  # noqa: F811
        client_as: Callable[..., TestClient]) -> None:
    files = campaign_export.export(client_as("lead", language="es"), world, "public")
    text = plain(files["summary.html"])
    for english in ("Made ", "Decision-makers", "Upcoming votes", "In this archive",
                    "Goal:", "Status:", "not yet won", " rows)", "Records requests", "Actions",
                    "Contracts and their deadlines", "leaning", "opposed", "Mar 2"):
        assert english not in text, english
    headings = {name: body.splitlines()[0] for name, body in files.items()
                if name.endswith(".csv")}
    for name, line in headings.items():
        # Two headings said alike would read as one column.
        assert len(set(line.split(","))) == len(line.split(",")), (name, line)
        for english in ("name", "title", "status", "visibility", "_"):
            assert english not in line.lower().split(","), (name, line)
    assert "Exigencia,Ganada,Nota" in headings["policy_asks.csv"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_what_an_organization_shares_speaks_its_exporters_language(
        session: object, actor: object, frozen_now: object,
        client_as: Callable[..., TestClient], language: str) -> None:
    shared = shared_export.world.__wrapped__(session, actor, frozen_now)  # type: ignore[attr-defined]
    member = client_as("partner", organization_id=shared.orgs["A"].id, language=language)
    files = shared_export.export(member, shared, "public")
    summary = files["summary.html"]
    assert SAID[language]["lang"] in summary
    text = plain(summary)
    if language == "es":
        assert "Org A: lo que compartimos" in text and "20 ene 2026" in text
        assert "También se comparten en este nivel:" in text
        assert "what we share" not in text and "Jan 20" not in text
        changes = shared_export.rows(files, "stance_changes.csv")
        assert [(r["Funcionario"], r["Postura anterior"], r["Postura nueva"]) for r in changes] \
            == [("Council Member Ruiz", "postura desconocida", "se inclina por nosotros")]
    else:
        assert "Org A: what we share" in text and "Jan 20, 2026" in text
        assert "Also shared at this tier:" in text
