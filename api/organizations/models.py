"""Coalition partner organizations."""

from typing import ClassVar

import sqlalchemy as sa
from pydantic import EmailStr
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility
from api.auth.table_access import Access, Guarded
from api.concepts import Concept, FieldRole, ListColumn
from api.fields import (
    LongText,
    Name,
    ReadMeta,
    ShortText,
    StrEnum,
    TableBase,
    Tags,
    Url,
    enum_field,
    json_field,
    update_schema,
)
from api.i18n.catalogs import N_


class OrgKind(StrEnum):
    immigrant_rights = "immigrant_rights"
    privacy = "privacy"
    police_accountability = "police_accountability"
    civil_rights = "civil_rights"
    faith = "faith"
    labor = "labor"
    legal_aid = "legal_aid"
    student = "student"
    neighborhood = "neighborhood"
    other = "other"


class CoalitionRole(StrEnum):
    co_lead = "co_lead"
    member = "member"
    endorser = "endorser"
    ally = "ally"


class OrgStatus(StrEnum):
    prospect = "prospect"
    invited = "invited"
    joined = "joined"
    inactive = "inactive"


class OrganizationBase(SQLModel):
    name: Name = Field(sa_column_kwargs={"unique": True}, title=N_("Name"))
    kind: OrgKind = enum_field(OrgKind.other, title=N_("Kind"))
    coalition_role: CoalitionRole = enum_field(CoalitionRole.member, title=N_("Coalition role"))
    status: OrgStatus = enum_field(OrgStatus.prospect, title=N_("Status"))
    website: Url = Field(default="", title=N_("Website"))
    email: EmailStr | None = Field(default=None, max_length=254, title=N_("Email"))
    phone: ShortText = Field(default="", title=N_("Phone"))
    notes: LongText = Field(default="", title=N_("Notes"))
    # Who besides the organization's own members reads its notes; the rest of the record is
    # read by everyone signed in (api.auth.permissions.guarded).
    notes_visibility: Visibility = enum_field(Visibility.leads)
    tags: Tags = json_field(title=N_("Tags"))
    # Who new records of this organization's members are shared with unless they choose;
    # empty: the coalition's default.
    default_visibility: Visibility | None = enum_field(None, nullable=True)
    # Whether the coalition's leads may see that the organization met a decision-maker, and
    # when, though not the meeting itself (api.whip.service): off until it chooses.
    tell_leads_meetings: bool = False


class Organization(TableBase, OrganizationBase, table=True):
    __access__: ClassVar[Access] = Access(
        # Its notes are its own and, as it chooses, the leads' or the coalition's.
        guarded=(("notes", Guarded("notes_visibility", "id")),),
        own_choices=("notes_visibility", "default_visibility", "tell_leads_meetings"),
        leads_write_only=True)
    # The few organizations that let leads know they met someone, without reading them all:
    # asked on every whip board and campaign page a lead opens (api.whip.service).
    __table_args__ = (sa.Index("ix_organization_tell_leads_meetings", "tell_leads_meetings"),)


class OrganizationCreate(OrganizationBase):
    pass


OrganizationUpdate = update_schema(OrganizationCreate, "OrganizationUpdate")


class OrganizationRead(OrganizationBase, ReadMeta):
    # Read back as stored: checked when written, and checking the syntax again on every read
    # cost more than the rest of a list page.
    email: str | None = None


ORGANIZATIONS = Concept(
    table=Organization, create=OrganizationCreate, update=OrganizationUpdate,
    read=OrganizationRead, label="organization", title="name",
    default_sort="name",
    fields=(
        FieldRole("name", search=True, sort=True, column=ListColumn(kind="title"),
                  section=N_("Organization")),
        FieldRole("kind", sort=True, filter=N_("Kind"), column=True,
                  section=N_("Organization")),
        FieldRole("coalition_role", filter=N_("Role"), column=N_("Role"),
                  section=N_("Organization")),
        FieldRole("status", sort=True, filter=N_("Status"), column=True,
                  section=N_("Organization")),
        FieldRole("tags", section=N_("Organization")),
        FieldRole("website", section=N_("Contact")),
        FieldRole("email", column=ListColumn(kind="email"), section=N_("Contact")),
        FieldRole("phone", section=N_("Contact")),
        FieldRole("notes", search=True, section=N_("Notes")),
        FieldRole("notes_visibility", section=N_("Notes")),
        FieldRole("default_visibility", section=N_("Sharing")),
        FieldRole("tell_leads_meetings", section=N_("Sharing")),
    ),
)
