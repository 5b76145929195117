"""One search box for everything: each concept searched by its own search fields."""

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from api.actions import service as actions
from api.agencies import service as agencies
from api.bodies import service as bodies
from api.campaigns import service as campaigns
from api.contracts import service as contracts
from api.crud import Crud, ListQuery
from api.jurisdictions import service as jurisdictions
from api.media import service as media
from api.meetings import service as meetings
from api.organizations import service as organizations
from api.people import service as people
from api.records_requests import service as records_requests
from api.targets import service as targets
from api.tasks import service as tasks
from api.votes import service as votes

PER_KIND = 8


@dataclass
class Group:
    kind: str
    label: str
    items: list[dict[str, Any]] = field(default_factory=list)
    more: bool = False


# kind, heading, crud, the column that names a record; in the order results are shown.
SEARCHED: list[tuple[str, str, Crud[Any], str]] = [
    ("target", "Targets", targets.crud, "name"),
    ("campaign", "Campaigns", campaigns.crud, "name"),
    ("organization", "Organizations", organizations.crud, "name"),
    ("person", "People", people.crud, "name"),
    ("body", "Bodies", bodies.crud, "name"),
    ("vote", "Votes", votes.crud, "title"),
    ("meeting", "Meetings", meetings.crud, "summary"),
    ("action", "Actions", actions.crud, "title"),
    ("agency", "Agencies", agencies.crud, "name"),
    ("contract", "Contracts", contracts.crud, "title"),
    ("records_request", "Records requests", records_requests.crud, "subject"),
    ("press_hit", "Press", media.press_hits, "title"),
    ("media_contact", "Reporters", media.contacts, "name"),
    ("task", "Tasks", tasks.crud, "title"),
    ("jurisdiction", "Jurisdictions", jurisdictions.crud, "name"),
    ("vendor", "Vendors", contracts.vendors, "name"),
]


def search(session: Session, actor: Any, q: str) -> list[Group]:
    """Records of every concept matching the text, a few of each; only kinds with a match."""
    text = " ".join("".join(c for c in q if c.isprintable()).split())[:200]
    if not text:
        return []
    found = []
    for kind, label, crud, title in SEARCHED:
        stmt = crud.query(actor, ListQuery(q=text))
        column = getattr(crud.model, title)
        stmt = (stmt.with_only_columns(crud.model.id, column.label("title"))
                .order_by(column, crud.model.id).limit(PER_KIND + 1))
        rows = [dict(r._mapping) for r in session.execute(stmt)]
        if rows:
            found.append(Group(kind=kind, label=label, items=rows[:PER_KIND],
                               more=len(rows) > PER_KIND))
    return found
