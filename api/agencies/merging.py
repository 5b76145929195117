"""Two agencies kept that are one: everything that points at the one folded in moves to the
one kept, what the kept one lacks it takes from the other, and the folded one goes away."""

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from api import clock
from api.agencies import service as agencies
from api.agencies.models import Agency, AgencyAlias, AgencyBase
from api.auth import audit, permissions
from api.auth.models import User, Visibility
from api.db import rows_changed, table_of
from api.errors import Invalid
from api.fields import stored_id
from api.i18n.catalogs import N_

# Rows that name an agency by its kind and id, not through a foreign key: (table, the column
# holding the kind, the column holding the id). Every foreign key to agency.id is found in
# the metadata itself (`references`), so a new one is never left behind.
NAMED_BY_KIND = (("document", "attached_kind", "attached_id"),
                 ("public_page_item", "kind", "record_id"),
                 ("saved_search_match", "kind", "record_id"))
# What the kept agency never takes from the folded one: what it is called, whose it is, who
# reads it, and the bookkeeping of its own row.
OWN_FIELDS = frozenset({"name", "owner_organization_id", "visibility"})
LINKS_AT_MOST = 50
NOTES_AT_MOST = 20_000

SAME_AGENCY = N_("Choose two different agencies: an agency cannot be merged into itself.")
OTHER_STATE = N_("Choose an agency of the same state: “{folded}” and “{kept}” are in different "
                 "states.")
NOTES_TOO_LONG = N_("The two agencies' notes together are longer than one agency's notes may "
                    "be: shorten the notes of one of them, then merge.")
NARROWER = N_("“{kept}” is shared more narrowly than “{folded}” or the records that point at "
              "it: merged, some organizations could no longer read their own records. Share "
              "“{kept}” at least as widely first, or merge the other way.")


@dataclass
class Merged:
    kept: Agency
    folded_id: int
    folded_name: str
    # Rows repointed at the kept agency, and rows dropped as the kept one already had them,
    # by table.
    moved: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    # Fields of the kept agency filled from the folded one.
    filled: list[str] = field(default_factory=list)


def references() -> list[sa.Column[Any]]:
    """Every column of every table with a foreign key to agency.id."""
    agency = table_of(Agency)
    return [fk.parent for table in SQLModel.metadata.sorted_tables
            for fk in table.foreign_keys if fk.column.table is agency]


def _unique_sets(table: sa.Table, column: sa.Column[Any]) -> list[list[sa.Column[Any]]]:
    """The other columns of each unique key of the table that holds `column`: rows of the
    folded agency that match a row of the kept one on them would break the key once moved."""
    keys = [list(table.primary_key.columns)]
    keys += [list(c.columns) for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    keys += [list(i.columns) for i in table.indexes if i.unique]
    return [[c for c in key if c is not column] for key in keys
            if any(c is column for c in key) and len(key) > 1]


def _repoint(session: Session, table: sa.Table, column: sa.Column[Any], *, keep: int,
             fold: int, only: sa.ColumnElement[bool] | None = None) -> tuple[int, int]:
    """Moves the rows of `table` naming the folded agency to the kept one, first dropping
    those the kept agency already has (the kept agency's row wins). Written as statements on
    the table, not through the reader's eyes: a merge moves every row, also those of other
    organizations the merging lead may not read, or the folded agency could not go."""
    extra = [only] if only is not None else []
    dropped = 0
    for others in _unique_sets(table, column):
        twin = table.alias("twin")
        same = sa.and_(twin.c[column.name] == keep, *(twin.c[c.name] == c for c in others))
        dropped += rows_changed(session, sa.delete(table).where(
            column == fold, *extra,
            sa.exists(sa.select(sa.literal(1)).select_from(twin).where(same))))
    moved = rows_changed(session, sa.update(table).where(column == fold, *extra)
                         .values({column.name: keep}))
    return moved, dropped


def _fill(kept: Agency, folded: Agency) -> list[str]:
    """What the kept agency does not say and the folded one does, taken over; its sources
    joined. Only from an agency shared at least as widely, so a merge never widens who reads
    what one organization kept to itself."""
    if permissions.wider_than(kept.visibility, folded.visibility):
        return []
    filled = []
    for name in AgencyBase.model_fields:
        if name in OWN_FIELDS:
            continue
        mine, theirs = getattr(kept, name), getattr(folded, name)
        if name == "source_links":
            joined = list(dict.fromkeys([*(mine or []), *(theirs or [])]))[:LINKS_AT_MOST]
            if joined != list(mine or []):
                kept.source_links = joined
                filled.append(name)
        elif name == "notes" and mine and theirs and theirs.strip() not in mine:
            # Both said something: the folded agency's notes follow the kept one's.
            notes = f"{mine.rstrip()}\n\n{theirs.strip()}"
            if len(notes) > NOTES_AT_MOST:
                raise Invalid(NOTES_TOO_LONG, field="fold_id", folded=folded.name)
            kept.notes = notes
            filled.append(name)
        elif mine in (None, "", "unknown") and theirs not in (None, "", "unknown"):
            setattr(kept, name, theirs)
            filled.append(name)
    return filled


def _pointing(session: Session, fold_id: int) -> list[tuple[Any, Any]]:
    """(owner organization, visibility) of every owned row that points at the folded agency,
    once each: those whose readers must still read the agency their rows point at."""
    found: set[tuple[Any, Any]] = set()
    tables: list[tuple[sa.Table, sa.Column[Any], sa.ColumnElement[bool] | None]] = [
        (c.table, c, None) for c in references()]
    tables += [(SQLModel.metadata.tables[name], SQLModel.metadata.tables[name].c[record],
                SQLModel.metadata.tables[name].c[kind] == "agency")
               for name, kind, record in NAMED_BY_KIND]
    specs = {table_of(model).name: spec for model, spec in permissions.owned().items()}
    for table, column, only in tables:
        spec = specs.get(table.name)
        if spec is None:
            continue
        query = sa.select(table.c[spec.owner], table.c[spec.visibility]).distinct().where(
            column == fold_id, *([only] if only is not None else []))
        found.update(tuple(row) for row in session.execute(query).all())
    return sorted(found, key=repr)


def narrowing(session: Session, kept: Agency, folded: Agency) -> bool:
    """Whether folding `folded` into `kept` would leave someone unable to read a record they
    read now: the folded agency, or a row pointing at it, shared more widely than the kept
    agency, or kept by an organization that does not read the kept one."""
    needed = [(folded.owner_organization_id, folded.visibility),
              *_pointing(session, stored_id(folded))]
    shared = not permissions.wider_than(Visibility.coalition, kept.visibility)
    for owner, visibility in needed:
        if permissions.wider_than(visibility, kept.visibility):
            return True
        if not shared and owner is not None and owner != kept.owner_organization_id:
            return True
    return False


def refusal(session: Session, kept: Agency, folded: Agency) -> Invalid | None:
    """Why the two agencies may not be merged this way round, or None."""
    names = {"kept": kept.name, "folded": folded.name}
    if kept.state_code and folded.state_code and kept.state_code != folded.state_code:
        return Invalid(OTHER_STATE, field="fold_id", **names)
    if narrowing(session, kept, folded):
        return Invalid(NARROWER, field="fold_id", **names)
    return None


def merge(session: Session, actor: User, *, keep_id: int, fold_id: int) -> Merged:
    """Folds agency `fold_id` into `keep_id`. Either id the actor may not read answers as no
    such agency; only the coalition's leads merge, and only agencies they may change. The
    caller commits."""
    if keep_id == fold_id:
        raise Invalid(SAME_AGENCY, field="fold_id")
    kept = agencies.crud.get(session, actor, keep_id)
    folded = agencies.crud.get(session, actor, fold_id)
    permissions.require_agency_merge(actor, kept, folded)
    refused = refusal(session, kept, folded)
    if refused is not None:
        raise refused
    merged = Merged(kept=kept, folded_id=fold_id, folded_name=folded.name)
    merged.filled = _fill(kept, folded)
    session.flush()
    for column in references():
        moved, dropped = _repoint(session, column.table, column, keep=keep_id, fold=fold_id)
        _count(merged, column.table.name, moved, dropped)
    _drop_self_references(session, merged, keep_id)
    for name, kind, record in NAMED_BY_KIND:
        table = SQLModel.metadata.tables[name]
        moved, dropped = _repoint(session, table, table.c[record], keep=keep_id, fold=fold_id,
                                  only=table.c[kind] == "agency")
        _count(merged, name, moved, dropped)
    # What the folded agency went by stays with the kept one, so a dataset imported again
    # finds the kept agency under it rather than making the folded one anew.
    session.add(AgencyAlias(agency_id=keep_id, name=folded.name, state_code=folded.state_code,
                            atlas_id=folded.atlas_id, ori=folded.ori))
    session.flush()
    # Read afresh: rows loaded before the statements above still name the folded agency.
    session.expire_all()
    folded = agencies.crud.get(session, actor, fold_id)
    session.delete(folded)
    kept = agencies.crud.get(session, actor, keep_id)
    kept.updated_at = clock.now()
    session.add(kept)
    session.flush()
    merged.kept = kept
    _log(session, merged, folded)
    return merged


def _drop_self_references(session: Session, merged: Merged, keep_id: int) -> None:
    """A row linking two agencies (one sharing its reads with the other) that linked the two
    merged would now link the kept agency to itself, which says nothing: it goes."""
    by_table: dict[sa.Table, list[sa.Column[Any]]] = {}
    for column in references():
        by_table.setdefault(column.table, []).append(column)
    for table, columns in by_table.items():
        if len(columns) > 1:
            dropped = rows_changed(session, sa.delete(table).where(
                *(column == keep_id for column in columns)))
            _count(merged, table.name, 0, dropped)


def _count(merged: Merged, table: str, moved: int, dropped: int) -> None:
    if moved:
        merged.moved[table] = merged.moved.get(table, 0) + moved
    if dropped:
        merged.dropped[table] = merged.dropped.get(table, 0) + dropped


def _log(session: Session, merged: Merged, folded: Agency) -> None:
    """One entry on the kept agency, read by those who may read both agencies' names: at the
    narrower of the two visibilities."""
    kept = merged.kept
    narrower = permissions.wider_than(kept.visibility, folded.visibility)
    source = folded if narrower else kept
    audit.record(session, action="merge", record_kind="agency", record_id=stored_id(kept),
                 organization_id=source.owner_organization_id,
                 visibility=Visibility(source.visibility),
                 changes={"merged": {"id": merged.folded_id, "name": merged.folded_name},
                          "moved": merged.moved, "dropped": merged.dropped,
                          "filled": merged.filled})
