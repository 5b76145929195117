"""Who can search an agency's plate reads: direct partners, pools and immigration enforcement,
the states they are in, the second degree, counted only from the links the reader may read."""

from sqlmodel import Session

from api.auth.models import Role, User
from api.sharing import service as sharing
from tests import factories as f


def _riverton(session: Session, actor: User) -> dict[str, int]:
    """Riverton shares with two departments in two states and with ICE; one of those shares
    with a sheriff in a third state, who can also reach Riverton's partner back."""
    make = f.make_agency
    ids = {"riverton": make(session, actor, name="Riverton Police Department").id,
           "oakdale": make(session, actor, name="Oakdale Police Department").id,
           "reno": make(session, actor, name="Reno Police Department", state_code="NV").id,
           "ice": make(session, actor, name="Immigration and Customs Enforcement",
                       kind="federal").id,
           "lane": make(session, actor, name="Lane County Sheriff", kind="sheriff",
                        state_code="OR").id}
    for partner in ("oakdale", "ice"):
        f.make_sharing_link(session, actor, agency_id=ids["riverton"],
                            partner_agency_id=ids[partner])
    # Said the other way: Reno can query Riverton's reads.
    f.make_sharing_link(session, actor, agency_id=ids["reno"], kind="can_query",
                        partner_agency_id=ids["riverton"], reported_on="2021-03")
    f.make_sharing_link(session, actor, agency_id=ids["oakdale"],
                        partner_agency_id=ids["lane"])
    f.make_sharing_link(session, actor, agency_id=ids["oakdale"],
                        partner_agency_id=ids["riverton"])
    session.commit()
    return ids


def test_direct_readers_states_immigration_and_the_second_degree(session: Session,
                                                                 actor: User) -> None:
    ids = _riverton(session, actor)
    seen = sharing.agency_exposure(session, actor, ids["riverton"])
    assert seen.direct == 3
    assert (seen.states, seen.state_codes) == (2, ["CA", "NV"])
    assert seen.immigration == ["Immigration and Customs Enforcement"]
    assert seen.immigration_year == "2019"
    # Lane County reaches Riverton's reads through Oakdale; Riverton itself is not counted.
    assert (seen.second_degree, seen.second_degree_states) == (1, 1)
    assert {r.agency_id for r in seen.readers} == {ids["oakdale"], ids["ice"], ids["reno"]}
    # Nobody shares with Lane County.
    assert sharing.agency_exposure(session, actor, ids["lane"]).direct == 0


def test_a_count_without_names_includes_the_named_and_pools_are_named(
        session: Session, actor: User) -> None:
    agency = f.make_agency(session, actor)
    named = f.make_agency(session, actor)
    f.make_sharing_link(session, actor, agency_id=agency.id, partner_agency_id=named.id)
    f.make_sharing_link(session, actor, agency_id=agency.id, partner_name="", partner_count=12)
    f.make_sharing_link(session, actor, agency_id=agency.id,
                        partner_name="Vigilant LEARN national pool", pool=True)
    session.commit()
    seen = sharing.agency_exposure(session, actor, agency.id)
    assert seen.direct == 12
    assert seen.pools == ["Vigilant LEARN national pool"]


def test_a_jurisdiction_counts_its_agencies_together(session: Session, actor: User) -> None:
    place = f.make_jurisdiction(session, actor)
    first = f.make_agency(session, actor, jurisdiction_id=place.id)
    second = f.make_agency(session, actor, jurisdiction_id=place.id, kind="sheriff")
    shared = f.make_agency(session, actor, state_code="AZ")
    for agency in (first, second):
        f.make_sharing_link(session, actor, agency_id=agency.id, partner_agency_id=shared.id)
    # One of the place's agencies sharing with the other exposes nothing new.
    f.make_sharing_link(session, actor, agency_id=first.id, partner_agency_id=second.id)
    session.commit()
    seen = sharing.jurisdiction_exposure(session, actor, place.id)
    assert (seen.direct, seen.state_codes) == (1, ["AZ"])


def test_counts_come_only_from_links_the_reader_may_read(session: Session,
                                                        actor: User) -> None:
    mine, theirs = (f.make_organization(session, actor).id for _ in range(2))
    agency = f.make_agency(session, actor)
    hidden_partner = f.make_agency(session, actor, owner_organization_id=theirs,
                                   visibility="private", state_code="WA")
    open_partner = f.make_agency(session, actor, state_code="NV")
    f.make_sharing_link(session, actor, agency_id=agency.id, partner_agency_id=open_partner.id)
    # Their finding, kept to themselves: about an agency everyone reads.
    f.make_sharing_link(session, actor, agency_id=agency.id,
                        partner_name="Homeland Security Investigations",
                        owner_organization_id=theirs, visibility="private")
    # Shared with the coalition, but naming an agency the reader may not read.
    f.make_sharing_link(session, actor, agency_id=agency.id,
                        partner_agency_id=hidden_partner.id)
    session.commit()
    partner = f.make_user(Role.partner, organization_id=mine, session=session)
    seen = sharing.agency_exposure(session, partner, agency.id)
    assert (seen.direct, seen.state_codes, seen.immigration, seen.pools) == (1, ["NV"], [], [])
    everything = sharing.agency_exposure(session, actor, agency.id)
    assert (everything.direct, everything.state_codes) == (3, ["NV", "WA"])
    assert everything.immigration == ["Homeland Security Investigations"]
    member = f.make_user(Role.partner, organization_id=theirs, session=session)
    # Their own organization reads both their finding and their private agency.
    theirs_seen = sharing.agency_exposure(session, member, agency.id)
    assert (theirs_seen.direct, theirs_seen.immigration) == (
        3, ["Homeland Security Investigations"])


def test_immigration_by_any_spelling_counted_once(session: Session, actor: User) -> None:
    for name in ("U.S. Immigration & Customs Enforcement", "Customs & Border Protection",
                 "Department of Homeland Security", "DHS"):
        assert sharing.is_immigration(name), name
    for name in ("Rice County Sheriff", "Justice Department", "Office of Justice Programs"):
        assert not sharing.is_immigration(name), name
    agency = f.make_agency(session, actor)
    for name in ("ICE", "Immigration and Customs Enforcement",
                 "U.S. Immigration & Customs Enforcement", "Customs & Border Protection"):
        f.make_sharing_link(session, actor, agency_id=agency.id, partner_name=name)
    session.commit()
    seen = sharing.agency_exposure(session, actor, agency.id)
    assert seen.immigration == ["ICE", "Customs & Border Protection"]


def test_the_summary_gives_the_newest_year_and_pools_are_not_agencies(
        session: Session, actor: User) -> None:
    """ICE named by reports of 2019, 2025 and 2023: the summary's year is the newest. A
    national pool reached through a partner is named apart, not counted as an agency."""
    ids = _riverton(session, actor)
    for year in ("2025-02", "2023"):
        f.make_sharing_link(session, actor, agency_id=ids["riverton"], partner_name="ICE",
                            reported_on=year)
    f.make_sharing_link(session, actor, agency_id=ids["oakdale"],
                        partner_name="Vigilant LEARN national pool", pool=True)
    f.make_sharing_link(session, actor, agency_id=ids["oakdale"], partner_count=900,
                        partner_name="Vigilant LEARN", pool=True)
    session.commit()
    seen = sharing.agency_exposure(session, actor, ids["riverton"])
    assert seen.immigration_year == "2025"
    assert seen.second_degree == 1
    assert seen.second_pools == ["Vigilant LEARN", "Vigilant LEARN national pool"]


def test_a_link_by_which_an_agency_can_query_another_shows_on_both(
        session: Session, actor: User) -> None:
    alder = f.make_agency(session, actor, name="Alder Police Department")
    lane = f.make_agency(session, actor, name="Lane County Sheriff", kind="sheriff")
    f.make_sharing_link(session, actor, agency_id=alder.id, kind="can_query",
                        partner_agency_id=lane.id)
    session.commit()
    assert [r.agency_id for r in sharing.agency_exposure(session, actor, lane.id).readers] \
        == [alder.id]
    assert [r.agency_id for r in sharing.agency_exposure(session, actor, alder.id).searches] \
        == [lane.id]
