"""Queues many due alerts at once, straight into the outbox, for the process tests and the
benchmark (planning is tested elsewhere; these exercise claiming and sending)."""

from datetime import datetime
from typing import Any

from sqlmodel import Session

from api.alerts.models import TEST, Channel, OutboxStatus
from api.alerts.planner import insert_ignoring_duplicates, message_id_for


def _row(key: str, *, channel: Channel, due_at: datetime, user_id: int | None,
         endpoint_id: int | None, number: int) -> dict[str, Any]:
    return {
        "dedupe_key": key, "series": "", "message_id": message_id_for(key),
        "subject_kind": TEST, "subject_id": number, "occurrence": str(number),
        "channel": channel.value, "user_id": user_id, "endpoint_id": endpoint_id,
        "via_digest": False, "title": f"Bulk alert {number}", "place": "", "link": "/alerts",
        "zone": "UTC", "event_at": None, "all_day": False, "due_at": due_at,
        "next_attempt_at": due_at, "status": OutboxStatus.pending.value, "attempts": 0,
        "claimed_by": "", "late": False, "last_error": "", "note": "",
        "created_at": due_at, "updated_at": due_at,
    }


def queue(session: Session, *, count: int, due_at: datetime, channel: Channel,
          user_id: int | None = None, endpoint_id: int | None = None,
          prefix: str = "bulk") -> list[str]:
    """Queue `count` due alerts; returns their message ids (the webhook-ids)."""
    rows = [_row(f"{prefix}|{channel}|{n}", channel=channel, due_at=due_at, user_id=user_id,
                 endpoint_id=endpoint_id, number=n) for n in range(count)]
    insert_ignoring_duplicates(session, rows)
    session.commit()
    return [row["message_id"] for row in rows]
