"""The years a date of each kind may fall in: one rule per kind, declared here once and used by
every path that takes such a date (forms, the JSON API, the playbooks, imports)."""

from dataclasses import dataclass
from datetime import date, datetime

from api import clock
from api.i18n.catalogs import N_
from api.i18n.validation_words import Refusal

OUT_OF_RANGE = N_("Enter a date between {first} and {last}.")


@dataclass(frozen=True)
class YearWindow:
    """The years a date may fall in: from `back` years before this one (or from the fixed year
    `first`) to `ahead` years after it. Outside them a date is a slip of the keyboard (0001 for
    2026, 9999) that would date every step, deadline or reminder off any calendar."""

    ahead: int
    back: int | None = None
    first: int | None = None

    def years(self, today: date | None = None) -> tuple[int, int]:
        year = (today or clock.now().date()).year
        first = self.first if self.first is not None else year - (self.back or 0)
        return first, year + self.ahead

    def refusal(self, day: date | datetime | None, today: date | None = None) -> Refusal | None:
        """Why the date cannot be taken, to be said in the reader's language; None if it can."""
        if day is None:
            return None
        first, last = self.years(today)
        if first <= day.year <= last:
            return None
        # The years as digits (2016, not 2.016), whatever the reader's shape of numbers.
        return Refusal(OUT_OF_RANGE, first=str(first), last=str(last))

    def problem(self, day: date | datetime | None, today: date | None = None) -> str | None:
        """Why the date cannot be taken, in the reader's language; None if it can."""
        refusal = self.refusal(day, today)
        return None if refusal is None else refusal.said()

    def check(self, day: date | datetime | None) -> date | datetime | None:
        """For a schema's field validator: the date as given, or a refusal saying why not in
        the language of whoever reads it (validation may run before a reader's is known)."""
        refusal = self.refusal(day)
        if refusal is not None:
            raise refusal
        return day


# What happens in a campaign's time: votes, meetings with officials, a campaign's own dates and
# the steps counted from them. A decade either way holds every campaign a coalition runs or
# looks back on.
HAPPENINGS = YearWindow(back=10, ahead=10)
# A contract's dates: the history a campaign digs up goes back to the first camera contracts,
# and a long agreement (with its renewals) runs decades ahead.
CONTRACT_DATES = YearWindow(first=1990, ahead=30)
