"""The state timezone table: every state and territory, each with a zone this machine knows."""

import pytest

from api.jurisdictions import states
from api.settings import get_settings

STATES = ("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
          "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
          "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
          "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR")


def test_every_state_has_a_zone() -> None:
    table = states.parse((get_settings().campaigns_dir / states.FILE).read_text())
    assert set(STATES) <= set(table)
    assert (states.zone_of("az"), states.zone_of("CO")) == ("America/Phoenix", "America/Denver")
    # A code the table does not know falls back to the coalition's own zone.
    assert states.zone_of("ZZ") == get_settings().timezone


@pytest.mark.parametrize(("text", "said"), [
    ("zones:\n  CA: America/Nowhere\n", "unknown timezone"),
    ("zones:\n  California: America/Los_Angeles\n", "not a two-letter state code"),
    ("- CA\n", "has no 'zones' mapping"),
])
def test_a_broken_table_is_refused_saying_where(text: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        states.parse(text)
