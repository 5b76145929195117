"""People: organizers, volunteers and allies, with their organizations and contact consent."""

from typing import ClassVar

from pydantic import EmailStr
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Child, Owned
from api.concepts import Concept, FieldRole, ListColumn
from api.fields import (
    LongText,
    Name,
    ReadMeta,
    ShortText,
    StrEnum,
    TableBase,
    Tags,
    enum_field,
    fk,
    json_field,
    update_schema,
)
from api.i18n.catalogs import N_


class ContactMethod(StrEnum):
    email = "email"
    phone = "phone"
    text = "text"
    signal = "signal"
    in_person = "in_person"


class PersonBase(SQLModel):
    name: Name = Field(title=N_("Name"))
    email: EmailStr | None = Field(default=None, max_length=254, index=True, title=N_("Email"))
    phone: ShortText = Field(default="", title=N_("Phone"))
    signal_handle: ShortText = Field(default="", title=N_("Signal handle"))
    preferred_contact: ContactMethod = enum_field(ContactMethod.email,
                                                  title=N_("Preferred contact"))
    ok_to_email: bool = False
    ok_to_text: bool = False
    ok_to_call: bool = False
    notes: LongText = Field(default="", title=N_("Notes"))
    tags: Tags = json_field(title=N_("Tags"))
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field()


class Person(TableBase, PersonBase, table=True):
    __access__: ClassVar[Access] = Access(owned=Owned("owner_organization_id"))
    # Lists sort by name, then id: this index serves that order without sorting the table,
    # and holds what a reader's criteria test, so a page far down the list steps over the
    # rows before it in the index alone.
    __table_args__ = (Index("ix_person_name", "name", "id", "visibility",
                            "owner_organization_id"),)


class PersonCreate(PersonBase):
    pass


PersonUpdate = update_schema(PersonCreate, "PersonUpdate")


class PersonRead(PersonBase, ReadMeta):
    # Read back as stored: checked when written, and checking the syntax again on every read
    # cost more than the rest of a list page.
    email: str | None = None


class AffiliationBase(SQLModel):
    person_id: int = fk("person.id", required=True, ondelete="CASCADE")
    organization_id: int = fk("organization.id", required=True, ondelete="CASCADE")
    role: ShortText = ""


class Affiliation(TableBase, AffiliationBase, table=True):
    """A person's membership of an organization, with their role there."""
    __access__: ClassVar[Access] = Access(child=Child(((Person, "person_id"),),
                                                      members_of=("organization_id",)))

    __table_args__ = (UniqueConstraint("person_id", "organization_id"),)


class AffiliationCreate(AffiliationBase):
    pass


AffiliationUpdate = update_schema(AffiliationCreate, "AffiliationUpdate")


class AffiliationRead(AffiliationBase, ReadMeta):
    pass


PEOPLE = Concept(
    table=Person, create=PersonCreate, update=PersonUpdate,
    read=PersonRead, label="person", title="name",
    default_sort="name",
    fields=(
        FieldRole("name", search=True, sort=True, column=ListColumn(kind="title"),
                  section=N_("Person")),
        FieldRole("tags", section=N_("Person")),
        FieldRole("email", search=True, sort=True, column=ListColumn(kind="email"),
                  section=N_("Contact")),
        FieldRole("phone", search=True, column=True, section=N_("Contact")),
        FieldRole("signal_handle", search=True, section=N_("Contact")),
        FieldRole("preferred_contact", filter=N_("Prefers"), column=N_("Prefers"),
                  section=N_("Contact")),
        FieldRole("ok_to_email", filter=N_("Email OK"), column=N_("Email OK"),
                  section=N_("Contact")),
        FieldRole("ok_to_text", filter=N_("Texts OK"), column=N_("Texts OK"),
                  section=N_("Contact")),
        FieldRole("ok_to_call", section=N_("Contact")),
        FieldRole("notes", section=N_("Notes")),
    ),
)
