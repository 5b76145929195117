"""Saved searches: a user's own named search (the search box's words, or one list's words and
filters), and the records it has already told them about."""

from datetime import datetime
from typing import Any, ClassVar

from sqlmodel import Field, SQLModel

from api.auth.table_access import Access
from api.fields import TableBase, fk, json_field, utc_field

NAME_LENGTH = 100
QUERY_LENGTH = 200


class SavedSearch(TableBase, table=True):
    """One person's search, kept under a name; with `alert`, they are told of each new record
    it finds that they may read."""
    # Its rows are one person's own: nobody else lists, reads or deletes them.
    __access__: ClassVar[Access] = Access(personal=True)

    __tablename__ = "saved_search"
    user_id: int = fk("app_user.id", required=True, ondelete="CASCADE")
    name: str = Field(max_length=NAME_LENGTH)
    query: str = Field(default="", max_length=QUERY_LENGTH)
    # "" searches every kind, as the search box does; otherwise one list (a search kind).
    kind: str = Field(default="", max_length=40)
    filters: dict[str, Any] = json_field(default_factory=dict)
    alert: bool = False
    checked_at: datetime | None = utc_field()


class SavedSearchMatch(SQLModel, table=True):
    """A record a saved search found already (or when it was saved): never told of again."""
    __access__: ClassVar[Access] = Access(personal=True)

    __tablename__ = "saved_search_match"
    saved_search_id: int = fk("saved_search.id", required=True, ondelete="CASCADE",
                              primary_key=True, index=False)
    kind: str = Field(max_length=40, primary_key=True)
    record_id: int = Field(primary_key=True)


class SavedSearchCreate(SQLModel):
    name: str = Field(default="", max_length=1000)
    query: str = Field(default="", max_length=1000)
    kind: str = Field(default="", max_length=40)
    filters: dict[str, str | int | bool] = Field(default_factory=dict)
    alert: bool = False


class SavedSearchUpdate(SQLModel):
    name: str | None = Field(default=None, max_length=1000)
    alert: bool | None = None


class SavedSearchRead(SQLModel):
    id: int
    name: str
    query: str
    kind: str
    filters: dict[str, Any]
    alert: bool
    url: str
    created_at: datetime
