"""The real outside replies recorded in tests/fixtures, and respx routes that replay them."""

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import respx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LEGISTAR = "https://webapi.legistar.com"
# What a body made for the replayed San Jose events says of itself: its agendas come from San
# Jose's Legistar client.
SAN_JOSE_COUNCIL = {"seats": 11, "majority_needed": 6, "agenda_source": "legistar",
                    "legistar_client": "sanjose"}
# Keys the fixture's collector attached to Legistar's own objects from other endpoints.
ADDED_EVENT_KEYS = {"items", "_note"}


def fixture(name: str) -> Path:
    return FIXTURES / name


def sanjose_event() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The real San Jose event 1080 as /events sends it, and its items as
    /events/1080/eventitems sends them (only Legistar's own EventItem keys)."""
    raw = json.loads(fixture("legistar_sanjose_events_with_items.json").read_text())[0]
    event = {k: v for k, v in raw.items() if k not in ADDED_EVENT_KEYS}
    items = [{k: v for k, v in item.items() if k.startswith("EventItem")}
             for item in raw["items"]]
    return event, items


def sanjose_votes() -> dict[int, list[dict[str, Any]]]:
    """The real roll calls of the San Jose items that have one, as /eventitems/{id}/votes
    sends them."""
    raw = json.loads(fixture("legistar_sanjose_events_with_items.json").read_text())[0]
    return {item["EventItemId"]: item["Votes"] for item in raw["items"] if item.get("Votes")}


def chicago_histories(name: str = "dupe") -> list[dict[str, Any]]:
    """A real Chicago matter's history as /matters/{id}/histories sends it: referred to the
    council, recommended to pass by a committee (event 3673), passed by the council (event
    3683, written twice in the "dupe" recording, once in "no_dupe")."""
    path = fixture(f"legistar_chicago_matter_histories_{name}_event.json")
    return list(json.loads(path.read_text()))


def item_like(items: list[dict[str, Any]], index: int, **changes: Any) -> dict[str, Any]:
    """A further item in Legistar's own shape: a copy of a real one with some fields changed."""
    item = copy.deepcopy(items[index])
    item.update(changes)
    return item


class LegistarReplay:
    """Serves events and their items for one client, page by page as Legistar does, and
    keeps every request it answered."""

    def __init__(self, mock: respx.MockRouter, client: str = "sanjose") -> None:
        self.events: list[dict[str, Any]] = []
        self.items: dict[int, list[dict[str, Any]]] = {}
        self.votes: dict[int, list[dict[str, Any]]] = {}
        self.requests: list[httpx.Request] = []
        base = f"{LEGISTAR}/v1/{client}"
        mock.get(url__regex=rf"^{base}/events/(?P<event_id>\d+)/eventitems").mock(
            side_effect=self._items)
        self.mock, self.base = mock, base
        mock.get(url__regex=rf"^{base}/events(\?|$)").mock(side_effect=self._events)
        self.histories: dict[int, list[dict[str, Any]]] = {}

    def add(self, event: dict[str, Any], items: list[dict[str, Any]]) -> None:
        self.events.append(event)
        self.items[event["EventId"]] = items

    @staticmethod
    def _page(rows: list[dict[str, Any]], request: httpx.Request) -> httpx.Response:
        top = int(request.url.params.get("$top", "1000"))
        skip = int(request.url.params.get("$skip", "0"))
        return httpx.Response(200, json=rows[skip:skip + min(top, 1000)])

    def _events(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._page(self.events, request)

    def add_votes(self, item_id: int, votes: list[dict[str, Any]]) -> None:
        """Serves the item's roll call; the route is made with the first, so a replay without
        one asks for none."""
        if not self.votes:
            self.mock.get(url__regex=rf"^{self.base}/eventitems/(?P<item_id>\d+)/votes").mock(
                side_effect=self._votes)
        self.votes[item_id] = votes

    def add_histories(self, matter_id: int, histories: list[dict[str, Any]]) -> None:
        """Serves the matter's history (other matters have none); the route is made with the
        first, so a replay without one asks for none."""
        if not self.histories:
            self.mock.get(url__regex=rf"^{self.base}/matters/(?P<matter_id>\d+)/histories").mock(
                side_effect=self._histories)
        self.histories[matter_id] = histories

    def _histories(self, request: httpx.Request, matter_id: str) -> httpx.Response:
        self.requests.append(request)
        return self._page(self.histories.get(int(matter_id), []), request)

    def _votes(self, request: httpx.Request, item_id: str) -> httpx.Response:
        self.requests.append(request)
        return self._page(self.votes.get(int(item_id), []), request)

    def _items(self, request: httpx.Request, event_id: str) -> httpx.Response:
        self.requests.append(request)
        return self._page(self.items.get(int(event_id), []), request)
