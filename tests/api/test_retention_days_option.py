"""`oversight retention --days N` takes only a period retention may run with: a negative, zero,
absurd or mistyped number of days is refused in one line with a failing exit, never read as
"retention is off" and never a traceback."""

import subprocess
import sys

import pytest
from sqlmodel import Session

from api.cli import main
from api.settings import MAX_RETENTION_DAYS
from tests.factories import make_person


@pytest.mark.parametrize("days", ["-5", "0", "-0", str(MAX_RETENTION_DAYS + 1),
                                  "99999999999999999999", "1e3", "ten", "3.5", "", "٣"])
@pytest.mark.parametrize("step", ["--preview", "--apply"])
def test_a_period_that_is_no_period_is_refused_in_one_line(
        db: None, capsys: pytest.CaptureFixture[str], days: str, step: str) -> None:
    assert main(["retention", step, "--days", days]) != 0
    printed = capsys.readouterr()
    assert "Retention is off" not in printed.out
    assert printed.err.startswith("oversight retention: --days must be a whole number of days "
                                  f"from 1 to {MAX_RETENTION_DAYS:,}"), printed.err
    assert repr(days) in printed.err
    assert len(printed.err.strip().splitlines()) == 1 and "Traceback" not in printed.err


def test_a_refused_period_removes_nothing(session: Session, actor: object,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    person = make_person(session, actor, name="Quinn Quiet", email="quinn@example.org")
    session.commit()
    assert main(["retention", "--apply", "--days", "-5"]) == 1
    session.expire_all()
    assert person.email == "quinn@example.org"


@pytest.mark.parametrize("days", ["1", str(MAX_RETENTION_DAYS), " 365 "])
def test_a_period_in_range_runs(db: None, capsys: pytest.CaptureFixture[str],
                                days: str) -> None:
    assert main(["retention", "--preview", "--days", days]) == 0
    assert f"({days.strip()} days) would lose their contact details" in capsys.readouterr().out


def test_the_installed_command_exits_non_zero(db: None) -> None:
    done = subprocess.run([sys.executable, "-m", "api.cli", "retention", "--preview", "--days",
                           "-5"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"oversight retention: --days must be a whole number of days from 1 to "
        f"{MAX_RETENTION_DAYS:,} (a hundred years), not '-5'; without it, "
        "OVERSIGHT_RETENTION_DAYS is used."]
