"""Static checks of the Dockerfile, for what can be known without building the image."""

import json
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"

def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = "\n".join(line for line in DOCKERFILE.read_text().splitlines()
                     if not line.lstrip().startswith("#"))
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            found.append((keyword.upper(), args.strip()))
    return found


def stages() -> dict[str, list[tuple[str, str]]]:
    """The instructions of each named stage."""
    named: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for keyword, args in instructions():
        if keyword == "FROM":
            image, _, name = args.partition(" AS ")
            current = named.setdefault(name.strip() or image, [("FROM", image.strip())])
        else:
            current.append((keyword, args))
    return named


def final_stage() -> list[tuple[str, str]]:
    return list(stages().values())[-1]


def test_a_node_stage_builds_the_assets_and_a_python_stage_runs_the_app() -> None:
    images = [stage[0][1] for stage in stages().values()]
    assert images == ["node:20-bookworm-slim", "python:3.11-slim-bookworm"]
    node = list(stages().values())[0]
    runs = " ".join(args for keyword, args in node if keyword == "RUN")
    # npm ci installs exactly what the lock file says; npm install could move versions.
    assert "npm ci" in runs and "npm install" not in runs


def test_the_app_runs_as_a_user_other_than_root() -> None:
    users = [args for keyword, args in final_stage() if keyword == "USER"]
    assert users, "the image must switch to its own user"
    assert users[-1].split(":")[0] not in {"root", "0"}
    keywords = [keyword for keyword, _ in final_stage()]
    assert keywords.index("USER") < keywords.index("CMD")


def test_the_data_volume_and_database_live_in_app_var() -> None:
    stage = final_stage()
    assert ("VOLUME", '["/app/var"]') in stage
    env = " ".join(args for keyword, args in stage if keyword == "ENV")
    assert "OVERSIGHT_DATA_DIR=/app/var" in env
    assert "OVERSIGHT_DATABASE_URL=sqlite:////app/var/oversight.db" in env
    runs = " ".join(args for keyword, args in stage if keyword == "RUN")
    assert re.search(r"chown \S+ /app/var", runs)


def test_the_healthcheck_asks_healthz_with_the_standard_library() -> None:
    checks = [args for keyword, args in final_stage() if keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "/healthz" in checks[0] and "urllib.request" in checks[0]
    assert "curl" not in checks[0] and "wget" not in checks[0]
    assert ("EXPOSE", "8000") in final_stage()


def test_the_container_migrates_before_it_serves() -> None:
    commands = [json.loads(args) for keyword, args in final_stage() if keyword == "CMD"]
    assert len(commands) == 1
    script = commands[0][-1]
    assert script.index("oversight migrate") < script.index("oversight serve")
    assert "--host 0.0.0.0 --port 8000" in script


def test_the_htmx_copied_is_the_version_package_json_pins() -> None:
    package = json.loads((ROOT / "web" / "package.json").read_text())
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text())
    for name in ("htmx.org", "us-atlas"):
        pinned = package["dependencies"][name]
        assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), f"{name} must be pinned to one version"
        assert lock["packages"][f"node_modules/{name}"]["version"] == pinned

    node_name, node = list(stages().items())[0]
    node_copies = [args.split() for keyword, args in node if keyword == "COPY"]
    assert ["web/package.json", "web/package-lock.json", "./"] in node_copies
    vendored = [args.split() for keyword, args in final_stage()
                if keyword == "COPY" and args.startswith(f"--from={node_name} ")]
    assert vendored == [[f"--from={node_name}", "/build/node_modules/htmx.org/dist/htmx.min.js",
                         "web/static/vendor/htmx.min.js"],
                        [f"--from={node_name}",
                         "/build/node_modules/us-atlas/counties-albers-10m.json",
                         "api/atlas/shapes/counties-albers-10m.json"]]


def _copied_paths() -> list[str]:
    paths = []
    for keyword, args in instructions():
        if keyword in {"COPY", "ADD"} and not args.startswith("--from="):
            *sources, _destination = shlex.split(args)
            paths.extend(sources)
    return paths


@pytest.mark.parametrize("path", _copied_paths())
def test_every_path_copied_is_in_the_repository(path: str) -> None:
    found = ROOT / path
    assert found.exists(), f"{path} is copied but does not exist"
    if found.is_dir():
        # git keeps no empty directory, so an empty one would be missing from a fresh clone.
        assert any(p.is_file() for p in found.rglob("*")), f"{path} holds no file"
    ignored = [line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text()
               .splitlines() if line.strip() and not line.startswith("#")]
    assert not any(path.rstrip("/") == entry or path.startswith(entry + "/")
                   for entry in ignored), f"{path} is copied but .dockerignore leaves it out"


def test_nothing_is_fetched_from_a_named_host() -> None:
    text = DOCKERFILE.read_text()
    # Anything fetched by address names its host in a URL; only this machine may appear.
    for url_host in re.findall(r"[a-z][a-z0-9+.-]*://([^/\s:'\"]+)", text):
        assert url_host in {"127.0.0.1", "localhost"}
    for stage in stages().values():
        # An image named without a registry host comes from the daemon's configured registry.
        assert "/" not in stage[0][1].split(":")[0]


def test_the_build_context_leaves_out_local_state() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "var", "web/node_modules", "web/static/vendor",
            "tests/e2e/screenshots", "**/__pycache__"} <= ignored
