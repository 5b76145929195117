"""A fictional coalition and campaign, loaded through the services, to show Oversight at work."""

import secrets
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.accounts.service import SYSTEM_EMAIL, system_user
from api.actions.models import Action
from api.agencies.models import Agency
from api.auth import passwords
from api.auth.models import Role, User, Visibility
from api.bodies.models import Body
from api.campaigns.models import Campaign
from api.contracts import service as contracts
from api.contracts.models import Contract
from api.demo import campaign, coalition, government, public_page
from api.demo.context import Demo
from api.documents.models import Document
from api.errors import Conflict
from api.i18n import formatting
from api.i18n.catalogs import N_, gettext, ngettext
from api.jurisdictions.models import Jurisdiction
from api.media.models import MediaContact, PressHit
from api.meetings.models import Meeting
from api.organizations.models import Organization
from api.people.models import Affiliation, Person
from api.records_requests.models import RecordsRequest
from api.settings import get_settings
from api.targets.models import Target
from api.tasks.models import Task
from api.vendors.models import Vendor
from api.votes import service as votes
from api.votes.models import Vote

APP_URL = "http://127.0.0.1:8000"
DEMO_LOGIN = N_("Sign in as a coalition lead or as a partner member:")
# email, name, role, organization key
DEMO_ACCOUNTS = [
    ("lead@riverton.example.org", "Maria Delgado", Role.lead, "immigrant"),
    ("partner@riverton.example.org", "Samir Haddad", Role.partner, "privacy"),
]
# The meeting kept private to the organization that held it, to show what partners do not see.
PRIVATE_MEETING_ORG = "privacy"

# What the demo makes, in the order the summary lists it: singular, plural, table.
COUNTED = [
    ("organization", "organizations", Organization), ("person", "people", Person),
    ("jurisdiction", "jurisdictions", Jurisdiction), ("body", "bodies", Body),
    ("target", "targets", Target), ("agency", "agencies", Agency),
    ("vendor", "vendors", Vendor), ("contract", "contracts", Contract),
    ("campaign", "campaigns", Campaign), ("vote", "votes", Vote),
    ("meeting", "meetings", Meeting), ("action", "actions", Action), ("task", "tasks", Task),
    ("records request", "records requests", RecordsRequest),
    ("media contact", "media contacts", MediaContact), ("press hit", "press hits", PressHit),
]


def is_empty(session: Session) -> bool:
    """True when the database holds no records of its own: only, at most, the system account."""
    for *_, model in [*COUNTED, ("document", "documents", Document)]:
        if session.exec(select(sa.literal(1)).select_from(model).limit(1)).first() is not None:
            return False
    others = select(User.id).where(User.email != SYSTEM_EMAIL).limit(1)
    return session.exec(others).first() is None


def load(session: Session) -> str:
    """Load the demo coalition and return a summary to print; the caller commits."""
    if session.exec(select(Campaign.id).where(Campaign.name == campaign.CAMPAIGN_NAME)).first():
        raise Conflict(N_("The demo campaign '{campaign_name}' is already loaded."),
                       campaign_name=campaign.CAMPAIGN_NAME)
    demo = Demo(session=session, actor=system_user(session))
    coalition.load(demo)
    government.load(demo)
    campaign.load(demo)
    _share(demo)
    public_page.load(demo)
    password = _accounts(demo)
    session.flush()
    return _summary(demo, password)


def _share(demo: Demo) -> None:
    """Who owns what: each person belongs to their first organization and is seen coalition-wide
    (those who want contact in person only stay private); one meeting stays private."""
    session = demo.session
    for person in session.exec(select(Person)).all():
        first = session.exec(select(Affiliation.organization_id).where(
            Affiliation.person_id == person.id).order_by(Affiliation.id)).first()
        person.owner_organization_id = first
        person.visibility = (Visibility.private if "in person only" in person.notes
                             else Visibility.coalition)
        session.add(person)
    for meeting in session.exec(select(Meeting)).all():
        private = meeting.organization_id == demo[f"org.{PRIVATE_MEETING_ORG}"]
        meeting.visibility = Visibility.private if private else Visibility.coalition
        session.add(meeting)
    for task in session.exec(select(Task)).all():
        task.owner_organization_id = task.assignee_organization_id
        task.visibility = Visibility.coalition
        session.add(task)
    for request in session.exec(select(RecordsRequest)).all():
        request.visibility = Visibility.coalition
        session.add(request)


def _accounts(demo: Demo) -> str:
    """The demo's sign-in accounts; the password comes from OVERSIGHT_DEMO_PASSWORD or is made
    up now and printed once."""
    password = get_settings().demo_password or secrets.token_urlsafe(12)
    hashed = passwords.hash_password(password)
    for email, name, role, org in DEMO_ACCOUNTS:
        demo.session.add(User(email=email, name=name, role=role,
                              organization_id=demo[f"org.{org}"], password_hash=hashed))
    return password


# Each kind the summary counts, in the language of the command line.
COUNT_WORDS: dict[Any, Callable[[int], str]] = {
    Organization: lambda n: ngettext("{count} organization", "{count} organizations", n),
    Person: lambda n: ngettext("{count} person", "{count} people", n),
    Jurisdiction: lambda n: ngettext("{count} jurisdiction", "{count} jurisdictions", n),
    Body: lambda n: ngettext("{count} body", "{count} bodies", n),
    Target: lambda n: ngettext("{count} target", "{count} targets", n),
    Agency: lambda n: ngettext("{count} agency", "{count} agencies", n),
    Vendor: lambda n: ngettext("{count} vendor", "{count} vendors", n),
    Contract: lambda n: ngettext("{count} contract", "{count} contracts", n),
    Campaign: lambda n: ngettext("{count} campaign", "{count} campaigns", n),
    Vote: lambda n: ngettext("{count} vote", "{count} votes", n),
    Meeting: lambda n: ngettext("{count} meeting", "{count} meetings", n),
    Action: lambda n: ngettext("{count} action", "{count} actions", n),
    Task: lambda n: ngettext("{count} task", "{count} tasks", n),
    RecordsRequest: lambda n: ngettext("{count} records request", "{count} records requests",
                                       n),
    MediaContact: lambda n: ngettext("{count} media contact", "{count} media contacts", n),
    PressHit: lambda n: ngettext("{count} press hit", "{count} press hits", n),
}


def _summary(demo: Demo, password: str) -> str:
    session = demo.session
    counted = []
    for _singular, _plural, model in COUNTED:
        count = session.exec(select(sa.func.count()).select_from(model)).one()
        counted.append(COUNT_WORDS[model](count).format(count=count))
    contract = contracts.crud.get(session, demo.actor, demo["contract.flock"])
    vote = votes.crud.get(session, demo.actor, demo["vote.renewal"])
    vote_local = vote.scheduled_at.astimezone(demo.zone)
    deadline = contract.notice_deadline
    days_left = (deadline - clock.today(demo.zone)).days if deadline else 0
    return "\n".join([
        gettext("Loaded the demo campaign “{campaign}”.").format(
            campaign=campaign.CAMPAIGN_NAME),
        gettext("The database now holds {counted}.").format(counted=", ".join(counted)),
        gettext("Flock notice deadline: {deadline} ({countdown}); council vote {vote}.").format(
            deadline=formatting.format_when(deadline), countdown=formatting.countdown(days_left),
            vote=f"{formatting.format_when(vote_local, 'weekday_date time')} "
                 f"{vote_local.tzname()}"),
        gettext("Open the address `oversight serve` prints ({address} by default).").format(
            address=APP_URL),
        gettext("The campaign's public page, for anyone: {address}").format(
            address=f"{APP_URL}/p/{public_page.SLUG}"),
        gettext(DEMO_LOGIN),
        *(f"  {email} ({gettext(role.value)}, {name})" for email, name, role, _ in DEMO_ACCOUNTS),
        gettext("  password: {password}").format(password=password),
    ])
