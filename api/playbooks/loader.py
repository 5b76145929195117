"""Reads playbook files, validating each; a bad file is reported by file, line and field and
left out, and the others still load."""

import dataclasses
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from api.i18n import locales
from api.i18n.catalogs import N_, current, gettext
from api.i18n.validation_words import Refusal, words_for
from api.playbooks import translations
from api.playbooks.schema import Playbook, cross_check
from api.records_requests import letters
from api.settings import get_settings

log = logging.getLogger(__name__)

SUFFIXES = (".yaml", ".yml")
NOT_A_MAPPING = N_("a playbook file must be a mapping of fields (key, title, goal, phases, ...)")
GIVEN_TWICE = N_("this field is given twice")


@dataclass(frozen=True)
class PlaybookError:
    file: str
    line: int | None
    field: str | None
    # In English, as the log and API clients have always had it.
    message: str
    # What the message says, to say it again in the reader's language: our own words with
    # their values apart, or one of pydantic's errors. The catalog of playbooks is read once
    # for every reader, so the words are chosen where the error is shown, not where it is found.
    # (dataclasses.field by its module: the class's own `field` hides the name here.)
    reason: Refusal | dict[str, Any] | None = dataclasses.field(default=None, compare=False,
                                                                 repr=False)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"

    def said(self) -> str:
        """The message in the language in force."""
        if current() == locales.DEFAULT:
            return self.message
        if isinstance(self.reason, Refusal):
            return self.reason.said()
        if isinstance(self.reason, dict):
            return words_for(self.reason, name_choices=True)
        return gettext(self.message)

    def said_whole(self) -> str:
        """The file, line, field and message, as __str__ writes them, in the language in
        force."""
        if current() == locales.DEFAULT:
            return str(self)
        where = self.file
        if self.line is not None:
            where += gettext(", line {line}").format(line=self.line)
        if self.field:
            where += gettext(", field {field}").format(field=self.field)
        return f"{where}: {self.said()}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field,
                "message": self.said(), "text": self.said_whole()}


@dataclass(frozen=True)
class LoadedPlaybook:
    playbook: Playbook
    file: str
    source: str  # built-in | organizer
    # The playbook in each other language it is given in (api.playbooks.translations).
    translations: dict[str, Playbook] = field(default_factory=dict)

    def in_language(self, language: str | None) -> Playbook:
        """The playbook in `language` where it is given in it, else in English."""
        return self.translations.get(language or "", self.playbook)


@dataclass
class Catalog:
    playbooks: dict[str, LoadedPlaybook] = field(default_factory=dict)
    errors: list[PlaybookError] = field(default_factory=list)


def _line_of(root: yaml.Node | None, path: Sequence[str | int]) -> int | None:
    """The line of the YAML node a validation error points at; when the path runs out (a
    missing field), the line of the deepest part that exists."""
    if root is None:
        return None
    node: yaml.Node = root
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _duplicate_keys(node: yaml.Node, path: tuple[str | int, ...] = ()) -> list[tuple[int, str]]:
    # A repeated key would silently drop the first value; say so instead.
    found: list[tuple[int, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                dotted = ".".join(str(p) for p in (*path, name))
                found.append((key.start_mark.line + 1, dotted))
            seen.add(name)
            found += _duplicate_keys(value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found += _duplicate_keys(item, (*path, index))
    return found


def parse(text: str, *, name: str, letter_keys: set[str]) -> tuple[Playbook | None,
                                                                    list[PlaybookError]]:
    """One playbook file's text: the playbook, or the reasons it cannot be used."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        # The parser speaks English only: its words are kept as a quoted detail, after ours.
        problem = getattr(exc, "problem", None) or str(exc)
        # The error is placed at its line already ("file, line 3: ..."): the message adds only
        # the column, so the line is not said twice.
        reason = Refusal(N_("the YAML cannot be read at column {column} "
                            "(technical detail: “{problem}”)"),
                         column=mark.column + 1, problem=problem) \
            if mark else Refusal(N_("the YAML cannot be read (technical detail: “{problem}”)"),
                                 problem=problem)
        return None, [PlaybookError(name, mark.line + 1 if mark else None, None, str(reason),
                                    reason)]
    if not isinstance(data, dict):
        return None, [PlaybookError(name, 1, None, NOT_A_MAPPING)]
    duplicates = _duplicate_keys(root) if root is not None else []
    if duplicates:
        return None, [PlaybookError(name, line, dotted, GIVEN_TWICE)
                      for line, dotted in duplicates]
    data.setdefault("key", Path(name).stem.replace(".", "_").lower())
    try:
        playbook = Playbook.model_validate(data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            message = str(error["msg"]).removeprefix("Value error, ")
            errors.append(PlaybookError(name, _line_of(root, loc),
                                        ".".join(str(p) for p in loc) or None, message,
                                        dict(error)))
        return None, errors
    problems = cross_check(playbook, letters=letter_keys)
    if problems:
        return None, [PlaybookError(name, _line_of(root, path),
                                    ".".join(str(p) for p in path), str(reason), reason)
                      for path, reason in problems]
    return playbook, []


def playbook_dirs() -> list[tuple[Path, str]]:
    settings = get_settings()
    return [(settings.campaigns_dir / "playbooks", "built-in"),
            (settings.organizer_playbooks_dir, "organizer")]


def _files(dirs: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
    found = []
    for folder, source in dirs:
        if folder.is_dir():
            found += [(path, source) for path in sorted(folder.iterdir())
                      if path.suffix in SUFFIXES and path.is_file()]
    return found


def _translations(path: Path, name: str, playbook: Playbook,
                  errors: list[PlaybookError]) -> dict[str, Playbook]:
    found = {}
    for language in translations.LANGUAGES:
        words_file = translations.words_path(path, language)
        if not words_file.is_file():
            continue
        words, problem = translations.read_words(words_file, playbook)
        if words is None:
            # The playbook still loads, in English; the file is reported like any other.
            errors.append(PlaybookError(f"{language}/{name}", None, None, str(problem), problem))
            continue
        found[language] = translations.translated(playbook, words)
    return found


def load(dirs: Sequence[tuple[Path, str]]) -> Catalog:
    """Every playbook in the folders; errors are collected and logged, never raised."""
    catalog = Catalog()
    letter_keys = {t.key for t in letters.templates()}
    for path, source in _files(dirs):
        name = path.name if source == "built-in" else f"{source}/{path.name}"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = Refusal(N_("cannot be read: {reason}"), reason=str(exc))
            catalog.errors.append(PlaybookError(name, None, None, str(reason), reason))
            continue
        playbook, errors = parse(text, name=name, letter_keys=letter_keys)
        catalog.errors += errors
        if playbook is None:
            continue
        if playbook.key in catalog.playbooks:
            first = catalog.playbooks[playbook.key].file
            reason = Refusal(N_("the key '{key}' is already used by {first}; choose another"),
                             key=playbook.key, first=first)
            catalog.errors.append(PlaybookError(
                name, _line_of(yaml.compose(text, Loader=yaml.SafeLoader), ("key",)), "key",
                str(reason), reason))
            continue
        catalog.playbooks[playbook.key] = LoadedPlaybook(
            playbook, name, source, _translations(path, name, playbook, catalog.errors))
    for error in catalog.errors:
        log.warning("playbook left out: %s", error)
    return catalog


_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], Catalog] | None = None
# How long a look at the folders is trusted: pages ask for the catalog many times a second, and
# listing the folders and every file's size and time cost a busy page a few per cent of its time.
RECHECK_SECONDS = 1.0
_now = time.monotonic
_looked: tuple[tuple[Any, ...], float] | None = None


def catalog() -> Catalog:
    """The playbooks now on disk; read again whenever a file is added, changed or removed (seen
    within `RECHECK_SECONDS`), so an organizer's new playbook shows up without a restart."""
    global _cached, _looked
    dirs = playbook_dirs()
    letters_folder = letters.letters_dir()
    where = (tuple(dirs), str(letters_folder))
    looked = _looked
    if (_cached is not None and looked is not None and looked[0] == where
            and _now() - looked[1] < RECHECK_SECONDS):
        return _cached[1]
    files = [p for p, _ in _files(dirs)]
    files += [words for p in files for language in translations.LANGUAGES
              if (words := translations.words_path(p, language)).is_file()]
    signature: tuple[object, ...] = tuple(
        (str(p), (stat := p.stat()).st_mtime_ns, stat.st_size) for p in files)
    signature += (str(letters_folder),)
    with _lock:
        if _cached is None or _cached[0] != signature:
            _cached = (signature, load(dirs))
        _looked = (where, _now())
        return _cached[1]
