"""An erased person taken out of the search index as well as the table (api.accounts.erasure
calls it)."""

import sqlalchemy as sa
from sqlmodel import Session

from api.db import table_of
from api.people import service as people
from api.search import fulltext


def forget_person(session: Session, person_id: int) -> None:
    """An erased person's words leave the SQLite index for good. Deleting the row only marks
    its entries deleted; the words stay in the index's older segments until a merge, so the
    searched fields are blanked first and the index merged whole (about half a second for a
    hundred thousand people). PostgreSQL's index drops them at the VACUUM erasure runs."""
    if session.get_bind().dialect.name != "sqlite":
        return
    table = table_of(people.crud.model)
    blank = {name: "" if not table.c[name].nullable else None for name in people.crud.search}
    session.execute(sa.update(table).where(table.c.id == person_id).values(blank))
    session.execute(sa.text(fulltext.sqlite_optimize(table.name)))
