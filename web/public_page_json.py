"""A published page as JSON for anyone: what its HTML shows, field for field, and no more."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from api.fields import stored_id
from api.public_pages.comment_words import comment_words
from api.public_pages.service import HowToComment, PublicView, Shown
from web.words import humanize, stance_words


def page_json(view: PublicView, *, locale: str, asks: list[dict[str, Any]],
              feed: dict[str, str]) -> dict[str, Any]:
    """The page's content in a language; times are instants in UTC beside the wall clock
    where they happen."""
    slug = view.page.slug
    return {
        "language": locale,
        "address": f"/p/{slug}",
        "campaign": view.campaign.name,
        "place": view.place,
        "timezone": view.zone.key,
        "intro": view.page.intro,
        "asks": asks,
        "votes": [_vote(s, slug, view, comment_words(s.extra.get("comment")))
                  for s in view.votes],
        "calendar": feed if view.votes else None,
        "decision_makers": [_target(s, view) for s in view.targets],
        "agencies": [_agency(s) for s in view.agencies],
        "contracts": [_contract(s) for s in view.contracts],
        "records_requests": [_request(s) for s in view.requests],
        "press": [_press(s) for s in view.press],
    }


def _when(at: datetime | None, view: PublicView) -> str | None:
    return at.astimezone(view.zone).isoformat() if at is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _number(value: Decimal | int | None) -> str | int | None:
    return str(value) if isinstance(value, Decimal) else value


def _vote(s: Shown, slug: str, view: PublicView, said: dict[str, str]) -> dict[str, Any]:
    v = s.record
    how: HowToComment = s.extra.get("comment") or HowToComment()
    return {
        "id": stored_id(v), "title": v.title, "scheduled_at": _when(v.scheduled_at, view),
        "time_not_announced": bool(v.time_not_announced), "body": s.extra.get("body"),
        "location": v.location or None, "agenda_item": v.agenda_item_number or None,
        "agenda_url": v.agenda_url or None, "how_to_attend": s.note or None,
        "comment_kit": f"/p/{slug}/votes/{stored_id(v)}",
        "written_comments_by": _when(how.written_by, view),
        "written_comments_said": said.get("written_by"),
    }


def _target(s: Shown, view: PublicView) -> dict[str, Any]:
    t = s.record
    found = {"name": t.name, "office": humanize(t.title), "body": s.extra.get("body"),
             "district": t.district or None, "note": s.note or None,
             "email": t.email or None, "phone": t.phone or None,
             "office_address": t.office_address or None}
    if view.page.show_stances:
        stance = s.extra.get("stance")
        found["stance"] = stance_words(stance) if stance else None
    return found


def _agency(s: Shown) -> dict[str, Any]:
    a = s.record
    federal = str(getattr(a.shares_with_federal, "value", a.shares_with_federal))
    return {"name": a.name, "fixed_cameras": a.fixed_cameras, "mobile_cameras": a.mobile_cameras,
            "retention_days": a.retention_days, "sharing_partners": a.sharing_partners,
            "shares_with_federal": humanize(a.shares_with_federal)
            if federal != "unknown" else None,
            "vendor": s.extra.get("vendor"), "note": s.note or None}


def _contract(s: Shown) -> dict[str, Any]:
    k = s.record
    return {"title": k.title, "agency": s.extra.get("agency"), "vendor": s.extra.get("vendor"),
            "annual_cost": _number(k.annual_cost), "camera_count": k.camera_count,
            "start_date": _day(k.start_date), "end_date": _day(k.end_date),
            "renews_itself": bool(k.auto_renews) if (k.start_date or k.end_date) else None,
            "notice_deadline": _day(k.notice_deadline), "note": s.note or None}


def _request(s: Shown) -> dict[str, Any]:
    r = s.record
    return {"subject": r.subject, "agency": s.extra.get("agency"), "sent_on": _day(r.sent_on),
            "status": humanize(r.status), "note": s.note or None}


def _press(s: Shown) -> dict[str, Any]:
    p = s.record
    return {"title": p.title, "url": p.url or None, "outlet": p.outlet or None,
            "published_on": _day(p.published_on), "note": s.note or None}
