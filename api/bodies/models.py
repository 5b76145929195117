"""Decision-making bodies: councils, boards of supervisors, commissions, sheriff's offices."""

import re
from typing import Annotated

from pydantic import AfterValidator, model_validator
from sqlmodel import Field, SQLModel

from api.bodies import comment_rules
from api.bodies.comment_rules import CommentDeadline
from api.concepts import Concept, FieldRole, ListColumn
from api.fields import (
    Count,
    FieldError,
    LongText,
    Name,
    ReadMeta,
    ShortText,
    StrEnum,
    TableBase,
    Url,
    enum_field,
    fk,
    update_schema,
)
from api.i18n.catalogs import N_

# Kits and reminders link to it: only an email address, a web address or words.
SendTo = Annotated[ShortText, AfterValidator(comment_rules.where_to_send)]


class BodyKind(StrEnum):
    city_council = "city_council"
    board_of_supervisors = "board_of_supervisors"
    police_commission = "police_commission"
    sheriffs_office = "sheriffs_office"
    city_managers_office = "city_managers_office"
    other = "other"


class AgendaSource(StrEnum):
    none = "none"
    legistar = "legistar"


# Where a body's agendas are read from: the coalition's leads set these.
AGENDA_FIELDS = ("agenda_source", "legistar_client", "legistar_body_name", "legistar_token")
LEGISTAR_CLIENT = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


class BodyBase(SQLModel):
    name: Name = Field(title=N_("Name"))
    kind: BodyKind = enum_field(BodyKind.city_council, title=N_("Kind"))
    jurisdiction_id: int = fk("jurisdiction.id", required=True, title=N_("Jurisdiction"))
    seats: Count = Field(default=0, title=N_("Seats"))
    majority_needed: Count = 0
    website: Url = Field(default="", title=N_("Website"))
    agenda_source: AgendaSource = enum_field(AgendaSource.none, title=N_("Agenda source"))
    legistar_client: ShortText = Field(default="", title=N_("Legistar client"))
    # Some Legistar clients only answer with a token; a client's feed covers all its bodies,
    # so the body's name there (e.g. "City Council") picks this body's meetings.
    legistar_token: ShortText = ""
    legistar_body_name: ShortText = ""
    # Public comment, as the body's rules say it: the kit of each of its votes reckons the
    # written-comment deadline from these in the body's own timezone.
    comment_deadline: CommentDeadline = enum_field(CommentDeadline.not_set,
                                                   title=N_("Written comments are due"))
    comment_hours_before: Count = Field(default=0, title=N_("Hours before the meeting"))
    comment_days_before: Count = Field(default=1, title=N_("Days before the meeting"))
    comment_due_time: ShortText = Field(default="", title=N_("Time of day"))
    comment_send_to: SendTo = Field(default="", title=N_("Where to send written comments"))
    speaker_signup: LongText = Field(default="", title=N_("How to sign up to speak"))
    speaker_signup_closes: Count | None = Field(
        default=None, title=N_("Sign-up to speak closes, minutes after the meeting starts"))

    @model_validator(mode="after")
    def _comment_rules_fit(self) -> "BodyBase":
        problem = comment_rules.problem(
            rule=self.comment_deadline, hours=self.comment_hours_before,
            days=self.comment_days_before, at=self.comment_due_time,
            closes=self.speaker_signup_closes)
        if problem is not None:
            raise FieldError(*problem)
        return self

    @model_validator(mode="after")
    def _majority_fits(self) -> "BodyBase":
        if self.seats and self.majority_needed > self.seats:
            raise FieldError("majority_needed",
                             N_("The votes needed to win cannot exceed the number of seats."))
        if self.legistar_client and not LEGISTAR_CLIENT.match(self.legistar_client):
            raise FieldError("legistar_client",
                             N_("A Legistar client name is letters, digits and dashes: the part "
                             "before .legistar.com, e.g. sanjose."))
        if self.agenda_source == AgendaSource.legistar and not self.legistar_client:
            raise FieldError("legistar_client",
                             N_("A Legistar agenda source needs the Legistar client name."))
        return self


class Body(TableBase, BodyBase, table=True):
    pass


class BodyCreate(BodyBase):
    pass


BodyUpdate = update_schema(BodyCreate, "BodyUpdate")


class BodyRead(BodyBase, ReadMeta):
    # Read back as kept: a value kept before it was checked still reads (and is linked to by
    # nothing, as kits link only to an email or a web address).
    comment_send_to: ShortText = ""
    # Write-only: the token is a credential, never sent back out.
    legistar_token: str = Field(default="", exclude=True)


BODIES = Concept(
    table=Body, create=BodyCreate, update=BodyUpdate,
    read=BodyRead, label="body", title="name",
    default_sort="name",
    fields=(
        FieldRole("name", search=True, sort=True, column=ListColumn(kind="title"),
                  section=N_("Body")),
        FieldRole("kind", sort=True, filter=N_("Kind"), column=True, section=N_("Body")),
        FieldRole("jurisdiction_id", filter=N_("Jurisdiction"), column=True,
                  section=N_("Body")),
        FieldRole("seats", column=True, section=N_("Body")),
        FieldRole("majority_needed", column=N_("Majority"), section=N_("Body")),
        FieldRole("website", section=N_("Body")),
        FieldRole("agenda_source", filter=True, section=N_("Agenda source")),
        FieldRole("legistar_client", section=N_("Agenda source")),
        FieldRole("legistar_body_name", section=N_("Agenda source")),
        FieldRole("legistar_token", section=N_("Agenda source")),
        FieldRole("comment_deadline", section=N_("Public comment")),
        FieldRole("comment_hours_before", section=N_("Public comment")),
        FieldRole("comment_days_before", section=N_("Public comment")),
        FieldRole("comment_due_time", section=N_("Public comment")),
        FieldRole("comment_send_to", section=N_("Public comment")),
        FieldRole("speaker_signup", section=N_("Public comment")),
        FieldRole("speaker_signup_closes", section=N_("Public comment")),
    ),
)
