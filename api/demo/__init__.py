"""A fictional coalition and campaign, loaded through the services, to show Oversight at work."""

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.actions.models import Action
from api.agencies.models import Agency
from api.auth.models import User
from api.auth.service import SYSTEM_EMAIL, system_user
from api.bodies.models import Body
from api.campaigns.models import Campaign
from api.contracts import service as contracts
from api.contracts.models import Contract, Vendor
from api.demo import campaign, coalition, government
from api.demo.context import Demo
from api.documents.models import Document
from api.errors import Conflict
from api.jurisdictions.models import Jurisdiction
from api.media.models import MediaContact, PressHit
from api.meetings.models import Meeting
from api.organizations.models import Organization
from api.people.models import Person
from api.records_requests.models import RecordsRequest
from api.targets.models import Target
from api.tasks.models import Task
from api.votes import service as votes
from api.votes.models import Vote

APP_URL = "http://127.0.0.1:8000"
# Accounts and sign-in come later; change this line when they do.
DEMO_LOGIN = "No login is needed yet: accounts and sign-in come in a later release."

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
        raise Conflict(f"The demo campaign '{campaign.CAMPAIGN_NAME}' is already loaded.")
    demo = Demo(session=session, actor=system_user(session))
    coalition.load(demo)
    government.load(demo)
    campaign.load(demo)
    session.flush()
    return _summary(demo)


def _summary(demo: Demo) -> str:
    session = demo.session
    counted = []
    for singular, plural, model in COUNTED:
        count = session.exec(select(sa.func.count()).select_from(model)).one()
        counted.append(f"{count} {singular if count == 1 else plural}")
    contract = contracts.crud.get(session, demo.actor, demo["contract.flock"])
    vote = votes.crud.get(session, demo.actor, demo["vote.renewal"])
    vote_local = vote.scheduled_at.astimezone(demo.zone)
    days_left = (contract.notice_deadline - clock.today()).days if contract.notice_deadline else 0
    return "\n".join([
        f"Loaded the demo campaign '{campaign.CAMPAIGN_NAME}'.",
        f"The database now holds {', '.join(counted)}.",
        f"Flock notice deadline: {contract.notice_deadline} ({days_left} days from today); "
        f"council vote {vote_local:%Y-%m-%d at %H:%M %Z}.",
        f"Open {APP_URL}",
        DEMO_LOGIN,
    ])
