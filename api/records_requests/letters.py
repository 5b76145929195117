"""Records-request letters: plain-text templates in campaigns/letters, rendered and checked."""

import logging
import re
import threading
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.sandbox import SandboxedEnvironment

from api.errors import Invalid, NotFound
from api.settings import get_settings

log = logging.getLogger(__name__)

SUFFIX = ".txt.j2"
_HEADER = re.compile(r"\A\{#-?(.*?)-?#\}", re.DOTALL)
# Template syntax that survived rendering means a letter would go out with a hole in it.
_LEFTOVER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{\{|\}\}|\{%|%\}", re.DOTALL)


class LetterKind(StrEnum):
    initial = "initial"
    follow_up = "follow_up"
    appeal = "appeal"


@dataclass(frozen=True)
class LetterTemplate:
    key: str
    title: str
    kind: LetterKind
    description: str
    states: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "kind": self.kind.value,
                "description": self.description, "states": list(self.states)}

    def fits(self, state_code: str) -> bool:
        return not self.states or state_code.upper() in self.states


def letters_dir() -> Path:
    return get_settings().campaigns_dir / "letters"


def _no_none(value: Any) -> Any:
    # A None printed into a letter would read "None"; the template must test for it instead.
    if value is None:
        raise Invalid("A value the letter needs is missing; fill it in before rendering.")
    return value


def longdate(value: date | None) -> str:
    day = _no_none(value)
    return f"{day:%B} {day.day}, {day.year}"


def _configure(env: Environment) -> Environment:
    env.filters["longdate"] = longdate
    return env


_lock = threading.Lock()
_envs: dict[Path, Environment] = {}


def environment() -> Environment:
    """Plain-text letters, not HTML pages: autoescaping would put entities into a letter."""
    folder = letters_dir()
    with _lock:
        env = _envs.get(folder)
        if env is None:
            env = _configure(Environment(
                loader=FileSystemLoader(folder),
                autoescape=False,  # noqa: S701  (plain-text letters, never HTML)
                undefined=StrictUndefined,
                trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                finalize=_no_none, auto_reload=True))
            _envs[folder] = env
        return env


def _user_environment() -> SandboxedEnvironment:
    # A letter edited by a user may use placeholders, but runs in a sandbox.
    return _configure(SandboxedEnvironment(  # type: ignore[return-value]
        autoescape=False,  # noqa: S701  (plain-text letters, never HTML)
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, finalize=_no_none))


def _read_header(path: Path) -> LetterTemplate:
    match = _HEADER.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError("the file must start with a {# ... #} block naming its title and kind")
    meta = yaml.safe_load(match.group(1)) or {}
    if not isinstance(meta, dict) or not meta.get("title"):
        raise ValueError("the opening block needs a title")
    states = meta.get("states") or []
    return LetterTemplate(
        key=path.name.removesuffix(SUFFIX), title=str(meta["title"]),
        kind=LetterKind(meta.get("kind", "initial")),
        description=" ".join(str(meta.get("description", "")).split()),
        states=tuple(str(s).upper() for s in states))


def templates() -> list[LetterTemplate]:
    """Every letter template; files starting with _ are shared parts, not letters. A broken
    header is logged and the letter left out, so one bad file does not hide the others."""
    folder = letters_dir()
    found = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        if path.name.startswith("_"):
            continue
        try:
            found.append(_read_header(path))
        except (ValueError, yaml.YAMLError) as exc:
            log.warning("letter template %s is left out: %s", path.name, exc)
    return found


def template(key: str) -> LetterTemplate:
    for item in templates():
        if item.key == key:
            return item
    raise NotFound(f"No letter template '{key}'.")


def check_rendered(text: str) -> str:
    """Refuses a letter that still holds template syntax."""
    leftover = _LEFTOVER.search(text)
    if leftover:
        raise Invalid(f"The letter still holds an unfilled placeholder: {leftover.group(0)!r}.",
                      field="text")
    return text


def _tidy(text: str) -> str:
    # Optional lines left out of a template leave runs of blank lines behind.
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render(key: str, context: dict[str, Any]) -> str:
    """One template rendered with its context and checked for holes."""
    template(key)
    try:
        text = environment().get_template(f"{key}{SUFFIX}").render(**context)
    except TemplateSyntaxError as exc:
        raise Invalid(f"Letter template {exc.name or key}, line {exc.lineno}: {exc.message}",
                      field="template") from exc
    except UndefinedError as exc:
        raise Invalid(f"Letter template {key}: {exc.message}", field="template") from exc
    except TemplateNotFound as exc:
        raise Invalid(f"Letter template {key} uses a missing part: {exc.name}",
                      field="template") from exc
    return check_rendered(_tidy(text))


def render_text(text: str, context: dict[str, Any]) -> str:
    """A letter as a user edited it, with its placeholders filled for one agency."""
    try:
        rendered = _user_environment().from_string(text).render(**context)
    except UndefinedError as exc:
        raise Invalid(f"The letter uses an unknown placeholder: {exc.message}",
                      field="text") from exc
    except TemplateError as exc:
        raise Invalid(f"The letter's placeholders are malformed: {exc.message}",
                      field="text") from exc
    return check_rendered(_tidy(rendered))
