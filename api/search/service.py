"""One search box for everything: each concept's search fields, through its full-text index, in
one statement."""

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.actions import service as actions
from api.agencies import service as agencies
from api.auth import permissions
from api.auth.models import User
from api.bodies import service as bodies
from api.campaigns import service as campaigns
from api.contracts import service as contracts
from api.crud import Crud, contains_text
from api.evidence import service as evidence
from api.i18n.catalogs import N_
from api.jurisdictions import service as jurisdictions
from api.known_outcomes import service as known_outcomes
from api.media import service as media
from api.meetings import service as meetings
from api.organizations import service as organizations
from api.people import service as people
from api.records_requests import service as records_requests
from api.search import fulltext
from api.sharing import service as sharing
from api.targets import service as targets
from api.tasks import service as tasks
from api.vendors import service as vendors
from api.votes import service as votes

PER_KIND = 8
MAX_LENGTH = 200
# Matches of one kind looked at, newest first on SQLite (in storage order on PostgreSQL). A
# word in most records would otherwise have every one of them checked and ranked; past this
# many, a kind's group links to its list, which searches them all.
SCAN = 200


@dataclass
class Group:
    kind: str
    label: str
    items: list[dict[str, Any]] = field(default_factory=list)
    more: bool = False


# kind, heading, crud, in the order results are shown; a record's title is the first of the
# crud's search fields.
SEARCHED: list[tuple[str, str, Crud[Any, Any]]] = [
    ("target", N_("Targets"), targets.crud),
    ("campaign", N_("Campaigns"), campaigns.crud),
    ("organization", N_("Organizations"), organizations.crud),
    ("person", N_("People"), people.crud),
    ("body", N_("Bodies"), bodies.crud),
    ("vote", N_("Votes"), votes.crud),
    ("meeting", N_("Meetings"), meetings.crud),
    ("action", N_("Actions"), actions.crud),
    ("agency", N_("Agencies"), agencies.crud),
    ("contract", N_("Contracts"), contracts.crud),
    ("records_request", N_("Records requests"), records_requests.crud),
    ("press_hit", N_("Press"), media.press_hits),
    ("media_contact", N_("Reporters"), media.contacts),
    ("task", N_("Tasks"), tasks.crud),
    ("jurisdiction", N_("Jurisdictions"), jurisdictions.crud),
    ("vendor", N_("Vendors"), vendors.crud),
    ("evidence_entry", N_("Evidence of misuse"), evidence.crud),
    ("known_outcome", N_("Outcomes elsewhere"), known_outcomes.crud),
    ("sharing_link", N_("Sharing links"), sharing.crud),
]


def indexed() -> dict[str, tuple[str, ...]]:
    """Each searched table and its search fields, as its full-text index must cover them."""
    return {crud.model.__tablename__: crud.search for _, _, crud in SEARCHED}


def clean(q: str) -> str:
    """The query as searched: printable characters, single spaces, at most MAX_LENGTH."""
    return " ".join("".join(c for c in q if c.isprintable()).split())[:MAX_LENGTH]


def search(session: Session, actor: User, q: str) -> list[Group]:
    """Records of every concept matching all the words, a few of each, those with the words in
    their title first; only kinds with a match, and only what the actor may read."""
    terms = fulltext.words(clean(q))
    if not terms:
        return []
    dialect = session.get_bind().dialect.name
    stmt = _statement(dialect, actor, len(terms))
    params: dict[str, Any] = {"query": (fulltext.sqlite_query(terms) if dialect == "sqlite"
                                        else fulltext.pg_query(terms))}
    for i, word in enumerate(terms):
        params[f"starts_{i}"] = f"{word}%"
        params[f"inside_{i}"] = f"% {word}%"
    # On the session's connection, not through the session: the statement applies the actor's
    # visibility itself, and the session's criteria would only repeat it, rebuilt per call.
    rows = session.connection().execute(stmt, params)
    groups: dict[int, Group] = {}
    for position, record_id, title in rows:
        group = groups.get(position)
        if group is None:
            kind, label, _ = SEARCHED[position]
            # "More" only from what the actor may read: the number of matches before that
            # would tell them of records they may not see.
            group = groups[position] = Group(kind=kind, label=label)
        if len(group.items) < PER_KIND:
            group.items.append({"id": record_id, "title": title})
        else:
            group.more = True
    return [groups[p] for p in sorted(groups)]


# Built statements by database, what the actor may see and the number of words: building one
# costs far more than running it.
_STATEMENTS: dict[tuple[Any, ...], sa.Select[Any]] = {}
_MAX_STATEMENTS = 512


def _statement(dialect: str, actor: User, words: int) -> sa.Select[Any]:
    key = (dialect, permissions.visibility_key(actor), words)
    kept = _STATEMENTS.get(key)
    if kept is not None:
        return kept
    if len(_STATEMENTS) >= _MAX_STATEMENTS:
        _STATEMENTS.clear()
    parts = [_part(dialect, position, crud, actor, words)
             for position, (_, _, crud) in enumerate(SEARCHED)]
    found = sa.union_all(*(sa.select(*p.subquery().c) for p in parts)).subquery()
    stmt = _STATEMENTS[key] = sa.select(
        found.c.position, found.c.id, found.c.title,
    ).order_by(found.c.position, found.c.score, found.c.title, found.c.id)
    return stmt


def _matches(dialect: str, crud: Crud[Any, Any]) -> sa.Select[Any]:
    """Ids of records matching the query, at most SCAN."""
    table = crud.model.__table__
    query = sa.bindparam("query", type_=sa.String)
    if dialect == "sqlite":
        name = fulltext.fts_table(table.name)
        fts = sa.table(name, sa.column("rowid"))
        # MATCH takes the FTS table itself, by name, not one of its columns.
        whole: sa.ColumnClause[Any] = sa.literal_column(f'"{name}"')
        return (sa.select(fts.c.rowid.label("id")).where(whole.op("MATCH")(query))
                .order_by(fts.c.rowid.desc()).limit(SCAN))
    document: sa.ColumnClause[Any] = sa.literal_column(
        fulltext.pg_document(crud.search, f'"{table.name}".'))
    tsquery = sa.func.to_tsquery(sa.literal_column(f"'{fulltext.PG_CONFIG}'::regconfig"), query)
    return sa.select(table.c.id).where(document.op("@@")(tsquery)).limit(SCAN)


def _part(dialect: str, position: int, crud: Crud[Any, Any], actor: User,
          words: int) -> sa.Select[Any]:
    """The best few matches of one kind the actor may read: each word starting a word of the
    title counts two, the title starting with the first word one more; then by title."""
    table = crud.model.__table__
    title = table.c[crud.search[0]]
    found = _matches(dialect, crud).subquery()
    in_title = [sa.case((sa.or_(contains_text(title, sa.bindparam(f"starts_{i}")),
                                contains_text(title, sa.bindparam(f"inside_{i}"))), 2),
                        else_=0) for i in range(words)]
    first = sa.case((contains_text(title, sa.bindparam("starts_0")), 1), else_=0)
    score = -sum(in_title, first)
    stmt = (sa.select(sa.literal(position).label("position"), table.c.id,
                      title.label("title"), score.label("score"))
            .select_from(found.join(table, table.c.id == found.c.id)))
    condition = permissions.visible(crud.model, actor)
    if condition is not None:
        stmt = stmt.where(condition)
    guards = [permissions.visible_field(crud.model, name, actor) for name in crud.search[1:]]
    if any(guard is not None for guard in guards):
        # A record found by words in a field the actor may not read (an organization's
        # notes) would tell what the field says: it counts only when the title holds them.
        readable = sa.and_(*(guard for guard in guards if guard is not None))
        stmt = stmt.where(sa.or_(readable, sa.and_(*(inside > 0 for inside in in_title))))
    return stmt.order_by(score, title, table.c.id).limit(PER_KIND + 1)
