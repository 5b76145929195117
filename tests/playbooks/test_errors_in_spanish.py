"""A Spanish-speaking organizer checking broken playbooks reads every line in Spanish: no
English log line before the list, the YAML parser's own words only as a quoted detail; the
playbook page counts the files left out, not their errors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.auth.models import User
from api.playbooks import loader
from tests.web.html import plain

ROOT = Path(__file__).resolve().parents[2]
UNCLOSED = "key: unclosed\ntitle: [a, b\n"  # the list is never closed
INCOMPLETE = "key: incomplete\nextra: 1\n"  # title, goal, ... missing; one field too many


def _broken_files(folder: Path) -> Path:
    playbooks = folder / "playbooks"
    playbooks.mkdir()
    (playbooks / "unclosed.yaml").write_text(UNCLOSED)
    (playbooks / "incomplete.yaml").write_text(INCOMPLETE)
    return playbooks


def test_the_check_prints_no_english_before_the_spanish_list(tmp_path: Path) -> None:
    _broken_files(tmp_path)
    environ = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "OVERSIGHT_LANGUAGE": "es",
               "OVERSIGHT_DATA_DIR": str(tmp_path)}
    ran = subprocess.run([sys.executable, "-m", "api.cli", "playbooks"], env=environ, cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=False)
    assert ran.returncode == 1
    said = ran.stderr
    for english in ("playbook left out", "Field required", "Extra inputs are not permitted",
                    "not valid YAML", ", line ", "en la línea"):
        assert english not in said, said
    assert "organizer/unclosed.yaml, línea 3: no se pudo leer el YAML en la columna 1 " \
        "(detalle técnico: «expected ',' or ']', but got '<stream end>'»)" in said
    assert "organizer/incomplete.yaml, línea 1, campo title: Este dato es obligatorio." in said


def test_an_unreadable_file_says_line_and_column_in_english_too() -> None:
    _playbook, errors = loader.parse(UNCLOSED, name="unclosed.yaml", letter_keys=set())
    assert [str(e) for e in errors] == [
        "unclosed.yaml, line 3: the YAML cannot be read at column 1 "
        "(technical detail: “expected ',' or ']', but got '<stream end>'”)"]


@pytest.mark.parametrize(("language", "heading"), [
    ("es", "No se pudieron leer 2 archivos de guía"),
    ("en", "2 playbook files could not be read"),
])
def test_the_playbook_page_counts_files_not_errors(
        client: TestClient, admin: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        language: str, heading: str) -> None:
    folder = _broken_files(tmp_path)
    monkeypatch.setattr(loader, "playbook_dirs", lambda: [(folder, "organizer")])
    assert len(loader.catalog().errors) == 6
    client.post("/account/language", data={"language": language})
    page = plain(client.get("/campaigns/new-from-playbook").text)
    assert heading in page
