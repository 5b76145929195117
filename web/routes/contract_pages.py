"""A contract whose terms make the last day to give notice one already gone is asked about
before it is saved, new or changed, as a vote on a past date is: a deadline nobody can meet any
more is saved only when someone says so. The rule itself is the contracts service's."""

from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from api.contracts import service as contracts
from api.contracts.models import Contract, ContractCreate
from api.errors import Invalid, LongDay
from api.i18n.catalogs import N_
from web.forms import FORM, FormField
from web.routes.concept_pages import ConceptPages

CONFIRM = FormField("confirm_past_deadline",
                    N_("The day to give notice has passed: save it anyway"), kind="bool")


class ContractPages(ConceptPages):
    def confirm_save(self, session: Session, data: BaseModel, form: Any,
                     existing: Any = None) -> tuple[BaseModel | None, dict[str, str],
                                                    list[FormField]]:
        proposed = self.proposed(data, existing, ContractCreate, Contract)
        if proposed is None or data.model_dump(exclude_unset=True).get("confirm_past_deadline"):
            return data, {}, []
        values, existing = proposed
        passed = contracts.passed_deadline(session, values, existing)
        if passed is None:
            return data, {}, []
        problem = Invalid(contracts.PAST_NOTICE, day=LongDay.of(passed), field="end_date")
        return self.saved_once_confirmed(
            form, CONFIRM, confirmed=data.model_copy(update={"confirm_past_deadline": True}),
            problems={"end_date" if "end_date" in form else FORM: problem.message})
