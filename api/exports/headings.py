"""The words of an export's CSV files: each column's heading, said in the language of whoever
exports. A column holding a field is headed by the label declared with that field; only the
columns no model declares (ids, what is said of a record, fields declared without a label)
are named here."""

from sqlmodel import SQLModel

from api.actions.models import Action
from api.agencies.models import Agency
from api.bodies.models import Body
from api.campaigns.models import Campaign
from api.contracts.models import Contract
from api.documents.models import Document
from api.evidence.models import EvidenceEntry
from api.i18n.catalogs import N_
from api.known_outcomes.models import KnownOutcome
from api.media.models import MediaContact, PressHit
from api.meetings.models import Meeting
from api.people.models import Person
from api.records_requests.models import RecordsRequest
from api.sharing.models import SharingLink
from api.targets.models import StanceChange, Target
from api.tasks.models import Task
from api.votes.models import Vote

# The records each file's rows are, by the file's name.
RECORDS: dict[str, type[SQLModel]] = {
    "campaign": Campaign, "bodies": Body, "votes": Vote, "targets": Target,
    "stance_changes": StanceChange, "meetings": Meeting, "actions": Action, "tasks": Task,
    "records_requests": RecordsRequest, "people": Person, "documents": Document,
    "agencies": Agency, "contracts": Contract, "media_contacts": MediaContact,
    "press_hits": PressHit, "evidence": EvidenceEntry, "outcomes_elsewhere": KnownOutcome,
    "sharing_links": SharingLink,
}

# Headings of the columns no field declares a label for.
HEADINGS = {
    "id": N_("ID"), "ask": N_("Ask"), "won": N_("Won"), "note": N_("Note"),
    "description": N_("Description"), "state_code": N_("State code"),
    "majority_needed": N_("Majority needed"), "scheduled_at": N_("Scheduled at"),
    "consent_calendar": N_("Consent calendar"), "office": N_("Office"),
    "stance": N_("Stance"), "last_met": N_("Last met"), "visibility": N_("Shared with"),
    "target_id": N_("Decision-maker ID"), "target": N_("Decision-maker"),
    "from_level": N_("Stance before"), "to_level": N_("Stance after"), "source": N_("Source"),
    "meeting_id": N_("Meeting ID"), "recorded_at": N_("Recorded at"), "held_at": N_("Held at"),
    "asks": N_("Asks"), "commitments": N_("Commitments"), "follow_ups": N_("Follow-ups"),
    "targets": N_("Decision-makers"), "attendees": N_("Attendees"), "vote_id": N_("Vote ID"),
    "due_on": N_("Due on"), "action_id": N_("Action ID"), "ok_to_email": N_("Ok to email"),
    "ok_to_text": N_("Ok to text"), "ok_to_call": N_("Ok to call"),
    "filename": N_("Filename"), "content_type": N_("Content type"),
    "size_bytes": N_("Size (bytes)"), "attached_kind": N_("Attached to"),
    "attached_id": N_("Attached record ID"), "approving_body": N_("Approving body"),
    "termination_notice_days": N_("Termination notice days"),
}


def heading(file: str, key: str) -> str:
    """A column's heading, not yet translated: the label of the field it holds (a column naming
    a linked record, "body", is headed as its "body_id" field), else this module's own. A
    column of ids keeps its own heading ("Vote ID"), where the field's label says "Vote"."""
    records = RECORDS.get(file)
    if records is not None and not key.endswith("_id"):
        fields = records.model_fields
        declared = fields.get(key) or fields.get(f"{key}_id")
        if declared is not None and declared.title:
            return declared.title
    return HEADINGS[key]
