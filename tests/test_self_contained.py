"""The repository carries everything its code and tests read: nothing reaches for a folder
beside the clone, and every recorded fixture is accounted for."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CHECKED = ("api", "web", "tests", "migrations", "campaigns", ".ci", "Makefile", "Dockerfile",
           ".dockerignore", "README.md", "pyproject.toml", "alembic.ini")
# The sibling folder spelled as one path or built from a parent-directory part and its name
# (the spellings are in the test below); escaped so that this file does not match itself.
SIBLING = re.compile(rb"\.\.(?:/|[\"']\s*[/,]\s*[\"'])shared\b")
# Installed or generated, never committed: not the project's own text.
SKIPPED_DIRS = {"node_modules", "vendor", "__pycache__", "screenshots"}


def project_files() -> list[Path]:
    """What a commit of the tree would hold under the checked paths: tracked files and new
    ones git does not ignore, or, outside a git checkout, every file but installed ones."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--",
             *CHECKED], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        found = [p for name in CHECKED for p in
                 ([ROOT / name] if (ROOT / name).is_file() else (ROOT / name).rglob("*"))]
        return [p for p in found if p.is_file()
                and not SKIPPED_DIRS & set(p.relative_to(ROOT).parts)]
    return [ROOT / name for name in listed.decode().split("\0") if name]


def test_no_file_reads_from_beside_the_repository() -> None:
    files = [p for p in project_files() if p.is_file()]
    assert any(p.name == "replay.py" for p in files), "the file listing found nothing"
    offenders = [str(p.relative_to(ROOT)) for p in files if SIBLING.search(p.read_bytes())]
    assert offenders == [], f"these files refer to a folder outside the repository: {offenders}"


def test_the_pattern_finds_each_spelling() -> None:
    sibling = "shared"
    for text in (f"../{sibling}/fixtures", f'Path(x) / ".." / "{sibling}"',
                 f"os.path.join('..', '{sibling}')"):
        assert SIBLING.search(text.encode()), text
    assert not SIBLING.search(b"tests/fixtures, shared with the coalition")


def _listed_in_readme() -> set[str]:
    table = (FIXTURES / "README.md").read_text()
    return set(re.findall(r"^\| `([^`]+)` \|", table, flags=re.MULTILINE))


@pytest.mark.parametrize("path", sorted(p.name for p in FIXTURES.iterdir()
                                        if p.is_file() and p.name != "README.md"))
def test_every_fixture_has_its_origin_and_licence_written_down(path: str) -> None:
    assert path in _listed_in_readme(), f"tests/fixtures/README.md does not describe {path}"


def test_every_fixture_described_is_there() -> None:
    missing = sorted(name for name in _listed_in_readme() if not (FIXTURES / name).is_file())
    assert missing == []
