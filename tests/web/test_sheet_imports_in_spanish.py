"""A spreadsheet import read in Spanish: the column page's labels and help, the preview's
field names and problems, and a file with the app's own Spanish headings and sí/no values."""

from collections.abc import Callable

from fastapi.testclient import TestClient

from api.auth.models import Role
from tests.web.html import form_fields, plain
from tests.web.test_sheet_imports import as_csv, as_form, uploaded


def test_the_columns_and_the_preview_speak_spanish(
        client_as: Callable[..., TestClient]) -> None:
    reader = client_as(Role.admin, language="es")
    content = as_csv([["Nombre", "Correo electrónico", "Acepta correos", "Organización",
                       "Forma de contacto preferida"],
                      ["Ana Ruiz", "ana@example.org", "sí", "Nadie", "paloma mensajera"],
                      ["Bo Chen", "bo@example.org", "no", "", ""]])
    base = uploaded(reader, content)
    page = reader.get(f"{base}/columns").text
    text = plain(page)
    for english in ("the whole name", "First name", "Last name", "one of:", "yes or no",
                    "separated by commas", "already here"):
        assert english not in text, english
    assert "Nombre de pila" in text and "sí o no" in text
    fields = dict(form_fields(page, f"{base}/preview"))
    # The app's own Spanish headings are matched to their fields.
    assert fields["map-email"] == "Correo electrónico"
    assert fields["map-ok_to_email"] == "Acepta correos"
    assert fields["map-organization"] == "Organización"
    shown = plain(reader.post(f"{base}/preview", data=as_form(
        form_fields(page, f"{base}/preview"))).text)
    # sí is yes; the problems and their fields are in Spanish.
    assert "must be" not in shown and "'sí'" not in shown
    assert "unknown organization" not in shown and "Preferred contact" not in shown
    assert "organización desconocida 'Nadie'" in shown
    # "teléfono" would be taken (a choice in either language); a choice that is none is
    # refused with the choices in Spanish.
    assert "'paloma mensajera' debe ser uno de estos:" in shown
    assert "correo electrónico, teléfono" in shown
    assert "Forma de contacto preferida" in shown and "Organización" in shown


def test_a_spanish_yes_or_no_is_read_as_one(client: TestClient) -> None:
    content = as_csv([["Full Name", "OK to email"], ["Ana Ruiz", "quizás"],
                      ["Bo Chen", "Sí"]])
    base = uploaded(client, content)
    page = client.get(f"{base}/columns").text
    shown = plain(client.post(f"{base}/preview", data=as_form(
        form_fields(page, f"{base}/preview"))).text)
    assert "'quizás' must be yes or no" in shown and "'Sí'" not in shown
