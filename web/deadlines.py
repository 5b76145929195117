"""How a records request's deadline reads on a page: days left, days overdue, paused or closed,
in words (never colour alone), for lists, CSV and the request's own page."""

from typing import Any

from sqlmodel import Session

from api.records_requests import service as records_requests
from api.records_requests.models import CLOSED_STATUSES


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def countdown_label(*, clock: str, status: str, days_left: int | None,
                    days_overdue: int | None) -> tuple[str, str]:
    """The words for where a request stands, and the tone they are shown in."""
    if clock == "running" and days_overdue:
        return f"Overdue: {_days(days_overdue)}", "overdue"
    if clock == "running" and days_left is not None:
        if days_left == 0:
            return "Due today", "soon-text"
        return f"{_days(days_left)} left", "soon-text" if days_left <= 3 else "muted"
    if clock == "paused":
        return "Paused: waiting on the requester", "muted"
    if clock == "met":
        return "Answered in time", "muted"
    if clock == "not_started":
        return "Not sent yet", "muted"
    if clock == "no_fixed_deadline":
        return "No fixed deadline", "muted"
    if status in CLOSED_STATUSES:
        return f"Closed ({status.replace('_', ' ')})", "muted"
    return f"No clock running ({status.replace('_', ' ')})", "muted"


def annotate(session: Session, rows: list[dict[str, Any]]) -> None:
    """Adds each listed request's countdown, and flags the overdue rows; rows that already
    carry where they stand ("deadline") are not counted again."""
    missing = [row for row in rows if "deadline" not in row]
    found = records_requests.countdowns(session, missing) if missing else {}
    for row in rows:
        state = row["deadline"] if "deadline" in row else found[row["id"]]
        status = str(getattr(row["status"], "value", row["status"]))
        text, tone = countdown_label(clock=state.clock, status=status,
                                     days_left=state.days_left,
                                     days_overdue=state.days_overdue)
        row["countdown"] = {"text": text, "tone": tone}
        if state.overdue:
            row["row_class"] = "overdue-row"
