"""How a records request's deadline reads on a page: days left, days overdue, paused or closed,
in words (never colour alone), for lists, CSV and the request's own page."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from api.i18n.catalogs import N_, ngettext
from api.i18n.catalogs import gettext as _
from api.records_requests import service as records_requests
from api.records_requests.deadlines import Countdown
from api.records_requests.models import CLOSED_STATUSES, Deadline
from web.words import humanize

# The kinds of answer a records law sets a deadline for (campaigns/records_laws.yaml), as the
# request's page names them: humanize says them in the reader's language.
DEADLINE_KINDS = (
    N_("acknowledgement"), N_("as soon as practicable"), N_("certification"),
    N_("certification or ag request"), N_("deemed denial"), N_("determination"),
    N_("good faith delay max"), N_("none"), N_("production"), N_("prompt"), N_("promptly"),
    N_("reasonable time"), N_("response"),
)


def countdown_label(*, clock: str, status: str, days_left: int | None,
                    days_overdue: int | None) -> tuple[str, str]:
    """The words for where a request stands, and the tone they are shown in."""
    if clock == "running" and days_overdue:
        return ngettext("Overdue: %(num)d day", "Overdue: %(num)d days",
                        days_overdue) % {"num": days_overdue}, "overdue"
    if clock == "running" and days_left is not None:
        if days_left == 0:
            return _("Due today"), "soon-text"
        left = ngettext("%(num)d day left", "%(num)d days left", days_left) % {"num": days_left}
        return left, "soon-text" if days_left <= 3 else "muted"
    if clock == "paused":
        return _("Paused: waiting on the requester"), "muted"
    if clock == "met":
        return _("Answered in time"), "muted"
    if clock == "not_started":
        return _("Not sent yet"), "muted"
    if clock == "no_fixed_deadline":
        return _("No fixed deadline"), "muted"
    if status in CLOSED_STATUSES:
        return _("Closed ({status})").format(status=humanize(status)), "muted"
    return _("No clock running ({status})").format(status=humanize(status)), "muted"


@dataclass(frozen=True)
class CountdownWords:
    """Where a request stands in words, and the tone (a class name) they are shown in."""
    text: str
    tone: str


def countdown_words(state: Countdown | Deadline, status: Any) -> CountdownWords:
    """Where a request stands in words, and the tone they are shown in."""
    text, tone = countdown_label(clock=state.clock, status=str(getattr(status, "value", status)),
                                 days_left=state.days_left, days_overdue=state.days_overdue)
    return CountdownWords(text, tone)


def annotate(session: Session, rows: list[dict[str, Any]]) -> None:
    """Adds each listed request's countdown, and flags the overdue rows."""
    found = records_requests.countdowns(session, rows) if rows else {}
    for row in rows:
        state = found[row["id"]]
        row["countdown"] = countdown_words(state, row["status"])
        if state.overdue:
            row["row_class"] = "overdue-row"
