"""`oversight import data-driven-sharing FILE` and `oversight import sharing-report FILE`: the
API's import behind a one-line summary, and a bad file or option said in one plain line with a
failing exit, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from api.auth.models import User
from api.cli import main
from api.db import new_session
from api.sharing.models import SharingLink
from tests import factories as f
from tests.sources.replay import fixture

DATA_DRIVEN = fixture("eff_data_driven_alpr_2016_2017.csv")
REPORT = b"""Agency,State,ORI,Direction
Oakdale Police Department,CA,,shares with
Lane County Sheriff,OR,,can query
,CA,,shares with
"""


def links_kept() -> int:
    with new_session() as fresh:
        return fresh.exec(select(func.count()).select_from(SharingLink)).one()


def test_the_data_driven_links_with_yes(capsys: pytest.CaptureFixture[str], db: None) -> None:
    assert main(["import", "data-driven-sharing", str(DATA_DRIVEN), "--yes"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("200 rows; links: ") and "agencies: 200 to add, 0 matched; " \
        "rows with problems: 0." in out[0]
    assert out[-1].startswith("Links: ") and out[-1].endswith(
        "agencies added: 200; bad rows left out: 0.")
    kept = links_kept()
    assert kept > 200
    assert main(["import", "data-driven-sharing", str(DATA_DRIVEN), "--yes"]) == 0
    assert f"Links: 0 added, 0 updated, {kept} unchanged; agencies added: 0" in \
        capsys.readouterr().out


def test_a_report_asks_then_writes(monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str], session: Session,
                                   actor: User, tmp_path: Path) -> None:
    riverton = f.make_agency(session, actor, name="Riverton Police Department")
    session.commit()
    path = tmp_path / "report.csv"
    path.write_bytes(REPORT)
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert main(["import", "sharing-report", str(path), "--agency", str(riverton.id),
                 "--date", "2019-06"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("3 rows; links: 2 to add, 0 to update, 0 unchanged; agencies: 2 to add, "
                      "0 matched; rows with problems: 1.")
    assert out[1] == "  Row 4 names no agency."
    assert out[-1] == ("Links: 2 added, 0 updated, 0 unchanged; agencies added: 2; bad rows "
                       "left out: 1.")
    assert links_kept() == 2


@pytest.mark.parametrize(("content", "extra", "said"), [
    (b"Name,City\nA,B\n", [], "This is not the Vigilant data sharing report file: it lacks "
     "the columns Agency, State."),
    (b"", [], "The file is empty."),
    (REPORT, ["--date", "June 2019"], "Write the report's date as a year, a year and month, "
     "or a day: 2019, 2019-05 or 2019-05-14."),
    (REPORT, ["--agency", "999999"], "No agency with id 999999."),
])
def test_a_bad_report_is_one_plain_line(capsys: pytest.CaptureFixture[str], session: Session,
                                        actor: User, tmp_path: Path, content: bytes,
                                        extra: list[str], said: str) -> None:
    riverton = f.make_agency(session, actor, name="Riverton Police Department")
    session.commit()
    path = tmp_path / "report.csv"
    path.write_bytes(content)
    assert main(["import", "sharing-report", str(path), "--agency", str(riverton.id),
                 "--yes", *extra]) != 0
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert links_kept() == 0


def test_a_report_needs_its_agency(capsys: pytest.CaptureFixture[str], db: None,
                                   tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(REPORT)
    assert main(["import", "sharing-report", str(path), "--yes"]) == 1
    assert capsys.readouterr().err.strip() == (
        "oversight import: Name the agency the report is about: --agency ID.")


def test_the_wrong_dataset_is_one_plain_line(capsys: pytest.CaptureFixture[str], db: None,
                                             tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(REPORT)
    assert main(["import", "data-driven-sharing", str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("oversight import: This is not the EFF Data Driven ALPR file")
    assert len(err.strip().splitlines()) == 1


def test_the_command_writes_in_a_process_of_its_own(db: None, tmp_path: Path) -> None:
    """As typed in a shell: a fresh process knows only the tables its command imports, and a
    link's organization must still resolve when it is written."""
    env = {**os.environ, "OVERSIGHT_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "api.cli", "import", "data-driven-sharing",
                           str(DATA_DRIVEN), "--yes"], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert links_kept() > 200
