"""The whip bar and a list's cells, drawn in Python: every way a count is told, in both
languages, and the cells that link, say "none" or name an unnamed record."""

from types import SimpleNamespace

import pytest

from api.i18n.catalogs import use_locale
from api.whip.service import Count
from tests.web.html import plain
from web.cells import cell
from web.whip_bar import bar, verdict

LEVELS = {"champion": 2, "leaning_yes": 1, "undecided": 1, "unknown": 0, "leaning_no": 2,
          "opposed": 3}


def _count(**given: object) -> Count:
    return Count(**{"seats": 9, "needed": 5, "levels": dict(LEVELS), **given})  # type: ignore[arg-type]


@pytest.mark.parametrize(("given", "english", "spanish"), [
    ({"position": "for"}, "To pass it: 3 likely with us of 5 needed: 2 more to win",
     "Para aprobarlo:"),
    ({"position": "against"}, "To block it: 3 likely with us of 5 needed: 2 more to block it",
     "Para bloquearlo:"),
    ({"position": "against", "levels": {**LEVELS, "champion": 5}},
     "To block it: 6 likely with us of 5 needed: enough to block it", "suficientes para"),
    ({"position": "for", "levels": {**LEVELS, "champion": 5}},
     "To pass it: 6 likely with us of 5 needed: enough to win", "suficientes para ganar"),
    ({"position": "amend"}, "For our amendment: 3 likely with us of 5 needed: 2 more to win",
     "faltan 2"),
    ({"position": "watch"}, "Watching only, no position taken: 5 yes votes pass it", "5"),
    ({"position": "watch", "needed": None}, "Watching only, no position taken", "Solo"),
    ({"position": "for", "needed": None},
     "3 likely with us; no majority recorded for this body", "no hay mayoría"),
    ({"position": "for", "outcome": "passed"}, "It passed: a win for us", ""),
    ({"position": "against", "outcome": "passed"}, "It passed: a loss for us", ""),
    ({"position": "watch", "outcome": "failed"}, "It failed", ""),
])
def test_every_way_a_count_is_told(given: dict[str, object], english: str,
                                   spanish: str) -> None:
    count = _count(**given)
    assert str(verdict(count)) == english
    with use_locale("es"):
        said = str(verdict(count))
    assert spanish in said and said != english


def test_the_bar_has_a_cell_a_member_and_marks_what_it_takes() -> None:
    count = _count(position="for", levels={**LEVELS, "champion": 5})
    drawn = str(bar(count, id="whip-count"))
    assert drawn.startswith('<div class="whip" id="whip-count">')
    assert drawn.count('<span class="cell ') == 12
    assert drawn.count("threshold") == 1 and 'class="verdict winning"' in drawn
    assert plain(drawn).endswith("5 with us, 1 leaning with us, 1 undecided or not known, "
                                 "2 leaning against, 3 against us")
    empty = str(bar(_count(position="for", levels={})))
    assert "whip-bar" not in empty and 'class="verdict"' in empty


def test_a_bar_escapes_what_it_is_given() -> None:
    assert 'id="a&#34;b"' in str(bar(_count(), id='a"b'))


def _column(key: str, kind: str, **more: object) -> SimpleNamespace:
    return SimpleNamespace(key=key, kind=kind, zone=more.get("zone"), href=more.get("href"))


def test_cells_link_name_and_escape() -> None:
    row = {"id": 7, "title": "", "url": "https://example.org/a?b=1&c=2", "notes": "<b>hi</b>",
           "agency_name": "Polk <County>", "agency_id": 3, "active": False}
    assert str(cell(_column("title", "title"), row, "press")) == (
        '<a href="/press/7">Unnamed (#7)</a>')
    assert str(cell(_column("notes", "text"), row, "press")) == "&lt;b&gt;hi&lt;/b&gt;"
    assert str(cell(_column("agency_name", "ref", href=("agencies", "agency_id")), row,
                    "press")) == '<a href="/agencies/3">Polk &lt;County&gt;</a>'
    assert str(cell(_column("url", "url"), row, "press")) == (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer" '
        'hx-boost="false">link<span class="visually-hidden"> to '
        'https://example.org/a?b=1&amp;c=2</span></a>')
    assert str(cell(_column("missing", "text"), row, "press")) == (
        '<span class="none" aria-label="none">—</span>')
    assert str(cell(_column("active", "bool"), row, "press")) == "No"
    with use_locale("es"):
        assert str(cell(_column("title", "title"), row, "press")) == (
            '<a href="/press/7">Sin nombre (n.º 7)</a>')
        assert str(cell(_column("active", "bool"), row, "press")) == "No"
