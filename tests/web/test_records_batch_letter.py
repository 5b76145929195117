"""The letter of a batch, edited before sending: the box holds the chosen template's text with
its placeholders, another template replaces it only when nothing was edited, the preview and
the requests fill the edited text in for each agency, and broken or reaching template syntax
is a 422 next to the box, never a 500."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.records_requests import letter_source
from api.records_requests import service as records
from api.records_requests.models import RecordsRequest
from tests.web.html import HX, form_fields, is_full_page, plain

EDITED = "Dear {{ agency.name }} records officer:"


def _letter_form(client: TestClient, agencies: dict[str, Any], *ids: int,
                 **changes: str) -> list[tuple[str, str]]:
    """The letter form as a browser sends it: the page's own fields, with these changes."""
    page = client.get("/records-requests/batch", params=[("agency_ids", i) for i in ids])
    fields = [(k, v) for k, v in form_fields(page.text, form_id="batch-form")]
    defaults = {"subject": "ALPR sharing lists",
                "requester_organization_id": str(agencies["org"].id),
                "requester_name": "Rosa Parkes"}
    wanted = {**defaults, **changes}
    fields = [(k, wanted.pop(k, v)) for k, v in fields]
    return fields + list(wanted.items())


def _data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Fields as httpx sends them, a name given more than once included."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def _text(fields: list[tuple[str, str]]) -> str:
    return next(v for k, v in fields if k == "text")


def _with_text(fields: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    return [(k, text if k == "text" else v) for k, v in fields]


def _made(session: Session) -> list[RecordsRequest]:
    made = list(session.exec(select(RecordsRequest).order_by(RecordsRequest.id)).all())
    session.commit()
    return made


def test_the_box_holds_the_templates_text_with_its_placeholders(
        client: TestClient, agencies: dict[str, Any]) -> None:
    page = client.get("/records-requests/batch")
    assert page.status_code == 200 and is_full_page(page.text)
    fields = dict(form_fields(page.text, form_id="batch-form"))
    assert fields["template"] == fields["text_from"] == "alpr_all"
    assert fields["text"].strip() == letter_source.source("alpr_all").strip()
    assert "{{ agency.name }}\nAttn: Custodian of Records" in fields["text"]
    text = plain(page.text)
    assert "{{ law_name }} the name of its state's records law" in text
    assert "{{ agency.jurisdiction }} the city or county it serves, where known" in text
    assert "Use this letter" in text


def test_another_letter_replaces_the_text_unless_it_was_edited(
        client: TestClient, agencies: dict[str, Any]) -> None:
    fields = _letter_form(client, agencies, agencies["ca"].id, template="alpr_cameras")
    # Chosen in the list, with htmx: the untouched box takes the new letter's text.
    swapped = client.post("/records-requests/batch/letter", headers=HX, data=_data(fields))
    assert swapped.status_code == 200, swapped.text
    assert swapped.text.lstrip().startswith('<div id="batch-letter"')
    new = dict(form_fields(f"<form>{swapped.text}</form>"))
    assert new["text_from"] == "alpr_cameras"
    assert new["text"].strip() == letter_source.source("alpr_cameras").strip()
    assert "Contracts and costs" not in new["text"]

    edited = _with_text(fields, _text(fields).replace("Dear Custodian of Records:", EDITED))
    kept = client.post("/records-requests/batch/letter", headers=HX, data=_data(edited))
    assert "Your edits are kept. Press “Use this letter” to replace them with “ALPR camera " \
        "numbers and locations”." in plain(kept.text)
    assert EDITED in dict(form_fields(f"<form>{kept.text}</form>"))["text"]
    # "Use this letter", without JavaScript: the whole page, the text replaced.
    used = client.post("/records-requests/batch/letter",
                       data=_data([*edited, ("letter_action", "use")]))
    assert used.status_code == 200 and is_full_page(used.text)
    page_fields = dict(form_fields(used.text, form_id="batch-form"))
    assert page_fields["text"].strip() == letter_source.source("alpr_cameras").strip()
    assert page_fields["subject"] == "ALPR sharing lists"
    assert f'value="{agencies["ca"].id}"' in used.text


def test_an_edited_letter_is_previewed_and_sent_filled_in_for_each_agency(
        client: TestClient, session: Session, agencies: dict[str, Any]) -> None:
    ca, co = agencies["ca"].id, agencies["co"].id
    fields = _letter_form(client, agencies, ca, co)
    # A browser sends a textarea's line breaks as CRLF.
    edited = _text(fields).replace("Dear Custodian of Records:", EDITED).replace("\n", "\r\n")
    fields = _with_text(fields, edited)
    shown = client.post("/records-requests/batch/preview", headers=HX, data=_data(fields))
    assert shown.status_code == 200, shown.text
    letter = plain(shown.text)
    assert "Dear Zephyr Police Department records officer:" in letter
    assert "California Public Records Act" in letter
    other = client.post("/records-requests/batch/preview", headers=HX,
                        data=_data([*fields, ("preview_agency_id", str(co))]))
    assert "Dear Zenith County Sheriff records officer:" in plain(other.text)

    made = client.post("/records-requests/batch", data=_data(fields), follow_redirects=False)
    assert made.status_code == 303, made.text
    requests = _made(session)
    assert [r.agency_id for r in requests] == [ca, co]
    assert "Dear Zephyr Police Department records officer:" in requests[0].text
    assert "Dear Zenith County Sheriff records officer:" in requests[1].text
    assert all("\r" not in r.text and "{{" not in r.text and "{%" not in r.text
               for r in requests)


def test_an_untouched_letter_is_the_template_as_it_always_was(
        client: TestClient, session: Session, agencies: dict[str, Any], actor: Any) -> None:
    ca = agencies["ca"].id
    made = client.post("/records-requests/batch", follow_redirects=False,
                       data=_data(_letter_form(client, agencies, ca)))
    assert made.status_code == 303, made.text
    [request] = _made(session)
    expected = records.preview(
        session, actor, template_key="alpr_all", agency_id=ca, subject="ALPR sharing lists",
        requester_organization_id=agencies["org"].id,
        requester=records.Requester(name="Rosa Parkes", email="admin@example.org",
                                    address="")).text
    assert request.text == expected


def test_another_letter_chosen_after_editing_is_refused_rather_than_lost(
        client: TestClient, session: Session, agencies: dict[str, Any]) -> None:
    fields = _letter_form(client, agencies, agencies["ca"].id)
    untouched = [(k, "alpr_cameras" if k == "template" else v) for k, v in fields]
    shown = client.post("/records-requests/batch/preview", headers=HX, data=_data(untouched))
    assert shown.status_code == 200, shown.text
    assert "ALPR camera numbers and locations, as Zephyr Police Department will get it" in \
        plain(shown.text)
    assert "Contracts and costs" not in plain(shown.text)

    edited = _with_text(untouched, _text(untouched) + "\nP.S. {{ agency.name }}, thank you.")
    for url in ("/records-requests/batch/preview", "/records-requests/batch"):
        refused = client.post(url, data=_data(edited))
        assert refused.status_code == 422, url
        assert "The box holds your edits of “Everything about the ALPR program”, but “ALPR " \
            "camera numbers and locations” is chosen." in plain(refused.text)
        assert "P.S. {{ agency.name }}, thank you." in refused.text
    assert _made(session) == []


@pytest.mark.parametrize(("text", "message"), [
    ("Dear {{ agency.name ", "The letter's placeholders are malformed (line 1)"),
    ("{% if citation %}Cited.", "malformed"),
    ("Dear {{ agency.nickname }},", "unknown placeholder"),
    ("{{ ''.__class__ }}", "Line 1: “__class__” is not a placeholder"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "calls like name() cannot be used"),
    ("{{ self.__init__.__globals__ }}", "not a placeholder"),
    ("{% for a in [1, 2] %}{% for b in [1, 2] %}x{% endfor %}{% endfor %}", "{% for %} loops"),
    ("{{ 9 ** 9 ** 9 ** 9 }}", "** cannot be used"),
    ("{{ agency.name | center(999999999) }}", "the filter | center"),
    ("{{ 1 - 'a' }}", "cannot be filled in"),
])
def test_broken_or_reaching_template_syntax_is_a_422_next_to_the_box(
        client: TestClient, session: Session, agencies: dict[str, Any], text: str,
        message: str) -> None:
    fields = _with_text(_letter_form(client, agencies, agencies["ca"].id), text)
    page = client.post("/records-requests/batch/preview", data=_data(fields))
    assert page.status_code == 422 and is_full_page(page.text)
    assert 'id="batch-text-error"' in page.text
    assert 'aria-invalid="true" aria-describedby="batch-text-error"' in page.text
    assert message in plain(page.text)

    part = client.post("/records-requests/batch/preview", headers=HX, data=_data(fields))
    assert part.status_code == 422
    assert part.text.lstrip().startswith('<section id="batch-preview"')
    # The letter box comes along out of band, with the problem next to it.
    assert '<div id="batch-letter" class="batch-letter" hx-swap-oob="true">' in part.text
    assert 'id="batch-text-error"' in part.text and message in plain(part.text)

    made = client.post("/records-requests/batch", data=_data(fields))
    assert made.status_code == 422 and 'id="batch-text-error"' in made.text
    assert message in plain(made.text)
    assert _made(session) == []
