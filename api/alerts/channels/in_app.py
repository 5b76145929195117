"""In-app notifications: written in the same transaction that marks the alert sent, so each
alert lands in the list exactly once."""

from datetime import datetime

from sqlmodel import Session

from api.alerts.channels import Told
from api.alerts.models import AlertOutbox, Notification


def notify(session: Session, row: AlertOutbox, told: Told, *, now: datetime) -> Notification:
    if row.user_id is None:
        raise ValueError("an in-app alert is written for an account, and this one names none")
    detail = " · ".join(p for p in (told.when, told.place) if p)
    note = Notification(user_id=row.user_id, outbox_id=row.id, title=told.headline[:300],
                        body=detail[:2000], link=row.link, created_at=now, updated_at=now)
    session.add(note)
    return note
