"""Press: reporters we work with and the coverage the campaign gets."""

from datetime import date
from typing import ClassVar

from pydantic import EmailStr
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Owned
from api.concepts import Concept, FieldRole, ListColumn
from api.fields import (
    LongText,
    Name,
    ReadMeta,
    ShortText,
    TableBase,
    Url,
    fk,
    update_schema,
)
from api.i18n.catalogs import N_


class MediaContactBase(SQLModel):
    name: Name = Field(title=N_("Name"))
    outlet: ShortText = Field(default="", title=N_("Outlet"))
    beat: ShortText = Field(default="", title=N_("Beat"))
    email: EmailStr | None = Field(default=None, max_length=254, title=N_("Email"))
    phone: ShortText = Field(default="", title=N_("Phone"))
    notes: LongText = Field(default="", title=N_("Notes"))
    # Empty: the coalition's record, which only leads change.
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field(Visibility.coalition)


class MediaContact(TableBase, MediaContactBase, table=True):
    # What a partner learned of an agency, a contract, a vote or the press may be theirs
    # alone; most are the coalition's (no owner), from imports and agendas.
    __access__: ClassVar[Access] = Access(owned=Owned("owner_organization_id", coalition_kept=True))
    __tablename__ = "media_contact"


class MediaContactCreate(MediaContactBase):
    pass


MediaContactUpdate = update_schema(MediaContactCreate, "MediaContactUpdate")


class MediaContactRead(MediaContactBase, ReadMeta):
    # Read back as stored: checked when written, and checking the syntax again on every read
    # cost more than the rest of a list page.
    email: str | None = None


class PressHitBase(SQLModel):
    title: Name = Field(title=N_("Title"))
    outlet: ShortText = Field(default="", title=N_("Outlet"))
    url: Url = Field(default="", title=N_("Url"))
    published_on: date | None = Field(default=None, index=True, title=N_("Published on"))
    campaign_id: int | None = fk("campaign.id", title=N_("Campaign"))
    media_contact_id: int | None = fk("media_contact.id")
    summary: LongText = Field(default="", title=N_("Summary"))
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field(Visibility.coalition)


class PressHit(TableBase, PressHitBase, table=True):
    # What a partner learned of an agency, a contract, a vote or the press may be theirs
    # alone; most are the coalition's (no owner), from imports and agendas.
    __access__: ClassVar[Access] = Access(owned=Owned("owner_organization_id", coalition_kept=True))
    __tablename__ = "press_hit"


class PressHitCreate(PressHitBase):
    pass


PressHitUpdate = update_schema(PressHitCreate, "PressHitUpdate")


class PressHitRead(PressHitBase, ReadMeta):
    pass


PRESS_HITS = Concept(
    table=PressHit, create=PressHitCreate, update=PressHitUpdate,
    read=PressHitRead, label="press hit", title="title",
    default_sort="-published_on", date_column="published_on",
    fields=(
        FieldRole("title", search=True, sort=True, column=ListColumn(N_("Headline"), "title"),
                  section=N_("Story")),
        FieldRole("outlet", search=True, sort=True, column=True, section=N_("Story")),
        FieldRole("url", column=ListColumn(N_("Link"), "url"), section=N_("Story")),
        FieldRole("published_on", sort=True, column=N_("Published"), section=N_("Story")),
        FieldRole("campaign_id", filter=N_("Campaign"), column=True, section=N_("Story")),
        FieldRole("media_contact_id", filter=N_("Reporter"), section=N_("Story")),
        FieldRole("summary", search=True, section=N_("Story")),
    ),
    orders={
        "columns": ("title", "outlet", "published_on", "campaign_id"),
        "sort": ("published_on",),
    },
)


MEDIA_CONTACTS = Concept(
    table=MediaContact, create=MediaContactCreate, update=MediaContactUpdate,
    read=MediaContactRead, label="media contact", title="name",
    default_sort="name",
    fields=(
        FieldRole("name", search=True, sort=True, column=ListColumn(kind="title"),
                  section=N_("Details")),
        FieldRole("outlet", search=True, sort=True, column=True, section=N_("Details")),
        FieldRole("beat", search=True, column=True, section=N_("Details")),
        FieldRole("email", column=ListColumn(kind="email"), section=N_("Details")),
        FieldRole("phone", section=N_("Details")),
        FieldRole("notes", section=N_("Details")),
    ),
)
