"""A body's public-comment rules: the written-comment deadline they give a meeting on the wall
clock where the body meets, and rules that cannot give one refused in plain words, through the
JSON API and the body's page alike."""

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.bodies.comment_rules import CommentDeadline, comment_times
from tests import factories as f
from tests.web.html import HX, plain

CHICAGO = ZoneInfo("America/Chicago")


def _rules(**given: Any) -> Any:
    values = {"comment_deadline": CommentDeadline.not_set, "comment_hours_before": 0,
              "comment_days_before": 1, "comment_due_time": "", "speaker_signup_closes": None}
    return SimpleNamespace(**{**values, **given})


def test_noon_the_day_before_is_noon_on_the_local_day_before() -> None:
    # Tuesday March 3, 6 PM in Chicago is 00:00 UTC on Wednesday: the day before is Monday.
    starts = datetime(2026, 3, 4, 0, 0, tzinfo=UTC)
    rules = _rules(comment_deadline=CommentDeadline.time_days_before, comment_due_time="12:00",
                   speaker_signup_closes=15)
    times = comment_times(rules, starts, CHICAGO)
    assert times.written_by == datetime(2026, 3, 2, 12, 0, tzinfo=CHICAGO)
    assert times.signup_closes == datetime(2026, 3, 3, 18, 15, tzinfo=CHICAGO)
    # "By 3 PM on the meeting's day": 0 days before.
    same_day = comment_times(_rules(comment_deadline=CommentDeadline.time_days_before,
                                    comment_days_before=0, comment_due_time="15:00"),
                             starts, CHICAGO)
    assert same_day.written_by == datetime(2026, 3, 3, 15, 0, tzinfo=CHICAGO)


def test_hours_before_count_hours_that_pass_across_a_clock_change() -> None:
    # Clocks in Chicago go forward at 2 AM on Sunday March 8, 2026.
    starts = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)  # Monday 6 PM CDT
    times = comment_times(_rules(comment_deadline=CommentDeadline.hours_before,
                                 comment_hours_before=48), starts, CHICAGO)
    assert times.written_by is not None
    assert times.written_by.astimezone(UTC) == datetime(2026, 3, 7, 23, 0, tzinfo=UTC)
    assert times.written_by.hour == 17  # Saturday 5 PM CST: 48 real hours before
    # A day's time of day holds on the wall clock across the change.
    noon = comment_times(_rules(comment_deadline=CommentDeadline.time_days_before,
                                comment_days_before=2, comment_due_time="12:00"),
                         starts, CHICAGO)
    assert noon.written_by == datetime(2026, 3, 7, 12, 0, tzinfo=CHICAGO)
    # Two days before Monday is Saturday: noon then is in standard time, six hours off UTC.
    assert noon.written_by.astimezone(UTC).hour == 18


def test_a_meeting_whose_hour_is_not_announced_has_only_its_days_rules() -> None:
    starts = datetime(2026, 3, 4, 6, 0, tzinfo=UTC)
    counted = comment_times(_rules(comment_deadline=CommentDeadline.hours_before,
                                   comment_hours_before=24, speaker_signup_closes=0),
                            starts, CHICAGO, time_known=False)
    assert counted.written_by is None and counted.signup_closes is None
    by_day = comment_times(_rules(comment_deadline=CommentDeadline.time_days_before,
                                  comment_due_time="9:30"), starts, CHICAGO, time_known=False)
    assert by_day.written_by == datetime(2026, 3, 3, 9, 30, tzinfo=CHICAGO)
    assert comment_times(_rules(), starts, CHICAGO).written_by is None


BAD_RULES = [
    ({"comment_deadline": "hours_before", "comment_hours_before": 0},
     "Say how many hours before the meeting written comments are due: 1 to 720."),
    ({"comment_deadline": "hours_before", "comment_hours_before": 721},
     "Say how many hours before the meeting written comments are due: 1 to 720."),
    ({"comment_deadline": "time_days_before", "comment_due_time": ""},
     "Say by what time of day written comments are due, e.g. 12:00 for noon."),
    ({"comment_deadline": "time_days_before", "comment_due_time": "noon"},
     "Write the time of day on the 24-hour clock, e.g. 12:00 for noon or 17:30 for half past "
     "five in the evening."),
    ({"comment_deadline": "time_days_before", "comment_due_time": "25:00"},
     "Write the time of day on the 24-hour clock"),
    ({"comment_deadline": "time_days_before", "comment_due_time": "12:00",
      "comment_days_before": 22},
     "Written comments can be due at most 21 days before the meeting (0: on its day)."),
    ({"speaker_signup_closes": 481},
     "Sign-up to speak closes at most 480 minutes (eight hours) after the meeting starts."),
]


@pytest.mark.parametrize(("change", "said"), BAD_RULES)
def test_rules_that_give_no_deadline_are_refused_in_the_json_api(
        client: TestClient, session: Session, actor: Any, change: dict[str, Any],
        said: str) -> None:
    body = f.make_body(session, actor)
    session.commit()
    refused = client.patch(f"/api/v1/bodies/{body.id}", json=change)
    assert refused.status_code == 422, refused.text
    assert said in refused.text
    kept = client.get(f"/api/v1/bodies/{body.id}").json()
    assert kept["comment_deadline"] == "not_set" and kept["speaker_signup_closes"] is None


def test_the_json_api_keeps_the_rules_and_reads_them_back(
        client: TestClient, session: Session, actor: Any) -> None:
    body = f.make_body(session, actor)
    session.commit()
    rules = {"comment_deadline": "time_days_before", "comment_days_before": 1,
             "comment_due_time": "12:00", "comment_send_to": "clerk@riverbend.example",
             "speaker_signup": "Fill in a speaker card at the door.",
             "speaker_signup_closes": 15}
    saved = client.patch(f"/api/v1/bodies/{body.id}", json=rules)
    assert saved.status_code == 200, saved.text
    read = client.get(f"/api/v1/bodies/{body.id}").json()
    assert {k: read[k] for k in rules} == rules


def test_the_bodys_page_takes_the_rules_and_says_what_is_wrong(
        client: TestClient, session: Session, actor: Any) -> None:
    body = f.make_body(session, actor, name="Riverbend Council")
    session.commit()
    page = client.get(f"/bodies/{body.id}")
    assert page.status_code == 200 and "Public comment" in page.text
    form = {"comment_deadline": "time_days_before", "comment_hours_before": "0",
            "comment_days_before": "1", "comment_due_time": "noon",
            "comment_send_to": "clerk@riverbend.example", "speaker_signup": "",
            "speaker_signup_closes": ""}
    for headers in ({}, HX):
        refused = client.post(f"/bodies/{body.id}/sections/public-comment", data=form,
                              headers=headers)
        assert refused.status_code == 422
        text = plain(refused.text)
        assert "Write the time of day on the 24-hour clock" in text
        assert "comment_due_time" not in text
    saved = client.post(f"/bodies/{body.id}/sections/public-comment",
                        data={**form, "comment_due_time": "12:00"}, follow_redirects=False)
    assert saved.status_code in (200, 303), saved.text
    read = client.get(f"/api/v1/bodies/{body.id}").json()
    assert read["comment_due_time"] == "12:00" and read["speaker_signup_closes"] is None
    assert read["comment_send_to"] == "clerk@riverbend.example"


WHERE_REFUSED = "must be an email address, a web address starting with http:// or https://"


@pytest.mark.parametrize("where", ["javascript:alert(3)", "data:text/html,<b>hi</b>",
                                   "mailto:clerk@riverbend.example", "https:// clerk",
                                   "http://"])
def test_where_to_send_comments_is_an_address_or_words_never_another_link(
        client: TestClient, session: Session, actor: Any, where: str) -> None:
    body = f.make_body(session, actor)
    session.commit()
    refused = client.patch(f"/api/v1/bodies/{body.id}", json={"comment_send_to": where})
    assert refused.status_code == 422 and WHERE_REFUSED in refused.text, refused.text
    made = client.post("/api/v1/bodies", json={
        "name": "Elsewhere Council", "jurisdiction_id": body.jurisdiction_id,
        "comment_send_to": where})
    assert made.status_code == 422 and WHERE_REFUSED in made.text
    spanish = client.patch(f"/api/v1/bodies/{body.id}", json={"comment_send_to": where},
                           headers={"Accept-Language": "es"})
    assert spanish.status_code == 422 and "una dirección de correo" in spanish.text
    page = client.post(f"/bodies/{body.id}/sections/public-comment", data={
        "comment_deadline": "not_set", "comment_hours_before": "0", "comment_days_before": "1",
        "comment_due_time": "", "comment_send_to": where, "speaker_signup": "",
        "speaker_signup_closes": ""}, headers=HX)
    assert page.status_code == 422 and WHERE_REFUSED in plain(page.text).lower()
    assert client.get(f"/api/v1/bodies/{body.id}").json()["comment_send_to"] == ""
    for fine in ("clerk@riverbend.example", "https://riverbend.example/comment",
                 "City Clerk: 1 Main St., Riverbend"):
        kept = client.patch(f"/api/v1/bodies/{body.id}", json={"comment_send_to": fine})
        assert kept.status_code == 200 and kept.json()["comment_send_to"] == fine


def test_a_value_kept_before_the_check_still_reads(
        client: TestClient, session: Session, actor: Any) -> None:
    body = f.make_body(session, actor)
    body.comment_send_to = "javascript:alert(3)"
    session.add(body)
    session.commit()
    read = client.get(f"/api/v1/bodies/{body.id}")
    assert read.status_code == 200 and read.json()["comment_send_to"] == "javascript:alert(3)"
    assert client.get(f"/bodies/{body.id}").status_code == 200
