"""Users of the instance and their role."""

from pydantic import EmailStr
from sqlmodel import Field, SQLModel

from api.fields import Name, ReadMeta, StrEnum, TableBase, enum_field, fk, update_schema


class Role(StrEnum):
    admin = "admin"
    lead = "lead"
    partner = "partner"
    viewer = "viewer"


class UserBase(SQLModel):
    email: EmailStr = Field(max_length=254, sa_column_kwargs={"unique": True})
    name: Name
    role: Role = enum_field(Role.viewer)
    organization_id: int | None = fk("organization.id")
    is_active: bool = True


class User(TableBase, UserBase, table=True):
    __tablename__ = "app_user"


class UserCreate(UserBase):
    pass


UserUpdate = update_schema(UserCreate, "UserUpdate")


class UserRead(UserBase, ReadMeta):
    # Read back as stored: the system account's reserved .invalid address is no valid EmailStr.
    email: str
