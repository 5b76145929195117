"""Records-request letters: plain-text templates in campaigns/letters, rendered and checked."""

import logging
import re
import threading
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from babel import dates
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    Undefined,
    UndefinedError,
    nodes,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from api.errors import Invalid, NotFound
from api.i18n import catalogs
from api.i18n.catalogs import N_
from api.settings import get_settings

log = logging.getLogger(__name__)

SUFFIX = ".txt.j2"
# The languages a letter is written in: English by default, since agencies answer in English;
# each other language has the same letters, by the same names, in a folder of its own.
LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
# A long date as each language writes it in a letter (CLDR patterns, US Spanish).
_LONG_DATES = {"en": ("MMMM d, y", "en_US"), "es": ("d 'de' MMMM 'de' y", "es_US")}
_HEADER = re.compile(r"\A\{#-?(.*?)-?#\}", re.DOTALL)
# Template syntax that survived rendering means a letter would go out with a hole in it.
_LEFTOVER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{\{|\}\}|\{%|%\}", re.DOTALL)


class LetterKind(StrEnum):
    initial = "initial"
    follow_up = "follow_up"
    appeal = "appeal"


class LetterTemplateRead(BaseModel):
    """A letter template as readers see it: in the JSON API and on the pages."""
    key: str
    title: str
    kind: str
    description: str
    states: list[str]
    # The language the title and description are written in.
    language: str = "en"


class LetterOption(LetterTemplateRead):
    """A template offered for one request: whether it fits the request now, and why not."""
    available: bool
    reason: str = ""


class LetterRead(BaseModel):
    """A letter written for a request (or previewed for an agency), ready to read and edit."""
    template: LetterTemplateRead
    subject: str
    language: str = "en"
    text: str


@dataclass(frozen=True)
class LetterTemplate:
    key: str
    title: str
    kind: LetterKind
    description: str
    states: tuple[str, ...]
    language: str = "en"

    def read(self) -> LetterTemplateRead:
        return LetterTemplateRead(key=self.key, title=self.title, kind=self.kind.value,
                                  description=self.description, states=list(self.states),
                                  language=self.language)

    def fits(self, state_code: str) -> bool:
        return not self.states or state_code.upper() in self.states


def letters_dir(language: str = DEFAULT_LANGUAGE) -> Path:
    """The English letters, or the folder of the same letters in another language."""
    base = get_settings().campaigns_dir / "letters"
    return base if language == DEFAULT_LANGUAGE else base / language


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise Invalid(N_("A letter is written in one of: {languages}."),
                      languages=", ".join(LANGUAGES), field="language")
    return language


def _no_none(value: Any) -> Any:
    # A None printed into a letter would read "None"; the template must test for it instead.
    if value is None:
        raise Invalid(N_("A value the letter needs is missing; fill it in before rendering."))
    return value


def longdate(value: date | None, language: str = DEFAULT_LANGUAGE) -> str:
    day = _no_none(value)
    if language == DEFAULT_LANGUAGE:
        return f"{day:%B} {day.day}, {day.year}"
    pattern, locale = _LONG_DATES[language]
    return dates.format_date(day, pattern, locale=locale)


AnyEnvironment = TypeVar("AnyEnvironment", bound=Environment)


def _configure(env: AnyEnvironment, language: str = DEFAULT_LANGUAGE) -> AnyEnvironment:
    env.filters["longdate"] = lambda value: longdate(value, language)
    return env


_lock = threading.Lock()
_envs: dict[Path, Environment] = {}


def environment(language: str = DEFAULT_LANGUAGE) -> Environment:
    """Plain-text letters, not HTML pages: autoescaping would put entities into a letter."""
    # Called bare for English: tests and deployments may point letters_dir elsewhere.
    folder = letters_dir() if language == DEFAULT_LANGUAGE else letters_dir(language)
    with _lock:
        env = _envs.get(folder)
        if env is None:
            env = _configure(Environment(
                loader=FileSystemLoader(folder),
                autoescape=False,  # noqa: S701  (plain-text letters, never HTML)
                undefined=StrictUndefined,
                trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                finalize=_no_none, auto_reload=True), language)
            _envs[folder] = env
        return env


def _plain_value(value: Any) -> Any:
    # A method such as {{ agency.items }} would print as "<built-in method ...>".
    if callable(value) and not isinstance(value, Undefined):
        raise Invalid(N_("The letter names something that is not a value to fill in."),
                      field="text")
    return _no_none(value)


def user_environment() -> SandboxedEnvironment:
    """Where a letter edited by a user is read and rendered: a sandbox, with the settings of
    the template files, so a template's text renders there as it does from its file."""
    env = _configure(SandboxedEnvironment(
        autoescape=False,  # noqa: S701  (plain-text letters, never HTML)
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, finalize=_plain_value))
    # Only the letter's own values: no range, dict, cycler or the like to print or poke at.
    env.globals.clear()
    return env


# What an edited letter may hold: text, placeholders, the filters below, tests, and conditions.
# Loops, {% set %}, calls, macros, other templates and arithmetic beyond + and - are left out: a
# letter needs none of them, and with them a few lines could keep the server busy for hours or
# fill its memory (a loop in a loop, a value doubled by each {% set %}, 9 ** 9 ** 9). Every
# filter kept gives back no more than it is given.
USER_FILTERS = frozenset({"longdate", "default", "d", "upper", "lower", "title", "capitalize",
                          "trim", "length", "count", "first", "last", "string", "int", "float",
                          "round", "abs"})
_USER_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.Name,
               nodes.Getattr, nodes.Getitem, nodes.Slice, nodes.Const, nodes.Filter, nodes.Test,
               nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Neg,
               nodes.Pos, nodes.CondExpr, nodes.Concat, nodes.Add, nodes.Sub, nodes.List,
               nodes.Tuple, nodes.Dict, nodes.Pair)
_REFUSED = {
    nodes.For: "{% for %} loops", nodes.Assign: "{% set %}", nodes.AssignBlock: "{% set %}",
    nodes.Macro: "macros", nodes.CallBlock: "{% call %}", nodes.Call: "calls like name()",
    nodes.Extends: "other templates", nodes.Include: "other templates",
    nodes.Import: "other templates", nodes.FromImport: "other templates",
    nodes.Block: "{% block %}", nodes.FilterBlock: "{% filter %}", nodes.With: "{% with %}",
    nodes.Mul: "*", nodes.Div: "/", nodes.FloorDiv: "//", nodes.Mod: "%", nodes.Pow: "**",
}
NESTED = "The letter nests its placeholders or conditions too deeply to be read."
# Marked for the catalog; pages show it in the reader's language.
USER_SYNTAX = N_("placeholders such as {{ agency.name }}, filters such as | upper, and "
                 "{% if … %} … {% else %} … {% endif %}")


def check_user_syntax(tree: nodes.Template) -> None:
    """Refuses an edited letter that uses more than USER_SYNTAX."""
    for node in tree.find_all(nodes.Node):
        if isinstance(node, nodes.Filter) and node.name not in USER_FILTERS:
            what = f"the filter | {node.name} is not one a letter may use"
        elif isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            what = f"“{node.attr}” is not a placeholder"
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and str(node.arg.value).startswith("_"):
            what = f"“{node.arg.value}” is not a placeholder"
        elif not isinstance(node, _USER_NODES):
            refused = _REFUSED.get(type(node), f"“{type(node).__name__}”")
            what = f"{refused} cannot be used in a letter"
        else:
            continue
        raise Invalid(N_("Line {lineno}: {what}. A letter may use {user_syntax}."),
                      lineno=node.lineno, what=what, user_syntax=USER_SYNTAX,
                      field="text")


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


def files_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Changes whenever a template file does: organizers may edit them while the app runs."""
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                        for p in folder.glob(f"*{SUFFIX}")))


def templates() -> list[LetterTemplate]:
    """Every letter template; files starting with _ are shared parts, not letters. A broken
    header is logged and the letter left out, so one bad file does not hide the others."""
    folder = letters_dir()
    return list(_templates(folder, files_stamp(folder)))


@lru_cache(maxsize=8)
def _templates(folder: Path, stamp: tuple[tuple[str, int, int], ...]) -> tuple[LetterTemplate, ...]:
    found = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        if path.name.startswith("_"):
            continue
        try:
            found.append(_read_header(path))
        except (ValueError, yaml.YAMLError) as exc:
            log.warning("letter template %s is left out: %s", path.name, exc)
    return tuple(found)


def template(key: str) -> LetterTemplate:
    for item in templates():
        if item.key == key:
            return item
    raise NotFound(N_("No letter template '{key}'."), key=key)


def translated(found: LetterTemplate, language: str) -> LetterTemplate:
    """The template as its letter in `language` names and describes it (its kind and states
    stay the English letter's)."""
    if language == DEFAULT_LANGUAGE:
        return found
    path = letters_dir(language) / f"{found.key}{SUFFIX}"
    try:
        header = _read_header(path)
    except (OSError, ValueError, yaml.YAMLError):
        return found
    return LetterTemplate(key=found.key, title=header.title, kind=found.kind,
                          description=header.description, states=found.states,
                          language=language)


def in_readers_language(found: LetterTemplate) -> LetterTemplate:
    """The template named as its letter in the reader's language (the one in force), where
    the letters are written in it; else the English letter's name."""
    language = catalogs.current().split("_")[0]
    return translated(found, language) if language in LANGUAGES else found


def check_rendered(text: str) -> str:
    """Refuses a letter that still holds template syntax."""
    leftover = _LEFTOVER.search(text)
    if leftover:
        raise Invalid(N_("The letter still holds an unfilled placeholder: {value!r}."),
                      value=leftover.group(0),
                      field="text")
    return text


def _tidy(text: str) -> str:
    # Optional lines left out of a template leave runs of blank lines behind.
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render(key: str, context: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """One template rendered with its context, in the language asked for, and checked for
    holes."""
    template(key)
    try:
        text = environment(check_language(language)).get_template(
            f"{key}{SUFFIX}").render(**context)
    except TemplateSyntaxError as exc:
        raise Invalid(N_("Letter template {value}, line {lineno}: {message_}"),
                      value=exc.name or key, lineno=exc.lineno, message_=exc.message,
                      field="template") from exc
    except UndefinedError as exc:
        raise Invalid(N_("Letter template {key}: {message_}"),
                      key=key, message_=exc.message, field="template") from exc
    except TemplateNotFound as exc:
        raise Invalid(N_("Letter template {key} uses a missing part: {name}"),
                      key=key, name=exc.name,
                      field="template") from exc
    return check_rendered(_tidy(text))


def check_text(text: str) -> None:
    """Refuses an edited letter whose template syntax is broken or more than a letter may use,
    before any agency's letter is rendered from it."""
    env = user_environment()
    try:
        tree = env.parse(text)
    except TemplateSyntaxError as exc:
        raise Invalid(N_("The letter's placeholders are malformed (line {lineno}): {message_}"),
                      lineno=exc.lineno, message_=exc.message, field="text") from exc
    except RecursionError as exc:
        raise Invalid(NESTED, field="text") from exc
    check_user_syntax(tree)


def render_text(text: str, context: dict[str, Any]) -> str:
    """A letter as a user edited it, with its placeholders filled for one agency."""
    check_text(text)
    try:
        rendered = user_environment().from_string(text).render(**context)
    except UndefinedError as exc:
        raise Invalid(N_("The letter uses an unknown placeholder: {message_}"),
                      message_=exc.message,
                      field="text") from exc
    except SecurityError as exc:
        raise Invalid(N_("The letter uses something a letter may not: {reason}"), reason=exc,
                      field="text") from exc
    except TemplateError as exc:
        raise Invalid(N_("The letter's placeholders are malformed: {message_}"),
                      message_=exc.message,
                      field="text") from exc
    except (ArithmeticError, TypeError, ValueError) as exc:
        # Such as {{ 1 - 'a' }}.
        raise Invalid(N_("A placeholder of the letter cannot be filled in: {reason}"), reason=exc,
                      field="text") from exc
    except (RecursionError, SyntaxError) as exc:
        # Python's own limits on nesting, met while the letter is compiled.
        raise Invalid(NESTED, field="text") from exc
    return check_rendered(_tidy(rendered))
