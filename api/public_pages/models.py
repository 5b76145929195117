"""A campaign's public page: whether it is on, at which address, and the records its leads
chose to show on it."""

import re
from datetime import datetime
from typing import Annotated, ClassVar

import pydantic
from pydantic import BaseModel, StringConstraints, field_validator
from sqlmodel import Field, SQLModel

from api.auth.table_access import Access
from api.fields import FieldError, LongText, StrEnum, enum_field, fk, utc_field
from api.i18n.catalogs import N_

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_LENGTH = (3, 80)


class ShownKind(StrEnum):
    """The kinds of record a public page may show, in the order it shows them."""

    target = "target"
    vote = "vote"
    agency = "agency"
    contract = "contract"
    records_request = "records_request"
    press_hit = "press_hit"


class PublicPage(SQLModel, table=True):
    """One per campaign, made when its leads first set the page up; off until published."""

    __access__: ClassVar[Access] = Access(leads_write_only=True)
    __tablename__ = "public_page"
    campaign_id: int = fk("campaign.id", required=True, ondelete="CASCADE", primary_key=True,
                          index=False)
    slug: str = Field(max_length=SLUG_LENGTH[1], sa_column_kwargs={"unique": True})
    published: bool = False
    published_at: datetime | None = utc_field()
    # Where each decision-maker stands, from public records only, when the leads say so.
    show_stances: bool = False
    # Why, in the leads' words for the public: the campaign's own description is the
    # coalition's and never shown.
    intro: str = Field(default="", max_length=20_000)


class PublicItem(SQLModel, table=True):
    """A record the leads chose to show, with their words about it for the public (how to
    attend a vote or comment on it, what a records request found)."""

    __access__: ClassVar[Access] = Access(leads_write_only=True)
    __tablename__ = "public_page_item"
    campaign_id: int = fk("public_page.campaign_id", required=True, ondelete="CASCADE",
                          primary_key=True, index=False)
    kind: ShownKind = enum_field(primary_key=True)
    record_id: int = Field(primary_key=True)
    note: str = Field(default="", max_length=20_000)
    # A vote's public-comment kit, in the leads' words; empty: made from the campaign's asks.
    talking_points: str = Field(default="", max_length=20_000)
    sample_comment: str = Field(default="", max_length=20_000)


class ChosenItem(BaseModel):
    kind: ShownKind
    record_id: Annotated[int, pydantic.Field(ge=1, le=2**31 - 1)]
    note: LongText = ""
    talking_points: LongText = ""
    sample_comment: LongText = ""


class PublicPageUpdate(BaseModel):
    slug: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True)]
    show_stances: bool = False
    intro: LongText = ""
    items: Annotated[list[ChosenItem], pydantic.Field(max_length=500)] = []

    @field_validator("slug")
    @classmethod
    def _slug_shape(cls, value: str) -> str:
        low, high = SLUG_LENGTH
        if not (low <= len(value) <= high) or not SLUG.match(value):
            raise FieldError("slug", N_("The address is 3 to 80 lowercase letters, digits and "
                                        "single dashes, e.g. no-plate-readers-riverton."))
        return value


class PublicPageRead(BaseModel):
    campaign_id: int
    slug: str
    published: bool
    published_at: datetime | None
    show_stances: bool
    intro: str
    items: list[ChosenItem]
