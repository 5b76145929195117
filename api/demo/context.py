"""What the parts of the demo share while loading: the session, the acting user, dates, ids."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api import clock
from api.auth.models import User
from api.fields import Stored, stored_id

ZONE = "America/Los_Angeles"


@dataclass
class Demo:
    """The loading demo: every record made is kept under a short key ("org.privacy") so later
    parts can refer to it."""

    session: Session
    actor: User
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(ZONE))
    ids: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key: str) -> int:
        return self.ids[key]

    def keep(self, key: str, record: Stored) -> int:
        record_id = stored_id(record)
        self.ids[key] = record_id
        return record_id

    def day(self, offset: int) -> date:
        """A date relative to Riverton's today, so the demo never goes stale and a step dated
        "the day of the vote" falls on the vote's local day."""
        return clock.today(self.zone) + timedelta(days=offset)

    def local_at(self, offset: int, hour: int, minute: int = 0) -> datetime:
        """A naive wall-clock time in Riverton, days from Riverton's today; the services
        localize it to the body's or the campaign's timezone."""
        return datetime.combine(clock.today(self.zone) + timedelta(days=offset), time(hour, minute))
