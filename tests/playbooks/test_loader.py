"""Playbook files: the shipped ones load, and a bad one is named by file, line and field while
the others still load."""

from pathlib import Path

import pytest

from api.playbooks import loader
from api.playbooks.schema import Phase
from api.records_requests import letters
from api.settings import get_settings

SHIPPED = {"stop_new_contract", "cancel_renewal", "restrict_by_ordinance",
           "end_federal_sharing", "community_control"}

# A small valid playbook; the cases below break one line of it at a time.
MINIMAL = """\
key: tiny
title: A tiny playbook
goal: restrict_use
anchors: [campaign_start, vote]
records_letters: [alpr_cameras]
phases:
  - phase: transparency
    title: Seek transparency
    actions:
      - key: ask
        title: Ask for the records
        kind: records_request
        owner_role: research_lead
        anchor: campaign_start
        offset: 0d
        tasks:
          - title: Send it
            offset: 2d
alert_rules:
  - subject: vote
    offsets: [7d, 1d]
    recipients: [campaign_leads]
    channels: [email]
"""


def letter_keys() -> set[str]:
    return {t.key for t in letters.templates()}


def test_the_shipped_playbooks_load_without_errors() -> None:
    catalog = loader.load([(get_settings().campaigns_dir / "playbooks", "built-in")])
    assert catalog.errors == []
    assert set(catalog.playbooks) == SHIPPED
    for loaded in catalog.playbooks.values():
        book = loaded.playbook
        assert {p.phase for p in book.phases} == set(Phase), book.key
        assert book.policy_asks and book.alert_rules and book.records_letters, book.key
        assert all(action.owner_role for _, action in book.actions())


def test_the_minimal_playbook_is_valid() -> None:
    book, errors = loader.parse(MINIMAL, name="tiny.yaml", letter_keys=letter_keys())
    assert errors == [] and book is not None
    assert book.phases[0].actions[0].tasks[0].offset == 2


@pytest.mark.parametrize(("old", "new", "line", "field", "message"), [
    ("offset: 0d", "offset: soon", 15, "phases.0.actions.0.offset", "offset such as"),
    ("offset: 2d", "offset: 2 days", 18, "phases.0.actions.0.tasks.0.offset", "offset such as"),
    ("goal: restrict_use", "goal: win", 3, "goal", "Input should be"),
    ("    title: Seek transparency", "    titel: Seek transparency", 8, "phases.0.titel",
     "Extra inputs"),
    ("    title: Seek transparency", "    titel: Seek transparency", 7, "phases.0.title",
     "Field required"),
    ("anchor: campaign_start", "anchor: notice_deadline", 14, "phases.0.actions.0.anchor",
     "not one of this playbook's anchors"),
    ("  - subject: vote", "  - subject: weather", 20, "alert_rules.0.subject", "Input should be"),
    ("    channels: [email]", "    channels: [pager]", 23, "alert_rules.0.channels.0",
     "Input should be"),
    ("    offsets: [7d, 1d]", "    offsets: [-7d]", 21, "alert_rules.0.offsets.0",
     "must not carry a sign"),
    ("records_letters: [alpr_cameras]", "records_letters: [alpr_cameras, no_such]", 5,
     "records_letters.1", "no letter template 'no_such'"),
    ("        owner_role: research_lead\n", "", 10, "phases.0.actions.0.owner_role",
     "Field required"),
    ("title: A tiny playbook", "title: A tiny playbook\ngoal: ban_alpr", 4, "goal",
     "given twice"),
    ("    actions:", "    actions: [", 10, None, "the YAML cannot be read at column 7"),
])
def test_a_bad_file_is_named_by_line_and_field(old: str, new: str, line: int,
                                               field: str | None, message: str) -> None:
    text = MINIMAL.replace(old, new, 1)
    assert text != MINIMAL
    book, errors = loader.parse(text, name="tiny.yaml", letter_keys=letter_keys())
    assert book is None
    found = [e for e in errors if (e.file, e.line, e.field) == ("tiny.yaml", line, field)]
    assert found, [str(e) for e in errors]
    assert message in found[0].message
    assert str(found[0]).startswith(f"tiny.yaml, line {line}")


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    book, errors = loader.parse("- just\n- a list\n", name="list.yaml", letter_keys=set())
    assert book is None and errors[0].line == 1 and "mapping" in errors[0].message


def test_the_key_defaults_to_the_file_name() -> None:
    book, _ = loader.parse(MINIMAL.replace("key: tiny\n", ""), name="my-plan.yaml",
                           letter_keys=letter_keys())
    assert book is not None and book.key == "my-plan"


def test_good_files_load_beside_a_broken_one_and_keys_stay_unique(tmp_path: Path) -> None:
    built_in = tmp_path / "built-in"
    organizer = tmp_path / "organizer"
    built_in.mkdir()
    organizer.mkdir()
    (built_in / "tiny.yaml").write_text(MINIMAL)
    (built_in / "broken.yaml").write_text(MINIMAL.replace("offset: 0d", "offset: later"))
    (organizer / "copy.yaml").write_text(MINIMAL)
    (organizer / "other.yml").write_text(MINIMAL.replace("key: tiny", "key: other"))
    (organizer / "notes.txt").write_text("not a playbook")
    catalog = loader.load([(built_in, "built-in"), (organizer, "organizer")])
    assert sorted(catalog.playbooks) == ["other", "tiny"]
    assert catalog.playbooks["other"].source == "organizer"
    assert [(e.file, e.line, e.field) for e in catalog.errors] == [
        ("broken.yaml", 15, "phases.0.actions.0.offset"), ("organizer/copy.yaml", 1, "key")]
    assert "already used by tiny.yaml" in catalog.errors[1].message


def test_the_catalog_sees_an_organizers_new_file_without_a_restart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "playbook_dirs", lambda: [(tmp_path, "organizer")])
    now = [1000.0]
    monkeypatch.setattr(loader, "_now", lambda: now[0])
    assert loader.catalog().playbooks == {}
    (tmp_path / "tiny.yaml").write_text(MINIMAL)
    # The folders are looked at again once the last look is old enough, not on every page.
    now[0] += loader.RECHECK_SECONDS / 2
    assert loader.catalog().playbooks == {}
    now[0] += loader.RECHECK_SECONDS
    assert list(loader.catalog().playbooks) == ["tiny"]
    (tmp_path / "tiny.yaml").unlink()
    now[0] += loader.RECHECK_SECONDS
    assert loader.catalog().playbooks == {}
