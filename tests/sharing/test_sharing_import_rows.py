"""Rows a sharing import cannot keep are named in its preview, never committed half-read and
never a server error."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.agencies.models import Agency
from api.auth.models import User
from api.sharing.models import SharingLink
from tests import factories as f

HEADER = (b"A. Agency,B. State,C. Direct Sharing,D. NVLS,G1. 2016-2017 Detections,"
          b"G2. 2016-2017 Hits,R1. Data Sharing Link\n")


def _eff(client: TestClient, body: bytes, **form: str) -> dict:
    answer = client.post("/api/v1/imports/data-driven-sharing", data=form,
                         files={"file": ("eff.csv", HEADER + body, "text/csv")})
    assert answer.status_code == 200, answer.text
    return answer.json()


def _report(client: TestClient, agency_id: int, rows: bytes, **form: str) -> dict:
    """A sharing report of `agency_id` previewed, or with `commit` and `token`, written."""
    answer = client.post("/api/v1/imports/sharing-report",
                         files={"file": ("report.csv", b"Agency,State,ORI,Direction\n" + rows,
                                         "text/csv")},
                         data={"agency_id": str(agency_id), "reported_on": "2019", **form})
    assert answer.status_code == 200, answer.text
    return answer.json()


def _errors(answer: dict) -> dict[int, str]:
    return {link["row"]: link["message"] for link in answer["links"]
            if link["action"] == "error"}


def test_eff_rows_it_cannot_read_are_errors_in_the_preview(client: TestClient,
                                                          session: Session) -> None:
    body = (b"Big PD,CA,99999999999,Y,,,https://ok.example.org/w\n"
            b"X PD,CA,-5,Maybe,,,javascript:alert(1)\n"
            b"Y PD,CA,12,Maybe,,,https://ok.example.org/y\n"
            b"Z PD,CA,12,Y,,,javascript:alert(1)\n"
            b"Nowhere PD,ZZ,12,Y,,,https://ok.example.org/z\n"
            b"Good PD,CA,2147483647,N,,,https://ok.example.org/g\n")
    preview = _eff(client, body)
    errors = _errors(preview)
    assert sorted(errors) == [2, 3, 4, 5, 6], errors
    assert "more than can be kept" in errors[2]
    assert "-5" in errors[3] and "Maybe" in errors[4] and "web address" in errors[5]
    assert "ZZ" in errors[6]
    assert preview["new_agencies"] == ["Good PD (CA)"]
    done = _eff(client, body, commit="true", token=preview["token"])
    assert done["result"]["links_added"] == 1 and done["result"]["agencies_created"] == 1
    assert [e["row"] for e in done["result"]["errors"]] == [2, 3, 4, 5, 6]
    names = {a.name for a in session.exec(select(Agency)).all()}
    assert names == {"Good PD"}
    assert client.get("/api/v1/sharing-links").status_code == 200


def test_the_report_refuses_a_bad_state_and_its_own_agency(client: TestClient,
                                                          session: Session,
                                                          actor: User) -> None:
    riverton = f.make_agency(session, actor, name="Riverton Police Department",
                             state_code="CA")
    session.commit()
    rows = (b"Oakdale Police Department,ZZ,,shares with\n"
            b"Riverton Police Department,CA,,shares with\n"
            b"Reno Police Department,NV,,shares with\n")
    preview = _report(client, riverton.id, rows)
    errors = _errors(preview)
    assert sorted(errors) == [2, 3] and "ZZ" in errors[2] and "itself" in errors[3]
    assert preview["new_agencies"] == ["Reno Police Department (NV)"]
    done = _report(client, riverton.id, rows, commit="true", token=preview["token"])
    assert done["result"]["links_added"] == 1
    links = session.exec(select(SharingLink)).all()
    assert [link.agency_id != link.partner_agency_id for link in links] == [True]


def test_an_agency_name_no_agency_can_keep_is_a_row_error_not_a_server_error(
        client: TestClient, session: Session, actor: User) -> None:
    long_name = "X" * 250
    body = (f"{long_name},CA,12,Y,,,https://ok.example.org/l\n"
            "Bell\x07 PD,CA,12,Y,,,https://ok.example.org/b\n"
            "Fine PD,CA,12,Y,,,https://ok.example.org/f\n").encode()
    preview = _eff(client, body)
    errors = _errors(preview)
    assert sorted(errors) == [2, 3], errors
    assert "longer than 200 characters" in errors[2] and "cannot be kept" in errors[3]
    done = _eff(client, body, commit="true", token=preview["token"])
    assert done["result"]["agencies_created"] == 1
    riverton = f.make_agency(session, actor, name="Riverton Police Department",
                             state_code="CA")
    session.commit()
    rows = f"{long_name},CA,,shares with\nOak PD,CA,,shares with\n".encode()
    preview = _report(client, riverton.id, rows)
    assert "longer than 200 characters" in _errors(preview)[2]
    _report(client, riverton.id, rows, commit="true", token=preview["token"])
    assert {a.name for a in session.exec(select(Agency)).all()} == {
        "Fine PD", "Riverton Police Department", "Oak PD"}


def test_two_rows_naming_one_new_agency_two_ways_make_one_agency(
        client: TestClient, session: Session, actor: User) -> None:
    riverton = f.make_agency(session, actor, name="Riverton Police Department",
                             state_code="CA")
    session.commit()
    rows = (b"Dupe PD,CA,,shares with\n"
            b"Dupe Police Department,CA,,shares with\n"
            b"Dupe Police Department,NV,,shares with\n")
    preview = _report(client, riverton.id, rows)
    assert preview["new_agencies"] == ["Dupe PD (CA)", "Dupe Police Department (NV)"]
    assert [link["action"] for link in preview["links"]] == ["add", "keep", "add"]
    done = _report(client, riverton.id, rows, commit="true", token=preview["token"])
    assert done["result"]["agencies_created"] == 2 and done["result"]["links_added"] == 2
    assert sorted((a.name, a.state_code) for a in session.exec(select(Agency)).all()) == [
        ("Dupe PD", "CA"), ("Dupe Police Department", "NV"),
        ("Riverton Police Department", "CA")]
