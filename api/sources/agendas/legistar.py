"""The Legistar Web API as an agenda source: upcoming events of one client and their items."""

import re
import time
from collections.abc import Iterable
from datetime import date, datetime
from datetime import time as clock_time
from typing import Any

import httpx

from api.bodies.models import LEGISTAR_CLIENT
from api.settings import get_settings
from api.sources.agendas.base import AgendaEvent, AgendaItem, ItemOutcome
from api.sources.fetching import OutsideError, Sleep, new_client, request_json

PAGE_SIZE = 1000  # Legistar never sends more rows than this in one reply
TIME_12H = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\.?\s*$", re.IGNORECASE)
TIME_24H = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
CONSENT = re.compile(r"\bconsent\b", re.IGNORECASE)
# Headings such as "Items removed from the Consent Calendar" talk about consent but are not it.
NOT_CONSENT = re.compile(r"\b(removed|pulled|separate|separately|excluded)\b", re.IGNORECASE)
# How clerks mark a meeting that will not take place: the agenda status ("Cancelled") or a
# comment on the event ("MEETING CANCELED", "Cancellation notice").
PASSED = {"pass": True, "passed": True, "fail": False, "failed": False}
CANCELLED = re.compile(r"\bcancel(?:l?ed|lation)?\b", re.IGNORECASE)
# Actions on a matter that put it off to another meeting or body rather than decide it
# ("Continued", "Deferred and Published", "Referred", "Re-Referred", "Held in Committee").
DEFERRAL = re.compile(r"\b(continu\w*|defer\w*|re-?referr?\w*|referr?\w*|postpon\w*|"
                      r"held in committee)\b", re.IGNORECASE)


def parse_time(text: str | None) -> clock_time | None:
    """Legistar's EventTime ("1:30 PM", "9 a.m.", sometimes "18:00"); None if not a time."""
    if not text:
        return None
    found = TIME_12H.match(text)
    if found:
        hour, minute = int(found[1]), int(found[2] or 0)
        if not (1 <= hour <= 12 and minute < 60):
            return None
        hour = hour % 12 + (12 if found[3].lower() == "p" else 0)
        return clock_time(hour, minute)
    found = TIME_24H.match(text)
    if found and int(found[1]) < 24 and int(found[2]) < 60:
        return clock_time(int(found[1]), int(found[2]))
    return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _section(number: str) -> str:
    return number.strip().rstrip(".").strip()


def _in_section(number: str, section: str) -> bool:
    number = number.strip()
    return (len(number) > len(section) and number.startswith(section)
            and not number[len(section)].isalnum())


def consent_item_ids(items: Iterable[dict[str, Any]]) -> set[Any]:
    """The EventItemIds on the consent calendar. An item is when Legistar flags it
    (EventItemConsent), when its matter type says so (San Jose files them as "Consent Agenda"),
    or when it sits under a consent heading: an item without a matter whose title names the
    consent calendar. Under a numbered heading ("2  Consent Calendar") its section is the items
    numbered 2.1, 2.2(a) ...; under an unnumbered one, the items up to the next heading."""
    ordered = sorted(items, key=lambda i: i.get("EventItemAgendaSequence") or 0)
    found: set[Any] = set()
    section: str | None = None
    open_heading = False
    for item in ordered:
        item_id = item.get("EventItemId")
        title = _text(item.get("EventItemTitle"))
        number = _text(item.get("EventItemAgendaNumber"))
        heading = item.get("EventItemMatterId") is None
        if heading:
            if CONSENT.search(title) and not NOT_CONSENT.search(title):
                section = _section(number) or None
                open_heading = section is None
                continue
            if open_heading or (section is not None and not _in_section(number, section)):
                section, open_heading = None, False
        flagged = bool(item.get("EventItemConsent")) or bool(
            CONSENT.search(_text(item.get("EventItemMatterType"))))
        under_heading = open_heading or (section is not None and _in_section(number, section))
        if flagged or under_heading:
            found.add(item_id)
    return found


def _passed(name: Any, flag: Any) -> bool | None:
    """A pass/fail flag as Legistar writes it on an item or a matter's history: its name
    ("Pass", "Fail") or the number (1, 0); None when it says neither."""
    passed = PASSED.get(_text(name).casefold())
    if passed is None and flag in (0, 1):
        passed = bool(flag)
    return passed


def _event_start(raw: dict[str, Any]) -> datetime:
    stamp = raw.get("EventDate")
    if not isinstance(stamp, str):
        raise OutsideError(f"Legistar sent event {raw.get('EventId')} without an EventDate")
    try:
        day = datetime.fromisoformat(stamp[:19]).date()
    except ValueError as exc:
        raise OutsideError(
            f"Legistar sent event {raw.get('EventId')} with an EventDate that is not a date: "
            f"{stamp!r}") from exc
    at = parse_time(raw.get("EventTime"))
    return datetime.combine(day, at or clock_time(0, 0))


def to_event(raw: dict[str, Any], raw_items: list[dict[str, Any]]) -> AgendaEvent:
    """One Legistar Event and its EventItems as an AgendaEvent; only items on the agenda
    (EventItemAgendaSequence set) are kept."""
    if not isinstance(raw.get("EventId"), int):
        raise OutsideError("Legistar sent an event without an EventId")
    on_agenda = [i for i in raw_items if i.get("EventItemAgendaSequence") is not None]
    consent = consent_item_ids(on_agenda)
    items = []
    for item in sorted(on_agenda, key=lambda i: i["EventItemAgendaSequence"]):
        if item.get("EventItemId") is None:
            raise OutsideError(f"Legistar sent an item of event {raw['EventId']} without an id")
        title = _text(item.get("EventItemTitle")) or _text(item.get("EventItemMatterName"))
        texts = tuple(t for t in (title, _text(item.get("EventItemMatterName")),
                                  _text(item.get("EventItemActionText")),
                                  _text(item.get("EventItemAgendaNote"))) if t)
        items.append(AgendaItem(
            item_id=str(item["EventItemId"]), sequence=int(item["EventItemAgendaSequence"]),
            number=_text(item.get("EventItemAgendaNumber")), title=title, texts=texts,
            matter_file=_text(item.get("EventItemMatterFile")),
            matter_type=_text(item.get("EventItemMatterType")),
            consent=item.get("EventItemId") in consent,
            matter_id=("" if item.get("EventItemMatterId") is None
                       else str(item["EventItemMatterId"])[:64]),
        ))
    return AgendaEvent(
        event_id=str(raw["EventId"]), body_name=_text(raw.get("EventBodyName")),
        starts=_event_start(raw),
        # A time Legistar does not give ("TBD", empty) is not announced: no text at all.
        time_text=_text(raw.get("EventTime"))[:40] if parse_time(raw.get("EventTime")) else "",
        location=_text(raw.get("EventLocation")),
        agenda_url=_text(raw.get("EventAgendaFile")) or _text(raw.get("EventInSiteURL")),
        event_url=_text(raw.get("EventInSiteURL")), items=tuple(items),
        cancelled=bool(CANCELLED.search(_text(raw.get("EventAgendaStatusName")))
                       or CANCELLED.search(_text(raw.get("EventComment")))),
    )


class LegistarSource:
    """Reads one Legistar client (e.g. "sanjose") through its Web API, optionally with a token,
    keeping only the events of one of its bodies when a body name is given."""

    kind = "legistar"

    def __init__(self, client: str, *, token: str = "", body_name: str = "",
                 base_url: str | None = None, http: httpx.Client | None = None,
                 attempts: int | None = None, sleep: Sleep = time.sleep) -> None:
        self.client = client.strip()
        self.token = token.strip()
        self.body_name = body_name.strip()
        self.base_url = (base_url or get_settings().legistar_url).rstrip("/")
        self.http = http
        self.attempts = attempts
        self.sleep = sleep

    def upcoming(self, *, since: date) -> list[AgendaEvent]:
        if not LEGISTAR_CLIENT.match(self.client):
            raise OutsideError(f"'{self.client}' is not a Legistar client name (letters, digits, "
                               "dashes; e.g. 'sanjose')", permanent=True)
        own_client = self.http is None
        http = self.http or new_client()
        try:
            events = self._rows(http, "events", {
                "$filter": f"EventDate ge datetime'{since.isoformat()}T00:00:00'",
                "$orderby": "EventId"})
            wanted = self.body_name.casefold()
            chosen = [e for e in events
                      if not wanted or _text(e.get("EventBodyName")).casefold() == wanted]
            return [to_event(e, self._rows(http, f"events/{e.get('EventId')}/eventitems",
                                           {"AgendaNote": 1, "MinutesNote": 0, "Attachments": 0}))
                    for e in chosen]
        finally:
            if own_client:
                http.close()

    def outcomes(self, items: list[tuple[str, str]]) -> list[ItemOutcome]:
        if not LEGISTAR_CLIENT.match(self.client):
            raise OutsideError(f"'{self.client}' is not a Legistar client name", permanent=True)
        wanted: dict[str, set[str]] = {}
        for event_id, item_id in items:
            wanted.setdefault(event_id, set()).add(item_id)
        own_client = self.http is None
        http = self.http or new_client()
        try:
            found = []
            for event_id, item_ids in wanted.items():
                rows = self._rows(http, f"events/{event_id}/eventitems",
                                  {"AgendaNote": 0, "MinutesNote": 0, "Attachments": 0})
                for row in rows:
                    if str(row.get("EventItemId")) in item_ids:
                        found.append(self._outcome(http, event_id, row))
            return found
        finally:
            if own_client:
                http.close()

    def _outcome(self, http: httpx.Client, event_id: str, row: dict[str, Any]) -> ItemOutcome:
        item_id = str(row["EventItemId"])
        passed = _passed(row.get("EventItemPassedFlagName"), row.get("EventItemPassedFlag"))
        action = _text(row.get("EventItemActionName"))
        deferred = False
        tally = mover = ""
        if passed is None and isinstance(row.get("EventItemMatterId"), int):
            # Many clerks record the result on the matter rather than on the agenda item.
            history = self._history_at(http, row["EventItemMatterId"], event_id)
            if history is not None:
                passed = _passed(history.get("MatterHistoryPassedFlagName"),
                                 history.get("MatterHistoryPassedFlag"))
                action = _text(history.get("MatterHistoryActionName")) or action
                deferred = passed is None and bool(DEFERRAL.search(action))
                tally = _text(history.get("MatterHistoryTally"))[:40]
                mover = _text(history.get("MatterHistoryMoverName"))[:200]
        votes: tuple[tuple[str, str], ...] = ()
        if passed is not None:
            votes = tuple((_text(v.get("VotePersonName")), _text(v.get("VoteValueName")))
                          for v in self._rows(http, f"eventitems/{item_id}/votes", {})
                          if _text(v.get("VotePersonName")))
        return ItemOutcome(item_id=item_id, passed=passed, action=action[:200], votes=votes,
                           deferred=deferred, tally=tally, mover=mover)

    def _history_at(self, http: httpx.Client, matter_id: int,
                    event_id: str) -> dict[str, Any] | None:
        """What the matter's history says was done with it at the meeting: the last action
        that decided it there, else the last that put it off; None when it says neither."""
        at_meeting = [h for h in self._rows(http, f"matters/{matter_id}/histories", {})
                      if str(h.get("MatterHistoryEventId")) == event_id]
        at_meeting.sort(key=lambda h: (_text(h.get("MatterHistoryActionDate")),
                                       h.get("MatterHistoryId") or 0))
        decided = [h for h in at_meeting if _passed(h.get("MatterHistoryPassedFlagName"),
                                                    h.get("MatterHistoryPassedFlag")) is not None]
        if decided:
            return decided[-1]
        put_off = [h for h in at_meeting
                   if DEFERRAL.search(_text(h.get("MatterHistoryActionName")))]
        return put_off[-1] if put_off else None

    def _diagnose(self, response: httpx.Response) -> str | None:
        if response.status_code == 500 and "LegistarConnectionString" in response.text:
            return (f"Legistar has no client named '{self.client}'; check the body's Legistar "
                    "client name (it is the part before .legistar.com)")
        if response.status_code in (401, 403):
            hint = "the token was refused" if self.token else "this client needs a token"
            return f"Legistar answered HTTP {response.status_code}: {hint}"
        return None

    def _rows(self, http: httpx.Client, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every row of a list endpoint, a page of PAGE_SIZE at a time."""
        url = f"{self.base_url}/v1/{self.client}/{path}"
        rows: list[dict[str, Any]] = []
        while True:
            query = {**params, "$top": PAGE_SIZE, "$skip": len(rows)}
            if self.token:
                query["token"] = self.token
            page = request_json(http, "GET", url, service="Legistar", params=query,
                                attempts=self.attempts, sleep=self.sleep,
                                diagnose=self._diagnose)
            if not isinstance(page, list) or not all(isinstance(r, dict) for r in page):
                raise OutsideError(f"Legistar sent an unexpected reply for /{path}: "
                                   "expected a list of records")
            rows.extend(page)
            if len(page) < PAGE_SIZE:
                return rows
