"""A field is declared once, on its concept's model: given its roles there, the JSON API's Crud
searches, filters and sorts by it, and the pages list it, filter by it and edit it in its
section, its kind, choices and labels read off the field itself. Shown here on a concept made
for the test (its table kept out of the app's own registry), as a new field would be."""

from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from api.bodies.models import Body
from api.concepts import Concept, FieldRole, ListColumn
from api.crud import Crud
from api.fields import Name, ReadMeta, ShortText, StrEnum, TableBase, enum_field, fk, update_schema
from web.concept_pages import Ref, declared_spec


class HearingKind(StrEnum):
    budget = "budget"
    oversight = "oversight"


class HearingBase(SQLModel):
    name: Name = Field(title="Name")
    kind: HearingKind = enum_field(HearingKind.budget, title="Kind")
    body_id: int | None = fk("body.id", title="Body")
    # The new field: one line here, and one role below.
    room: ShortText = Field(default="", title="Hearing room")


class Apart(SQLModel, registry=registry()):
    """Tables of this test's own, mapped apart from the app's: no page or rule meets them."""


class Hearing(Apart, TableBase, HearingBase, table=True):
    __tablename__ = "hearing_for_a_test"


class HearingCreate(HearingBase):
    pass


HearingUpdate = update_schema(HearingCreate, "HearingUpdate")


class HearingRead(HearingBase, ReadMeta):
    pass


HEARINGS = Concept(
    table=Hearing, create=HearingCreate, update=HearingUpdate, read=HearingRead,
    label="hearing", title="name", default_sort="name",
    fields=(
        FieldRole("name", search=True, sort=True, column=ListColumn("Name", "title"),
                  section="Hearing"),
        FieldRole("kind", filter="Kind", column="Kind", section="Hearing"),
        FieldRole("body_id", filter="Body", column="Body", section="Hearing"),
        FieldRole("room", search=True, sort=True, filter=True, column="Room",
                  section="Hearing"),
    ),
)
REFS = {"body": Ref(Body, Body.name, "bodies")}


def test_the_crud_searches_filters_and_sorts_by_the_new_field() -> None:
    crud = Crud(**HEARINGS.crud_options())
    assert crud.search == ("name", "room")
    assert crud.filters == ("kind", "body_id", "room")
    assert "room" in crud.sort_fields and crud.read_schema is HearingRead


def test_the_pages_list_filter_and_edit_it_as_the_field_says() -> None:
    spec = declared_spec(HEARINGS, Crud(**HEARINGS.crud_options()), REFS, noun="hearings")
    columns = {c.key: (c.label, c.kind, c.sort) for c in spec.columns}
    assert columns["room"] == ("Room", "text", "room")
    # A reference shows the referenced record's name, joined in under a name of its own.
    assert columns["body_name"] == ("Body", "ref", None)
    filters = {f.name: (f.kind, f.choices) for f in spec.filters}
    assert filters == {"kind": ("enum", (("budget", "budget"), ("oversight", "oversight"))),
                       "body_id": ("ref", ())}
    # A free-text field is filtered by in the API alone: the page offers choices only.
    assert "room" not in filters
    assert spec.sections[0] == ("Hearing", ["name", "kind", "body_id", "room"])
    room = next(f for f in spec.form_fields() if f.name == "room")
    assert (room.label, room.kind, room.required) == ("Hearing room", "text", False)
    kind = next(f for f in spec.form_fields() if f.name == "kind")
    assert [value for value, _ in kind.choices] == ["budget", "oversight"]


def test_a_field_without_a_role_is_on_no_list_filter_or_form() -> None:
    bare = Concept(table=Hearing, create=HearingCreate, update=HearingUpdate, read=HearingRead,
                   label="hearing", title="name",
                   fields=tuple(role for role in HEARINGS.fields if role.name != "room"))
    spec = declared_spec(bare, Crud(**bare.crud_options()), REFS, noun="hearings")
    assert "room" not in {c.key for c in spec.columns}
    assert "room" not in spec.crud.search + spec.crud.filters + spec.crud.sort_fields
    assert all("room" not in names for _, names in spec.sections)
