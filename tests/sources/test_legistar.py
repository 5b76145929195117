"""The Legistar client against replays of real Legistar replies: paging, filters, tokens,
consent-calendar detection, times, and failures (errors, timeouts, bad JSON, unknown clients)."""

import copy
from datetime import date, datetime, time

import httpx
import pytest
import respx

from api.sources.agendas.legistar import LegistarSource, consent_item_ids, parse_time, to_event
from api.sources.agendas.matching import DEFAULT_KEYWORDS, DEFAULT_MATCHER, KeywordMatcher
from api.sources.fetching import OutsideError
from tests.sources.replay import LEGISTAR, LegistarReplay, item_like, sanjose_event

EVENTS_URL = f"{LEGISTAR}/v1/sanjose/events"


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# ---- matching ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Agreement with Flock Safety for automated license plate readers",
     ["license plate", "Flock"]),
    ("Purchase of ALPR cameras", ["ALPR"]),
    ("Purchase of ALPRs for patrol cars", ["ALPR"]),
    ("Renewal of LPR data sharing", ["LPR"]),
    ("Vigilant Solutions LEARN subscription", ["Vigilant"]),
    ("Contract with Motorola  Solutions, Inc.", ["Motorola Solutions"]),
    ("Rekor Systems and Genetec AutoVu", ["Rekor", "Genetec"]),
    ("Expand the Real-Time Crime Center", ["real time crime center"]),
    ("Surveillance Technology Use Policy", ["surveillance technology"]),
    ("Falcon cameras on Main Street", ["Falcon"]),
    ("LICENSE-PLATE readers", ["license plate"]),
])
def test_default_keywords_find_alpr_business(text: str, expected: list[str]) -> None:
    assert DEFAULT_MATCHER.matches([text]) == expected


@pytest.mark.parametrize("text", [
    "Adopt the new agenda template for council reports",
    "Gold-plated fixtures for City Hall",
    "Flockhart Park renovation",
    "HALPRIN Landscape study",
    "Sale of city-owned property on North Fourth Street",
    "Surveillance of the budget: a technology update",
])
def test_words_inside_other_words_do_not_match(text: str) -> None:
    assert DEFAULT_MATCHER.matches([text]) == []


def test_a_campaigns_own_words_match_whole_words_only() -> None:
    matcher = KeywordMatcher.of(["plate", "Axon", "  ", "plate"])
    assert matcher.keywords == ("plate", "Axon")
    assert matcher.matches(["Use the standard template"]) == []
    assert matcher.matches(["A plate reader", "Axon body cameras"]) == ["plate", "Axon"]
    assert matcher.matches(["", "axon"]) == ["Axon"]


def test_the_defaults_are_the_ones_the_issue_lists() -> None:
    assert {"license plate", "LPR", "ALPR", "Flock", "Falcon", "Vigilant", "Motorola Solutions",
            "Rekor", "Genetec", "real time crime center",
            "surveillance technology"} == set(DEFAULT_KEYWORDS)


# ---- times ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("1:30 PM", time(13, 30)), ("9:00 AM", time(9, 0)), ("9 a.m.", time(9, 0)),
    ("12:00 PM", time(12, 0)), ("12:15 AM", time(0, 15)), ("6:00pm", time(18, 0)),
    ("18:00", time(18, 0)), ("", None), (None, None), ("TBD", None), ("13:30 PM", None),
])
def test_event_times(text: str | None, expected: time | None) -> None:
    assert parse_time(text) == expected


# ---- the real event ---------------------------------------------------------------------

def test_the_real_san_jose_event_becomes_an_agenda_event() -> None:
    event, items = sanjose_event()
    agenda = to_event(event, items)
    assert agenda.event_id == "1080"
    assert agenda.body_name == "City Council"
    assert agenda.starts == datetime(2017, 9, 12, 13, 30)
    assert agenda.time_text == "1:30 PM"
    assert agenda.location == "Council Chambers"
    assert agenda.agenda_url == event["EventAgendaFile"]
    assert agenda.event_url.startswith("https://sanjose.legistar.com/MeetingDetail.aspx")
    assert [i.item_id for i in agenda.items] == ["32019", "32020", "32021", "32030", "32035",
                                                 "32040"]
    sale = agenda.items[-1]
    assert (sale.number, sale.matter_file, sale.matter_type) == ("2.7", "17-060",
                                                                 "Consent Agenda")
    assert sale.consent is True
    assert "Adopt a resolution" in " ".join(sale.texts)


def test_items_not_on_the_agenda_are_left_out() -> None:
    event, items = sanjose_event()
    items[0]["EventItemAgendaSequence"] = None
    assert "32019" not in [i.item_id for i in to_event(event, items).items]


def test_consent_from_the_matter_type_and_the_consent_flag() -> None:
    _, items = sanjose_event()
    assert consent_item_ids(items) == {32040}
    items[3]["EventItemConsent"] = 1
    assert consent_item_ids(items) == {32030, 32040}


def test_consent_from_a_numbered_consent_heading() -> None:
    # San Jose numbers its consent calendar 2 and its items 2.1, 2.2(a) ...: with the heading
    # back in, the ordinance 2.2(a) is on the consent calendar and the 1.1 ceremony is not.
    _, items = sanjose_event()
    heading = item_like(items, 1, EventItemId=32024, EventItemAgendaSequence=17,
                        EventItemAgendaNumber="2", EventItemTitle="Consent Calendar")
    assert consent_item_ids([*items, heading]) == {32035, 32040}


def test_consent_from_an_unnumbered_heading_ends_at_the_next_heading() -> None:
    _, items = sanjose_event()
    for item in items:
        item["EventItemAgendaNumber"] = None
        item["EventItemMatterType"] = "Resolution" if item["EventItemMatterId"] else None
    consent = item_like(items, 1, EventItemId=1, EventItemAgendaSequence=13,
                        EventItemTitle="CONSENT CALENDAR")
    closing = item_like(items, 1, EventItemId=2, EventItemAgendaSequence=25,
                        EventItemTitle="Public Hearings")
    assert consent_item_ids([*items, consent, closing]) == {32030, 32035}


def test_a_heading_about_items_removed_from_consent_is_not_consent() -> None:
    _, items = sanjose_event()
    for item in items:
        item["EventItemMatterType"] = "Resolution"
    removed = item_like(items, 1, EventItemId=3, EventItemAgendaSequence=13,
                        EventItemAgendaNumber=None,
                        EventItemTitle="Items removed from the Consent Calendar")
    assert consent_item_ids([*items, removed]) == set()


# ---- the client over HTTP ---------------------------------------------------------------

def test_fetches_upcoming_events_and_their_items_with_the_token() -> None:
    event, items = sanjose_event()
    with respx.mock(assert_all_mocked=True) as mock:
        replay = LegistarReplay(mock)
        replay.add(event, items)
        found = LegistarSource("sanjose", token="s3cret").upcoming(since=date(2017, 9, 1))
    assert [e.event_id for e in found] == ["1080"]
    assert len(found[0].items) == 6
    events_request, items_request = replay.requests
    params = events_request.url.params
    assert params["$filter"] == "EventDate ge datetime'2017-09-01T00:00:00'"
    assert (params["$top"], params["$skip"], params["token"]) == ("1000", "0", "s3cret")
    assert items_request.url.path == "/v1/sanjose/events/1080/eventitems"
    assert items_request.url.params["token"] == "s3cret"
    assert events_request.headers["Accept"] == "application/json"


def test_pages_through_more_than_a_thousand_events_and_keeps_the_bodys_own() -> None:
    event, items = sanjose_event()
    with respx.mock(assert_all_mocked=True) as mock:
        replay = LegistarReplay(mock)
        for n in range(1003):
            other = copy.deepcopy(event)
            other["EventId"] = 5000 + n
            if n not in (3, 1001):
                other["EventBodyName"] = "Planning Commission"
            replay.add(other, items if n in (3, 1001) else [])
        found = LegistarSource("sanjose", body_name="city council").upcoming(
            since=date(2017, 1, 1))
    assert [e.event_id for e in found] == ["5003", "6001"]
    pages = [r.url.params["$skip"] for r in replay.requests if r.url.path.endswith("/events")]
    assert pages == ["0", "1000"]


def _source(sleeps: Sleeps, **kwargs: object) -> LegistarSource:
    return LegistarSource("sanjose", attempts=3, sleep=sleeps, **kwargs)  # type: ignore[arg-type]


def test_a_server_error_then_success_is_retried_with_backoff() -> None:
    event, items = sanjose_event()
    sleeps = Sleeps()
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        route = mock.get(EVENTS_URL)
        route.side_effect = [httpx.Response(500, text="Server busy"), httpx.Response(503),
                             httpx.Response(200, json=[event])]
        LegistarReplay(mock).add(event, items)
        found = _source(sleeps).upcoming(since=date(2017, 9, 1))
    assert [e.event_id for e in found] == ["1080"]
    assert route.call_count == 3
    assert sleeps == [1.0, 2.0]


def test_a_timeout_on_every_attempt_is_an_error_naming_it() -> None:
    sleeps = Sleeps()
    with respx.mock(assert_all_mocked=True) as mock:
        route = mock.get(EVENTS_URL).mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(OutsideError) as raised:
            _source(sleeps).upcoming(since=date(2017, 9, 1))
    assert route.call_count == 3
    assert raised.value.message == ("Legistar did not answer within the time limit "
                                    "(tried 3 times)")
    assert sleeps == [1.0, 2.0]


def test_malformed_json_is_an_error_quoting_the_reply() -> None:
    with respx.mock(assert_all_mocked=True) as mock:
        mock.get(EVENTS_URL).mock(return_value=httpx.Response(
            200, text="<html>Down for maintenance</html>"))
        with pytest.raises(OutsideError, match="not JSON: '<html>Down for maintenance"):
            _source(Sleeps()).upcoming(since=date(2017, 9, 1))


def test_a_reply_of_the_wrong_shape_is_an_error() -> None:
    with respx.mock(assert_all_mocked=True) as mock:
        mock.get(EVENTS_URL).mock(return_value=httpx.Response(200, json={"EventId": 1}))
        with pytest.raises(OutsideError, match="expected a list of records"):
            _source(Sleeps()).upcoming(since=date(2017, 9, 1))


def test_an_unknown_client_is_said_plainly_and_not_retried() -> None:
    with respx.mock(assert_all_mocked=True) as mock:
        route = mock.get(f"{LEGISTAR}/v1/sanjoes/events").mock(return_value=httpx.Response(
            500, json={"Message": "LegistarConnectionString setting is not set up in InSite "
                                  "for client: sanjoes"}))
        with pytest.raises(OutsideError) as raised:
            LegistarSource("sanjoes", attempts=3, sleep=Sleeps()).upcoming(
                since=date(2017, 9, 1))
    assert route.call_count == 1
    assert raised.value.permanent
    assert "no client named 'sanjoes'" in raised.value.message


@pytest.mark.parametrize(("status", "token", "says"), [
    (403, "", "this client needs a token"), (403, "old", "the token was refused"),
    (404, "", "answered HTTP 404: Not here"),
])
def test_client_errors_are_not_retried(status: int, token: str, says: str) -> None:
    with respx.mock(assert_all_mocked=True) as mock:
        route = mock.get(EVENTS_URL).mock(return_value=httpx.Response(status, text="Not here"))
        with pytest.raises(OutsideError, match=says):
            _source(Sleeps(), token=token).upcoming(since=date(2017, 9, 1))
    assert route.call_count == 1


def test_a_client_name_that_is_not_a_name_is_refused_before_any_request() -> None:
    with respx.mock(assert_all_mocked=True) as mock, pytest.raises(OutsideError):
        LegistarSource("../admin").upcoming(since=date(2017, 9, 1))
    assert not mock.calls
