"""What every agenda platform gives back: meetings with their agenda items, in local time."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class AgendaItem:
    item_id: str
    sequence: int
    number: str
    title: str
    # Every text of the item worth searching: title, matter name, recommended action, notes.
    texts: tuple[str, ...]
    matter_file: str = ""
    matter_type: str = ""
    consent: bool = False
    # The matter the item is about; the same when the item is continued to another meeting.
    matter_id: str = ""


@dataclass(frozen=True)
class AgendaEvent:
    event_id: str
    body_name: str
    # Wall-clock time where the body meets (naive); the body's timezone makes it an instant.
    starts: datetime
    time_text: str = ""
    location: str = ""
    agenda_url: str = ""
    event_url: str = ""
    items: tuple[AgendaItem, ...] = field(default_factory=tuple)
    # The platform says the meeting will not take place.
    cancelled: bool = False


@dataclass(frozen=True)
class ItemOutcome:
    """What became of an agenda item once its meeting was held."""

    item_id: str
    # True passed, False failed, None: the platform records no result (yet).
    passed: bool | None
    action: str = ""
    # Each member's name and vote as the platform writes them ("Yes", "No", "Absent").
    votes: tuple[tuple[str, str], ...] = ()
    # The meeting put the item off (continued, deferred, referred) instead of deciding it.
    deferred: bool = False
    # How the platform counted it ("8:3") and who moved it, where it says.
    tally: str = ""
    mover: str = ""


class AgendaSource(Protocol):
    """A platform a body publishes its agendas on (Legistar today; PrimeGov, CivicClerk or a
    Granicus RSS feed can follow by giving back the same shapes)."""

    kind: str

    def upcoming(self, *, since: date) -> list[AgendaEvent]:
        """The body's meetings on or after `since`, each with the items on its agenda.
        Raises OutsideError when the platform cannot be read."""
        ...

    def outcomes(self, items: list[tuple[str, str]]) -> list[ItemOutcome]:
        """The results of these (event id, item id) pairs, of meetings already held.
        Raises OutsideError when the platform cannot be read."""
        ...
