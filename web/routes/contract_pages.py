"""A contract whose terms make the last day to give notice one already gone is asked about
before it is saved, new or changed, as a vote on a past date is: a deadline nobody can meet any
more is saved only when someone says so. The rule itself is the contracts service's."""

from dataclasses import replace
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from api.contracts import service as contracts
from api.contracts.models import Contract, ContractCreate
from api.errors import Invalid, LongDay
from api.i18n.catalogs import N_
from web.concept_pages import said
from web.forms import FORM, FormField, parse
from web.routes.concept_pages import ConceptPages

CONFIRM = FormField("confirm_past_deadline",
                    N_("The day to give notice has passed: save it anyway"), kind="bool")


class ContractPages(ConceptPages):
    def confirm_save(self, session: Session, data: BaseModel, form: Any,
                     existing: Any = None) -> tuple[BaseModel | None, dict[str, str],
                                                    list[FormField]]:
        given = data.model_dump(exclude_unset=True)
        if isinstance(data, ContractCreate):
            values, existing = data.model_dump(), None
        elif isinstance(existing, Contract):
            values = {**existing.model_dump(), **given}
        else:
            return data, {}, []
        passed = contracts.passed_deadline(session, values, existing)
        if passed is None or given.get("confirm_past_deadline"):
            return data, {}, []
        if parse([CONFIRM], form).get(CONFIRM.name):
            return data.model_copy(update={"confirm_past_deadline": True}), {}, []
        where = "end_date" if "end_date" in form else FORM
        problem = Invalid(contracts.PAST_NOTICE, day=LongDay.of(passed), field="end_date")
        return None, {where: problem.message}, [said(replace(CONFIRM))]
