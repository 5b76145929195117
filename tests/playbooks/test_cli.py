"""`oversight playbooks`: checks the playbook files and names each error's file, line and field."""

from pathlib import Path

import pytest

from api.cli import main
from api.playbooks import loader
from api.settings import get_settings


def test_the_shipped_playbooks_check_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["playbooks"]) == 0
    out = capsys.readouterr().out
    assert out.count("ok ") == 5 and "stop_new_contract.yaml" in out


def test_a_broken_file_fails_the_check_with_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    built_in = get_settings().campaigns_dir / "playbooks"
    text = (built_in / "cancel_renewal.yaml").read_text()
    (tmp_path / "mine.yaml").write_text(text.replace("key: cancel_renewal", "key: mine")
                                        .replace("kind: call_in_day", "kind: phone_bank"))
    monkeypatch.setattr(loader, "playbook_dirs",
                        lambda: [(built_in, "built-in"), (tmp_path, "organizer")])
    assert main(["playbooks"]) == 1
    captured = capsys.readouterr()
    assert captured.out.count("ok ") == 5
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "kind: call_in_day" in row)
    assert f"organizer/mine.yaml, line {line}, field phases.3.actions.1.kind" in captured.err


@pytest.mark.parametrize(("old", "new", "english", "spanish"), [
    ("kind: call_in_day", "kind: phone_bank", "Input should be", "Elija uno de estos:"),
    ("key: cancel_renewal", "key: cancel_renewal\nextra: 1", "Extra inputs are not permitted",
     "Este registro no tiene este campo."),
    ("anchor: vote", "anchor: no_such_anchor", "Input should be", "Elija uno de estos:"),
    ("offset: -7d", "offset: soon", "must be an offset such as -14d, +3d or 2w",
     "debe ser un desplazamiento como -14d, +3d o 2w"),
])
def test_a_spanish_organizer_reads_a_broken_files_errors_in_spanish(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        old: str, new: str, english: str, spanish: str) -> None:
    built_in = get_settings().campaigns_dir / "playbooks"
    text = (built_in / "cancel_renewal.yaml").read_text()
    broken = text.replace("key: cancel_renewal", "key: mine", 1) if old != "key: cancel_renewal" \
        else text
    assert old in broken
    (tmp_path / "mine.yaml").write_text(broken.replace(old, new.replace(
        "cancel_renewal", "mine"), 1))
    monkeypatch.setattr(loader, "playbook_dirs", lambda: [(tmp_path, "organizer")])
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "es")
    assert main(["playbooks"]) == 1
    said = capsys.readouterr().err
    assert "organizer/mine.yaml, línea " in said and ", campo " in said
    assert spanish in said and english not in said
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "en")
    assert main(["playbooks"]) == 1
    said = capsys.readouterr().err
    assert "organizer/mine.yaml, line " in said and english in said


def test_a_playbook_key_used_twice_is_said_in_spanish(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    built_in = get_settings().campaigns_dir / "playbooks"
    (tmp_path / "copy.yaml").write_text((built_in / "cancel_renewal.yaml").read_text())
    monkeypatch.setattr(loader, "playbook_dirs",
                        lambda: [(built_in, "built-in"), (tmp_path, "organizer")])
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "es")
    assert main(["playbooks"]) == 1
    said = capsys.readouterr().err
    assert "la clave «cancel_renewal» ya la usa cancel_renewal.yaml; elija otra" in said
