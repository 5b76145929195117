"""A vote on a date that has passed is asked about before it is saved, whether it is new or its
date was changed: a vote already held is saved as held, never as one still to come (which
would count down to nothing and alert nobody). The rule itself is the votes service's."""

from dataclasses import replace
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from api.i18n.catalogs import N_, gettext
from api.votes import service as votes
from api.votes.models import Vote, VoteCreate, VoteStatus
from web.concept_pages import said
from web.forms import FormField, parse
from web.routes.concept_pages import ConceptPages

CONFIRM = FormField("confirm_past", N_("It was held: save it as a vote already held"),
                    kind="bool")
PASSED = N_("This date has passed. If the vote was held, tick “It was held” below to save it "
            "as held (then set its outcome on its page); if it was moved, give the new date.")


class VotePages(ConceptPages):
    def confirm_save(self, session: Session, data: BaseModel, form: Any,
                     existing: Any = None) -> tuple[BaseModel | None, dict[str, str],
                                                    list[FormField]]:
        given = data.model_dump(exclude_unset=True)
        if isinstance(data, VoteCreate):
            status, body_id, when = data.status, data.body_id, data.scheduled_at
            existing = None
        elif isinstance(existing, Vote):
            status = given.get("status") or existing.status
            body_id = given.get("body_id") or existing.body_id
            when = given.get("scheduled_at") or existing.scheduled_at
        else:
            return data, {}, []
        problem = votes.date_problem(session, when=when, status=status, body_id=body_id,
                                     existing=existing)
        if problem == votes.NOT_YET:
            field = "status" if existing is None or "status" in given else "scheduled_at"
            return None, {field: gettext(votes.NOT_YET)}, []
        if problem != votes.PASSED:
            return data, {}, []
        if parse([CONFIRM], form).get(CONFIRM.name):
            return data.model_copy(update={"status": VoteStatus.held}), {}, []
        return None, {"scheduled_at": gettext(PASSED)}, [said(replace(CONFIRM))]
