"""A mypy plugin: a SQLModel field read on the class is a column, not the field's value.

SQLModel declares a table's fields as plain annotations (``name: str``), so a type checker
takes ``Person.name`` to be a ``str`` and rejects ``Person.name.in_(...)``, ``.desc()`` or
``Person.id == x`` inside ``where()``. At runtime, SQLAlchemy instruments the class and the
attribute is an ``InstrumentedAttribute``; this plugin gives it that type on class access
(``Person.name``, or ``model.id`` for ``model: type[T]``). Reading the field on an instance
(``person.name``) keeps its declared type.
"""

from collections.abc import Callable

from mypy.nodes import TypeInfo, Var
from mypy.plugin import AttributeContext, Plugin
from mypy.types import AnyType, Type, TypeOfAny

SQLMODEL = "sqlmodel.main.SQLModel"
COLUMN = "sqlalchemy.orm.attributes.InstrumentedAttribute"


class SQLModelColumns(Plugin):
    def get_class_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        owner, _, name = fullname.rpartition(".")
        if name.startswith("_"):
            return None
        symbol = self.lookup_fully_qualified(owner)
        info = symbol.node if symbol else None
        if not isinstance(info, TypeInfo) or not info.has_base(SQLMODEL):
            return None
        field = info.get(name)
        if field is None or not isinstance(field.node, Var) or field.node.is_classvar:
            return None
        declared = field.node.type
        if declared is None:
            return None
        return lambda ctx: _as_column(ctx, declared)


def _as_column(ctx: AttributeContext, declared: Type) -> Type:
    if ctx.is_lvalue:
        return ctx.default_attr_type
    try:
        return ctx.api.named_generic_type(COLUMN, [declared])
    except (KeyError, AssertionError):
        return AnyType(TypeOfAny.special_form)


def plugin(version: str) -> type[Plugin]:
    return SQLModelColumns
