"""The demo's coalition: partner organizations, their people, and the reporters they know."""

from api.demo.context import Demo
from api.fields import stored_id
from api.media import service as media
from api.media.models import MediaContactCreate
from api.organizations import service as organizations
from api.organizations.models import CoalitionRole, OrganizationCreate, OrgKind, OrgStatus
from api.people import service as people
from api.people.models import AffiliationCreate, ContactMethod, PersonCreate

# key, name, kind, coalition role, status, web/email domain, notes
ORGANIZATIONS = [
    ("immigrant", "Riverton Immigrant Rights Network", OrgKind.immigrant_rights,
     CoalitionRole.co_lead, OrgStatus.joined, "rirn.example.org",
     "Runs the rapid-response line; worried about plate data reaching ICE."),
    ("privacy", "Alder Digital Privacy Alliance", OrgKind.privacy, CoalitionRole.co_lead,
     OrgStatus.joined, "alderprivacy.example.org",
     "Handles records requests and the technical analysis."),
    ("accountability", "Riverton Police Accountability Project", OrgKind.police_accountability,
     CoalitionRole.member, OrgStatus.joined, "rpap.example.org",
     "Has testified at every police budget hearing."),
    ("faith", "Interfaith Council of Alder County", OrgKind.faith, CoalitionRole.endorser,
     OrgStatus.invited, "interfaithalder.example.org",
     "Board decides on a formal endorsement next month."),
]

# key, name, email user (blank: none), phone, preferred contact, ok to email/text/call,
# [(organization key, role)], tags
PEOPLE = [
    ("maria", "Maria Delgado", "maria", "(555) 010-2201", ContactMethod.text, True, True, True,
     [("immigrant", "Organizing director")], ["lead", "spokesperson"]),
    ("samir", "Samir Haddad", "samir", "(555) 010-2202", ContactMethod.email, True, False, True,
     [("privacy", "Policy lead")], ["lead", "research"]),
    ("jordan", "Jordan Ellis", "jordan", "(555) 010-2203", ContactMethod.phone, True, True, True,
     [("accountability", "Coordinator")], ["testimony"]),
    ("grace", "Rev. Grace Thompson", "grace", "(555) 010-2204", ContactMethod.email,
     True, False, False, [("faith", "Co-chair")], ["clergy"]),
    ("tomas", "Tomás Rivera", "", "(555) 010-2205", ContactMethod.signal, False, True, False,
     [("immigrant", "Rapid-response volunteer")], ["volunteer"]),
    ("priya", "Priya Natarajan", "priya", "", ContactMethod.email, True, False, False,
     [("privacy", "Records-request volunteer")], ["volunteer", "research"]),
    ("dana", "Dana Kowalski", "dana", "(555) 010-2207", ContactMethod.email, True, True, False,
     [("accountability", "Researcher")], ["research"]),
    ("luis", "Luis Ortega", "", "", ContactMethod.in_person, False, False, False,
     [("immigrant", "Member"), ("faith", "Youth minister")], ["volunteer"]),
]

# key, name, outlet, beat, email
MEDIA_CONTACTS = [
    ("courier", "Jenna Morales", "Riverton Courier", "City hall", "jmorales@courier.example.org"),
    ("radio", "Omar Said", "KRVR Public Radio", "Technology and civil liberties",
     "osaid@krvr.example.org"),
]


def load(demo: Demo) -> None:
    session, actor = demo.session, demo.actor
    domains = {key: domain for key, _, _, _, _, domain, _ in ORGANIZATIONS}
    for key, name, kind, role, status, domain, notes in ORGANIZATIONS:
        org = organizations.crud.create(session, actor, OrganizationCreate(
            name=name, kind=kind, coalition_role=role, status=status,
            website=f"https://{domain}", email=f"info@{domain}", notes=notes, tags=["riverton"]))
        demo.keep(f"org.{key}", org)

    for key, name, user, phone, preferred, email_ok, text_ok, call_ok, memberships, tags in PEOPLE:
        domain = domains[memberships[0][0]]
        person = people.crud.create(session, actor, PersonCreate(
            name=name, email=f"{user}@{domain}" if user else None, phone=phone,
            signal_handle=f"{key}.riverton" if preferred == "signal" else "",
            preferred_contact=preferred, ok_to_email=email_ok, ok_to_text=text_ok,
            ok_to_call=call_ok, tags=tags,
            notes="" if email_ok or text_ok or call_ok else "Contact in person only."))
        demo.keep(f"person.{key}", person)
        for org_key, org_role in memberships:
            people.affiliations.create(session, actor, AffiliationCreate(
                person_id=stored_id(person), organization_id=demo[f"org.{org_key}"], role=org_role))

    for key, name, outlet, beat, email in MEDIA_CONTACTS:
        contact = media.contacts.create(session, actor, MediaContactCreate(
            name=name, outlet=outlet, beat=beat, email=email))
        demo.keep(f"media.{key}", contact)
