"""A sharing import written in bulk leaves what the per-record path leaves: the same agencies
and links, the same audit entries filed in the same places, the new agencies found by global
search, the change counted; and a failure midway leaves nothing."""

from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from api import data_version
from api.agencies.models import Agency
from api.auth import scoping
from api.auth.models import AuditEntry, Role, User, Visibility
from api.search import service as search
from api.sharing.models import SharingLink
from api.sources import sharing_links
from api.sources.sharing_links import ReportSource
from tests import factories as f
from tests.sources.replay import fixture

DATA_DRIVEN = fixture("eff_data_driven_alpr_2016_2017.csv").read_bytes()
# Kept agencies found by ORI, by name and by a near spelling; new ones named twice, once by a
# near spelling; an immigration agency; the report's own agency; bad rows; a direction each way.
REPORT = b"""Agency,State,ORI,Direction
Oakdale Police Department,CA,,shares with
Reno Police Dept,NV,NV0160200,shares with
Kept By Name Police Department,CA,,can query
Kept  by name police department,ca,,shares with
U.S. Immigration and Customs Enforcement,,,shares with
Zephyr County Sheriff,OR,,can query
Zephyr County Sheriff's Office,OR,,shares with
Oakdale Police Department,CA,,shares with
Bulkhead Police Department,ZZ,,shares with
Subject Police Department,CA,,shares with
,CA,,shares with
Quarry Police Department,CA,,sideways
""" + b"".join(b"Generated Town %d Police Department,WA,,shares with\n" % i
              for i in range(40))
IGNORED = {"id", "created_at", "updated_at"}


def _label(session: Session, agency_id: int | None) -> str | None:
    if agency_id is None:
        return None
    agency = session.get(Agency, agency_id)
    assert agency is not None
    return f"{agency.name}|{agency.state_code}"


def _outcome(session: Session, since: int, before: int) -> dict[str, Any]:
    """What the import left, told without ids (PostgreSQL does not give a sequence's numbers
    back on rollback)."""
    with scoping.as_system(session):
        agencies = sorted(
            (a.name, a.state_code, a.ori, str(a.kind), str(a.visibility),
             a.owner_organization_id)
            for a in session.exec(select(Agency).where(Agency.id > since)).all())
        links = sorted(
            (_label(session, link.agency_id), _label(session, link.partner_agency_id),
             str(link.kind), link.partner_name, link.partner_count, link.pool,
             link.immigration, link.source_url, link.reported_on, str(link.confidence),
             link.dataset, str(link.visibility), link.owner_organization_id)
            for link in session.exec(select(SharingLink)).all())
        entries = []
        for entry in session.exec(select(AuditEntry).where(AuditEntry.id > before)).all():
            changes = {k: v for k, v in entry.changes.items() if k not in IGNORED}
            for name in ("agency_id", "partner_agency_id"):
                if name in changes:
                    changes[name] = [_label(session, v) for v in changes[name]]
            if entry.record_kind == "agency":
                changes["record"] = _label(session, entry.record_id)
            entries.append(repr((entry.action, entry.record_kind, entry.actor_id,
                                 entry.organization_id, entry.visibility,
                                 sorted(changes.items()))))
    return {"agencies": agencies, "links": links, "audit": sorted(entries)}


def _run(session: Session, actor: User, one_by_one: bool,
         write: Any) -> tuple[dict[str, Any], Any]:
    since = session.exec(select(sa.func.max(Agency.id))).one() or 0
    before = session.exec(select(sa.func.max(AuditEntry.id))).one() or 0
    result = write(one_by_one)
    outcome = _outcome(session, since, before)
    found = search.search(session, actor, "Generated Town 17")
    titles = [item["title"] for group in found for item in group.items]
    session.rollback()
    return outcome, (result, titles)


@pytest.mark.parametrize("kind", ["report", "data-driven"])
def test_bulk_leaves_what_one_by_one_leaves(session: Session, actor: User, kind: str) -> None:
    org = f.make_organization(session, actor)
    leads_own = f.make_organization(session, actor)
    lead = f.make_user(Role.lead, session=session, organization_id=leads_own.id)
    # The report is about an agency a partner keeps to itself: its links are filed so.
    subject = f.make_agency(session, actor, name="Subject Police Department",
                            owner_organization_id=org.id, visibility=Visibility.leads)
    # A partner agency the lead's own organization keeps to itself: the links naming it are
    # filed more closely still.
    f.make_agency(session, actor, name="Reno Police Department", state_code="NV",
                  ori="NV0160200", owner_organization_id=leads_own.id,
                  visibility=Visibility.private)
    f.make_agency(session, actor, name="Kept by Name Police Department")
    f.make_agency(session, actor, name="Zephyr County Sheriffs Office", state_code="OR")
    session.commit()
    scoping.act_as(session, lead)
    source = ReportSource(agency_id=subject.id, source_url="https://example.org/report.pdf",
                          reported_on="2019-05")
    content = REPORT if kind == "report" else DATA_DRIVEN
    if kind == "report":
        plan = sharing_links.preview_report(session, lead, content, source)
        facts = sharing_links.read_report(content, source)
    else:
        # Twenty columns: name, state, partners, pool, then sixteen left empty; one row bad.
        content += b"".join(b"\nGenerated Town %d Police Department,WA,12,Y" % i + b"," * 16
                            for i in range(40)) + b"\nBad Count Police,WA,many,Y" + b"," * 16
        plan = sharing_links.preview_data_driven(session, content)
        facts = sharing_links.read_data_driven(content)
    session.rollback()

    def write(one_by_one: bool) -> Any:
        return sharing_links.apply(session, lead, plan, facts, token=plan.token,
                                   one_by_one=one_by_one)

    each, (each_result, each_found) = _run(session, lead, True, write)
    bulk, (bulk_result, bulk_found) = _run(session, lead, False, write)
    assert bulk_result == each_result
    assert bulk_result.agencies_created == len(plan.new_agencies) > 40
    assert bulk_result.links_added == plan.counts["add"]
    assert bulk_result.errors and len(bulk_result.errors) == each_result.errors.__len__()
    assert bulk["agencies"] == each["agencies"]
    assert bulk["links"] == each["links"]
    assert bulk["audit"] == each["audit"]
    assert len(bulk["audit"]) == bulk_result.agencies_created + bulk_result.links_added
    assert bulk_found == each_found == ["Generated Town 17 Police Department"]
    # Counted as a change once committed (on PostgreSQL the count is taken at the commit), so
    # pages made before it are made again.
    version = data_version.current(session)
    session.rollback()
    write(False)
    session.commit()
    assert data_version.current(session) > version
    if kind == "report":
        links = [e for e in bulk["audit"] if "'sharing_link'" in e]
        naming_reno = [e for e in links if "Reno Police Department|NV" in e]
        assert naming_reno and all(f"{leads_own.id}, 'private'" in e for e in naming_reno)
        assert all(f"{org.id}, 'leads'" in e for e in links if e not in naming_reno)


def test_a_failure_midway_writes_nothing(session: Session, actor: User,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    subject = f.make_agency(session, actor, name="Subject Police Department")
    session.commit()
    agencies_before = len(session.exec(select(Agency)).all())
    audit_before = len(session.exec(select(AuditEntry)).all())
    version = data_version.current(session)
    session.rollback()
    source = ReportSource(agency_id=subject.id)

    def broken(*args: Any, **kwargs: Any) -> None:
        # After the agencies are written, before the links are.
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(sharing_links, "insert_checked", broken)
    with pytest.raises(RuntimeError):
        sharing_links.commit_report(session, actor, REPORT, source)
    session.rollback()
    assert len(session.exec(select(Agency)).all()) == agencies_before
    assert session.exec(select(SharingLink)).all() == []
    assert len(session.exec(select(AuditEntry)).all()) == audit_before
    assert data_version.current(session) == version
    assert search.search(session, actor, "Generated Town 17") == []


def test_bulk_brings_kept_links_up_to_date_as_one_by_one_does(session: Session,
                                                              actor: User) -> None:
    lead = f.make_user(Role.lead, session=session)
    sharing_links.commit_data_driven(session, lead, DATA_DRIVEN)
    session.commit()
    scoping.act_as(session, lead)
    # Acworth now shares with one more agency; the same file twice over changes it once.
    changed = DATA_DRIVEN.replace(b"Acworth Police Department,GA,270,",
                                  b"Acworth Police Department,GA,271,")
    assert changed != DATA_DRIVEN
    plan = sharing_links.preview_data_driven(session, changed)
    facts = sharing_links.read_data_driven(changed)
    session.rollback()

    def write(one_by_one: bool) -> Any:
        return sharing_links.apply(session, lead, plan, facts, one_by_one=one_by_one)

    each, (each_result, _) = _run(session, lead, True, write)
    bulk, (bulk_result, _) = _run(session, lead, False, write)
    assert bulk_result == each_result
    assert bulk_result.links_updated == plan.counts["update"] == 1
    assert bulk == each
    assert any("'update', 'sharing_link'" in e and "[270, 271]" in e for e in bulk["audit"])
