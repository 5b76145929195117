"""The demo campaign against the Flock renewal: stances, votes, meetings, actions, tasks,
records requests and press."""

from api.actions import service as actions
from api.actions.models import ActionCreate, ActionKind, ActionStatus
from api.campaigns import service as campaigns
from api.campaigns.models import (
    CampaignCreate,
    CampaignGoal,
    CampaignOutcome,
    CampaignStatus,
    PolicyAskItem,
)
from api.demo.context import Demo
from api.evidence import service as evidence
from api.evidence.models import EvidenceEntryCreate, EvidenceKind
from api.fields import stored_id
from api.known_outcomes import service as known_outcomes
from api.known_outcomes.models import KnownOutcomeCreate
from api.media import service as media
from api.media.models import PressHitCreate
from api.meetings import service as meetings
from api.meetings.models import MeetingCreate, StanceObserved
from api.records_requests import service as records_requests
from api.records_requests.models import RecordsRequestCreate, RequestMethod, RequestStatus
from api.targets import service as targets
from api.targets.models import StanceLevel, StanceSource
from api.tasks import service as tasks
from api.tasks.models import TaskCreate, TaskStatus
from api.votes import service as votes
from api.votes.models import OurPosition, VoteCreate, VoteKind

CAMPAIGN_NAME = "Riverton: No Renewal for Flock"

POLICY_ASKS = [
    ("no_immigration_use", "No plate data for immigration enforcement, by anyone."),
    ("no_outside_sharing", "Turn off Flock's national lookup and every out-of-state share."),
    ("retention_limit", "Keep non-hit plate reads 24 hours at most."),
    ("public_annual_report", "Publish searches, hits and shares every year."),
    ("community_control_ordinance", "No new surveillance technology without a council vote."),
]

# target key, [(level, source, note)] in the order they were learned. Ana Okafor's move to
# leaning_yes comes from a meeting below.
STANCES = [
    ("bell", [(StanceLevel.champion, StanceSource.public_statement,
               "Said at the budget hearing he will move to pull the renewal from consent.")]),
    ("okafor", [(StanceLevel.undecided, StanceSource.news,
                 "Told the Courier she is 'still reading the contract'.")]),
    ("chen", [(StanceLevel.undecided, StanceSource.other,
               "Open, but wants the audit numbers first."),
              (StanceLevel.leaning_yes, StanceSource.public_statement,
               "Posted that he will not vote for sharing data with ICE.")]),
    ("park", [(StanceLevel.undecided, StanceSource.public_statement,
               "Wants 'a full public discussion' before any renewal.")]),
    ("jimenez", [(StanceLevel.undecided, StanceSource.other, "Staff say she has not decided.")]),
    ("halvorsen", [(StanceLevel.undecided, StanceSource.other, "No public position yet."),
                   (StanceLevel.leaning_no, StanceSource.news,
                    "Credited the cameras for car-theft arrests.")]),
    ("doyle", [(StanceLevel.opposed, StanceSource.vote,
                "Voted for the original contract two years ago.")]),
]

# key, days from today, hour, organization, targets, attendees, summary, asks, commitments,
# observed stances [(target, level, note)]
MEETINGS = [
    ("bell", -24, 10, "immigrant", ["bell"], ["maria", "tomas"],
     "Council Member Bell shared our concern about the audit log and out-of-state searches.",
     "Pull the renewal from the consent calendar; co-sponsor a surveillance ordinance.",
     "Will ask the mayor to pull the item and co-sponsor the ordinance.", []),
    ("okafor", -17, 14, "privacy", ["okafor"], ["samir", "priya"],
     "Walked through the retention and sharing settings; she was surprised by the 1,180 "
     "sharing partners.",
     "Vote no on the renewal unless sharing ends and retention drops to 24 hours.",
     "Will ask the chief for the sharing list in writing.",
     [("okafor", "leaning_yes", "Will vote no on renewal as written.")]),
    ("chen-jimenez", -10, 9, "accountability", ["chen", "jimenez"], ["jordan", "dana"],
     "Joint meeting on the police budget. Chen is with us; Jimenez worries about "
     "business owners on Fourth Street.",
     "Support a no-renewal motion; meet business owners with us.",
     "Jimenez's chief of staff will set up a meeting with the merchants' association.", []),
    ("park", -4, 16, "faith", ["park"], ["grace", "luis"],
     "Clergy delegation asked the mayor to hear from immigrant families before the vote.",
     "Hold the item for a full public discussion.",
     "Will consider moving it off consent if three members ask.", []),
]

# key, title, kind, owner, days from today, status, vote key, description, outcome
ACTIONS = [
    ("comment", "Public comment at the renewal vote", ActionKind.public_comment, "immigrant", 10,
     ActionStatus.planned, "renewal", "Twenty speakers, two minutes each; families speak first.",
     ""),
    ("call-in", "Call-in day: pull Flock from consent", ActionKind.call_in_day, "privacy", 6,
     ActionStatus.in_progress, "renewal",
     "Script and council office numbers go out to every list.", ""),
    ("op-ed", "Op-ed: Riverton's cameras feed a national database", ActionKind.op_ed,
     "privacy", -12, ActionStatus.done, "", "", "Ran in the Riverton Courier."),
    ("rally", "Rally at City Hall before the vote", ActionKind.rally, "faith", 10,
     ActionStatus.planned, "renewal",
     "Gather at 5:00 pm on the steps, then go in together for public comment.", ""),
    ("letter", "Coalition sign-on letter to the council", ActionKind.letter, "accountability",
     -20, ActionStatus.done, "", "Asks the council to give notice of non-renewal.",
     "Signed by 23 organizations; delivered to every office."),
    ("records", "Records requests for audit logs and sharing agreements",
     ActionKind.records_request, "privacy", -15, ActionStatus.in_progress, "",
     "Police audit logs and the sheriff's agreements.", ""),
]

# title, organization, days from today, status, action or meeting key, notes
TASKS = [
    ("Confirm speakers for public comment", "immigrant", 3, TaskStatus.open, "action.comment",
     "Twelve confirmed so far."),
    ("Send Council Member Okafor the sharing-partner list", "privacy", 2, TaskStatus.open,
     "meeting.okafor", "She asked for it at our meeting."),
    ("Follow up on the sheriff's overdue records request", "privacy", -3, TaskStatus.open,
     "action.records", "The response deadline has passed; call the records unit."),
    ("Draft the call-in script", "privacy", -5, TaskStatus.done, "action.call-in", ""),
]


def load(demo: Demo) -> None:
    session, actor = demo.session, demo.actor
    campaign = campaigns.crud.create(session, actor, CampaignCreate(
        name=CAMPAIGN_NAME, jurisdiction_id=demo["place.city"], goal=CampaignGoal.cancel_renewal,
        status=CampaignStatus.active, start_date=demo.day(-75), target_date=demo.day(45),
        description=("Riverton's Flock contract renews for two more years unless the city "
                     "gives notice. We want the council to let it end."),
        policy_asks=[PolicyAskItem(ask=ask, note=note) for ask, note in POLICY_ASKS],
        lead_organization_ids=[demo["org.immigrant"], demo["org.privacy"]]))
    demo.keep("campaign", campaign)

    for target, changes in STANCES:
        for level, source, note in changes:
            targets.set_stance(session, actor, target_id=demo[f"target.{target}"],
                               campaign_id=stored_id(campaign), level=level, source=source,
                               note=note)

    renewal = votes.crud.create(session, actor, VoteCreate(
        title="Second amendment to the Flock Safety agreement (two-year renewal)",
        body_id=demo["body.council"], campaign_id=campaign.id,
        contract_id=demo["contract.flock"], scheduled_at=demo.local_at(10, 18),
        agenda_item_number="7.C", kind=VoteKind.renewal, consent_calendar=True,
        our_position=OurPosition.block,
        location="Council Chambers, 300 Main Street",
        notes="On consent: any one member can pull it for discussion."))
    demo.keep("vote.renewal", renewal)
    ordinance = votes.crud.create(session, actor, VoteCreate(
        title="Surveillance technology ordinance, first reading",
        body_id=demo["body.council"], campaign_id=campaign.id,
        scheduled_at=demo.local_at(40, 18), agenda_item_number="12", kind=VoteKind.ordinance,
        our_position=OurPosition.support,
        location="Council Chambers, 300 Main Street"))
    demo.keep("vote.ordinance", ordinance)

    for (key, days, hour, org, met, attendees, summary, asks, commitments,
         observed) in MEETINGS:
        meeting = meetings.crud.create(session, actor, MeetingCreate(
            held_at=demo.local_at(days, hour), campaign_id=campaign.id,
            organization_id=demo[f"org.{org}"], location="City Hall, council offices",
            summary=summary, asks=asks, commitments=commitments,
            target_ids=[demo[f"target.{t}"] for t in met],
            attendee_ids=[demo[f"person.{p}"] for p in attendees],
            stances_observed=[StanceObserved(target_id=demo[f"target.{t}"], level=level,
                                             note=note) for t, level, note in observed]))
        demo.keep(f"meeting.{key}", meeting)

    for key, title, kind, owner, days, status, vote, description, outcome in ACTIONS:
        action = actions.crud.create(session, actor, ActionCreate(
            title=title, kind=kind, campaign_id=campaign.id,
            owner_organization_id=demo[f"org.{owner}"],
            vote_id=demo[f"vote.{vote}"] if vote else None, scheduled_on=demo.day(days),
            status=status, description=description, outcome=outcome))
        demo.keep(f"action.{key}", action)

    for title, org, days, task_status, made_by, notes in TASKS:
        from_action = made_by.startswith("action.")
        tasks.crud.create(session, actor, TaskCreate(
            title=title, campaign_id=campaign.id, assignee_organization_id=demo[f"org.{org}"],
            due_on=demo.day(days), status=task_status, notes=notes,
            action_id=demo[made_by] if from_action else None,
            meeting_id=None if from_action else demo[made_by]))

    records_requests.crud.create(session, actor, RecordsRequestCreate(
        subject="ALPR audit logs and sharing list, Riverton Police Department",
        agency_id=demo["agency.police"], campaign_id=campaign.id,
        requester_organization_id=demo["org.privacy"], law="California Public Records Act",
        state_code="CA", method=RequestMethod.portal, tracking_number="R000193",
        status=RequestStatus.extended,
        sent_on=demo.day(-15),
        text=("All ALPR audit logs for the past twelve months, and the current list of "
              "agencies the department shares plate data with."),
        notes="The city took the 14-day extension."))
    records_requests.crud.create(session, actor, RecordsRequestCreate(
        subject="Sheriff's ALPR data-sharing agreements with federal agencies",
        agency_id=demo["agency.sheriff"], campaign_id=campaign.id,
        requester_organization_id=demo["org.privacy"], law="California Public Records Act",
        state_code="CA", method=RequestMethod.email, status=RequestStatus.sent,
        sent_on=demo.day(-40),
        text="Every agreement under which the sheriff shares ALPR data with a federal agency.",
        notes="No acknowledgment yet."))

    story = media.press_hits.create(session, actor, PressHitCreate(
        title="Riverton council to weigh renewal of license plate camera contract",
        outlet="Riverton Courier", url="https://courier.example.org/news/riverton-flock-renewal",
        published_on=demo.day(-6), campaign_id=campaign.id,
        media_contact_id=demo["media.courier"],
        summary="Quotes Maria Delgado and Council Member Bell; the chief defends the cameras."))
    demo.keep("press.courier", story)
    _evidence(demo, stored_id(campaign))


def _evidence(demo: Demo, campaign_id: int) -> None:
    """What the coalition has found of the cameras' misuse, and what towns nearby won: as
    fictional as the rest of the demo."""
    session, actor = demo.session, demo.actor
    evidence.crud.create(session, actor, EvidenceEntryCreate(
        title="Officer ran plate searches with no case number",
        kind=EvidenceKind.audit_finding, occurred_on=demo.day(-120),
        summary="The audit log from the records request shows 212 searches in one week by one "
                "officer, each with the reason \"investigation\".",
        citation="Riverton PD ALPR audit log (records request)",
        contract_id=demo["contract.flock"], campaign_id=campaign_id))
    evidence.crud.create(session, actor, EvidenceEntryCreate(
        title="Chief says no one reviews the searches",
        kind=EvidenceKind.council_testimony, occurred_on=demo.day(-30),
        summary="Asked at the council's study session, the chief said no one reviews the "
                "searches regularly.",
        citation="Riverton City Council study session video",
        url="https://riverton.example.org/council/video", campaign_id=campaign_id,
        contract_id=demo["contract.flock"]))
    for place, lat, lon, outcome, days, vendor in (
            ("Millbrook", 37.70, -120.85, CampaignOutcome.contract_cancelled, -200,
             "Flock Safety"),
            ("Sutter Falls", 37.45, -121.10, CampaignOutcome.not_renewed, -90, "Flock Safety")):
        known_outcomes.crud.create(session, actor, KnownOutcomeCreate(
            place=place, state_code="CA", latitude=lat, longitude=lon, outcome=outcome,
            decided_on=demo.day(days), vendor=vendor,
            citation=f"{place} City Council minutes",
            url=f"https://{place.lower().replace(' ', '')}.example.org/minutes"))
