"""Reads and writes of vendors, and finding the vendor a name means."""

from sqlmodel import Session, select

from api.auth.models import User
from api.crud import Crud
from api.vendors import names
from api.vendors.models import VENDORS, Vendor, VendorCreate, VendorRead

crud: Crud[Vendor, VendorRead] = Crud(**VENDORS.crud_options())


def by_key(session: Session) -> dict[str, Vendor]:
    """Every vendor under the key of its name and of its canonical name, so a dataset's
    spelling finds the vendor kept under another."""
    found: dict[str, Vendor] = {}
    for vendor in session.exec(select(Vendor).order_by(Vendor.id)).all():
        found.setdefault(names.key(vendor.name), vendor)
        found.setdefault(names.key(names.canonical(vendor.name)), vendor)
    return found


def find(known: dict[str, Vendor], name: str) -> Vendor | None:
    """The vendor a name means among those known (from `by_key`), if there is one."""
    return known.get(names.key(name)) or known.get(names.key(names.canonical(name)))


def find_or_make(session: Session, actor: User, name: str,
                 known: dict[str, Vendor] | None = None) -> Vendor:
    """The vendor a name means, made under its canonical name when there is none."""
    known = by_key(session) if known is None else known
    found = find(known, name)
    if found is None:
        found = crud.create(session, actor, VendorCreate(name=names.canonical(name)))
        known[names.key(found.name)] = found
    return found
