"""The dated sources kept on an agency: read with the agency, and kept from a dataset so the
same link is never kept twice and a source's new date replaces its old one."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from api import clock
from api.agencies import service as agencies
from api.agencies.models import AgencyLink
from api.auth.models import User

# What a dataset says of a link, beside its address.
DESCRIBED = ("published", "source", "kind", "snapshot_url")


@dataclass
class Kept:
    added: int = 0
    changed: int = 0


def of(session: Session, actor: User, agency_id: int) -> list[AgencyLink]:
    """The agency's links, newest first, those without a date last; none to a reader who may
    not read the agency (it answers as missing)."""
    agencies.crud.get(session, actor, agency_id)
    return list(session.exec(
        select(AgencyLink).where(AgencyLink.agency_id == agency_id)
        .order_by(col(AgencyLink.published).desc(), col(AgencyLink.url))).all())


def by_agency(session: Session) -> dict[int, dict[str, AgencyLink]]:
    """Every link kept, by agency and address: what an import compares its rows against."""
    found: dict[int, dict[str, AgencyLink]] = {}
    for link in session.exec(select(AgencyLink)).all():
        found.setdefault(link.agency_id, {})[link.url] = link
    return found


def difference(current: AgencyLink | None, values: dict[str, Any]) -> str:
    """"new", "changed" or "" (nothing to do), for a link as a dataset gives it now."""
    if current is None:
        return "new"
    if any(values.get(name, "") and values[name] != getattr(current, name)
           for name in DESCRIBED):
        return "changed"
    return ""


def keep(session: Session, agency_id: int, links: list[dict[str, Any]]) -> Kept:
    """Add the links the agency does not have, and bring up to date what a dataset says anew
    of those it has (a value it leaves empty keeps the one kept). The caller has checked the
    actor may write the agency and commits."""
    kept = Kept()
    current = {link.url: link for link in session.exec(
        select(AgencyLink).where(AgencyLink.agency_id == agency_id)).all()}
    for values in links:
        found = current.get(values["url"])
        what = difference(found, values)
        if what == "new":
            found = AgencyLink(agency_id=agency_id, **values)
            session.add(found)
            current[found.url] = found
            kept.added += 1
        elif what == "changed" and found is not None:
            for name in DESCRIBED:
                if values.get(name):
                    setattr(found, name, values[name])
            found.updated_at = clock.now()
            session.add(found)
            kept.changed += 1
    session.flush()
    return kept
