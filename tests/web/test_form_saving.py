"""Saving what a form asks for: committed when the service accepts it; a refusal rolled back
(or kept, where the attempt itself counts) and handed to the route; a refusal about the whole
page raised for the error pages when the route asks."""

from typing import Any, cast

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from api.errors import Conflict, Forbidden, Invalid, NotFound
from web.forms import FORM, FormField, saving
from web.ids import whole_number


class Recorder:
    """Stands in for the session: only what the helper does to it matters here."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def commit(self) -> None:
        self.calls.append("commit")

    def rollback(self) -> None:
        self.calls.append("rollback")


def _session(recorder: Recorder) -> Session:
    return cast(Session, recorder)


def test_an_accepted_write_is_committed() -> None:
    recorder = Recorder()
    with saving(_session(recorder)) as saved:
        pass
    assert recorder.calls == ["commit"]
    assert saved.refusal is None and saved.errors([FormField("name", "Name")]) == {}


def test_a_refusal_is_rolled_back_and_shown_next_to_its_field() -> None:
    recorder = Recorder()
    with saving(_session(recorder)) as saved:
        raise Invalid("name: Give it a name.", field="name")
    assert recorder.calls == ["rollback"]
    assert saved.errors([FormField("name", "Name")]) == {"name": "Give it a name."}
    assert saved.errors() == {FORM: "name: Give it a name."}


def test_a_refused_attempt_that_counts_is_kept() -> None:
    recorder = Recorder()
    with saving(_session(recorder), keep_refused=True) as saved:
        raise Forbidden("That password is not right.")
    assert recorder.calls == ["commit"]
    assert isinstance(saved.refusal, Forbidden)


@pytest.mark.parametrize("refusal", [NotFound("No such record."), Forbidden("Not yours.")])
def test_a_page_refusal_goes_to_the_error_page_after_the_rollback(refusal: Any) -> None:
    recorder = Recorder()
    with pytest.raises(type(refusal)), saving(_session(recorder), page_refusals=True):
        raise refusal
    assert recorder.calls == ["rollback"]


def test_a_refusal_naming_a_field_stays_on_the_form() -> None:
    recorder = Recorder()
    with saving(_session(recorder), page_refusals=True) as saved:
        raise Forbidden("Only its organization changes this.", field="owner_organization_id")
    assert recorder.calls == ["rollback"] and saved.refusal is not None


def test_anything_but_a_refusal_passes_through_untouched() -> None:
    recorder = Recorder()
    with pytest.raises(ValueError), saving(_session(recorder)):
        raise ValueError("a bug")
    assert recorder.calls == []


@pytest.mark.parametrize(("sent", "least", "read"), [
    ("42", 0, 42), (" 7 ", 0, 7), ("0", 0, 0), ("0", 1, None), ("", 0, None), (None, 0, None),
    ("-3", 0, None), ("4.5", 0, None), ("x", 0, None), ("2147483647", 1, 2147483647),
    ("2147483648", 1, None), ("9" * 5000, 0, None),
])
def test_whole_numbers_from_forms_and_addresses(sent: Any, least: int, read: int | None) -> None:
    assert whole_number(sent, least=least) == read


def _refused_by_the_database() -> DBAPIError:
    return DBAPIError("INSERT INTO affiliation ...", {}, Exception("refused"))


def test_a_write_the_database_refuses_is_rolled_back_and_said_when_the_route_asks() -> None:
    recorder = Recorder()
    with saving(_session(recorder), database_refusal="The database refused a row.") as saved:
        raise _refused_by_the_database()
    assert recorder.calls == ["rollback"]
    assert isinstance(saved.refusal, Conflict) and saved.refusal.status == 409
    assert saved.errors() == {FORM: "The database refused a row."}


def test_a_write_the_database_refuses_is_raised_unless_the_route_asks() -> None:
    recorder = Recorder()
    with pytest.raises(DBAPIError), saving(_session(recorder)):
        raise _refused_by_the_database()
    assert recorder.calls == []
