"""A new vote on a date that has passed is asked about before it is saved: a vote already held
is saved as held, never as one still to come (which would count down to nothing and alert
nobody)."""

from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from api import clock
from api.bodies import service as bodies
from api.votes.models import VoteCreate, VoteStatus
from web.forms import FormField, parse
from web.routes.concept_pages import ConceptPages

CONFIRM = FormField("confirm_past", "It was held: save it as a vote already held", kind="bool")
NOT_YET = ("A vote still ahead cannot have been held yet: choose “scheduled”, or correct the "
           "date.")
PASSED = ("This date has passed. If the vote was held, tick “It was held” below to save it as "
          "held (then set its outcome on its page); if it was moved, give the new date.")


def _has_passed(session: Session, data: VoteCreate) -> bool:
    when = data.scheduled_at
    if when.tzinfo is None:
        when = when.replace(tzinfo=bodies.zone(session, data.body_id))
    return when < clock.now()


class VotePages(ConceptPages):
    def confirm_create(self, session: Session, data: BaseModel,
                       form: Any) -> tuple[BaseModel | None, dict[str, str], list[FormField]]:
        if not isinstance(data, VoteCreate):
            return data, {}, []
        if data.status == VoteStatus.held and not _has_passed(session, data):
            return None, {"status": NOT_YET}, []
        if not (data.status == VoteStatus.scheduled and _has_passed(session, data)):
            return data, {}, []
        if parse([CONFIRM], form).get(CONFIRM.name):
            return data.model_copy(update={"status": VoteStatus.held}), {}, []
        return None, {"scheduled_at": PASSED}, [CONFIRM]
