"""Finding the agencies of a batch without JavaScript: the search is a plain GET form, the
agencies ticked stay ticked across searches and pages, every match can be reached a page at a
time with a count of how many more there are, and htmx only spares the reloads."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_agency
from tests.web.html import form_fields, fragment, is_full_page, plain


def _picker(html: str) -> list[tuple[str, str]]:
    return form_fields(html, form_id="agency-picker")


def _sent_to(html: str) -> list[str]:
    """The agencies the letter form would send."""
    return [v for k, v in form_fields(html, form_id="batch-form") if k == "agency_ids"]


def test_the_search_is_a_get_form_and_ticks_survive_it(client: TestClient,
                                                        agencies: dict[str, Any]) -> None:
    ca, co = str(agencies["ca"].id), str(agencies["co"].id)
    page = client.get("/records-requests/batch", params={"q": "Zenith", "agency_ids": ca})
    assert page.status_code == 200 and is_full_page(page.text)
    assert '<form id="agency-picker" class="agency-picker" method="get" ' \
        'action="/records-requests/batch"' in page.text
    assert ("agency_ids", ca) in _picker(page.text) and ("q", "Zenith") in _picker(page.text)
    text = plain(page.text)
    assert "Chosen (1) Zephyr Police Department CA" in text
    assert "Matching “Zenith” 1–1 of 1, those chosen left out. Zenith County Sheriff" in text
    assert "The letter goes to 1 agency Zephyr Police Department CA" in text
    assert _sent_to(page.text) == [ca]

    # Tick Zenith, then search for another: the browser sends both ticks with the search.
    ticked = [*_picker(page.text), ("agency_ids", co)]
    again = client.get("/records-requests/batch",
                       params=[(k, "Amarillo" if k == "q" else v) for k, v in ticked])
    text = plain(again.text)
    assert "Chosen (2) Zephyr Police Department CA Zenith County Sheriff CO" in text
    assert "Matching “Amarillo” 1–1 of 1, those chosen left out. Amarillo Police TX" in text
    assert f'value="{co}" checked' in again.text
    assert _sent_to(again.text) == [ca, co]
    # Untick one and search again: it is no longer chosen.
    unticked = [(k, v) for k, v in _picker(again.text) if (k, v) != ("agency_ids", ca)]
    fewer = client.get("/records-requests/batch", params=unticked)
    assert "Chosen (1) Zenith County Sheriff CO" in plain(fewer.text)
    assert _sent_to(fewer.text) == [co]


def test_every_match_is_reached_a_page_at_a_time(client: TestClient, session: Session,
                                                 actor: Any) -> None:
    made = [make_agency(session, actor, with_place=True, state_code="WY",
                        name=f"Wyoming Agency {n:02d}") for n in range(1, 62)]
    session.commit()
    first = client.get("/records-requests/batch", params={"state": "WY"})
    text = plain(first.text)
    assert "Matching in WY 1–50 of 61. 11 more match: narrow the search, or show the next " \
        "ones." in text
    assert "Wyoming Agency 50" in text and "Wyoming Agency 51" not in text
    assert '<button type="submit" class="secondary" name="page" value="2">Next 11</button>' \
        in first.text

    # Tick one on the first page, then go to the second: the tick goes along.
    chosen = str(made[0].id)
    second = client.get("/records-requests/batch",
                        params=[*_picker(first.text), ("agency_ids", chosen), ("page", "2")])
    text = plain(second.text)
    assert "Chosen (1) Wyoming Agency 01 WY" in text
    assert "51–60 of 60, those chosen left out." in text
    assert "Wyoming Agency 61" in text and "Wyoming Agency 02" not in text
    assert "Previous 50" in text and "Next" not in text.split("Previous 50")[1][:20]
    assert _sent_to(second.text) == [chosen]

    beyond = client.get("/records-requests/batch", params={"state": "WY", "page": "99"})
    assert "51–61 of 61." in plain(beyond.text)
    assert client.get("/records-requests/batch", params={"page": "two"}).status_code == 422
    assert client.get("/records-requests/batch",
                      params={"agency_ids": "abc"}).status_code == 422


def test_what_was_typed_goes_along_with_a_search(client: TestClient,
                                                 agencies: dict[str, Any]) -> None:
    page = client.get("/records-requests/batch", params={
        "subject": "Camera maps", "template": "alpr_cameras", "requester_name": "Rosa Parkes",
        "q": "Ze"})
    picker = dict(_picker(page.text))
    assert (picker["subject"], picker["template"], picker["requester_name"]) == (
        "Camera maps", "alpr_cameras", "Rosa Parkes")
    letter = dict(form_fields(page.text, form_id="batch-form"))
    assert (letter["subject"], letter["template"], letter["text_from"]) == (
        "Camera maps", "alpr_cameras", "alpr_cameras")
    assert "1. Records sufficient to show the number of automated license plate reader" in \
        letter["text"]


def test_htmx_swaps_the_lists_and_the_agencies_the_letter_goes_to(
        client: TestClient, agencies: dict[str, Any]) -> None:
    ca, co = agencies["ca"].id, agencies["co"].id
    part = fragment(client, f"/records-requests/batch/agencies?q=Am&agency_ids={ca}")
    assert part.status_code == 200 and not is_full_page(part.text)
    assert part.text.lstrip().startswith('<div id="agency-lists"')
    assert '<div id="batch-sending" class="batch-sending" hx-swap-oob="true">' in part.text
    assert "The letter goes to 1 agency Zephyr Police Department CA" in plain(part.text)
    assert f'<input type="hidden" name="agency_ids" value="{ca}">' in part.text

    ticked = fragment(client, f"/records-requests/batch/chosen?agency_ids={ca}&agency_ids={co}")
    assert ticked.text.lstrip().startswith('<div id="batch-sending"')
    assert "hx-swap-oob" not in ticked.text
    assert "The letter goes to 2 agencies Zephyr Police Department CA Zenith County Sheriff " \
        "CO" in plain(ticked.text)
    assert fragment(client, "/records-requests/batch/chosen?agency_ids=x").status_code == 422


def test_the_chosen_agencies_fragment_opened_as_a_page_leads_to_the_form(
        client: TestClient, agencies: dict[str, Any]) -> None:
    ca = str(agencies["ca"].id)
    opened = client.get("/records-requests/batch/chosen", params={"agency_ids": ca},
                        follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/records-requests/batch?agency_ids={ca}"
    page = client.get(opened.headers["location"])
    assert "The letter goes to 1 agency Zephyr Police Department CA" in plain(page.text)
    part = client.get("/records-requests/batch/chosen", params={"agency_ids": ca},
                      headers={"HX-Request": "true"})
    assert part.status_code == 200 and not is_full_page(part.text)
    assert "Zephyr Police Department" in part.text
