"""A text field a concept's declaration edits in a form is read from a spreadsheet with no word
of it in the importer: a field added to the concept imports too, and from the list's own CSV,
whose heading for it is its column label."""

from dataclasses import replace

from api.sources import spreadsheets
from api.targets.models import TARGETS


def test_a_declared_text_field_the_importer_does_not_name_is_read_all_the_same() -> None:
    named = spreadsheets.CONCEPTS["targets"]
    without = replace(named, columns=tuple(c for c in named.columns if c.name != "district"))
    derived = spreadsheets._with_declared(without, TARGETS)
    added = [c for c in derived.columns if c not in without.columns]
    assert [(c.name, c.kind) for c in added] == [("district", "text")]
    assert spreadsheets.guess_mapping(derived, ["Name", "District"]) == {
        "name": "Name", "district": "District"}


def test_only_text_fields_are_added_and_those_named_keep_their_usual_headers() -> None:
    # A choice, a reference or a yes/no needs reading the importer's way (its synonyms, its
    # lookups), so only text follows the declaration unnamed.
    for sheet in spreadsheets.CONCEPTS.values():
        names = [c.name for c in sheet.columns]
        assert len(names) == len(set(names))
    targets = spreadsheets.CONCEPTS["targets"]
    assert "body_id" not in {c.name for c in targets.columns}
    assert targets.column("district").synonyms == ("district", "ward", "seat")
