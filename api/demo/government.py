"""The demo's government side: Riverton and Alder County, their bodies and decision-makers,
the agencies running license plate readers, and the vendor contracts."""

from decimal import Decimal

from sqlmodel import Session, select

from api.agencies import service as agencies
from api.agencies.models import AgencyCreate, AgencyKind, Sharing
from api.auth.models import User
from api.bodies import service as bodies
from api.bodies.models import BodyCreate, BodyKind
from api.contracts import service as contracts
from api.contracts.models import ContractCreate
from api.demo.context import ZONE, Demo
from api.jurisdictions import service as jurisdictions
from api.jurisdictions.models import JurisdictionCreate, JurisdictionKind
from api.sharing import service as sharing_links
from api.sharing.models import Confidence, SharingLinkCreate, SourceKind
from api.targets import service as targets
from api.targets.models import TargetCreate, TargetTitle
from api.vendors import service as vendors
from api.vendors.models import Vendor, VendorCreate

CITY_SITE = "https://riverton.example.org"
COUNTY_SITE = "https://aldercounty.example.org"

# key, name, kind, jurisdiction key, seats, majority needed, website
BODIES = [
    ("council", "Riverton City Council", BodyKind.city_council, "city", 7, 4,
     f"{CITY_SITE}/council"),
    ("supervisors", "Alder County Board of Supervisors", BodyKind.board_of_supervisors, "county",
     5, 3, f"{COUNTY_SITE}/board"),
    ("sheriff", "Alder County Sheriff's Office", BodyKind.sheriffs_office, "county", 0, 0,
     f"{COUNTY_SITE}/sheriff"),
]

# key, name, title, body key (blank: none), district, years left in term,
# relationship owner (organization key, blank: none), notes
TARGETS = [
    ("park", "Elena Park", TargetTitle.mayor, "council", "At large", 2, "faith",
     "Sets the agenda; has said she wants 'a full public discussion' of the renewal."),
    ("bell", "Marcus Bell", TargetTitle.council_member, "council", "District 1", 3, "immigrant",
     "Asked for the data-sharing audit last year."),
    ("okafor", "Ana Okafor", TargetTitle.council_member, "council", "District 2", 1, "privacy",
     "Former public defender; cares about retention limits."),
    ("chen", "David Chen", TargetTitle.council_member, "council", "District 3", 3,
     "accountability", ""),
    ("jimenez", "Rosa Jimenez", TargetTitle.council_member, "council", "District 4", 1, "",
     "Her district has the most cameras; hears from small-business owners who like them."),
    ("halvorsen", "Greg Halvorsen", TargetTitle.council_member, "council", "District 5", 2, "",
     "Chairs public safety; praised the cameras' role in car-theft arrests."),
    ("doyle", "Patricia Doyle", TargetTitle.council_member, "council", "District 6", 3, "",
     "Endorsed by the police officers' association."),
    ("marsh", "Helen Marsh", TargetTitle.supervisor, "supervisors", "District 1", 2, "privacy", ""),
    ("nguyen", "Victor Nguyen", TargetTitle.supervisor, "supervisors", "District 2", 1, "", ""),
    ("bustos", "Carla Bustos", TargetTitle.supervisor, "supervisors", "District 3", 3, "immigrant",
     "Voted against the sheriff's last surveillance purchase."),
    ("cole", "Raymond Cole", TargetTitle.sheriff, "sheriff", "", 2, "",
     "Defends sharing plate data with federal task forces."),
    ("ruiz", "Angela Ruiz", TargetTitle.police_chief, "", "", 0, "",
     "Reports to the city manager; will present the renewal to the council."),
]

# key, name, kind, jurisdiction key, vendor key, fixed and mobile cameras, retention days,
# shares with federal, evidence, sharing partners, notes
AGENCIES = [
    ("police", "Riverton Police Department", AgencyKind.police_department, "city",
     "flock", 42, 4, 30, Sharing.disputed,
     f"{CITY_SITE}/records/rpd-alpr-audit-log.pdf", 1180,
     "Audit log shows searches by out-of-state agencies tagged 'immigration'; "
     "the department says these were errors."),
    ("sheriff", "Alder County Sheriff's Office", AgencyKind.sheriff, "county",
     "vigilant", 18, 12, 365, Sharing.yes,
     f"{COUNTY_SITE}/sheriff/alpr-sharing-agreements.pdf", 320,
     "Shares with a federal task force under a signed data-sharing agreement."),
]

# Who can search each agency's plate reads: agency key, partner (an agency key, or a name alone),
# how many agencies a source counts without naming them, a national pool, the source's kind,
# address and date, and how sure it is.
SHARING = [
    ("police", "sheriff", None, False, SourceKind.records_request,
     f"{CITY_SITE}/records/rpd-alpr-sharing-list.pdf", "2024-11", Confidence.confirmed),
    ("police", "", 1180, False, SourceKind.news,
     "https://news.example.org/riverton-plate-data-shared-1180-agencies", "2025-02",
     Confidence.likely),
    ("sheriff", "Homeland Security Investigations", None, False, SourceKind.records_request,
     f"{COUNTY_SITE}/sheriff/alpr-sharing-agreements.pdf", "2023-06", Confidence.confirmed),
    ("sheriff", "Vigilant LEARN national pool", None, True, SourceKind.vigilant_report,
     f"{COUNTY_SITE}/sheriff/vigilant-data-sharing-report.pdf", "2019", Confidence.confirmed),
]

VENDORS = [
    ("flock", "Flock Safety", "https://www.flocksafety.com"),
    ("vigilant", "Motorola Solutions (Vigilant)", "https://www.motorolasolutions.com"),
]


def _vendor(session: Session, actor: User, name: str, website: str) -> Vendor:
    # Vendors are real companies an instance may already track; reuse rather than duplicate.
    found = session.exec(select(Vendor).where(Vendor.name == name)).first()
    if found is not None:
        return found
    return vendors.crud.create(session, actor, VendorCreate(name=name, website=website))


def load(demo: Demo) -> None:
    session, actor = demo.session, demo.actor
    county = jurisdictions.crud.create(session, actor, JurisdictionCreate(
        name="Alder County", kind=JurisdictionKind.county, state_code="CA", timezone=ZONE,
        population=412_000))
    demo.keep("place.county", county)
    city = jurisdictions.crud.create(session, actor, JurisdictionCreate(
        name="Riverton", kind=JurisdictionKind.city, state_code="CA", parent_id=county.id,
        timezone=ZONE, population=98_500, latitude=37.64, longitude=-120.99))
    demo.keep("place.city", city)

    for key, name, kind, place, seats, majority, website in BODIES:
        body = bodies.crud.create(session, actor, BodyCreate(
            name=name, kind=kind, jurisdiction_id=demo[f"place.{place}"], seats=seats,
            majority_needed=majority, website=website))
        demo.keep(f"body.{key}", body)

    term_end = demo.day(0).replace(month=12, day=31)
    county_bodies = {key for key, _, _, place, _, _, _ in BODIES if place == "county"}
    for number, (key, name, title, on_body, district, years, owner, notes) in enumerate(TARGETS):
        domain = "aldercounty" if on_body in county_bodies else "riverton"
        target = targets.crud.create(session, actor, TargetCreate(
            name=name, title=title, body_id=demo[f"body.{on_body}"] if on_body else None,
            district=district, notes=notes,
            term_ends=term_end.replace(year=term_end.year + years) if years else None,
            email=f"{key}@{domain}.example.org", phone=f"(555) 010-{3101 + number}",
            owner_organization_id=demo[f"org.{owner}"] if owner else None))
        demo.keep(f"target.{key}", target)

    for key, name, website in VENDORS:
        demo.keep(f"vendor.{key}", _vendor(session, actor, name, website))
    for (key, name, agency_kind, place, vendor, fixed, mobile, retention, sharing, evidence,
         partners, notes) in AGENCIES:
        agency = agencies.crud.create(session, actor, AgencyCreate(
            name=name, kind=agency_kind, jurisdiction_id=demo[f"place.{place}"], state_code="CA",
            vendor_id=demo[f"vendor.{vendor}"], fixed_cameras=fixed, mobile_cameras=mobile,
            retention_days=retention, shares_with_federal=sharing, sharing_evidence_url=evidence,
            sharing_partners=partners, source_links=[evidence], notes=notes))
        demo.keep(f"agency.{key}", agency)

    for key, partner, count, pool, source, url, when, confidence in SHARING:
        named = f"agency.{partner}" in demo.ids
        sharing_links.crud.create(session, actor, SharingLinkCreate(
            agency_id=demo[f"agency.{key}"],
            partner_agency_id=demo[f"agency.{partner}"] if named else None,
            partner_name="" if named else partner, partner_count=count, pool=pool,
            source_kind=source, source_url=url, reported_on=when, confidence=confidence))

    # Notice is due 60 days before the end date: about 45 days from today.
    flock_end = demo.day(105)
    flock = contracts.crud.create(session, actor, ContractCreate(
        title="Flock Safety ALPR services, Riverton Police Department",
        agency_id=demo["agency.police"], vendor_id=demo["vendor.flock"],
        annual_cost=Decimal("126000.00"), cost_per_camera=Decimal("3000.00"), camera_count=42,
        start_date=demo.day(105 - 730), end_date=flock_end, auto_renews=True,
        renewal_term_months=24, termination_notice_days=60,
        approving_body_id=demo["body.council"], funding_source="General fund, police budget",
        document_url=f"{CITY_SITE}/records/flock-agreement.pdf",
        notes="Renews for two more years unless the city gives written notice."))
    demo.keep("contract.flock", flock)
    vigilant = contracts.crud.create(session, actor, ContractCreate(
        title="Vigilant LEARN and mobile ALPR, Alder County Sheriff",
        agency_id=demo["agency.sheriff"], vendor_id=demo["vendor.vigilant"],
        annual_cost=Decimal("88500.00"), camera_count=30, start_date=demo.day(-400),
        end_date=demo.day(330), auto_renews=False, termination_notice_days=30,
        approving_body_id=demo["body.supervisors"], funding_source="Federal grant",
        notes="Paid for by a federal grant; the grant requires data sharing."))
    demo.keep("contract.vigilant", vigilant)
