"""What alerts are about: votes, contract deadlines, records requests and tasks, read as dated
subjects with their timezone, campaigns, followers' keys and responsible organizations."""

import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.actions.models import Action
from api.agencies.models import Agency
from api.alerts.models import TEST, FollowKind, SubjectKind
from api.alerts.rules import When
from api.auth import permissions
from api.auth.models import Visibility
from api.bodies.models import Body
from api.campaigns.anchors import AnchorKind
from api.campaigns.models import Campaign, CampaignContract
from api.contracts.models import Contract
from api.fields import stored_id
from api.i18n.catalogs import N_, gettext
from api.jurisdictions.models import Jurisdiction
from api.records_requests.models import CLOSED_STATUSES, RecordsRequest, RequestStatus
from api.targets.models import Target
from api.tasks.models import Task
from api.votes.models import Vote

# Each subject kind and the table its subjects live in.
TABLES: dict[SubjectKind, str] = {
    SubjectKind.vote: "vote",
    SubjectKind.undecided_escalation: "vote",
    SubjectKind.notice_deadline: "contract",
    SubjectKind.contract_end: "contract",
    SubjectKind.records_request_due: "records_request",
    SubjectKind.task_due: "task",
}
KINDS_OF_TABLE: dict[str, list[SubjectKind]] = defaultdict(list)
for _kind, _table in TABLES.items():
    KINDS_OF_TABLE[_table].append(_kind)

ACTIVE_VOTE = ("scheduled", "postponed")
POSTPONED = "postponed"
OPEN_CONTRACT = ("proposed", "active", "renewal_pending")
# Subjects whose date passed longer ago than this are not planned any more.
PAST_WINDOW = timedelta(days=2)
# How each kind's title is made from its record's. Titles are planned and stored in English,
# when no recipient's language is in force; `title_in_words` says a stored one again in the
# language of whoever it is told to.
TITLE_SHAPES: dict[str, str] = {
    SubjectKind.notice_deadline: N_("Termination notice deadline: {title}"),
    SubjectKind.contract_end: N_("Contract ends: {title}"),
    SubjectKind.records_request_due: N_("Records request due: {title}"),
    SubjectKind.task_due: N_("Task due: {title}"),
    # A test sent from the channels page, titled with the endpoint's name.
    TEST: N_("Test alert for {title}"),
    # One alert per undecided official the vote's campaign has not met lately.
    SubjectKind.undecided_escalation: N_(
        "Undecided, not met in 30 days: {name}, before {title}"),
}


# A test from the channels page has more titles than one: the email sent, and its line in the
# delivery log naming the address it went to.
TEST_EMAIL = N_("Test alert from Oversight")
TEST_EMAIL_SENT = N_("Test email to {title}")
OTHER_SHAPES: dict[str, tuple[str, ...]] = {TEST: (TEST_EMAIL_SENT, TEST_EMAIL)}


def titled(kind: SubjectKind, title: str, **more: str) -> str:
    """A subject's stored title, in English."""
    return TITLE_SHAPES[kind].format(title=title.strip(), **more)


def _shape_pattern(shape: str) -> re.Pattern[str]:
    """The English shape as a pattern that takes a stored title apart again: the words are
    the shape's, each {placeholder} the record's own (a name before the last placeholder
    reaches only as far as the shape's next words)."""
    parts = re.split(r"\{(\w+)\}", shape)
    pattern = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)"
                      for i, part in enumerate(parts))
    return re.compile(pattern + r"\Z", re.DOTALL)


def title_in_words(kind: str, stored: str) -> str:
    """A stored title in the language in force: its kind's words translated, the record's own
    title and names as they are."""
    shapes = [TITLE_SHAPES[str(kind)]] if str(kind) in TITLE_SHAPES else []
    for shape in [*shapes, *OTHER_SHAPES.get(str(kind), ())]:
        found = _shape_pattern(shape).match(stored)
        if found is not None:
            return gettext(shape).format(**found.groupdict())
    return stored


@dataclass(frozen=True)
class TargetOnBody:
    id: int
    name: str
    owner_organization_id: int | None
    visibility: str = "coalition"

    @property
    def record(self) -> Target:
        """A stand-in holding what the permission rules read, so an alert naming the target
        goes only to those who may read it."""
        return Target(id=self.id, name=self.name, visibility=Visibility(self.visibility),
                      owner_organization_id=self.owner_organization_id)


@dataclass
class Subject:
    kind: SubjectKind
    id: int
    title: str
    when: When
    active: bool
    inactive_reason: str
    changed_at: datetime
    campaign_ids: tuple[int, ...]
    place: str
    link: str
    follow_keys: tuple[tuple[str, int], ...]
    owner_organization_ids: tuple[int, ...] = ()
    assigned_user_ids: tuple[int, ...] = ()
    assigned_organization_ids: tuple[int, ...] = ()
    targets: tuple[TargetOnBody, ...] = field(default_factory=tuple)
    # The record itself where it has an owner and a visibility: alerts about it go only to
    # those who may read it.
    record: Any = None
    # On hold (a postponed vote): its alerts wait, and calendars show it as tentative.
    paused: bool = False


def _zones(session: Session, jurisdiction_ids: Collection[int | None]) -> dict[int, ZoneInfo]:
    wanted = {j for j in jurisdiction_ids if j is not None}
    if not wanted:
        return {}
    rows = session.exec(select(Jurisdiction.id, Jurisdiction.timezone)
                        .where(Jurisdiction.id.in_(wanted)))
    return {jid: ZoneInfo(tz) for jid, tz in rows}


def _campaign_jurisdictions(session: Session) -> dict[int, int | None]:
    return dict(session.exec(select(Campaign.id, Campaign.jurisdiction_id)).all())


Selecting = TypeVar("Selecting", bound=sa.Select[*tuple[Any, ...]])


def _by_ids(stmt: Selecting, column: sa.ColumnElement, ids: Collection[int] | None) -> Selecting:
    return stmt if ids is None else stmt.where(column.in_(list(ids)))


def load_votes(session: Session, *, ids: Collection[int] | None, now: datetime,
               kind: SubjectKind = SubjectKind.vote) -> list[Subject]:
    """Votes by id, or every vote still to come when ids is None."""
    stmt = (select(Vote, Body.name, Jurisdiction.timezone)
            .join(Body, Body.id == Vote.body_id)
            .join(Jurisdiction, Jurisdiction.id == Body.jurisdiction_id))
    stmt = _by_ids(stmt, Vote.id, ids)
    if ids is None:
        stmt = stmt.where(Vote.status.in_(ACTIVE_VOTE),
                          Vote.scheduled_at >= now - PAST_WINDOW)
    rows = session.exec(stmt).all()
    body_ids = {vote.body_id for vote, _, _ in rows}
    targets: dict[int, list[TargetOnBody]] = defaultdict(list)
    if body_ids:
        for tid, name, body_id, owner, visibility in session.execute(
                sa.select(Target.id, Target.name, Target.body_id, Target.owner_organization_id,
                       Target.visibility)
                .where(Target.body_id.in_(body_ids)).order_by(Target.id)):
            targets[body_id].append(TargetOnBody(tid, name, owner, str(visibility)))
    # A vote is also the campaign's whose steps are counted from it (another campaign's vote,
    # chosen for a campaign made from a playbook): its alerts go to that campaign too.
    counted: dict[int, set[int]] = defaultdict(set)
    vote_ids = [stored_id(vote) for vote, _, _ in rows]
    for chunk in (vote_ids[i:i + 500] for i in range(0, len(vote_ids), 500)):
        for vote_id, campaign_id in session.execute(
                sa.select(Action.vote_id, Action.campaign_id).distinct()
                .where(Action.vote_id.in_(chunk), Action.anchor_kind == AnchorKind.vote,
                       Action.campaign_id.is_not(None))):
            counted[vote_id].add(campaign_id)
    out = []
    for vote, body_name, timezone in rows:
        on_body = tuple(targets[vote.body_id])
        follow = [(FollowKind.body.value, vote.body_id)]
        campaign_ids = tuple(sorted({*counted[stored_id(vote)],
                                     *((vote.campaign_id,) if vote.campaign_id else ())}))
        follow.extend((FollowKind.campaign.value, c) for c in campaign_ids)
        if vote.contract_id:
            follow.append((FollowKind.contract.value, vote.contract_id))
        # Following a decision-maker means following the votes they cast.
        follow.extend((FollowKind.target.value, t.id) for t in on_body)
        active = vote.status in ACTIVE_VOTE
        paused = vote.status == POSTPONED
        out.append(Subject(
            kind=kind, id=stored_id(vote), title=vote.title,
            # A time not announced is no hour to count from: the vote's whole day.
            when=(When.of_unannounced_meeting(
                vote.scheduled_at.astimezone(ZoneInfo(timezone)).date(), ZoneInfo(timezone))
                  if vote.time_not_announced
                  else When.of_instant(vote.scheduled_at, ZoneInfo(timezone))),
            active=active, paused=paused,
            inactive_reason="the vote is postponed" if paused else
            "" if active else f"the vote is {vote.status}",
            changed_at=vote.updated_at,
            campaign_ids=campaign_ids,
            place=", ".join(p for p in (body_name, vote.location) if p),
            link=f"/votes/{vote.id}", follow_keys=tuple(follow),
            owner_organization_ids=tuple(sorted({t.owner_organization_id for t in on_body
                                                 if t.owner_organization_id})),
            targets=on_body, record=vote))
    return out


def _agency_name() -> sa.ColumnElement[str]:
    """The agency's name, for where an alert's subject is: told only of an agency everyone
    signed in may read, since an alert goes to people who may read its subject, not its
    agency."""
    return sa.case((Agency.visibility.in_(permissions.SHARED_VISIBILITY), Agency.name),
                   else_=sa.literal("")).label("agency_name")


def load_contracts(session: Session, *, kind: SubjectKind, ids: Collection[int] | None,
                   now: datetime) -> list[Subject]:
    """Contracts' next termination-notice deadlines or the ends of their terms in force, as
    whole local days."""
    column = Contract.notice_deadline if kind == SubjectKind.notice_deadline else \
        Contract.term_ends
    stmt = (select(Contract, _agency_name(), Agency.jurisdiction_id)
            .join(Agency, Agency.id == Contract.agency_id))
    stmt = _by_ids(stmt, Contract.id, ids)
    today = now.date()
    if ids is None:
        stmt = stmt.where(Contract.status.in_(OPEN_CONTRACT),
                          column >= today - PAST_WINDOW)
    rows = session.exec(stmt).all()
    contract_ids = [c.id for c, _, _ in rows]
    body_jurisdictions: dict[int, int] = {}
    body_ids = {c.approving_body_id for c, _, _ in rows if c.approving_body_id}
    if body_ids:
        body_jurisdictions = dict(session.exec(
            select(Body.id, Body.jurisdiction_id).where(Body.id.in_(body_ids))).all())
    zones = _zones(session, [j for _, _, j in rows] + list(body_jurisdictions.values()))
    campaigns_of = contract_campaigns(session, contract_ids)
    out = []
    for contract, agency_name, jurisdiction_id in rows:
        day = getattr(contract, column.key)
        if day is None:
            continue
        zone = zones.get(jurisdiction_id) if jurisdiction_id else None
        if zone is None and contract.approving_body_id:
            zone = zones.get(body_jurisdictions.get(contract.approving_body_id, 0))
        active = contract.status in OPEN_CONTRACT
        campaigns = campaigns_of[stored_id(contract)]
        out.append(Subject(
            kind=kind, id=stored_id(contract), title=titled(kind, contract.title),
            when=When.of_day(day, zone or clock.home_zone()), active=active,
            inactive_reason="" if active else f"the contract is {contract.status}",
            changed_at=contract.updated_at, campaign_ids=tuple(sorted(campaigns)),
            place=agency_name, link=f"/contracts/{contract.id}",
            follow_keys=((FollowKind.contract.value, stored_id(contract)),
                         *((FollowKind.campaign.value, c) for c in sorted(campaigns))),
            record=contract))
    return out


def contract_campaigns(session: Session, contract_ids: Collection[int | None]
                       ) -> dict[int, set[int]]:
    """The campaigns each contract is the campaign's: those about it (campaign_contract) and
    those of the votes that decide it, filed under them or counted from by their steps (a vote
    two campaigns share). Not every campaign of its place: a campaign to restrict use is told
    of no renewal deadline it does not name."""
    found: dict[int, set[int]] = defaultdict(set)
    wanted = sorted({i for i in contract_ids if i is not None})
    for chunk in (wanted[i:i + 500] for i in range(0, len(wanted), 500)):
        for contract_id, campaign_id in session.execute(
                sa.select(CampaignContract.contract_id, CampaignContract.campaign_id)
                .where(CampaignContract.contract_id.in_(chunk))):
            found[contract_id].add(campaign_id)
        deciding = sa.select(Vote.id, Vote.contract_id, Vote.campaign_id).where(
            Vote.contract_id.in_(chunk))
        votes = session.execute(deciding).all()
        for _, contract_id, campaign_id in votes:
            if campaign_id is not None:
                found[contract_id].add(campaign_id)
        by_vote = {vote_id: contract_id for vote_id, contract_id, _ in votes}
        if by_vote:
            for vote_id, campaign_id in session.execute(
                    sa.select(Action.vote_id, Action.campaign_id).distinct()
                    .where(Action.vote_id.in_(sorted(by_vote)),
                           Action.anchor_kind == AnchorKind.vote,
                           Action.campaign_id.is_not(None))):
                found[by_vote[vote_id]].add(campaign_id)
    return found


def load_records_requests(session: Session, *, ids: Collection[int] | None,
                          now: datetime) -> list[Subject]:
    stmt = (select(RecordsRequest, _agency_name(), Agency.jurisdiction_id)
            .join(Agency, Agency.id == RecordsRequest.agency_id))
    stmt = _by_ids(stmt, RecordsRequest.id, ids)
    closed = [s.value for s in CLOSED_STATUSES] + [RequestStatus.draft.value]
    if ids is None:
        stmt = stmt.where(RecordsRequest.status.not_in(closed),
                          RecordsRequest.due_on.is_not(None))
    rows = session.exec(stmt).all()
    campaign_zone = _campaign_jurisdictions(session)
    zones = _zones(session, [j for _, _, j in rows] + list(campaign_zone.values()))
    out = []
    for request, agency_name, jurisdiction_id in rows:
        if request.due_on is None:
            continue
        zone = zones.get(jurisdiction_id or 0) or zones.get(
            campaign_zone.get(request.campaign_id or 0) or 0) or clock.home_zone()
        active = request.status not in closed
        follow = [(FollowKind.records_request.value, stored_id(request))]
        if request.campaign_id:
            follow.append((FollowKind.campaign.value, request.campaign_id))
        out.append(Subject(
            kind=SubjectKind.records_request_due, id=stored_id(request),
            title=titled(SubjectKind.records_request_due, request.subject),
            when=When.of_day(request.due_on, zone),
            active=active,
            inactive_reason="" if active else f"the request is {request.status}",
            changed_at=request.updated_at,
            campaign_ids=(request.campaign_id,) if request.campaign_id else (),
            place=agency_name, link=f"/records-requests/{request.id}", follow_keys=tuple(follow),
            assigned_organization_ids=((request.requester_organization_id,)
                                       if request.requester_organization_id else ()),
            record=request))
    return out


def load_tasks(session: Session, *, ids: Collection[int] | None, now: datetime) -> list[Subject]:
    stmt = _by_ids(select(Task), Task.id, ids)
    if ids is None:
        stmt = stmt.where(Task.status == "open", Task.due_on >= now.date() - PAST_WINDOW)
    rows = session.exec(stmt).all()
    campaign_zone = _campaign_jurisdictions(session)
    zones = _zones(session, campaign_zone.values())
    out = []
    for task in rows:
        if task.due_on is None:
            continue
        zone = zones.get(campaign_zone.get(task.campaign_id or 0) or 0) or clock.home_zone()
        active = task.status == "open"
        out.append(Subject(
            kind=SubjectKind.task_due, id=stored_id(task),
            title=titled(SubjectKind.task_due, task.title),
            when=When.of_day(task.due_on, zone), active=active,
            inactive_reason="" if active else f"the task is {task.status}",
            changed_at=task.updated_at,
            campaign_ids=(task.campaign_id,) if task.campaign_id else (),
            place="", link=f"/tasks/{task.id}",
            follow_keys=(((FollowKind.campaign.value, task.campaign_id),)
                         if task.campaign_id else ()),
            assigned_user_ids=(task.assignee_user_id,) if task.assignee_user_id else (),
            assigned_organization_ids=((task.assignee_organization_id,)
                                       if task.assignee_organization_id else ()),
            record=task))
    return out


def load(session: Session, kind: SubjectKind, *, ids: Collection[int] | None,
         now: datetime) -> list[Subject]:
    """Subjects of one kind: those with the given ids (gone ones are simply absent), or, when
    ids is None, every one whose date is still to come or that is still open."""
    if ids is not None and not ids:
        return []
    if kind in (SubjectKind.vote, SubjectKind.undecided_escalation):
        return load_votes(session, ids=ids, now=now, kind=kind)
    if kind in (SubjectKind.notice_deadline, SubjectKind.contract_end):
        return load_contracts(session, kind=kind, ids=ids, now=now)
    if kind == SubjectKind.records_request_due:
        return load_records_requests(session, ids=ids, now=now)
    return load_tasks(session, ids=ids, now=now)


MODELS = {"vote": Vote, "contract": Contract, "records_request": RecordsRequest, "task": Task}


def current_ids(session: Session, table: str, now: datetime) -> set[int]:
    """Ids of the table's subjects still to come or still open: what load(ids=None) reads,
    without reading it."""
    since = now - PAST_WINDOW
    if table == "vote":
        stmt = select(Vote.id).where(Vote.status.in_(ACTIVE_VOTE), Vote.scheduled_at >= since)
    elif table == "contract":
        stmt = select(Contract.id).where(
            Contract.status.in_(OPEN_CONTRACT),
            sa.or_(Contract.notice_deadline >= since.date(),
                   Contract.term_ends >= since.date()))
    elif table == "records_request":
        closed = [s.value for s in CLOSED_STATUSES] + [RequestStatus.draft.value]
        stmt = select(RecordsRequest.id).where(RecordsRequest.status.not_in(closed),
                                               RecordsRequest.due_on.is_not(None))
    else:
        stmt = select(Task.id).where(Task.status == "open", Task.due_on >= since.date())
    return set(session.exec(stmt).all())
