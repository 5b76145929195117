"""A playbook's words in another language: a file of the same name in a folder named for the
language (campaigns/playbooks/es/cancel_renewal.yaml), giving the titles, summaries,
descriptions, task titles and notes by the keys of the English file. What it leaves out stays
English; dates, kinds, roles and keys always come from the English file."""

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from api.i18n.catalogs import N_
from api.i18n.validation_words import Refusal
from api.playbooks.schema import Playbook, Text, Title

# The languages a playbook may be given in, besides English (its source).
LANGUAGES = ("es",)


class _Words(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaskWords(_Words):
    title: Title | None = None
    notes: Text | None = None


class ActionWords(_Words):
    title: Title | None = None
    description: Text | None = None
    # In the order of the English action's tasks; a plain text is the task's title.
    tasks: list[TaskWords | Title] = []


class PhaseWords(_Words):
    title: Title | None = None
    summary: Text | None = None


class PlaybookWords(_Words):
    title: Title | None = None
    summary: Text | None = None
    phases: dict[str, PhaseWords] = {}
    actions: dict[str, ActionWords] = {}
    policy_asks: dict[str, Text] = {}


def words_path(playbook_file: Path, language: str) -> Path:
    return playbook_file.parent / language / playbook_file.name


def read_words(path: Path, book: Playbook) -> tuple[PlaybookWords | None, Refusal | None]:
    """The words in the file, or why they cannot be used (the English words are then shown)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        words = PlaybookWords.model_validate(raw)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
        return None, Refusal(N_("cannot be read: {reason}"), reason=str(exc).splitlines()[0])
    keys = {action.key for _, action in book.actions()}
    unknown = sorted(set(words.actions) - keys)
    if unknown:
        return None, Refusal(N_("names actions the playbook does not have: {keys}"),
                             keys=", ".join(unknown))
    return words, None


def _set(target: dict[str, Any], name: str, value: str | None) -> None:
    if value:
        target[name] = value


def translated(book: Playbook, words: PlaybookWords) -> Playbook:
    """The playbook with its words replaced by the translated ones given."""
    data = book.model_dump()
    _set(data, "title", words.title)
    _set(data, "summary", words.summary)
    for phase in data["phases"]:
        phase_words = words.phases.get(str(phase["phase"]))
        if phase_words:
            _set(phase, "title", phase_words.title)
            _set(phase, "summary", phase_words.summary)
        for action in phase["actions"]:
            action_words = words.actions.get(action["key"])
            if action_words is None:
                continue
            _set(action, "title", action_words.title)
            _set(action, "description", action_words.description)
            for task, task_words in zip(action["tasks"], action_words.tasks, strict=False):
                if isinstance(task_words, str):
                    _set(task, "title", task_words)
                else:
                    _set(task, "title", task_words.title)
                    _set(task, "notes", task_words.notes)
    for ask in data["policy_asks"]:
        _set(ask, "note", words.policy_asks.get(str(ask["ask"])))
    return Playbook.model_validate(data)
