"""An export's column headings follow the labels declared with the fields they hold."""

import pytest

from api.exports.headings import heading
from api.targets.models import Target
from api.votes.models import Vote


def test_a_column_holding_a_field_takes_the_fields_label(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Target.model_fields["district"], "title", "Ward")
    assert heading("targets", "district") == "Ward"


def test_a_column_naming_a_linked_record_takes_the_links_label(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Vote.model_fields["body_id"], "title", "Council")
    assert heading("votes", "body") == "Council"


def test_a_column_of_ids_and_one_no_field_declares_keep_their_own_heading() -> None:
    assert heading("actions", "vote_id") == "Vote ID"
    assert heading("targets", "last_met") == "Last met"

