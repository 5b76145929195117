"""Sharing links from EFF's "Data Driven" dataset and from one Vigilant sharing report: each
agency's exposure as the file counts it, previews that write nothing, no link twice."""

import csv
import io
import re

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.agencies.models import Agency
from api.auth.models import User
from api.sharing import service as sharing
from api.sharing.models import SharingLink
from api.sources import sharing_links
from api.sources.sharing_links import ReportSource
from tests import factories as f
from tests.sources.replay import fixture

DATA_DRIVEN = fixture("eff_data_driven_alpr_2016_2017.csv").read_bytes()
# The count a cell starts with ("1,034", "390 (Data Incomplete)"); none for "Not Provided".
LEADING_COUNT = re.compile(r"^\s*([\d,]+)")


def counted_in_the_file() -> dict[tuple[str, str], tuple[int, bool]]:
    """Each agency's direct partners and national pool membership, read straight from the
    file with the csv module alone."""
    found = {}
    for row in csv.DictReader(io.StringIO(DATA_DRIVEN.decode("utf-8-sig"))):
        count = LEADING_COUNT.match(row["C. Direct Sharing"])
        found[(" ".join(row["A. Agency"].split()), row["B. State"])] = (
            int(count[1].replace(",", "")) if count else 0, row["D. NVLS"].strip() == "Y")
    return found


def links_kept(session: Session) -> int:
    return session.exec(select(func.count()).select_from(SharingLink)).one()


def test_replaying_data_driven_builds_each_agencys_exposure(session: Session,
                                                           actor: User) -> None:
    # One agency is kept already: matched by name and state, never made twice.
    kept = f.make_agency(session, actor, name="American Canyon Police Department",
                         state_code="CA")
    session.commit()
    plan = sharing_links.preview_data_driven(session, DATA_DRIVEN)
    assert links_kept(session) == 0 and len(plan.new_agencies) == 199
    expected = counted_in_the_file()
    assert plan.counts["add"] == sum((n > 0) + pool for n, pool in expected.values())
    plan, result = sharing_links.commit_data_driven(session, actor, DATA_DRIVEN,
                                                    token=plan.token)
    session.commit()
    assert (result.agencies_created, result.errors) == (199, [])
    assert result.links_added == plan.counts["add"] == links_kept(session)
    agencies = {(a.name, a.state_code): a for a in session.exec(select(Agency)).all()}
    assert agencies[("American Canyon Police Department", "CA")].id == kept.id
    assert len(agencies) == len(expected) == 200
    for key, (partners, pool) in expected.items():
        seen = sharing.agency_exposure(session, actor, agencies[key].id)
        assert seen.direct == partners, key
        assert bool(seen.pools) == pool, key
        # Unnamed partners: no states, no second degree from the dataset alone.
        assert (seen.states, seen.second_degree) == (0, 0), key
    assert sharing.agency_exposure(session, actor, agencies[("Acworth Police Department",
                                                             "GA")].id).direct == 270

    again, result = sharing_links.commit_data_driven(session, actor, DATA_DRIVEN)
    session.commit()
    assert again.counts["add"] == 0 and again.new_agencies == []
    assert (result.links_added, result.agencies_created) == (0, 0)
    assert links_kept(session) == plan.counts["add"]


REPORT = fixture("vigilant_sharing_report_illustrative.csv").read_bytes()


def test_a_sharing_report_names_partners_and_makes_the_unknown(session: Session,
                                                              actor: User) -> None:
    riverton = f.make_agency(session, actor, name="Riverton Police Department")
    # Found by its ORI though the report spells it otherwise.
    reno = f.make_agency(session, actor, name="Reno PD", state_code="NV", ori="NV0160200")
    session.commit()
    source = ReportSource(agency_id=riverton.id, reported_on="2019-06",
                          source_url="https://www.documentcloud.org/documents/riverton.html")
    plan = sharing_links.preview_report(session, actor, REPORT, source)
    assert plan.counts == {"add": 4, "update": 0, "keep": 1, "error": 2}
    assert sorted(plan.new_agencies) == ["Lane County Sheriff (OR)",
                                        "Oakdale Police Department (CA)",
                                        "U.S. Immigration and Customs Enforcement"]
    assert links_kept(session) == 0
    _, result = sharing_links.commit_report(session, actor, REPORT, source, token=plan.token)
    session.commit()
    assert (result.agencies_created, result.links_added) == (3, 4)
    assert [e["row"] for e in result.errors] == [7, 8]
    seen = sharing.agency_exposure(session, actor, riverton.id)
    assert seen.direct == 3 and seen.state_codes == ["CA", "NV"]
    assert seen.immigration == ["U.S. Immigration and Customs Enforcement"]
    assert seen.immigration_year == "2019"
    assert reno.id in {r.agency_id for r in seen.readers}
    ice = session.exec(select(Agency).where(Agency.name.startswith("U.S. Imm"))).one()  # type: ignore[attr-defined]
    assert ice.kind == "federal"
    # Riverton can query Lane County: Lane County's reads are exposed to Riverton.
    lane = session.exec(select(Agency).where(Agency.name == "Lane County Sheriff")).one()
    assert [r.agency_id for r in sharing.agency_exposure(session, actor, lane.id).readers] == [
        riverton.id]
    _, again = sharing_links.commit_report(session, actor, REPORT, source)
    assert (again.links_added, again.agencies_created, again.unchanged) == (0, 0, 5)


def test_imports_through_the_api(client: TestClient, session: Session, actor: User) -> None:
    riverton = f.make_agency(session, actor, name="Riverton Police Department")
    session.commit()
    upload = {"file": ("report.csv", REPORT, "text/csv")}
    form = {"agency_id": str(riverton.id), "reported_on": "2019"}
    preview = client.post("/api/v1/imports/sharing-report", files=upload, data=form)
    assert preview.status_code == 200, preview.text
    assert preview.json()["committed"] is False and preview.json()["counts"]["add"] == 4
    done = client.post("/api/v1/imports/sharing-report", files=upload,
                       data={**form, "commit": "true", "token": preview.json()["token"]})
    assert done.status_code == 200 and done.json()["result"]["links_added"] == 4
    bad = client.post("/api/v1/imports/sharing-report", files=upload,
                      data={**form, "reported_on": "June 2019"})
    assert bad.status_code == 422
    missing = client.post("/api/v1/imports/sharing-report", files=upload,
                          data={**form, "agency_id": "999999"})
    assert missing.status_code == 404
    not_a_report = client.post("/api/v1/imports/sharing-report", data=form, files={
        "file": ("x.csv", b"Name,City\nA,B\n", "text/csv")})
    assert not_a_report.status_code == 422
    assert "Vigilant data sharing report" in not_a_report.json()["detail"]
    eff = client.post("/api/v1/imports/data-driven-sharing", data={"commit": "true"},
                      files={"file": ("eff.csv", DATA_DRIVEN, "text/csv")})
    assert eff.status_code == 200, eff.text
    assert eff.json()["result"]["agencies_created"] == 200
