"""A letter template as text to edit: its frame, blocks and shared parts written out, its
placeholders and conditions kept, so the text renders for every agency exactly as the template
does; and what an edited letter may not hold, refused before it runs."""

import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from api.errors import Invalid
from api.records_requests import letter_source, letters
from tests.records_requests.test_letters import KINDS, context

NOBODY = {"name": "", "organization": "", "email": "", "phone": "", "address": ""}
CONTEXTS = {
    "california, all known": context(),
    "no citation or deadline": context(citation="", deadline_phrase=""),
    "no place, only an address": context(
        agency={"name": "Quartzsite Police", "kind": "police_department", "state_code": "AZ",
                "jurisdiction": ""},
        requester={**NOBODY, "address": "1 Main St\nQuartzsite, AZ"}),
    "a person with a phone": context(
        requester={**NOBODY, "name": "Bo Chen", "phone": "555-0100"}, today=date(2027, 1, 31),
        period_start=date(2025, 1, 1)),
}


@pytest.mark.parametrize("key", sorted(KINDS))
@pytest.mark.parametrize("case", sorted(CONTEXTS))
def test_the_text_renders_as_the_template_does(key: str, case: str) -> None:
    text = letter_source.source(key)
    assert letters.render_text(text, CONTEXTS[case]) == letters.render(key, CONTEXTS[case])


def test_the_text_is_the_letter_with_its_placeholders() -> None:
    text = letter_source.source("alpr_all")
    assert text.startswith("{{ today | longdate }}\n\n{{ agency.name }}\nAttn: Custodian")
    assert "Re: {{ law_name }} request: {{ subject }}" in text
    assert "Under the {{ law_name }}{% if citation %} ({{ citation }}){% endif %}, I request" \
        in text
    # The shared parts are written out, their numbers counted.
    assert "2. Records showing the location of each fixed ALPR camera" in text
    assert "18. Every request from a federal agency" in text
    for gone in ("{% extends", "{% import", "{% block", "{% macro", "alpr.", "n + 1", "{#"):
        assert gone not in text


def _letters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **files: str) -> None:
    for name, body in files.items():
        (tmp_path / f"{name}.txt.j2").write_text(body, encoding="utf-8")
    monkeypatch.setattr(letters, "letters_dir", lambda: tmp_path)


def test_whitespace_raw_text_macros_and_conditions_survive(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    _letters(tmp_path, monkeypatch, _parts=(
        "{% macro items(n, word='records') %}\n"
        "{{ n }}. All {{ word }} of {{ agency.name }}.\n"
        "{% if n > 2 %}\n"
        "   (late item {{ n * 10 }})\n"
        "{% endif %}\n"
        "{% endmacro %}\n"), odd=(
        "{#-\ntitle: Odd\n-#}\n"
        "{% import '_parts.txt.j2' as parts with context %}\n"
        "Dear {{ agency.name | upper }},\n"
        "    {% if citation %}\n"
        "    Cited: {{ citation }}\n"
        "    {% elif law_name %}\n"
        "    Law: {{ law_name }}\n"
        "    {% else %}\n"
        "    Nothing.\n"
        "    {% endif %}\n"
        "{{ parts.items(1) }}{{ parts.items(3, 'emails') }}\n"
        "{{ 'yes' if agency.jurisdiction else 'no' }} / {{ requester.name or 'someone' }}\n"))
    text = letter_source.source("odd")
    assert "{% macro" not in text and "parts." not in text
    assert "30" in text  # the macro's arithmetic, done once and for all
    for case in CONTEXTS.values():
        assert letters.render_text(text, case) == letters.render("odd", case)
    rendered = letters.render("odd", context(citation=""))
    assert "    Law: California Public Records Act\n" in rendered
    assert "(late item 30)" in rendered


def test_a_concatenation_is_written_out_as_one(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _letters(tmp_path, monkeypatch,
             joined="{#-\ntitle: Joined\n-#}\nRe: {{ subject ~ ' (' ~ agency.name ~ ')' }}\n")
    text = letter_source.source("joined")
    assert "{{ subject ~ ' (' ~ agency.name ~ ')' }}" in text
    for case in CONTEXTS.values():
        assert letters.render_text(text, case) == letters.render("joined", case)


def test_raw_text_stays_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _letters(tmp_path, monkeypatch,
             raw="{#-\ntitle: Raw\n-#}\n{% raw %}Braces {{ stay }}{% endraw %} for {{ subject }}\n")
    text = letter_source.source("raw")
    assert text.startswith("{{ 'Braces {{ stay }}' }} for {{ subject }}")
    # Either way, a letter with braces left in it is refused.
    for render in (lambda: letters.render("raw", context()),
                   lambda: letters.render_text(text, context())):
        with pytest.raises(Invalid, match="unfilled placeholder: '{{ stay }}'"):
            render()


@pytest.mark.parametrize("body", [
    "{% for word in ['a', 'b'] %}{{ word }}{% endfor %}",
    "{% set greeting = 'Hello' %}{{ greeting }}",
    "{% include '_other.txt.j2' %}",
])
def test_a_template_beyond_what_a_letter_may_use_is_not_offered_for_editing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    _letters(tmp_path, monkeypatch, loops="{#-\ntitle: Loops\n-#}\n" + body + "\n",
             _other="Other\n")
    with pytest.raises(Invalid, match="“Loops” cannot be edited here") as refused:
        letter_source.source("loops")
    assert refused.value.field == "text"
    assert "sent as it is written" in refused.value.message


# ---- what an edited letter may hold -----------------------------------------------------

@pytest.mark.parametrize(("text", "why"), [
    ("{{ ''.__class__ }}", "Line 1: “__class__” is not a placeholder"),
    ("{{ agency.__class__.__mro__[1].__subclasses__() }}", "calls like name()"),
    ("{{ agency.__class__.__mro__ }}", "“__mro__” is not a placeholder"),
    ("{{ agency['__class__'] }}", "not a placeholder"),
    ("{{ agency.items() }}", "calls like name()"),
    ("{{ agency.items }}", "not a value to fill in"),
    ("{{ range(10) }}", "calls like name()"),
    ("{{ cycler }}", "unknown placeholder"),
    ("{% for i in [1, 2] %}{% for j in [1, 2] %}x{% endfor %}{% endfor %}", "loops"),
    ("{% set a = agency.name %}{% set a = a ~ a %}{{ a }}", "{% set %}"),
    ("{{ 9 ** 9 ** 9 ** 9 }}", "** cannot be used"),
    ("{{ 'x' * 1000000000000 }}", "* cannot be used"),
    ("{{ agency.name | center(1000000000000) }}", "the filter | center"),
    ("{{ agency.name | replace('', agency.name) }}", "the filter | replace"),
    ("{% include 'alpr_all.txt.j2' %}", "other templates"),
    ("{% macro m() %}x{% endmacro %}", "macros"),
    ("{{ 1 - 'a' }}", "cannot be filled in"),
    ("{{ 1 // 0 }}", "// cannot be used"),
    ("Dear {{ agency.nickname }}", "unknown placeholder"),
    ("Dear {{ agency.name ", "malformed (line 1)"),
    ("{% if citation %}no end", "malformed"),
    ("{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "too deeply"),
    ("{% if citation %}" * 200 + "x" + "{% endif %}" * 200, "too deeply"),
])
def test_an_edited_letter_that_is_broken_or_reaches_too_far_is_refused_at_once(
        text: str, why: str) -> None:
    started = time.monotonic()
    with pytest.raises(Invalid) as refused:
        letters.render_text(text, context())
    assert why in refused.value.message
    assert refused.value.field == "text"
    assert time.monotonic() - started < 2


def test_an_edited_letter_may_use_placeholders_filters_and_conditions() -> None:
    text = ("{{ agency.name | upper }}, {{ agency.state_code | lower }}: "
            "{% if agency.jurisdiction and not citation %}{{ agency.jurisdiction }}"
            "{% elif citation %}{{ citation }}{% else %}none{% endif %} "
            "{{ requester.phone | default('no phone', true) }} {{ subject[0:4] ~ '…' }} "
            "{{ today | longdate }} {{ 'CA' in law.jurisdiction }}")
    made = letters.render_text(text, context(citation=""))
    assert made == ("RIVERTON POLICE & FIRE, ca: Riverton, CA no phone ALPR… March 2, 2026 "
                    "True\n")


def test_every_edited_letter_keeps_within_the_syntax_it_is_told(tmp_path: Any) -> None:
    assert "{{ agency.name }}" in letters.USER_SYNTAX
    for key in KINDS:
        letters.check_text(letter_source.source(key))
