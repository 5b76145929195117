"""A vote on a date that has passed is asked about before it is saved, whether it is new or its
date was changed: a vote already held is saved as held, never as one still to come (which
would count down to nothing and alert nobody). The rule itself is the votes service's."""

from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from api.i18n.catalogs import N_, gettext
from api.votes import service as votes
from api.votes.models import Vote, VoteCreate, VoteStatus
from web.forms import FormField
from web.routes.concept_pages import ConceptPages

CONFIRM = FormField("confirm_past", N_("It was held: save it as a vote already held"),
                    kind="bool")
PASSED = N_("This date has passed. If the vote was held, tick “It was held” below to save it "
            "as held (then set its outcome on its page); if it was moved, give the new date.")


class VotePages(ConceptPages):
    def confirm_save(self, session: Session, data: BaseModel, form: Any,
                     existing: Any = None) -> tuple[BaseModel | None, dict[str, str],
                                                    list[FormField]]:
        proposed = self.proposed(data, existing, VoteCreate, Vote)
        if proposed is None:
            return data, {}, []
        values, existing = proposed
        problem = votes.date_problem(session, when=values["scheduled_at"],
                                     status=values["status"], body_id=values["body_id"],
                                     existing=existing)
        if problem == votes.NOT_YET:
            changed = data.model_dump(exclude_unset=True)
            field = "status" if existing is None or "status" in changed else "scheduled_at"
            return None, {field: gettext(votes.NOT_YET)}, []
        if problem != votes.PASSED:
            return data, {}, []
        return self.saved_once_confirmed(
            form, CONFIRM, confirmed=data.model_copy(update={"status": VoteStatus.held}),
            problems={"scheduled_at": gettext(PASSED)})
