"""The ids a form ticks: each once, in order; a value that is no id is passed over where the
list only narrows a page, and refused in words where the list is the form's point."""

import pytest

from api.errors import Invalid
from web.ids import distinct_ids


def test_ids_come_once_in_the_order_given_and_blanks_are_skipped() -> None:
    assert distinct_ids(["3", " ", "1", "3", 2]) == [3, 1, 2]


def test_a_value_that_is_no_id_is_passed_over_unless_refused() -> None:
    assert distinct_ids(["2", "x", "-1", "0", "99999999999"]) == [2]
    with pytest.raises(Invalid) as refused:
        distinct_ids(["2", "x"], refusal=("agency_ids", "Choose agencies from the list."))
    assert refused.value.field == "agency_ids"


def test_at_most_the_limit() -> None:
    assert distinct_ids([str(n) for n in range(1, 10)], limit=3) == [1, 2, 3]
