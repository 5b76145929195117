"""Companies that sell plate readers: the vendor an agency's cameras come from and a contract
is signed with."""

from sqlmodel import Field, SQLModel

from api.concepts import Concept, FieldRole, ListColumn
from api.fields import LongText, Name, ReadMeta, TableBase, Url, update_schema
from api.i18n.catalogs import N_


class VendorBase(SQLModel):
    name: Name = Field(sa_column_kwargs={"unique": True}, title=N_("Name"))
    website: Url = Field(default="", title=N_("Website"))
    notes: LongText = Field(default="", title=N_("Notes"))


class Vendor(TableBase, VendorBase, table=True):
    # No access declaration: a vendor is a public fact about a company (its name, its site),
    # read by every member and kept up to date by any member who writes. What the coalition
    # knows of who buys from it lives on the agencies and contracts, at their own visibility.
    pass


class VendorCreate(VendorBase):
    pass


VendorUpdate = update_schema(VendorCreate, "VendorUpdate")


class VendorRead(VendorBase, ReadMeta):
    pass


VENDORS = Concept(
    table=Vendor, create=VendorCreate, update=VendorUpdate,
    read=VendorRead, label="vendor", title="name",
    default_sort="name",
    fields=(
        FieldRole("name", search=True, sort=True, column=ListColumn(kind="title")),
        FieldRole("website", column=ListColumn(kind="url")),
    ),
)
