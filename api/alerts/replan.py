"""What must be planned again: the database triggers that mark every change able to alter
alerts, and turning the marks taken by the planner into the subjects to plan.

Triggers rather than calls in the services, so that no writer can forget: the pages, the JSON
API, the agenda sync, imports and plain SQL all mark what they change, in the same transaction,
deletions included."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from api.alerts.models import AlertOutbox, AlertReplan, OutboxStatus
from api.alerts.subjects import TABLES
from api.campaigns.models import CampaignContract
from api.meetings.models import MeetingTarget
from api.records_requests.models import RecordsRequest
from api.targets.models import Target
from api.tasks.models import Task
from api.votes.models import Vote, of_campaigns

TABLE = "alert_replan"
EVERYTHING = "everything"
SUBJECT_TABLES = ("vote", "contract", "records_request", "task")
# More marks than this at once (a bulk import, a demo load) are planned as everything.
AT_MOST = 5_000
# Subjects older than this are not re-planned for a campaign's sake: their alerts are past.
PAST = timedelta(days=2)


@dataclass(frozen=True)
class Watch:
    """One table's trigger: which scope a changed row marks, as SQL over the row."""

    table: str
    scope: str
    scope_id: str
    # Only changes of these columns count (None: every change); only these operations.
    columns: tuple[str, ...] | None = None
    operations: tuple[str, ...] = ("insert", "update", "delete")


# A meeting moved, or shared more or less widely: who knows of it decides who is told a target
# they met went unmet.
MEETING_WATCH = Watch("meeting", "'meeting'", "{row}.id",
                      columns=("held_at", "organization_id", "visibility"),
                      operations=("update",))
_RULE_SCOPE = "CASE WHEN {row}.campaign_id IS NULL THEN 'everything' ELSE 'campaign' END"

WATCHES = (
    Watch("vote", "'vote'", "{row}.id"),
    Watch("contract", "'contract'", "{row}.id"),
    Watch("records_request", "'records_request'", "{row}.id"),
    Watch("task", "'task'", "{row}.id"),
    # A decision-maker's owner and visibility decide who hears of the votes of their body.
    Watch("target", "'body'", "COALESCE({row}.body_id, 0)"),
    # Stances and meetings decide the undecided-target escalation.
    Watch("stance", "'target'", "{row}.target_id"),
    Watch("meeting_target", "'target'", "{row}.target_id"),
    MEETING_WATCH,
    Watch("campaign", "'campaign'", "{row}.id", columns=("jurisdiction_id", "status"),
          operations=("update",)),
    Watch("campaign_lead", "'campaign'", "{row}.campaign_id"),
    # The contracts a campaign is about are the campaign's to be told of.
    Watch("campaign_contract", "'contract'", "{row}.contract_id"),
    # A follow's kind names its scope: campaign, body, target, contract or records_request.
    Watch("follow", "{row}.subject_kind", "{row}.subject_id"),
    Watch("alert_rule", _RULE_SCOPE, "COALESCE({row}.campaign_id, 0)"),
    Watch("webhook_endpoint", _RULE_SCOPE, "COALESCE({row}.campaign_id, 0)"),
    Watch("alert_preference", "'user'", "{row}.user_id"),
    Watch("app_user", "'user'", "{row}.id", columns=("is_active", "role", "organization_id")),
)


def _inserts(watch: Watch, row: str) -> str:
    scope, scope_id = watch.scope.format(row=row), watch.scope_id.format(row=row)
    return f'INSERT INTO "{TABLE}" (scope, scope_id) VALUES ({scope}, {scope_id});'  # noqa: S608


def trigger_name(table: str, operation: str = "change") -> str:
    return f"{TABLE}_{table}_{operation}"


def triggers(dialect: str, watches: Iterable[Watch] = WATCHES) -> list[str]:
    """The statements that make the watches' triggers (every watch's by default)."""
    out: list[str] = []
    for watch in watches:
        if dialect == "postgresql":
            function = trigger_name(watch.table)
            out.append(f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP IN ('UPDATE', 'DELETE') THEN {_inserts(watch, 'OLD')} END IF;
                    IF TG_OP IN ('INSERT', 'UPDATE') THEN {_inserts(watch, 'NEW')} END IF;
                    RETURN NULL;
                END $$""")
            events = []
            for operation in watch.operations:
                if operation == "update" and watch.columns:
                    events.append(f"UPDATE OF {', '.join(watch.columns)}")
                else:
                    events.append(operation.upper())
            out.append(f'CREATE TRIGGER "{function}" AFTER {" OR ".join(events)} '
                       f'ON "{watch.table}" FOR EACH ROW EXECUTE FUNCTION {function}()')
            continue
        for operation in watch.operations:
            event = operation.upper()
            if operation == "update" and watch.columns:
                event += f" OF {', '.join(watch.columns)}"
            rows = {"insert": ["NEW"], "update": ["OLD", "NEW"], "delete": ["OLD"]}[operation]
            body = " ".join(_inserts(watch, row) for row in rows)
            out.append(f'CREATE TRIGGER IF NOT EXISTS "{trigger_name(watch.table, operation)}" '
                       f'AFTER {event} ON "{watch.table}" BEGIN {body} END')
    return out


def drop_triggers(dialect: str, watches: Iterable[Watch] = WATCHES) -> list[str]:
    out: list[str] = []
    for watch in watches:
        if dialect == "postgresql":
            name = trigger_name(watch.table)
            out += [f'DROP TRIGGER IF EXISTS "{name}" ON "{watch.table}"',
                    f"DROP FUNCTION IF EXISTS {name}()"]
        else:
            out += [f'DROP TRIGGER IF EXISTS "{trigger_name(watch.table, operation)}"'
                    for operation in watch.operations]
    return out


def trigger_names(dialect: str) -> dict[str, list[str]]:
    """Each watched table and the names its triggers must have."""
    if dialect == "postgresql":
        return {w.table: [trigger_name(w.table)] for w in WATCHES}
    return {w.table: [trigger_name(w.table, op) for op in w.operations] for w in WATCHES}


# ---- taking the marks ----------------------------------------------------------------------

@dataclass
class Marks:
    """The marks up to `last`, by scope; `everything` when a full plan is called for."""

    last: int
    scopes: dict[str, set[int]]
    everything: bool

    def __bool__(self) -> bool:
        return self.everything or any(self.scopes.values())


def read(session: Session) -> Marks:
    """The marks written so far (they stay until `forget` removes them after planning)."""
    last = session.exec(select(sa.func.max(AlertReplan.id))).one()
    if last is None:
        return Marks(0, {}, False)
    scopes: dict[str, set[int]] = defaultdict(set)
    found = session.exec(select(AlertReplan.scope, AlertReplan.scope_id)
                         .where(AlertReplan.id <= last).distinct())
    for count, (scope, scope_id) in enumerate(found):
        if scope == EVERYTHING or count >= AT_MOST:
            return Marks(last, {}, True)
        scopes[scope].add(scope_id)
    # A change of who someone is decides what they hear of everywhere.
    return Marks(last, dict(scopes), bool(scopes.get("user")))


def forget(session: Session, last: int) -> None:
    """Drop the marks a finished plan took; ones written meanwhile have higher ids and stay."""
    session.execute(sa.delete(AlertReplan).where(AlertReplan.id <= last))


def _ids(session: Session, stmt: sa.Select[int | None]) -> set[int]:
    return {i for i in session.execute(stmt).scalars() if i is not None}


def _chunks(ids: set[int], size: int = 500) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def subjects(session: Session, marks: Marks, now: datetime) -> dict[str, set[int]]:
    """The subjects, by table, that the marks stand for (everything is planned otherwise)."""
    out: dict[str, set[int]] = {table: set() for table in SUBJECT_TABLES}
    for table in SUBJECT_TABLES:
        out[table] |= marks.scopes.get(table, set())
    bodies = set(marks.scopes.get("body", set()))
    targets = set(marks.scopes.get("target", set()))
    for chunk in _chunks(marks.scopes.get("meeting", set())):
        targets |= _ids(session, select(MeetingTarget.target_id)
                        .where(MeetingTarget.meeting_id.in_(chunk)))
    for chunk in _chunks(targets):
        bodies |= _ids(session, select(Target.body_id).where(Target.id.in_(chunk)))
    since = now - PAST
    for chunk in _chunks(bodies):
        out["vote"] |= _ids(session, select(Vote.id).where(Vote.body_id.in_(chunk),
                                                           Vote.scheduled_at >= since))
    for chunk in _chunks(marks.scopes.get("contract", set())):
        # Following a contract is following the votes that decide it.
        out["vote"] |= _ids(session, select(Vote.id).where(Vote.contract_id.in_(chunk),
                                                           Vote.scheduled_at >= since))
    for chunk in _chunks(marks.scopes.get("campaign", set())):
        _campaign_subjects(session, chunk, since, out)
    return out


def _campaign_subjects(session: Session, campaign_ids: list[int], since: datetime,
                       out: dict[str, set[int]]) -> None:
    """A campaign's upcoming and open subjects, and those it still has alerts waiting for."""
    out["vote"] |= _ids(session, select(Vote.id).where(of_campaigns(campaign_ids),
                                                       Vote.scheduled_at >= since))
    out["task"] |= _ids(session, select(Task.id).where(
        Task.campaign_id.in_(campaign_ids), Task.status == "open",
        Task.due_on >= since.date()))
    out["records_request"] |= _ids(session, select(RecordsRequest.id).where(
        RecordsRequest.campaign_id.in_(campaign_ids),
        RecordsRequest.due_on.is_not(None)))
    out["contract"] |= _ids(session, select(Vote.contract_id).where(
        of_campaigns(campaign_ids)))
    out["contract"] |= _ids(session, select(CampaignContract.contract_id).where(
        CampaignContract.campaign_id.in_(campaign_ids)))
    waiting = (select(AlertOutbox.subject_kind, AlertOutbox.subject_id).distinct()
               .where(AlertOutbox.campaign_id.in_(campaign_ids),
                      AlertOutbox.status.in_([OutboxStatus.pending, OutboxStatus.paused])))
    by_kind = {kind.value: table for kind, table in TABLES.items()}
    for kind, subject_id in session.exec(waiting):
        if kind in by_kind:
            out[by_kind[kind]].add(subject_id)
