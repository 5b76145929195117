"""Letter templates: every one renders to plain text with no hole left, and bad ones are caught."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from api.errors import Invalid, NotFound
from api.records_requests import laws, letters

KINDS = {
    "alpr_cameras": "initial", "alpr_contracts": "initial", "alpr_policies": "initial",
    "alpr_sharing": "initial", "alpr_audit_logs": "initial", "alpr_federal_requests": "initial",
    "alpr_all": "initial", "ca_sb34_policy": "initial", "follow_up": "follow_up",
    "appeal": "appeal",
}


def context(**overrides: Any) -> dict[str, Any]:
    law = laws.law_for("CA")
    assert law is not None
    values: dict[str, Any] = {
        "today": date(2026, 3, 2), "subject": "ALPR sharing & audit records",
        "requester": {"name": "Ana Ruiz", "organization": "Privacy & Rights Network",
                      "email": "ana@example.org", "phone": "", "address": ""},
        "agency": {"name": "Riverton Police & Fire", "kind": "police_department",
                   "state_code": "CA", "jurisdiction": "Riverton, CA"},
        "law": law.summary().model_dump(), "law_name": law.law, "citation": law.citation,
        "deadline_phrase": "a determination within 10 calendar days",
        "answer_noun": "a determination", "period_start": date(2024, 1, 1),
        "request": {"subject": "ALPR records", "sent_on": date(2026, 1, 5),
                    "due_on": date(2026, 1, 15), "tracking_number": "R-1", "status": "denied",
                    "days_overdue": 3, "answered_on": date(2026, 1, 20)},
    }
    values.update(overrides)
    return values


def test_the_alpr_letters_are_all_there() -> None:
    found = {t.key: t.kind for t in letters.templates()}
    assert found == KINDS
    assert letters.template("ca_sb34_policy").states == ("CA",)
    assert letters.template("ca_sb34_policy").fits("ca")
    assert not letters.template("ca_sb34_policy").fits("TX")
    assert letters.template("alpr_cameras").fits("TX")


@pytest.mark.parametrize("key", sorted(KINDS))
def test_every_letter_renders_as_plain_text_with_nothing_left_unfilled(key: str) -> None:
    text = letters.render(key, context())
    assert "Riverton Police & Fire" in text  # no HTML escaping in a letter
    assert "&amp;" not in text
    assert "{" not in text and "}" not in text and "None" not in text
    assert "Ana Ruiz" in text
    assert "\n\n\n" not in text and text.endswith("\n")


@pytest.mark.parametrize(("key", "expected"), [
    ("alpr_audit_logs", "immigration"), ("alpr_federal_requests", "Immigration and Customs"),
    ("alpr_contracts", "automatic renewal"), ("alpr_cameras", "location of each fixed"),
    ("alpr_policies", "retention"), ("alpr_sharing", "sharing report"),
    ("ca_sb34_policy", "1798.90.51"), ("alpr_all", "18. Every request from a federal agency"),
])
def test_each_letter_asks_for_its_records(key: str, expected: str) -> None:
    assert expected in letters.render(key, context())


def test_a_missing_value_stops_the_letter() -> None:
    with pytest.raises(Invalid, match="missing"):
        letters.render("alpr_cameras", context(period_start=None))
    bare = context()
    del bare["agency"]
    with pytest.raises(Invalid, match="agency"):
        letters.render("alpr_cameras", bare)


def test_an_unknown_template_is_not_found() -> None:
    with pytest.raises(NotFound):
        letters.render("no_such_letter", context())


@pytest.mark.parametrize("text", ["Dear {{ name }},", "{% if x %}", "done }}", "{# note #}"])
def test_leftover_template_syntax_is_caught(text: str) -> None:
    with pytest.raises(Invalid, match="unfilled placeholder"):
        letters.check_rendered(text)


def test_a_plain_letter_passes_the_check() -> None:
    assert letters.check_rendered("Dear custodian, 100% of {the} records.") == \
        "Dear custodian, 100% of {the} records."


def test_user_text_runs_in_a_sandbox() -> None:
    with pytest.raises(Invalid):
        letters.render_text("{{ agency.__class__.__mro__[1].__subclasses__() }}", context())
    assert letters.render_text("To {{ agency.name }}", context()) == "To Riverton Police & Fire\n"


def test_a_broken_template_file_is_reported_and_the_others_still_list(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "good.txt.j2").write_text("{#-\ntitle: Good\n-#}\nHello {{ agency.name }}\n")
    (tmp_path / "no_header.txt.j2").write_text("Hello\n")
    (tmp_path / "bad_syntax.txt.j2").write_text("{#-\ntitle: Bad\n-#}\nline two\n{% if %}\n")
    monkeypatch.setattr(letters, "letters_dir", lambda: tmp_path)
    assert sorted(t.key for t in letters.templates()) == ["bad_syntax", "good"]
    assert letters.render("good", context()) == "Hello Riverton Police & Fire\n"
    with pytest.raises(Invalid, match="bad_syntax.txt.j2, line 5"):
        letters.render("bad_syntax", context())
