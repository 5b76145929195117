"""A vote on a date that has passed is asked about before it is saved, whether it is new or its
date was changed: a vote already held is saved as held, never as one still to come (which
would count down to nothing and alert nobody)."""

from dataclasses import replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from api import clock
from api.bodies import service as bodies
from api.i18n.catalogs import N_, gettext
from api.votes import service as votes
from api.votes.models import Vote, VoteCreate, VoteStatus
from web.concept_pages import said
from web.forms import FormField, parse
from web.routes.concept_pages import ConceptPages

CONFIRM = FormField("confirm_past", N_("It was held: save it as a vote already held"),
                    kind="bool")
NOT_YET = N_("A vote still ahead cannot have been held yet: choose “scheduled”, or correct the "
             "date.")
PASSED = N_("This date has passed. If the vote was held, tick “It was held” below to save it "
            "as held (then set its outcome on its page); if it was moved, give the new date.")


def _instant(session: Session, when: datetime, body_id: int) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=bodies.zone(session, body_id))


class VotePages(ConceptPages):
    def confirm_save(self, session: Session, data: BaseModel, form: Any,
                     existing: Any = None) -> tuple[BaseModel | None, dict[str, str],
                                                    list[FormField]]:
        if isinstance(data, VoteCreate):
            status, body_id, when = data.status, data.body_id, data.scheduled_at
            asking = status == VoteStatus.scheduled and _instant(session, when, body_id) \
                < clock.now()
        elif isinstance(existing, Vote):
            given = data.model_dump(exclude_unset=True)
            status = given.get("status") or existing.status
            body_id = given.get("body_id") or existing.body_id
            when = given.get("scheduled_at") or existing.scheduled_at
            asking = votes.moved_into_the_past(existing, _instant(session, when, body_id),
                                               status)
        else:
            return data, {}, []
        if status == VoteStatus.held and (existing is None or "status" in data.model_fields_set) \
                and not _instant(session, when, body_id) < clock.now():
            return None, {"status": gettext(NOT_YET)}, []
        if not asking:
            return data, {}, []
        if parse([CONFIRM], form).get(CONFIRM.name):
            return data.model_copy(update={"status": VoteStatus.held}), {}, []
        return None, {"scheduled_at": gettext(PASSED)}, [said(replace(CONFIRM))]
