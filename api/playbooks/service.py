"""Playbooks as a service: list them, and make a dated campaign from one; move its anchors."""

from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from api import clock
from api.actions import service as actions
from api.actions.models import Action, ActionCreate, ActionRead
from api.alerts import service as alerts
from api.auth import permissions
from api.auth.models import User, Visibility
from api.bodies import service as bodies
from api.bodies.models import Body
from api.campaigns import service as campaigns
from api.campaigns.anchors import ANCHOR_COLUMNS, AnchorKind, anchored_date
from api.campaigns.models import Campaign, CampaignCreate, CampaignUpdate, PolicyAskItem
from api.contracts import service as contracts
from api.crud import Crud
from api.errors import Forbidden, Invalid, LongDay, NotFound, Problems
from api.fields import stored_id
from api.i18n import formatting
from api.i18n.catalogs import N_, current, gettext
from api.jurisdictions import service as jurisdictions
from api.jurisdictions.models import Jurisdiction
from api.organizations.models import Organization
from api.playbooks import loader
from api.playbooks.models import (
    AlertRuleRead,
    AnchorMove,
    AnchorsMoved,
    CampaignFromPlaybook,
    CampaignMade,
    PlaybookDetail,
    PlaybookLoadError,
    PlaybookSummary,
)
from api.playbooks.schema import OwnerRole, Playbook
from api.tasks import service as tasks
from api.tasks.models import Task, TaskCreate, TaskRead
from api.votes import service as votes
from api.votes.models import (
    Vote,
    VoteCreate,
    VoteStatus,
    VoteUpdate,
    vote_of_goal,
)

# The request field that gives each anchor's date.
ANCHOR_FIELDS = {AnchorKind.campaign_start: "campaign_start", AnchorKind.vote: "vote_date",
                 AnchorKind.notice_deadline: "notice_deadline"}


def summary(loaded: loader.LoadedPlaybook) -> PlaybookSummary:
    """What a playbook lays out, in the reader's language where it is given in it."""
    book = loaded.in_language(current())
    return PlaybookSummary(
        key=book.key, title=book.title, goal=book.goal, summary=book.summary,
        anchors=list(book.anchors), required_anchors=list(book.required_anchors),
        phases=[p.phase for p in book.phases], action_count=len(book.actions()),
        roles=sorted({a.owner_role for _, a in book.actions()}
                     | {t.owner_role for _, a in book.actions() for t in a.tasks
                        if t.owner_role}),
        file=loaded.file, source=loaded.source)


def list_playbooks() -> list[PlaybookSummary]:
    return [summary(p) for p in sorted(loader.catalog().playbooks.values(),
                                       key=lambda p: p.in_language(current()).title)]


def load_errors() -> list[PlaybookLoadError]:
    return [PlaybookLoadError(**e.as_dict()) for e in loader.catalog().errors]


def get(key: str) -> loader.LoadedPlaybook:
    found = loader.catalog().playbooks.get(key)
    if found is None:
        raise NotFound(N_("No playbook '{key}'."), key=key)
    return found


def detail(key: str) -> PlaybookDetail:
    loaded = get(key)
    counted = summary(loaded)
    return PlaybookDetail(**loaded.in_language(current()).model_dump(),
                          action_count=counted.action_count, roles=counted.roles,
                          file=loaded.file, source=loaded.source)


class PastDate(Invalid):
    """A vote date or a deadline that has passed, given for a new campaign without saying it is
    meant: taken once confirmed, with the vote saved as already held."""


def chosen_vote(session: Session, actor: User, vote_id: int) -> Vote:
    """The vote a new campaign is counted from, if it is still ahead: one held or cancelled
    leaves nothing to plan toward."""
    vote = readable(session, actor, votes.crud, vote_id, "vote_id")
    day = votes.local_day(session, vote.scheduled_at, vote.body_id)
    if vote.status != VoteStatus.scheduled or day < clock.today(
            bodies.zone(session, vote.body_id)):
        raise Invalid(N_("This vote is no longer ahead (it was held, cancelled or postponed): "
                         "choose a vote still to come, or give the date of the next one."),
                      field="vote_id")
    return vote


def votes_ahead(session: Session) -> list[tuple[int, str]]:
    """The votes a new campaign may be counted from, soonest first: still scheduled and not
    yet past (a day's grace for the zones). Read as the session's reader."""
    since = clock.now() - timedelta(days=votes.GRACE_DAYS)
    return [(i, title) for i, title in session.execute(
        sa.select(Vote.id, Vote.title).where(Vote.status == VoteStatus.scheduled,
                                             Vote.scheduled_at >= since)
        .order_by(Vote.scheduled_at, Vote.id).limit(CHOICES))]


def voting_bodies(session: Session) -> list[tuple[int, str]]:
    """The bodies a campaign's vote may be made on: those with seats, which can vote."""
    return [(i, name) for i, name in session.execute(
        sa.select(Body.id, Body.name).where(Body.seats > 0)
        .order_by(Body.name, Body.id).limit(CHOICES))]


def _anchor_dates(session: Session, actor: User, data: CampaignFromPlaybook,
                  zone_today: date) -> dict[AnchorKind, date | None]:
    vote_date = data.vote_date
    if data.vote_id is not None:
        vote = chosen_vote(session, actor, data.vote_id)
        day = votes.local_day(session, vote.scheduled_at, vote.body_id)
        if vote_date is None:
            vote_date = day
        elif vote_date != day:
            # The campaign's vote date is the vote's: two dates would drift apart.
            raise Invalid(N_("The vote chosen is on {day}: leave the date of the vote empty, "
                             "or give that day. To move the vote, change its date on its own "
                             "page."), day=LongDay.of(day), field="vote_date")
    notice = data.notice_deadline
    if data.contract_id is not None:
        contract = readable(session, actor, contracts.crud, data.contract_id, "contract_id")
        notice = notice or contract.notice_deadline
    return {AnchorKind.campaign_start: data.campaign_start or zone_today,
            AnchorKind.vote: vote_date, AnchorKind.notice_deadline: notice}


def no_such(field: str, record_id: int) -> str:
    message = NO_SUCH[field]
    return gettext(message) % {"id": record_id}


def readable(session: Session, actor: User, crud: Crud[Any, Any], record_id: int,
             field: str) -> Any:
    """A record the form names, if the actor may read it: one they may not read is refused
    exactly as one that does not exist, naming the field."""
    try:
        return crud.get(session, actor, record_id)
    except (NotFound, Forbidden) as exc:
        raise Invalid(no_such(field, record_id), field=field) from exc


def _owners(session: Session, data: CampaignFromPlaybook) -> dict[OwnerRole, int | None]:
    ids = set(data.role_assignments.values())
    known = set(session.exec(select(Organization.id).where(
        Organization.id.in_(ids)))) if ids else set()
    for role, org_id in data.role_assignments.items():
        if org_id not in known:
            raise Invalid(no_such("organization_id", org_id),
                          field=f"role_assignments.{role.value}")
    fallback = data.lead_organization_ids[0] if data.lead_organization_ids else None
    return {role: data.role_assignments.get(role, fallback) for role in OwnerRole}


def _target_date(book: Playbook, dates: dict[AnchorKind, date | None]) -> date | None:
    start = dates[AnchorKind.campaign_start]
    for kind in book.anchors:
        found = dates[kind]
        if kind != AnchorKind.campaign_start and found is not None:
            return found if start is None or found >= start else None
    return None


# How a form and its messages name each date a playbook is counted from.
ANCHOR_WORDS = {AnchorKind.campaign_start: N_("the campaign's start"),
                AnchorKind.vote: N_("the date of the vote"),
                AnchorKind.notice_deadline: N_("the termination-notice deadline")}
DATED_FROM = N_("The playbook “%(playbook)s” is dated from %(anchor)s: give it.")
BEFORE_START = {
    AnchorKind.vote: N_("The date of the vote (%(day)s) is before the campaign starts "
                        "(%(start)s): a playbook plans what leads up to it."),
    AnchorKind.notice_deadline: N_("The termination-notice deadline (%(day)s) is before the "
                                   "campaign starts (%(start)s): a playbook plans what leads "
                                   "up to it.")}
# What a form names that is not there, or not the reader's to read (the same answer).
NO_SUCH = {"vote_id": N_("No vote with id %(id)s."),
           "contract_id": N_("No contract with id %(id)s."),
           "organization_id": N_("No organization with id %(id)s."),
           "body_id": N_("No body with id %(id)s."),
           "jurisdiction_id": N_("No jurisdiction with id %(id)s.")}
# The most choices a form offers of votes or bodies.
CHOICES = 1_000
# A vote's time is not known until its agenda is out: kept at the evening, when most councils
# meet, so it sorts and counts down on its day, and shown as "time not announced".
VOTE_TIME = time(18, 0)


def _make_vote(session: Session, actor: User, book: Playbook, body: Body, campaign_id: int,
               day: date, contract_id: int | None, today: date) -> int:
    """The campaign's vote on the body, on the day given, to be completed from its agenda."""
    kind, position = vote_of_goal(book.goal)
    assert body.id is not None
    vote = votes.crud.create(session, actor, VoteCreate(
        title=f"{body.name}: {book.title}"[:200], body_id=body.id, campaign_id=campaign_id,
        contract_id=contract_id, scheduled_at=datetime.combine(day, VOTE_TIME),
        time_not_announced=True, kind=kind, our_position=position,
        status=VoteStatus.held if day < today else VoteStatus.scheduled,
        notes="Made with the campaign from its playbook: set the time and the agenda item "
              "when the agenda is out."))
    assert vote.id is not None
    return vote.id


def _file_vote(session: Session, actor: User, vote_id: int, campaign_id: int) -> None:
    """A chosen vote no campaign holds is filed under the new one. One another campaign holds
    stays there, and is this one's too through the steps counted from it (votes.of_campaigns):
    on its page, in its counts and its alerts."""
    vote = votes.crud.get(session, actor, vote_id)
    if vote.campaign_id is None and permissions.can_write(actor, vote):
        votes.crud.update(session, actor, vote_id, VoteUpdate(campaign_id=campaign_id))


def _voting_body(session: Session, data: CampaignFromPlaybook) -> Body | None:
    """The body the campaign's vote is on: the chosen vote's (a body chosen beside it must be
    that one), else the one chosen, else the jurisdiction's only body that can vote; None
    when there is a choice nobody made."""
    if data.vote_id is not None:
        vote = session.get(Vote, data.vote_id)
        assert vote is not None  # read and checked with the dates
        body = session.get(Body, vote.body_id)
        if data.body_id is not None and data.body_id != vote.body_id:
            raise Invalid(N_("The vote chosen is on {body}, not on the body chosen: leave the "
                             "body empty, or choose {body}."),
                          body=body.name if body else "", field="body_id")
        return body
    if data.body_id is not None:
        body = session.get(Body, data.body_id)
        if body is None:
            raise Invalid(no_such("body_id", data.body_id), field="body_id")
        if not body.seats:
            raise Invalid(N_("{body} has no seats recorded, so no vote can be counted on it: "
                             "choose the body that votes, or give its seats on its own page "
                             "first."), body=body.name, field="body_id")
        return body
    found = session.exec(select(Body).where(Body.jurisdiction_id == data.jurisdiction_id,
                                            Body.seats > 0).limit(2)).all()
    return found[0] if len(found) == 1 else None


# A date given for a new campaign that has passed, asked about before it is taken.
PASSED = {
    AnchorKind.vote: N_("The date of the vote ({day}) has passed. If the vote was held, confirm "
                        "it to make the campaign with the vote saved as already held (the "
                        "steps whose dates have passed are named as late, with no reminders); "
                        "if it was moved, give the new date."),
    AnchorKind.notice_deadline: N_("The termination-notice deadline ({day}) has passed. If that "
                                   "is right, confirm it to make the campaign anyway (the steps "
                                   "whose dates have passed are named as late, with no "
                                   "reminders); otherwise correct the date.")}


def _check_passed(data: CampaignFromPlaybook, dates: dict[AnchorKind, date | None],
                  today: date) -> None:
    """A vote date or deadline already past is taken only when the maker says it is meant."""
    if data.confirm_past:
        return
    for kind in (AnchorKind.vote, AnchorKind.notice_deadline):
        day = dates[kind]
        if day is not None and day < today:
            raise PastDate(PASSED[kind], day=LongDay.of(day), field=ANCHOR_FIELDS[kind])


def create_campaign(session: Session, actor: User, *, key: str,
                    data: CampaignFromPlaybook) -> CampaignMade:
    """The campaign, its actions with real dates and their tasks, as the playbook lays out;
    the playbook's default alert rules come back as data for the alerts to switch on. The
    campaign's actions and tasks are written in the language of the person making it."""
    book = get(key).in_language(getattr(actor, "language", None) or current())
    place = session.get(Jurisdiction, data.jurisdiction_id)
    if place is None:
        raise Invalid(no_such("jurisdiction_id", data.jurisdiction_id), field="jurisdiction_id")
    today = clock.now().astimezone(jurisdictions.zone(session, place.id)).date()
    # Every problem of the form at once, each beside its field, rather than one per try.
    problems: list[Invalid] = []
    try:
        dates = _anchor_dates(session, actor, data, today)
    except Invalid as exc:
        problems.append(exc)
        dates = {AnchorKind.campaign_start: data.campaign_start or today,
                 AnchorKind.vote: data.vote_date, AnchorKind.notice_deadline: data.notice_deadline}
    try:
        campaigns.check_anchor_years(
            session, {ANCHOR_FIELDS[kind]: day for kind, day in dates.items()}, place.id)
    except Invalid as exc:
        problems.append(exc)
    for kind in book.required_anchors:
        if dates[kind] is None:
            problems.append(Invalid(gettext(DATED_FROM) % {
                "playbook": book.title, "anchor": gettext(ANCHOR_WORDS[kind])},
                field=ANCHOR_FIELDS[kind]))
    start = dates[AnchorKind.campaign_start]
    for kind in (AnchorKind.vote, AnchorKind.notice_deadline):
        day = dates[kind]
        if day is not None and start is not None and day < start:
            problems.append(Invalid(gettext(BEFORE_START[kind]) % {
                "day": formatting.format_when(day, "long_date"),
                "start": formatting.format_when(start, "long_date")},
                field=ANCHOR_FIELDS[kind]))
    owners: dict[OwnerRole, int | None] = {}
    body: Body | None = None
    try:
        owners = _owners(session, data)
    except Invalid as exc:
        problems.append(exc)
    if not any(p.field == "vote_id" for p in problems):
        # The body of a vote not found is not asked for.
        try:
            body = _voting_body(session, data)
        except Invalid as exc:
            problems.append(exc)
    if problems:
        # One field, one problem: the first said of it.
        firsts: dict[str | None, Invalid] = {}
        for problem in problems:
            firsts.setdefault(problem.field, problem)
        raise Problems.of(list(firsts.values()))
    _check_passed(data, dates, today)
    campaign = campaigns.crud.create(session, actor, CampaignCreate(
        name=data.name or f"{place.name}: {book.title}", jurisdiction_id=place.id,
        goal=book.goal, status=data.status, description=book.summary,
        policy_asks=[PolicyAskItem(ask=a.ask, note=a.note) for a in book.policy_asks],
        start_date=dates[AnchorKind.campaign_start], target_date=_target_date(book, dates),
        vote_date=dates[AnchorKind.vote], notice_deadline=dates[AnchorKind.notice_deadline],
        lead_organization_ids=data.lead_organization_ids,
        contract_ids=[data.contract_id] if data.contract_id is not None else []))
    campaign.playbook_key = book.key
    session.add(campaign)
    vote_id = data.vote_id
    vote_date = dates[AnchorKind.vote]
    if vote_id is None and vote_date is not None and body is not None:
        assert campaign.id is not None
        vote_id = _make_vote(session, actor, book, body, campaign.id, vote_date,
                             data.contract_id, today)
    elif vote_id is not None:
        _file_vote(session, actor, vote_id, stored_id(campaign))
    made_actions: list[Action] = []
    made_tasks: list[Task] = []
    for phase, spec in book.actions():
        action = actions.crud.create(session, actor, ActionCreate(
            title=spec.title, kind=spec.kind, campaign_id=campaign.id,
            owner_organization_id=owners[spec.owner_role],
            vote_id=vote_id if spec.anchor == AnchorKind.vote else None,
            scheduled_on=anchored_date(dates[spec.anchor], spec.offset),
            description=spec.description))
        action.phase = phase.phase
        action.anchor_kind = spec.anchor
        action.anchor_offset_days = spec.offset
        action.owner_role = spec.owner_role
        session.add(action)
        made_actions.append(action)
        for item in spec.tasks:
            anchor = item.anchor or spec.anchor
            offset = item.offset if item.offset is not None else spec.offset
            role = item.owner_role or spec.owner_role
            # Like its action, owned by the organization that does it, so its members can
            # tick it off, and shared with the coalition, whose plan it is.
            task = tasks.crud.create(session, actor, TaskCreate(
                title=item.title, campaign_id=campaign.id, action_id=action.id,
                assignee_organization_id=owners[role], owner_organization_id=owners[role],
                visibility=Visibility.coalition,
                due_on=anchored_date(dates[anchor], offset), notes=item.notes))
            task.anchor_kind = anchor
            task.anchor_offset_days = offset
            task.owner_role = role
            session.add(task)
            made_tasks.append(task)
    session.flush()
    specs = [rule.model_dump(mode="json") for rule in book.alert_rules]
    # A playbook without rules leaves the campaign to the default rules.
    stored = (alerts.create_rules_from_specs(session, actor, campaign_id=campaign.id,
                                             specs=specs) if specs else [])
    return CampaignMade(
        playbook=book.key,
        vote_id=vote_id,
        campaign=campaigns.crud.read(session, actor, stored_id(campaign)),
        actions=actions.crud.to_read(session, made_actions),
        tasks=tasks.crud.to_read(session, made_tasks),
        # Steps whose day had passed when the campaign was made: the planner sends no
        # reminder whose time was already past, so the page names them instead.
        late_action_ids=[stored_id(a) for a in made_actions
                         if a.scheduled_on is not None and a.scheduled_on < today],
        late_task_ids=[stored_id(t) for t in made_tasks
                       if t.due_on is not None and t.due_on < today],
        alert_rules=[AlertRuleRead(**spec, campaign_id=stored_id(campaign), id=stored_id(rule))
                     for spec, rule in zip(specs, stored, strict=True)],
    )


def anchored_items(session: Session, campaign_id: int) -> tuple[list[ActionRead],
                                                                  list[TaskRead]]:
    """The campaign's actions and tasks counted from its anchor dates."""
    found_actions = session.exec(select(Action).where(
        Action.campaign_id == campaign_id, Action.anchor_kind.is_not(None))
        .order_by(Action.id)).all()
    found_tasks = session.exec(select(Task).where(
        Task.campaign_id == campaign_id, Task.anchor_kind.is_not(None))
        .order_by(Task.id)).all()
    return (actions.crud.to_read(session, list(found_actions)),
            tasks.crud.to_read(session, list(found_tasks)))


def _anchored_dates(session: Session, campaign_id: int) -> dict[str, dict[int, date | None]]:
    found: dict[str, dict[int, date | None]] = {}
    for name, model, column in (("actions", Action, Action.scheduled_on),
                                ("tasks", Task, Task.due_on)):
        stmt = select(model.id, column).where(
            model.campaign_id == campaign_id, model.anchor_kind.is_not(None))
        found[name] = dict(session.exec(stmt).all())
    return found


def _campaign_votes(session: Session, campaign_id: int) -> list[int]:
    """The votes the campaign's vote date stands for: those its steps are counted from (as
    follow_vote reads them), else its own vote still to come on that date (one made for a
    campaign with no steps counted from a vote)."""
    counted = [i for i in session.exec(select(Action.vote_id).where(
        Action.campaign_id == campaign_id, Action.anchor_kind == AnchorKind.vote,
        Action.vote_id.is_not(None)).distinct()).all() if i is not None]
    if counted:
        return counted
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.vote_date is None:
        return []
    own = session.exec(select(Vote).where(Vote.campaign_id == campaign_id,
                                          Vote.status.in_(ACTIVE_VOTES))
                       .order_by(Vote.scheduled_at, Vote.id)).all()
    return [stored_id(v) for v in own
            if votes.local_day(session, v.scheduled_at, v.body_id) == campaign.vote_date][:1]


# A vote still to come: one the campaign's vote date can move or call off.
ACTIVE_VOTES = (VoteStatus.scheduled, VoteStatus.postponed)
SEVERAL_BODIES = N_("Which body votes? The campaign's jurisdiction has several bodies that "
                    "vote: add the vote on the body's page, filed under this campaign, and the "
                    "campaign's vote date follows it.")


def _campaign_body(session: Session, campaign: Campaign) -> Body | None:
    """The body a campaign's vote is made on: its jurisdiction's only body that can vote;
    None when none is recorded (the date is kept until one is)."""
    found = session.exec(select(Body).where(Body.jurisdiction_id == campaign.jurisdiction_id,
                                            Body.seats > 0).limit(2)).all() \
        if campaign.jurisdiction_id is not None else []
    if len(found) > 1:
        raise Invalid(SEVERAL_BODIES, field="vote_date")
    return found[0] if found else None


def _new_vote(session: Session, actor: User, campaign: Campaign, day: date) -> None:
    """A campaign given a vote date with no vote behind it gets one, on its jurisdiction's
    voting body, and its steps counted from the vote date are counted from that vote, so the
    vote's alerts, its moves and its outcome are the campaign's."""
    body = _campaign_body(session, campaign)
    if body is None:
        return
    today = clock.today(bodies.zone(session, stored_id(body)))
    kind, position = vote_of_goal(campaign.goal)
    vote = votes.crud.create(session, actor, VoteCreate(
        title=f"{body.name}: {campaign.name}"[:200], body_id=stored_id(body),
        campaign_id=stored_id(campaign), scheduled_at=datetime.combine(day, VOTE_TIME),
        time_not_announced=True, kind=kind, our_position=position,
        status=VoteStatus.held if day < today else VoteStatus.scheduled,
        notes="Made from the campaign's vote date: set the time and the agenda item when the "
              "agenda is out."))
    for action in session.exec(select(Action).where(
            Action.campaign_id == campaign.id, Action.anchor_kind == AnchorKind.vote)).all():
        action.vote_id = vote.id
        session.add(action)
    session.flush()


def _call_off_votes(session: Session, actor: User, campaign_id: int) -> None:
    """A vote date cleared: the campaign's own vote still to come is cancelled (its alerts
    stop), and the campaign's steps are no longer counted from any vote, another campaign's
    included, which stays as it is."""
    for vote_id in _campaign_votes(session, campaign_id):
        vote = votes.crud.get(session, actor, vote_id)
        if vote.campaign_id == campaign_id and vote.status in ACTIVE_VOTES \
                and permissions.can_write(actor, vote):
            votes.crud.update(session, actor, vote_id, VoteUpdate(status=VoteStatus.cancelled))
    for action in session.exec(select(Action).where(
            Action.campaign_id == campaign_id, Action.anchor_kind == AnchorKind.vote,
            Action.vote_id.is_not(None))).all():
        action.vote_id = None
        session.add(action)
    session.flush()


def _vote_follows(session: Session, actor: User, campaign: Campaign, day: date | None) -> None:
    """The campaign's vote date is its vote's: a new date moves the vote (or makes one where
    there is none), a cleared date calls it off."""
    if day == campaign.vote_date:
        return
    campaign_id = stored_id(campaign)
    if day is None:
        _call_off_votes(session, actor, campaign_id)
        return
    campaigns.check_anchor_years(session, {"vote_date": day}, campaign.jurisdiction_id)
    if _campaign_votes(session, campaign_id):
        _move_votes(session, actor, campaign_id, day)
    else:
        _new_vote(session, actor, campaign, day)


def _move_votes(session: Session, actor: User, campaign_id: int, day: date) -> None:
    """The campaign's votes move to the new vote date, at the time they had where their body
    meets, through the votes' own save: its date rule applies, and its alerts and the
    campaigns counted from it follow."""
    for vote_id in _campaign_votes(session, campaign_id):
        vote = votes.crud.get(session, actor, vote_id)
        zone = bodies.zone(session, vote.body_id)
        local = vote.scheduled_at.astimezone(zone)
        if local.date() != day:
            try:
                votes.crud.update(session, actor, vote_id, VoteUpdate(
                    scheduled_at=datetime.combine(day, local.time(), tzinfo=zone)))
            except Invalid as exc:
                # Said of the date the form asked for.
                raise Invalid(exc.message, field="vote_date") from exc


def update_campaign(session: Session, actor: User, campaign_id: int,
                    data: BaseModel) -> Campaign:
    """A change of a campaign (the JSON API's PATCH): a new vote date moves the vote the
    campaign's steps are counted from first, through the votes' own save, as moving the anchors
    does; the vote then carries the campaign and its steps with it, and the rest of the change
    is saved as the campaign's own."""
    given = data.model_dump(exclude_unset=True)
    if "vote_date" in given:
        campaign = campaigns.crud.get(session, actor, campaign_id)
        # Before any vote is looked at: what a check says is the campaign's, not this reader's.
        permissions.require_write(actor, campaign)
        _vote_follows(session, actor, campaign, given["vote_date"])
    return campaigns.crud.update(session, actor, campaign_id, data)


def move_anchors(session: Session, actor: User, *, campaign_id: int,
                 data: AnchorMove) -> AnchorsMoved:
    """New anchor dates for a campaign; the unfinished actions and tasks counted from them move
    along (the campaign's own update does the moving, so a PATCH of the dates moves them too),
    and so does the vote they are counted from. Also says which of them moved."""
    campaign = campaigns.crud.get(session, actor, campaign_id)
    # Before any date is checked: what a check says is the campaign's, not this reader's.
    permissions.require_write(actor, campaign)
    given = data.model_dump(exclude_unset=True)
    columns = {ANCHOR_COLUMNS[kind]: given[field] for kind, field in ANCHOR_FIELDS.items()
               if field in given}
    if not columns:
        raise Invalid(N_("Give at least one anchor date to move."), field="campaign_start")
    campaigns.check_anchor_years(
        session, {f: given[f] for f in ANCHOR_FIELDS.values() if f in given},
        campaign.jurisdiction_id)
    before = _anchored_dates(session, campaign_id)
    if "vote_date" in given:
        _vote_follows(session, actor, campaign, given["vote_date"])
    for kind, field in ANCHOR_FIELDS.items():
        column, day = ANCHOR_COLUMNS[kind], given.get(field)
        start = given.get("campaign_start") or campaign.start_date
        if day is not None and start is not None and day < start \
                and campaign.target_date == getattr(campaign, column) \
                and kind != AnchorKind.campaign_start:
            # What the campaign aims for, asked to move before the campaign starts.
            raise Invalid(N_("The campaign aims for this date, and it is before the campaign "
                             "starts ({start}): move the start first."), start=start,
                          field=field)
    campaigns.crud.update(session, actor, campaign_id, CampaignUpdate(**columns))
    after = _anchored_dates(session, campaign_id)
    moved = {name: sorted(i for i, day in after[name].items() if before[name].get(i) != day)
             for name in after}
    moved_actions, moved_tasks = anchored_items(session, campaign_id)
    return AnchorsMoved(campaign=campaigns.crud.read(session, actor, campaign_id),
                        actions=moved_actions, tasks=moved_tasks,
                        moved_action_ids=moved["actions"], moved_task_ids=moved["tasks"])
