"""Saved searches: a user keeps a search under a name, finds it again on a page of their own and
may be told of each new record it finds. They are their owner's alone: anyone else's id
answers as one that does not exist. An alert is written only from what its owner may read,
found by running the search as them."""

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.alerts.models import (
    SAVED_SEARCH,
    AlertOutbox,
    AlertPreference,
    Channel,
    EmailMode,
    OutboxStatus,
)
from api.alerts.planner import insert_ignoring_duplicates, message_id_for
from api.auth import permissions, scoping
from api.auth.models import User
from api.crud import Crud, ListQuery
from api.errors import NO_SUCH, Invalid, NotFound, Term
from api.fields import MAX_INT, stored_id
from api.i18n.catalogs import N_
from api.search import fulltext
from api.search.models import (
    NAME_LENGTH,
    QUERY_LENGTH,
    SavedSearch,
    SavedSearchCreate,
    SavedSearchMatch,
    SavedSearchRead,
    SavedSearchUpdate,
)
from api.search.service import SEARCHED, clean

SUBJECT = SAVED_SEARCH
# Records of one kind a check looks at, newest first: a search matching more than this many new
# records at once tells of these and remembers the rest at the next check.
SCAN = 200
MAX_FILTERS = 10
MAX_SAVED = 200
# The list page of each searched kind.
PAGES = {"target": "targets", "campaign": "campaigns", "organization": "organizations",
         "person": "people", "body": "bodies", "vote": "votes", "meeting": "meetings",
         "action": "actions", "agency": "agencies", "contract": "contracts",
         "records_request": "records-requests", "press_hit": "press",
         "media_contact": "media-contacts", "task": "tasks", "jurisdiction": "jurisdictions",
         "vendor": "vendors", "evidence_entry": "evidence",
         "known_outcome": "outcomes-elsewhere", "sharing_link": "sharing-links"}
KINDS: dict[str, tuple[str, Crud[Any, Any]]] = {
    kind: (label, crud) for kind, label, crud in SEARCHED}
TRUE, FALSE = {"true", "1", "on", "yes"}, {"false", "0", "off", "no"}


def _coerced(kind: str, crud: Crud[Any, Any], name: str, value: Any) -> Any:
    """A filter's value as its column holds it; refused with a message when it cannot be."""
    if name not in crud.filters:
        raise Invalid(N_("The {value} list cannot be filtered by '{name}'."),
                      value=KINDS[kind][0].lower(), name=name,
                      field="filters")
    python_type = crud.model.__table__.c[name].type.python_type
    text = str(value).strip()
    if python_type is bool:
        if isinstance(value, bool):
            return value
        if text.lower() in TRUE | FALSE:
            return text.lower() in TRUE
        raise Invalid(N_("The filter '{name}' is yes or no."), name=name, field="filters")
    if python_type is int:
        # ASCII digits, at most as many as an id has, checked before int() reads them: "²" is
        # a digit to str.isdigit, and int() refuses a few thousand of them with an error.
        if isinstance(value, int) and not isinstance(value, bool) \
                or re.fullmatch(r"[0-9]{1,10}", text):
            number = int(text)
            if 0 < number <= MAX_INT:
                return number
        raise Invalid(N_("The filter '{name}' is a record's id (a whole number)."),
                      name=name, field="filters")
    if not text or len(text) > QUERY_LENGTH:
        raise Invalid(N_("The filter '{name}' needs a value of at most {query_length} "
                         "characters."), name=name, query_length=QUERY_LENGTH,
                      field="filters")
    return text


def _name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise Invalid(N_("Give the search a name."), field="name")
    if len(name) > NAME_LENGTH:
        raise Invalid(N_("A name is at most {name_length} characters."),
                      name_length=NAME_LENGTH, field="name")
    return name


def _validated(data: SavedSearchCreate) -> dict[str, Any]:
    name = _name(data.name)
    if len(data.query) > QUERY_LENGTH:
        raise Invalid(N_("A search is at most {query_length} characters."),
                      query_length=QUERY_LENGTH, field="query")
    query = clean(data.query)
    if data.kind and data.kind not in KINDS:
        raise Invalid(N_("There is no list named '{kind}' to search."),
                      kind=data.kind, field="kind")
    if data.filters and not data.kind:
        raise Invalid(N_("Filters belong to one list: say which (kind)."), field="filters")
    if len(data.filters) > MAX_FILTERS:
        raise Invalid(N_("At most {max_filters} filters."),
                      max_filters=MAX_FILTERS, field="filters")
    filters = ({name: _coerced(data.kind, KINDS[data.kind][1], name, value)
                for name, value in data.filters.items()} if data.kind else {})
    if not fulltext.words(query) and not filters:
        raise Invalid(N_("Enter words to search for, or choose a filter.") if data.kind
                      else N_("Enter words to search for."), field="query")
    return {"name": name, "query": query, "kind": data.kind, "filters": filters,
            "alert": data.alert}


def url_of(saved: SavedSearch) -> str:
    """Where the search is run again: the search page, or its list with its filters."""
    params = {"q": saved.query} if saved.query else {}
    if not saved.kind:
        return "/search?" + urlencode(params)
    params.update({name: str(value).lower() if isinstance(value, bool) else str(value)
                   for name, value in saved.filters.items()})
    return f"/{PAGES[saved.kind]}" + (f"?{urlencode(params)}" if params else "")


def to_read(saved: SavedSearch) -> SavedSearchRead:
    return SavedSearchRead(id=stored_id(saved), name=saved.name, query=saved.query,
                           kind=saved.kind, filters=saved.filters, alert=saved.alert,
                           url=url_of(saved), created_at=saved.created_at)


def listed(session: Session, actor: User) -> list[SavedSearch]:
    """The actor's own saved searches, by name."""
    return list(session.exec(select(SavedSearch).where(SavedSearch.user_id == actor.id)
                             .order_by(SavedSearch.name, SavedSearch.id)).all())


def get(session: Session, actor: User, saved_id: int) -> SavedSearch:
    """One of the actor's saved searches; anyone else's answers as a missing one, whatever
    their role."""
    found = session.get(SavedSearch, saved_id)
    if found is None or found.user_id != actor.id:
        raise NotFound(NO_SUCH, noun=Term(N_("saved search")), id=saved_id)
    return found


def create(session: Session, actor: User, data: SavedSearchCreate) -> SavedSearch:
    values = _validated(data)
    count = session.execute(sa.select(sa.func.count()).select_from(SavedSearch)
                            .where(SavedSearch.user_id == actor.id)).scalar_one()
    if count >= MAX_SAVED:
        raise Invalid(N_("You have {max_saved} saved searches: delete one you no longer use."),
                      max_saved=MAX_SAVED,
                      field="name")
    # One's own row, whoever one is (a viewer too): the owner is the actor, checked here.
    assert actor.id is not None
    with scoping.as_system(session):
        saved = SavedSearch(user_id=actor.id, **values)
        session.add(saved)
        session.flush()
        # What it finds today is known already: only what comes later is news.
        _remember(session, saved, matches(session, actor, saved))
    return saved


def update(session: Session, actor: User, saved_id: int, data: SavedSearchUpdate) -> SavedSearch:
    saved = get(session, actor, saved_id)
    changes = data.model_dump(exclude_unset=True)
    with scoping.as_system(session):
        if changes.get("name") is not None:
            saved.name = _name(changes["name"])
        if changes.get("alert") is not None and changes["alert"] != saved.alert:
            saved.alert = changes["alert"]
            if saved.alert:
                # Turned on: what it finds now was there before; tell only of what comes.
                _remember(session, saved, matches(session, actor, saved))
        saved.updated_at = clock.now()
        session.add(saved)
        session.flush()
    return saved


def delete(session: Session, actor: User, saved_id: int) -> None:
    saved = get(session, actor, saved_id)
    with scoping.as_system(session):
        # Its alerts not sent yet go with it.
        session.execute(sa.update(AlertOutbox).where(
            AlertOutbox.subject_kind == SUBJECT, AlertOutbox.subject_id == saved.id,
            AlertOutbox.status.in_([OutboxStatus.pending, OutboxStatus.paused]))
            .values(status=OutboxStatus.cancelled, note="Its saved search was deleted.",
                    updated_at=clock.now()))
        session.delete(saved)
        session.flush()


# ---- finding what is new -----------------------------------------------------------------

def matches(session: Session, reader: User, saved: SavedSearch,
            limit: int = SCAN) -> list[tuple[str, int, str]]:
    """(kind, id, title) of the records the search finds that the reader may read, newest
    first in each kind."""
    words = fulltext.words(saved.query)
    found: list[tuple[str, int, str]] = []
    for kind, (_, crud) in KINDS.items():
        if saved.kind and kind != saved.kind:
            continue
        model = crud.model
        stmt = crud.query(reader, ListQuery(filters=dict(saved.filters)))
        if words:
            stmt = stmt.where(crud.has_words(words, reader))
        condition = permissions.visible(model, reader)
        if condition is not None:
            stmt = stmt.where(condition)
        title = getattr(model, crud.search[0])
        stmt = stmt.with_only_columns(model.id, title).order_by(model.id.desc()).limit(limit)
        found.extend((kind, record_id, text or "")
                     for record_id, text in session.execute(stmt).all())
    return found


def _remember(session: Session, saved: SavedSearch,
              found: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """Keeps what the search found; returns those it had not found before."""
    seen = {(kind, record_id) for kind, record_id in session.execute(
        sa.select(SavedSearchMatch.kind, SavedSearchMatch.record_id)
        .where(SavedSearchMatch.saved_search_id == saved.id))}
    new = [(kind, record_id, title) for kind, record_id, title in found
           if (kind, record_id) not in seen]
    assert saved.id is not None
    for kind, record_id, _ in new:
        session.add(SavedSearchMatch(saved_search_id=saved.id, kind=kind, record_id=record_id))
    saved.checked_at = clock.now()
    session.add(saved)
    session.flush()
    return new


def _channels(session: Session, user: User) -> list[tuple[Channel, bool]]:
    """(channel, via the digest) as the user's alert preferences route alerts."""
    pref = session.exec(select(AlertPreference)
                        .where(AlertPreference.user_id == user.id)).first()
    out: list[tuple[Channel, bool]] = []
    if pref is None or pref.in_app:
        out.append((Channel.in_app, False))
    mode = pref.email_mode if pref else EmailMode.immediate
    if mode != EmailMode.off:
        out.append((Channel.email, mode == EmailMode.digest))
    return out


def alert_new_matches(session: Session, *, now: datetime | None = None) -> int:
    """For each saved search with alerts on, whose owner's account is active: the records it
    finds, as its owner may read them, that it had not found before, each queued as an alert to
    the owner on the channels their preferences leave on. Returns the alerts queued."""
    now = now or clock.now()
    queued = 0
    wanted = session.exec(select(SavedSearch, User).join(User, User.id == SavedSearch.user_id)
                          .where(SavedSearch.alert, User.is_active)
                          .order_by(SavedSearch.id)).all()
    for saved, owner in wanted:
        new = _remember(session, saved, matches(session, owner, saved))
        if not new:
            continue
        channels = _channels(session, owner)
        zone = clock.home_zone().key
        rows = []
        for kind, record_id, title in new:
            for channel, via_digest in channels:
                key = f"saved{saved.id}|{kind}:{record_id}|u{owner.id}|{channel.value}"
                rows.append({
                    "dedupe_key": key, "series": "", "message_id": message_id_for(key),
                    "rule_id": None, "campaign_id": None, "subject_kind": SUBJECT,
                    "subject_id": saved.id, "occurrence": f"{kind}:{record_id}",
                    "channel": channel.value, "user_id": owner.id, "endpoint_id": None,
                    "via_digest": via_digest,
                    "title": f"New for “{saved.name}”: {title or KINDS[kind][0]}"[:300],
                    "place": "", "link": f"/{PAGES[kind]}/{record_id}", "zone": zone,
                    "event_at": None, "all_day": False, "due_at": now, "next_attempt_at": now,
                    "status": OutboxStatus.pending.value, "attempts": 0, "claimed_by": "",
                    "late": False, "last_error": "", "note": "", "created_at": now,
                    "updated_at": now})
        insert_ignoring_duplicates(session, rows)
        # Each row is of a record not found before, so new; a driver may not say how many rows
        # a multi-row insert wrote (PostgreSQL's answers -1).
        queued += len(rows)
    session.flush()
    return queued
