"""The check `make test` runs before pytest: Chromium where the setting says, Debian's package
installed when root with apt-get can, otherwise one line saying what to install."""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("need_chromium.sh")
SH = shutil.which("sh") or "/bin/sh"
ADVICE = ("install Debian's chromium package (apt-get install chromium) "
          "or set OVERSIGHT_CHROMIUM")


def _tool(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!{SH}\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _run(bin_dir: Path, chromium: Path) -> subprocess.CompletedProcess[str]:
    # PATH holds only the stand-ins given, so the real apt-get is out of reach.
    env = {"PATH": str(bin_dir), "OVERSIGHT_CHROMIUM": str(chromium)}
    return subprocess.run([SH, str(SCRIPT)], env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=30, check=False)


def _bin(tmp_path: Path, *, uid: int) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _tool(bin_dir, "id", f"echo {uid}")
    return bin_dir


def test_a_chromium_in_place_passes_quietly(tmp_path: Path) -> None:
    chromium = tmp_path / "chromium"
    _tool(tmp_path, "chromium", "exit 0")
    run = _run(_bin(tmp_path, uid=1000), chromium)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")


def test_without_apt_get_it_stops_with_one_line_saying_what_to_install(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "chromium"
    run = _run(_bin(tmp_path, uid=0), missing)
    assert run.returncode != 0
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Chromium not found at {missing}: ") and ADVICE in lines[0]


def test_a_user_other_than_root_is_told_and_apt_get_is_never_tried(tmp_path: Path) -> None:
    bin_dir = _bin(tmp_path, uid=1000)
    tried = tmp_path / "apt-get-ran"
    _tool(bin_dir, "apt-get", f'echo "$@" >> "{tried}"')
    missing = tmp_path / "no" / "chromium"
    run = _run(bin_dir, missing)
    assert run.returncode != 0
    assert ADVICE in run.stderr and len(run.stderr.splitlines()) == 1
    assert not tried.exists()


def test_root_with_apt_get_installs_debians_package(tmp_path: Path) -> None:
    bin_dir = _bin(tmp_path, uid=0)
    calls = tmp_path / "apt-get-calls"
    chromium = tmp_path / "usr" / "bin" / "chromium"
    chromium.parent.mkdir(parents=True)
    chmod = shutil.which("chmod") or "/bin/chmod"
    # Stands in for apt-get: records what it was asked and puts Chromium where Debian would.
    _tool(bin_dir, "apt-get", f'echo "$@" >> "{calls}"\n'
          f'if [ "$1" = install ]; then echo "#!{SH}" > "{chromium}"; {chmod} 755 "{chromium}"; fi')
    run = _run(bin_dir, chromium)
    assert run.returncode == 0, run.stderr
    assert calls.read_text().splitlines() == ["update", "install -y chromium"]
    assert os.access(chromium, os.X_OK)


def test_a_failed_install_ends_in_the_same_one_line_advice(tmp_path: Path) -> None:
    bin_dir = _bin(tmp_path, uid=0)
    _tool(bin_dir, "apt-get", "exit 100")
    missing = tmp_path / "no" / "chromium"
    run = _run(bin_dir, missing)
    assert run.returncode != 0
    assert run.stderr.splitlines()[-1].startswith(f"Chromium not found at {missing}: ")
    assert ADVICE in run.stderr.splitlines()[-1]


def test_as_nobody_with_the_real_apt_get_on_path_nothing_is_installed(tmp_path: Path) -> None:
    setpriv, apt_get = shutil.which("setpriv"), shutil.which("apt-get")
    if os.geteuid() != 0 or not setpriv or not apt_get:
        pytest.skip("needs root, setpriv and apt-get to run the check as another user")
    if not os.access(SCRIPT, os.R_OK) or SCRIPT.stat().st_mode & stat.S_IROTH == 0:
        pytest.skip("the check is not readable by other users here")
    missing = tmp_path / "no" / "chromium"
    env = {"PATH": os.pathsep.join({str(Path(apt_get).parent), "/usr/bin", "/bin"}),
           "OVERSIGHT_CHROMIUM": str(missing)}
    run = subprocess.run(  # noqa: S603
        [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", SH, str(SCRIPT)],
        env=env, capture_output=True, text=True, timeout=30, check=False)
    assert run.returncode != 0
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        f"Chromium not found at {missing}: {ADVICE} to a Chromium that is there"]
