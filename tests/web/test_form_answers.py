"""The one way a page answers a form (web.forms.save_or_show and submit): the write committed
and `done` told what it returned; problems found first, or the service's refusal, rolled back
and the form shown `again` with each problem by its field and the status to answer with."""

from typing import Any, cast

import pytest
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.errors import Conflict, Forbidden, Invalid
from web.forms import FORM, INVALID, Rejected, save_or_show, submit, validate


class Recorder:
    """Stands in for the session: only its commits and rollbacks matter here."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def commit(self) -> None:
        self.calls.append("commit")

    def rollback(self) -> None:
        self.calls.append("rollback")


class Answers:
    """The two answers a route gives, kept to be looked at."""

    def __init__(self) -> None:
        self.done: list[Any] = []
        self.again: list[Rejected] = []

    def on_done(self, written: Any) -> Response:
        self.done.append(written)
        return Response(status_code=303)

    def on_again(self, rejected: Rejected) -> Response:
        self.again.append(rejected)
        return Response(status_code=rejected.status)


class Named(BaseModel):
    name: str = Field(min_length=1)


def _answer(recorder: Recorder, write: Any, **options: Any) -> tuple[Response, Answers]:
    answers = Answers()
    response = save_or_show(cast(Session, recorder), write, done=answers.on_done,
                            again=answers.on_again, **options)
    return response, answers


def test_a_write_accepted_is_committed_and_done_answers_with_what_it_returned() -> None:
    recorder = Recorder()
    response, answers = _answer(recorder, lambda: "made")
    assert (response.status_code, recorder.calls, answers.done, answers.again) == (
        303, ["commit"], ["made"], [])


def test_a_refusal_is_rolled_back_and_shown_by_its_field_with_422() -> None:
    recorder = Recorder()

    def write() -> None:
        raise Invalid("Too long.", field="name")

    response, answers = _answer(recorder, write, fields=["name"])
    assert recorder.calls == ["rollback"] and answers.done == []
    rejected = answers.again[0]
    assert (response.status_code, rejected.errors, rejected.message) == (
        INVALID, {"name": "Too long."}, "Too long.")
    # A field the form does not have: the refusal shows at the top.
    _, elsewhere = _answer(Recorder(), write, fields=["other"])
    assert elsewhere.again[0].errors == {FORM: "Too long."}


def test_the_status_is_the_refusals_own_when_asked_or_the_one_given() -> None:
    def refused() -> None:
        raise Conflict("Taken meanwhile.")

    own, _ = _answer(Recorder(), refused, status=None)
    given, _ = _answer(Recorder(), refused, status=403)
    assert (own.status_code, given.status_code) == (409, 403)


def test_problems_found_first_show_the_form_without_writing() -> None:
    recorder, written = Recorder(), []
    response, answers = _answer(recorder, lambda: written.append("x"),
                                errors={"name": "Give a name."}, status=None)
    assert (response.status_code, recorder.calls, written) == (INVALID, [], [])
    assert answers.again[0].refusal is None and answers.again[0].message == "Give a name."


def test_a_page_refusal_is_raised_for_the_error_page_when_asked() -> None:
    def write() -> None:
        raise Forbidden("Not yours.")

    recorder = Recorder()
    with pytest.raises(Forbidden):
        _answer(recorder, write, page_refusals=True)
    assert recorder.calls == ["rollback"]


def test_submit_writes_the_valid_data_and_shows_the_schemas_problems_otherwise() -> None:
    answers, recorder = Answers(), Recorder()
    response = submit(cast(Session, recorder), validate(Named, {"name": "Ana"}),
                      lambda data: data.name.upper(), done=answers.on_done,
                      again=answers.on_again)
    assert (response.status_code, answers.done) == (303, ["ANA"])
    refused = Answers()
    response = submit(cast(Session, Recorder()),
                      validate(Named, {"name": ""}, said={"name": "Give a name."}),
                      lambda data: data.name, done=refused.on_done, again=refused.on_again)
    assert response.status_code == INVALID and refused.done == []
    assert refused.again[0].errors == {"name": "Give a name."}


@pytest.mark.parametrize("status", [INVALID, None])
def test_a_form_refused_for_permission_answers_403_and_one_refused_as_invalid_422(
        status: int | None) -> None:
    def not_allowed(data: Named) -> None:
        raise Forbidden("Only its organization changes this.", field="name")

    def not_valid(data: Named) -> None:
        raise Invalid("Taken by another record.", field="name")

    for write, expected in ((not_allowed, 403), (not_valid, INVALID)):
        answers, recorder = Answers(), Recorder()
        response = submit(cast(Session, recorder), validate(Named, {"name": "Ana"}), write,
                          done=answers.on_done, again=answers.on_again, fields=["name"],
                          status=status)
        assert (response.status_code, recorder.calls) == (expected, ["rollback"])
        refusal = answers.again[0].refusal
        assert refusal is not None and answers.again[0].errors == {"name": refusal.message}
    # The form's own problems are not the service's refusal: 422 whatever else.
    answers = Answers()
    response = submit(cast(Session, Recorder()), validate(Named, {"name": ""}), not_allowed,
                      done=answers.on_done, again=answers.on_again, status=status)
    assert response.status_code == INVALID


def test_a_permission_refusal_of_the_whole_form_keeps_its_403_too() -> None:
    def write() -> None:
        raise Forbidden("Your role cannot change this campaign.")

    response, answers = _answer(Recorder(), write)
    assert response.status_code == 403
    assert answers.again[0].errors == {FORM: "Your role cannot change this campaign."}
