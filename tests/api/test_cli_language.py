"""The `oversight` command speaks to organizers in OVERSIGHT_LANGUAGE, else the terminal's locale
(LANG), else English; whatever the language, a refusal is one plain line, never a traceback."""

import io
from pathlib import Path

import pytest

from api.cli import main
from api.i18n import locales


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "en"),
    ({"LANG": "es_US.UTF-8"}, "es"),
    ({"LANG": "es_MX.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
    ({"LC_MESSAGES": "es_ES@euro", "LANG": "en_US.UTF-8"}, "es"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({"OVERSIGHT_LANGUAGE": "es", "LANG": "en_US.UTF-8"}, "es"),
    ({"OVERSIGHT_LANGUAGE": "en", "LANG": "es_US.UTF-8"}, "en"),
    ({"OVERSIGHT_LANGUAGE": "", "LANG": "es_US.UTF-8"}, "es"),
])
def test_the_language_comes_from_oversight_language_then_the_locale(
        environ: dict[str, str], expected: str) -> None:
    assert locales.from_environment(environ) == expected


@pytest.fixture
def english_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in locales.LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _said(capsys: pytest.CaptureFixture[str]) -> str:
    printed = capsys.readouterr().err
    assert "Traceback" not in printed and len(printed.strip().splitlines()) == 1, printed
    return printed.strip()


def test_create_admin_with_a_reserved_address_ends_in_one_plain_line(
        db: None, english_terminal: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # The address is refused before any password is asked for.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["create-admin", "--email", "someone@oversight.invalid"]) == 2
    assert _said(capsys).startswith(
        "oversight create-admin: --email: The part after the @ is a reserved name")
    assert main(["create-admin", "--email", "someone@example.org"]) == 1
    assert _said(capsys).startswith("oversight create-admin: no password was typed")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    assert main(["create-admin", "--email", "someone@oversight.invalid",
                 "--password-stdin"]) == 2
    assert _said(capsys).startswith(
        "oversight create-admin: --email: The part after the @ is a reserved name")


def test_a_spanish_terminal_is_answered_in_spanish(
        db: None, english_terminal: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LANG", "es_US.UTF-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["create-admin", "--email", "someone@example.org"]) == 1
    assert _said(capsys) == (
        "oversight create-admin: no se escribió ninguna contraseña; sin una terminal, désela "
        "por la entrada estándar con --password-stdin.")
    # A service's refusal is said in the same language.
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "es")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert main(["retention", "--preview", "--days", "soon"]) == 1
    assert _said(capsys).startswith(
        "oversight retention: --days debe ser un número entero de días, de 1 a 36,500")


def test_a_spanish_organizer_reads_what_was_done_in_spanish(
        db: None, english_terminal: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "es")
    assert main(["retention", "--preview", "--days", "30"]) == 0
    out = capsys.readouterr().out
    assert "0 personas sin actividad desde el" in out and "perderían sus datos de contacto" \
        in out
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "en")
    assert main(["retention", "--preview", "--days", "30"]) == 0
    assert "0 people with no activity since" in capsys.readouterr().out


def test_the_help_and_argparses_refusals_are_in_spanish(
        english_terminal: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    # Wide enough that no line of the help is wrapped inside a phrase looked for.
    monkeypatch.setenv("COLUMNS", "400")
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith("uso: oversight [-h]")
    for spanish in ("argumentos posicionales:", "opciones:", "mostrar esta ayuda y salir",
                    "servir la aplicación web y la API JSON",
                    "escribir una copia de seguridad cifrada de la base de datos"):
        assert spanish in shown
    for english in ("usage:", "positional arguments", "show this help", "serve the web app",
                    "write an encrypted archive"):
        assert english not in shown

    with pytest.raises(SystemExit):
        main(["create-admin", "--help"])
    shown = capsys.readouterr().out
    assert "--email CORREO" in shown and "leer la contraseña de la primera línea" in shown

    with pytest.raises(SystemExit) as done:
        main(["create-admin"])
    assert done.value.code == 2
    said = capsys.readouterr().err
    assert said.startswith("uso: oversight create-admin [-h] --email CORREO")
    assert said.endswith(
        "oversight create-admin: error: se requieren los siguientes argumentos: --email\n")

    with pytest.raises(SystemExit):
        main([])
    assert "error: se requieren los siguientes argumentos: {serve,worker," in \
        capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["demo", "--scale", "huge"])
    assert "error: argumento --scale: opción no válida: 'huge' (elija entre 'small', " \
        "'large')" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["serve", "--workers", "many"])
    assert "argumento --workers: debe ser un número entero, no 'many'" in \
        capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["retention"])
    assert "se requiere uno de los argumentos --preview --apply" in capsys.readouterr().err


def test_an_english_terminal_keeps_argparses_english(
        english_terminal: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["create-admin"])
    said = capsys.readouterr().err
    assert said.startswith("usage: oversight create-admin [-h] --email EMAIL")
    assert "error: the following arguments are required: --email" in said
    # Spanish is not left switched on for argparse once the command has read its arguments.
    import argparse
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]


def test_the_demos_summary_is_in_the_organizers_language(
        db: None, english_terminal: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "es")
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Se cargó la campaña de demostración «Riverton: No Renewal for Flock».")
    assert "La base de datos ahora tiene 4 organizaciones, " in out
    assert "1 campaña, " in out and "solicitudes de registros públicos" in out
    assert "Inicie sesión como líder de la coalición" in out and "  contraseña: " in out
    assert "organizations" not in out and "Sign in" not in out


def test_the_playbooks_are_listed_by_their_spanish_titles(
        english_terminal: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "es")
    main(["playbooks"])
    listed = capsys.readouterr().out
    assert ("válido cancel_renewal.yaml: cancel_renewal (Cancelar la renovación de un contrato "
            "de lectores de placas (ALPR))") in listed
    assert "bien " not in listed and "Cancel an ALPR contract renewal" not in listed


def test_a_spanish_people_file_is_read_and_described_in_spanish(
        db: None, english_terminal: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "es")
    sheet = tmp_path / "personas.csv"
    sheet.write_text("Nombre,Correo electrónico,Prefiere\nAna Ruiz,ana@,en persona\n",
                     encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert main(["import", "people", str(sheet)]) == 0
    said = capsys.readouterr().out
    assert ("Columnas: Nombre -> Nombre, Correo electrónico -> Correo electrónico, "
            "Prefiere -> Forma de contacto preferida") in said
    assert "1 fila:" in said and "1 filas" not in said
    assert "fila 2: Correo electrónico: " in said
    assert "Asigne una columna" not in said and "email '" not in said
