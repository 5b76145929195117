"""The demo campaign's public page, published: the council's public-comment rules, and a few
records its leads shared with the public and chose to show (the council, the renewal vote, the
police department's cameras, the Flock contract, the Courier's story)."""

from typing import Any

from sqlmodel import SQLModel

from api.agencies.models import Agency
from api.auth.models import Visibility
from api.bodies import service as bodies
from api.bodies.comment_rules import CommentDeadline
from api.bodies.models import BodyUpdate
from api.contracts.models import Contract
from api.demo.context import Demo
from api.media.models import PressHit
from api.public_pages import service as public_pages
from api.public_pages.models import ChosenItem, PublicPageUpdate, ShownKind
from api.targets.models import Target
from api.votes.models import Vote

SLUG = "riverton-no-renewal"
COUNCIL = ("park", "bell", "okafor", "chen", "jimenez", "halvorsen", "doyle")
INTRO = ("Riverton's license plate cameras log every car that passes them, and the police "
         "department shares what they record with more than a thousand other agencies.\n\n"
         "The contract renews for two more years unless the council lets it end. Come to the "
         "vote and tell the council what you think.")
VOTE_NOTE = ("Arrive by 5:45 PM to fill in a speaker card. The item is on the consent "
             "calendar: ask a council member to pull it for discussion.")


def load(demo: Demo) -> None:
    session, actor = demo.session, demo.actor
    bodies.crud.update(session, actor, demo["body.council"], BodyUpdate(
        comment_deadline=CommentDeadline.time_days_before, comment_days_before=1,
        comment_due_time="12:00", comment_send_to="cityclerk@riverton.example.org",
        speaker_signup="Fill in a speaker card at the back of the chambers; each speaker has "
                       "two minutes.",
        speaker_signup_closes=15))
    shown: list[tuple[ShownKind, type[SQLModel], str, str]] = [
        *((ShownKind.target, Target, f"target.{key}", "") for key in COUNCIL),
        (ShownKind.vote, Vote, "vote.renewal", VOTE_NOTE),
        (ShownKind.agency, Agency, "agency.police", ""),
        (ShownKind.contract, Contract, "contract.flock",
         "Notice must be given 60 days before the term ends, or it renews itself."),
        (ShownKind.press_hit, PressHit, "press.courier", ""),
    ]
    items = []
    for kind, model, key, note in shown:
        record: Any = session.get(model, demo[key])
        assert record is not None
        record.visibility = Visibility.public
        if kind == ShownKind.target:
            record.office_address = "Riverton City Hall, 300 Main Street"
        session.add(record)
        items.append(ChosenItem(kind=kind, record_id=demo[key], note=note))
    session.flush()
    campaign_id = demo["campaign"]
    public_pages.save(session, actor, campaign_id=campaign_id, changes=PublicPageUpdate(
        slug=SLUG, intro=INTRO, show_stances=True, items=items))
    public_pages.set_published(session, actor, campaign_id=campaign_id, published=True)
