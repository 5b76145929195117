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
