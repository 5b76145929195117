"""Coalition-scale demo data, made from a seed and bulk-inserted, to show and measure speed."""

import time
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from random import Random
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api import clock, data_version
from api.actions.models import Action
from api.agencies.models import Agency
from api.bodies.models import Body
from api.campaigns.models import Campaign, CampaignLead
from api.contracts import terms
from api.contracts.models import Contract
from api.db import table_of
from api.errors import Conflict
from api.i18n.catalogs import N_, gettext, ngettext
from api.i18n.formatting import format_number
from api.jurisdictions.models import Jurisdiction
from api.meetings import latest, local_days
from api.meetings.models import Meeting, MeetingAttendee, MeetingTarget
from api.organizations.models import Organization
from api.people.models import Affiliation, Person
from api.records_requests import deadlines, laws
from api.records_requests.models import RecordsRequest, RequestStatusChange
from api.search import fulltext
from api.search import service as search
from api.targets.models import Stance, StanceChange, Target
from api.tasks.models import Task
from api.vendors.models import Vendor
from api.votes.models import Vote

# Rows per INSERT batch: large enough that per-statement overhead vanishes, small enough to keep
# memory flat while hundreds of thousands of rows go through.
CHUNK = 5_000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Scale:
    """How many of each record one scale makes."""

    jurisdictions: int
    bodies_per_jurisdiction: int
    targets_per_body: int
    organizations: int
    people: int
    campaigns: int
    votes: int
    meetings: int
    actions: int
    tasks: int
    records_requests: int


SCALES = {
    "large": Scale(jurisdictions=50, bodies_per_jurisdiction=6, targets_per_body=10,
                   organizations=10_000, people=100_000, campaigns=200, votes=2_000,
                   meetings=200_000, actions=300_000, tasks=200_000, records_requests=20_000),
    # About a hundredth of large, with the same shape: for tests and quick looks.
    "small": Scale(jurisdictions=3, bodies_per_jurisdiction=6, targets_per_body=10,
                   organizations=100, people=1_000, campaigns=6, votes=30, meetings=2_000,
                   actions=3_000, tasks=2_000, records_requests=200),
}

STATE_CODE = "CA"
STATE_NAME = "California"
ZONE = "America/Los_Angeles"
# Pacific time is 7 or 8 hours behind UTC; meeting hours below are in UTC so 16:00-27:00 UTC
# is morning to evening there, without a timezone conversion per row.
LOCAL_DAY_START_UTC = 16

PLACES = [
    "Riverton", "Alder", "Bayside", "Cedar Falls", "Clearwater", "Copper Hill", "Dunmore",
    "Eastbrook", "Elmwood", "Fairhaven", "Fernvale", "Foxhollow", "Glenmoor", "Granite Bay",
    "Harborview", "Hazelton", "Highcrest", "Ironwood", "Juniper", "Kingsford", "Lakemont",
    "Larkspur", "Linden", "Maple Grove", "Marlow", "Meadowlark", "Millbrook", "Northgate",
    "Oak Hollow", "Orchard Park", "Pinecrest", "Port Ellis", "Quarry Point", "Redwood Flats",
    "Ridgefield", "Rosemont", "Saltmarsh", "Sandoval", "Shasta Springs", "Silverlake",
    "Southport", "Stonebridge", "Sunnyvale Heights", "Tamarack", "Thornbury", "Twin Rivers",
    "Valley Center", "Westhaven", "Willow Creek", "Windmere", "Yarrow", "Zephyr Cove",
    "Ashford", "Bellmont", "Coral Ridge", "Deer Park", "Elk Grove Hills", "Forest Glen",
    "Goldfield", "Hidden Valley",
]

FIRST_NAMES = [
    "Maria", "Samir", "Jordan", "Grace", "Tomás", "Priya", "Dana", "Luis", "Aisha", "Ben",
    "Carmen", "Daniel", "Elena", "Farid", "Gabriela", "Hannah", "Ibrahim", "Jasmine", "Kenji",
    "Lena", "Malik", "Nadia", "Oscar", "Paula", "Quinn", "Rosa", "Sofia", "Tariq", "Uma",
    "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Amara", "Bao", "Chloe", "Diego", "Esther",
    "Femi", "Gloria", "Hector", "Ines", "Jamal", "Kiran", "Lucia", "Mateo", "Noor", "Omar",
    "Pedro", "Rahul", "Sana", "Teresa", "Valeria", "Wei", "Yara", "Alejandro", "Beatriz",
    "Chris", "Deborah", "Emeka", "Fatima", "George", "Hye-jin", "Isaac", "Julia", "Kwame",
    "Leila", "Miguel", "Nia", "Olga", "Pablo", "Ruth", "Sergio", "Tanya", "Vanessa", "Walter",
    "Alicia", "Bashir", "Cristina", "Dmitri", "Eun-ji", "Francisco", "Gwen", "Hassan", "Irene",
    "Jorge", "Katya", "Lamar", "Mei", "Nathan", "Ofelia", "Ravi", "Selena", "Thanh", "Ursula",
    "Vikram", "Xavier", "Yasmin", "Zaid",
]

LAST_NAMES = [
    "Delgado", "Haddad", "Ellis", "Thompson", "Rivera", "Natarajan", "Kowalski", "Ortega",
    "Abdi", "Brooks", "Castillo", "Dang", "Estrada", "Fischer", "Garcia", "Hernandez", "Ito",
    "Johnson", "Khan", "Lopez", "Mendoza", "Nguyen", "Okafor", "Patel", "Quintero", "Ramirez",
    "Singh", "Tran", "Usman", "Vargas", "Washington", "Xu", "Yilmaz", "Zamora", "Alvarez",
    "Bui", "Chen", "Diaz", "Edwards", "Flores", "Gomez", "Huang", "Ibarra", "Jimenez", "Kim",
    "Le", "Morales", "Nakamura", "Ochoa", "Park", "Reyes", "Santos", "Torres", "Vasquez",
    "Walker", "Young", "Ahmed", "Baker", "Cruz", "Dubois", "Espinoza", "Fuentes", "Gutierrez",
    "Hall", "Islam", "Jackson", "Kaur", "Lee", "Martinez", "Nunez", "Olsen", "Pham", "Rossi",
    "Sanchez", "Tanaka", "Valdez", "Wong", "Yang", "Zhou", "Acosta", "Bell", "Campbell",
    "Dominguez", "Evans", "Franco", "Green", "Hoang", "Jones", "Kelly", "Lim", "Moreno",
    "Novak", "Owens", "Perez", "Romero", "Silva", "Thomas", "Vu", "White", "Ziegler",
]

INITIALS = "ABCDEFGHJKLMNPRSTVW"

# cause in an organization's name, and the kind it makes the organization
CAUSES = [
    ("Immigrant Rights", "immigrant_rights"), ("Immigrant Defense", "immigrant_rights"),
    ("Digital Privacy", "privacy"), ("Privacy Rights", "privacy"),
    ("Surveillance Watch", "privacy"), ("Police Accountability", "police_accountability"),
    ("Copwatch", "police_accountability"), ("Civil Liberties", "civil_rights"),
    ("Civil Rights", "civil_rights"), ("Racial Justice", "civil_rights"),
    ("Interfaith", "faith"), ("Congregations", "faith"), ("Workers", "labor"),
    ("Labor", "labor"), ("Legal Aid", "legal_aid"), ("Public Defenders", "legal_aid"),
    ("Students", "student"), ("Youth", "student"), ("Neighbors", "neighborhood"),
    ("Tenants", "neighborhood"),
]
ORG_NOUNS = [
    "Network", "Alliance", "Coalition", "Project", "Council", "Collective", "Committee",
    "Union", "Association", "Center", "Caucus", "Action Fund",
]
ORG_ROLES = ["co_lead"] * 1 + ["member"] * 5 + ["endorser"] * 3 + ["ally"] * 3
ORG_STATUSES = ["prospect"] * 2 + ["invited"] * 2 + ["joined"] * 5 + ["inactive"]
MEMBER_ROLES = [
    "Member", "Volunteer", "Organizer", "Board member", "Staff", "Policy lead", "Researcher",
    "Communications", "Co-chair", "Rapid-response volunteer",
]
PERSON_TAGS = ["volunteer", "lead", "research", "testimony", "spokesperson", "clergy",
               "legal", "translator", "driver"]
CONTACT_METHODS = ["email"] * 5 + ["phone"] * 2 + ["text"] * 2 + ["signal", "in_person"]

# name pattern, kind, seats, majority; {place} is the jurisdiction's short name
CITY_BODIES = [
    ("{place} City Council", "city_council", 9, 5),
    ("{place} Police Commission", "police_commission", 7, 4),
    ("{place} City Manager's Office", "city_managers_office", 0, 0),
    ("{place} Public Safety Committee", "other", 5, 3),
    ("{place} Budget and Finance Committee", "other", 5, 3),
    ("{place} Privacy Advisory Commission", "other", 7, 4),
]
COUNTY_BODIES = [
    ("{place} County Board of Supervisors", "board_of_supervisors", 5, 3),
    ("{place} County Sheriff's Office", "sheriffs_office", 0, 0),
    ("{place} County Public Protection Committee", "other", 3, 2),
    ("{place} County Civilian Oversight Board", "police_commission", 9, 5),
    ("{place} County Budget Committee", "other", 3, 2),
    ("{place} County Privacy Commission", "other", 5, 3),
]
STATE_BODIES = [
    ("{place} Senate Public Safety Committee", "other", 7, 4),
    ("{place} Assembly Privacy Committee", "other", 9, 5),
    ("{place} Department of Justice", "other", 0, 0),
    ("{place} Highway Patrol", "other", 0, 0),
    ("{place} Senate Budget Subcommittee", "other", 5, 3),
    ("{place} Assembly Public Safety Committee", "other", 9, 5),
]
MEMBER_TITLES = {"city_council": "council_member", "board_of_supervisors": "supervisor"}
HEAD_TITLES = {"sheriffs_office": "sheriff", "city_managers_office": "city_manager"}

VENDORS = [
    ("Flock Safety", "https://www.flocksafety.com"),
    ("Motorola Solutions (Vigilant)", "https://www.motorolasolutions.com"),
    ("Rekor Systems", "https://www.rekor.ai"),
    ("Genetec", "https://www.genetec.com"),
]

GOALS = [
    ("cancel_renewal", "No Renewal for {vendor}"), ("ban_alpr", "Ban License Plate Readers"),
    ("end_ice_sharing", "No Plate Data for ICE"), ("restrict_use", "Limits on ALPR Use"),
    ("block_contract", "Stop the New Camera Contract"),
    ("community_control", "Community Control of Surveillance"),
]
POLICY_ASKS = ["retention_limit", "no_outside_sharing", "no_immigration_use",
               "public_annual_report", "search_audits", "community_control_ordinance"]

VOTE_TITLES = [
    ("renewal", "Renewal of the {vendor} ALPR agreement"),
    ("contract_approval", "Approval of a {vendor} camera contract"),
    ("ordinance", "Surveillance technology ordinance, {reading} reading"),
    ("budget", "Police department budget, ALPR line item"),
    ("policy", "ALPR use policy amendments"),
    ("other", "Report on ALPR audit findings"),
]
MEMBER_CHOICES = ["yes"] * 5 + ["no"] * 4 + ["abstain", "absent"]

MEETING_SUMMARIES = [
    "Walked through the audit log and the out-of-state searches.",
    "Discussed retention limits and what the vendor keeps after the city deletes.",
    "Shared stories from families who were stopped after a camera hit.",
    "Asked about the sharing list; staff promised it in writing.",
    "Went over the contract's auto-renewal and the notice deadline.",
    "Talked about the ordinance draft and who might co-sponsor it.",
    "Heard concerns from business owners who like the cameras.",
    "Presented the coalition's sign-on letter and the policy asks.",
]
MEETING_ASKS = [
    "Vote no on the renewal as written.", "Pull the item from the consent calendar.",
    "Co-sponsor the surveillance ordinance.", "Ask the chief for the sharing list.",
    "Hold a public hearing before any vote.", "",
]
MEETING_COMMITMENTS = [
    "Will read the audit before deciding.", "Will ask staff for the sharing agreements.",
    "Will meet again after the committee hearing.", "No commitment yet.", "",
]
LOCATIONS = ["City Hall, council offices", "Zoom", "Community center", "District office",
             "Coffee shop near City Hall", "Council Chambers"]

ACTION_TITLES = {
    "public_comment": "Public comment at the {place} hearing",
    "call_in_day": "Call-in day to {place} offices",
    "rally": "Rally at {place} City Hall",
    "letter": "Sign-on letter to the {place} council",
    "op_ed": "Op-ed in the {place} paper",
    "press_release": "Press release on the {place} vote",
    "testimony": "Expert testimony in {place}",
    "petition": "Petition drive in {place}",
    "teach_in": "Teach-in on plate readers in {place}",
    "meeting_request": "Request meetings with {place} officials",
    "records_request": "Records requests to {place} police",
    "social_media": "Social media push on the {place} cameras",
    "other": "Coalition check-in about {place}",
}
ACTION_KINDS = list(ACTION_TITLES)
TASK_TITLES = [
    "Confirm speakers for public comment", "Send the sharing-partner list",
    "Follow up on the overdue records request", "Draft the call-in script",
    "Book the room for the teach-in", "Translate the flyer into Spanish",
    "Collect signatures for the letter", "Call the council office back",
    "Write up notes from the meeting", "Prepare talking points",
]

RECORDS_SUBJECTS = [
    "ALPR audit logs, {agency}", "ALPR data-sharing agreements, {agency}",
    "Camera locations and counts, {agency}", "ALPR retention policy, {agency}",
    "Emails with the ALPR vendor, {agency}", "Hot-list entries and hits, {agency}",
]
# The statuses a request goes through to reach each status, after it was sent.
REQUEST_PATHS = {
    "draft": ["draft"],
    "sent": ["sent"],
    "acknowledged": ["sent", "acknowledged"],
    "extended": ["sent", "acknowledged", "extended"],
    "waiting_on_requester": ["sent", "waiting_on_requester"],
    "partially_fulfilled": ["sent", "acknowledged", "partially_fulfilled"],
    "fulfilled": ["sent", "acknowledged", "fulfilled"],
    "no_records": ["sent", "no_records"],
    "denied": ["sent", "denied"],
    "appealed": ["sent", "denied", "appealed"],
    "withdrawn": ["sent", "withdrawn"],
}
REQUEST_STATUSES = (["draft"] * 2 + ["sent"] * 4 + ["acknowledged"] * 3 + ["extended"] * 2
                    + ["waiting_on_requester", "partially_fulfilled"] + ["fulfilled"] * 4
                    + ["no_records", "denied", "appealed", "withdrawn"])
REQUEST_METHODS = ["email"] * 3 + ["portal"] * 3 + ["mail", "fax", "in_person"]

STANCE_LEVELS = ["champion", "leaning_yes", "undecided", "leaning_no", "opposed", "unknown"]
STANCE_WEIGHTS = [1, 2, 3, 2, 1, 1]
# Who partners share what they log with: most meetings and tasks with the whole coalition,
# some with its leads only, the rest kept to the organization.
SHARED_WITH = ("coalition", "leads", "private")
MEETINGS_SHARED = (6, 1, 3)
TASKS_SHARED = (8, 1, 1)
STANCE_SOURCES = ["meeting", "public_statement", "vote", "news", "other"]


def rows_in_words(table: str, count: int) -> str:
    """'2,000 meetings' in the organizer's language, for a table the load writes; a table
    added later without words here still reads, by its name."""
    words = {
        "jurisdiction": ngettext("{count} jurisdiction", "{count} jurisdictions", count),
        "body": ngettext("{count} body", "{count} bodies", count),
        "target": ngettext("{count} target", "{count} targets", count),
        "agency": ngettext("{count} agency", "{count} agencies", count),
        "vendor": ngettext("{count} vendor", "{count} vendors", count),
        "contract": ngettext("{count} contract", "{count} contracts", count),
        "organization": ngettext("{count} organization", "{count} organizations", count),
        "person": ngettext("{count} person", "{count} people", count),
        "affiliation": ngettext("{count} affiliation", "{count} affiliations", count),
        "campaign": ngettext("{count} campaign", "{count} campaigns", count),
        "campaign_lead": ngettext("{count} campaign lead", "{count} campaign leads", count),
        "stance": ngettext("{count} stance", "{count} stances", count),
        "stancechange": ngettext("{count} stance change", "{count} stance changes", count),
        "vote": ngettext("{count} vote", "{count} votes", count),
        "meeting": ngettext("{count} meeting", "{count} meetings", count),
        "meeting_attendee": ngettext("{count} meeting attendee", "{count} meeting attendees",
                                     count),
        "meeting_target": ngettext("{count} target met", "{count} targets met", count),
        "action": ngettext("{count} action", "{count} actions", count),
        "task": ngettext("{count} task", "{count} tasks", count),
        "records_request": ngettext("{count} records request", "{count} records requests",
                                    count),
        "records_request_status_change": ngettext(
            "{count} records request status change", "{count} records request status changes",
            count),
    }.get(table, f"{{count}} {table}")
    return words.format(count=format_number(count))


def counts(scale: Scale) -> dict[str, int]:
    """The number of records of each main kind a scale makes."""
    bodies = scale.jurisdictions * scale.bodies_per_jurisdiction
    return {
        "jurisdictions": scale.jurisdictions, "bodies": bodies,
        "targets": bodies * scale.targets_per_body, "organizations": scale.organizations,
        "people": scale.people, "campaigns": scale.campaigns, "votes": scale.votes,
        "meetings": scale.meetings, "actions": scale.actions, "tasks": scale.tasks,
        "records_requests": scale.records_requests,
    }


class Writer:
    """Buffers rows per table and sends them as bulk inserts, parents before children."""

    def __init__(self, session: Session, progress: Progress) -> None:
        self.session = session
        self.progress = progress
        self.buffers: dict[sa.Table, list[dict[str, Any]]] = {}
        self.written: dict[str, int] = {}
        self.checked: set[str] = set()
        self.started = time.perf_counter()

    def first_id(self, table: sa.Table) -> int:
        """Ids are given, not returned, so children can point at rows not yet written."""
        highest = self.session.execute(sa.select(sa.func.max(table.c.id))).scalar()
        return int(highest or 0) + 1

    def add(self, table: sa.Table, row: dict[str, Any]) -> None:
        buffer = self.buffers.get(table)
        if buffer is None:
            self._check(table, row)
            buffer = self.buffers[table] = []
        buffer.append(row)
        if len(buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        for table, rows in self.buffers.items():
            if rows:
                self.session.execute(sa.insert(table), rows)
                self.written[table.name] = self.written.get(table.name, 0) + len(rows)
                rows.clear()

    def done(self, step: str) -> None:
        """Write what is buffered, commit, and say how far along the load is."""
        self.flush()
        tables = list(self.buffers)
        if self.session.get_bind().dialect.name == "postgresql":
            for table in tables:
                if "id" in table.c:
                    # Rows came with their ids, so the sequence must be moved past them.
                    highest = sa.select(sa.func.max(table.c.id)).scalar_subquery()
                    sequence = sa.func.pg_get_serial_sequence(table.name, "id")
                    self.session.execute(sa.select(sa.func.setval(sequence, highest)))
        self.session.commit()
        made = ", ".join(rows_in_words(t.name, self.written.get(t.name, 0)) for t in tables)
        self.buffers.clear()
        self.progress(gettext("{seconds} s  {step}: {made}").format(
            seconds=self.seconds(), step=gettext(step), made=made))

    def seconds(self) -> str:
        return f"{time.perf_counter() - self.started:7.1f}"

    def _check(self, table: sa.Table, row: dict[str, Any]) -> None:
        # A required column this generator does not know about fails here, by name, rather
        # than as a database error halfway through; one with a default is filled by it.
        if table.name in self.checked:
            return
        self.checked.add(table.name)
        for column in table.columns:
            if column.name in row or column.nullable or column.primary_key:
                continue
            if column.default is None and column.server_default is None:
                raise RuntimeError(
                    f"The scale demo gives no value for required column {table}.{column.name}.")


def _ints() -> array:
    return array("i")


@dataclass
class _State:
    """What later steps need from earlier ones: ids and how records hang together. Records of
    one kind get consecutive ids, so "first_x + index" is the id of the index-th x."""

    rng_seed: int
    now: datetime
    today: date
    jurisdictions: list[tuple[int, str, str]] = field(default_factory=list)  # id, place, kind
    # id, jurisdiction index, kind, seats
    bodies: list[tuple[int, int, str, int]] = field(default_factory=list)
    body_targets: list[list[int]] = field(default_factory=list)
    jurisdiction_targets: list[list[int]] = field(default_factory=list)
    vendor_ids: list[int] = field(default_factory=list)
    agencies: list[tuple[int, int, str]] = field(default_factory=list)  # id, place index, name
    first_org: int = 0
    org_members: list[list[int]] = field(default_factory=list)
    first_person: int = 0
    campaigns: list[tuple[int, int]] = field(default_factory=list)  # id, jurisdiction index
    campaign_votes: list[list[int]] = field(default_factory=list)
    first_meeting: int = 0
    meeting_campaign: array = field(default_factory=_ints)  # campaign index per meeting
    first_action: int = 0
    action_campaign: array = field(default_factory=_ints)  # campaign index per action

    def rng(self, step: str) -> Random:
        # Each step draws from its own stream, so changing one step leaves the others' rows.
        return Random(f"{self.rng_seed}:{step}")

    def moment(self, days: float) -> datetime:
        return self.now + timedelta(days=days)

    def local_time(self, day: int, rng: Random) -> datetime:
        midnight = datetime(self.today.year, self.today.month, self.today.day, tzinfo=UTC)
        return midnight + timedelta(days=day, hours=LOCAL_DAY_START_UTC + rng.randrange(11),
                                    minutes=rng.choice((0, 15, 30, 45)))


def refuse_unless_empty(session: Session) -> None:
    """The scale demo writes its own ids, so it fills only a database with no organizations."""
    if session.execute(sa.select(Organization.id).limit(1)).first() is not None:
        raise Conflict(N_("The scale demo needs an empty database; this one already holds "
                          "organizations."))


def load(session: Session, *, scale: Scale, seed: int = 1,
         progress: Progress = lambda line: None) -> dict[str, int]:
    """Fill an empty database with a coalition of the given scale; commits as it goes and
    returns the rows written per table. The same seed and clock give the same rows."""
    refuse_unless_empty(session)
    now = clock.now().replace(microsecond=0)
    writer = Writer(session, progress)
    state = _State(rng_seed=seed, now=now, today=clock.today(ZONE))
    steps: list[tuple[str, Callable[[Writer, _State, Scale], None]]] = [
        (N_("jurisdictions, bodies and targets"), _government),
        (N_("agencies, vendors and contracts"), _agencies),
        (N_("organizations"), _organizations),
        (N_("people and affiliations"), _people),
        (N_("campaigns"), _campaigns),
        (N_("stances and their history"), _stances),
        (N_("votes"), _votes),
        (N_("meetings"), _meetings),
        (N_("actions"), _actions),
        (N_("tasks"), _tasks),
        (N_("records requests"), _records_requests),
    ]
    with _triggers_paused(session):
        for name, step in steps:
            step(writer, state, scale)
            writer.done(name)
    progress(gettext("{seconds} s  search indexes made").format(seconds=writer.seconds()))
    _analyze(session)
    total = sum(writer.written.values())
    progress(ngettext("{seconds} s  done: {count} row", "{seconds} s  done: {count} rows",
                      total).format(seconds=writer.seconds(), count=format_number(total)))
    return dict(writer.written)


@contextmanager
def _triggers_paused(session: Session) -> Iterator[None]:
    """The full-text indexes and the change count stop following each insert during the load
    (on SQLite following each of the 1.6 million inserts tripled the time): the indexes are
    made from all rows at the end, and the load counts as one change. Both are back whatever
    happens to the load."""
    dialect = session.get_bind().dialect.name
    indexed = search.indexed()
    counted = data_version.counted(sa.inspect(session.connection()).get_table_names())
    pause = [s for t in indexed for s in fulltext.pause(dialect, t)]
    pause += [s for t in counted for s in data_version.drop_triggers(dialect, t)]
    pause += latest.drop_triggers(dialect)
    resume = [s for t, columns in indexed.items() for s in fulltext.resume(dialect, t, columns)]
    resume += [s for t in counted for s in data_version.triggers(dialect, t)]
    resume += [*latest.triggers(dialect), *latest.rebuild()]
    resume.append(data_version.add_one())
    _run(session, pause)
    try:
        yield
    finally:
        session.rollback()
        _run(session, resume)
        # The meetings' local days, which the app stamps as it writes one, for the load.
        local_days.follow_zones(session.connection())
        session.commit()


def _run(session: Session, statements: list[str]) -> None:
    for statement in statements:
        session.execute(sa.text(statement))
    session.commit()


def _analyze(session: Session) -> None:
    # PostgreSQL's autovacuum gathers statistics on the new rows a little later; gathered now,
    # the first queries already get the plans they will have. The vacuum also moves what the
    # full-text (GIN) indexes hold in their pending lists into the indexes proper: until then
    # every search reads through all of it, a few milliseconds each. SQLite never gathers
    # statistics by itself, and its plans for these tables are the same without.
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.commit()
        # VACUUM cannot run inside a transaction.
        with bind.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def _stamp(moment: datetime) -> dict[str, datetime]:
    return {"created_at": moment, "updated_at": moment}


def _place_names(rng: Random, count: int) -> Iterator[str]:
    names = PLACES[:]
    rng.shuffle(names)
    for index in range(count):
        round_, position = divmod(index, len(names))
        yield names[position] if round_ == 0 else f"{names[position]} {round_ + 1}"


def _government(writer: Writer, state: _State, scale: Scale) -> None:
    rng = state.rng("government")
    table = table_of(Jurisdiction)
    next_id = writer.first_id(table)
    county_id: int | None = None
    state_id: int | None = None
    for index, place in enumerate(_place_names(rng, scale.jurisdictions)):
        if index == 0:
            kind, name, parent = "state", STATE_NAME, None
        elif (index - 1) % 5 == 0:
            kind, name, parent = "county", f"{place} County", state_id
        else:
            kind, name, parent = "city", place, county_id
        jurisdiction_id = next_id + index
        if kind == "state":
            state_id = jurisdiction_id
        elif kind == "county":
            county_id = jurisdiction_id
        writer.add(table, {
            "id": jurisdiction_id, "name": name, "kind": kind, "state_code": STATE_CODE,
            "parent_id": parent, "timezone": ZONE,
            "population": rng.randrange(8_000, 900_000) if kind != "state" else 39_000_000,
            **_stamp(state.moment(-1100)),
        })
        state.jurisdictions.append((jurisdiction_id, name if kind == "state" else place, kind))

    bodies_table = table_of(Body)
    targets_table = table_of(Target)
    body_id = writer.first_id(bodies_table)
    target_id = writer.first_id(targets_table)
    state.jurisdiction_targets = [[] for _ in state.jurisdictions]
    for j_index, (j_id, place, kind) in enumerate(state.jurisdictions):
        patterns = {"city": CITY_BODIES, "county": COUNTY_BODIES, "state": STATE_BODIES}[kind]
        for b_index in range(scale.bodies_per_jurisdiction):
            pattern, body_kind, seats, majority = patterns[b_index % len(patterns)]
            name = pattern.format(place=place)
            if b_index >= len(patterns):
                name = f"{name} {b_index // len(patterns) + 1}"
            slug = place.lower().replace(" ", "")
            writer.add(bodies_table, {
                "id": body_id, "name": name, "kind": body_kind, "jurisdiction_id": j_id,
                "seats": seats, "majority_needed": majority,
                "website": f"https://{slug}.example.org/{b_index + 1}",
                "agenda_source": "none", "legistar_client": "", "legistar_token": "",
                "legistar_body_name": "", **_stamp(state.moment(-1100)),
            })
            members: list[int] = []
            for t_index in range(scale.targets_per_body):
                member = t_index < seats
                if body_kind == "city_council" and t_index == 0:
                    title = "mayor"
                elif member:
                    title = MEMBER_TITLES.get(body_kind, "other")
                elif t_index == 0:
                    title = HEAD_TITLES.get(body_kind, "staffer")
                else:
                    title = "staffer"
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                writer.add(targets_table, {
                    "id": target_id, "name": f"{first} {last}", "title": title,
                    "body_id": body_id, "district": f"District {t_index + 1}" if member else "",
                    "term_ends": date(state.today.year + rng.randrange(1, 4), 12, 31)
                    if member else None,
                    "email": f"{_ascii(first)}.{_ascii(last)}.{target_id}@{slug}.example.org",
                    "phone": f"(555) {200 + j_index % 800:03d}-{target_id % 10_000:04d}",
                    "office_address": "", "website": "", "staffers": "",
                    "owner_organization_id": None, "notes": "",
                    **_stamp(state.moment(-1000)),
                })
                members.append(target_id)
                state.jurisdiction_targets[j_index].append(target_id)
                target_id += 1
            state.bodies.append((body_id, j_index, body_kind, seats))
            state.body_targets.append(members)
            body_id += 1


def _ascii(text: str) -> str:
    """A name as it may appear in an email address."""
    plain = text.lower().replace("á", "a").replace("é", "e").replace("í", "i")
    return "".join(c for c in plain.replace("ó", "o").replace("ú", "u") if c.isalnum())


def _agencies(writer: Writer, state: _State, scale: Scale) -> None:
    rng = state.rng("agencies")
    vendors = table_of(Vendor)
    vendor_id = writer.first_id(vendors)
    for name, website in VENDORS:
        writer.add(vendors, {"id": vendor_id, "name": name, "website": website, "notes": "",
                             **_stamp(state.moment(-1100))})
        state.vendor_ids.append(vendor_id)
        vendor_id += 1
    agencies = table_of(Agency)
    contracts = table_of(Contract)
    agency_id = writer.first_id(agencies)
    contract_id = writer.first_id(contracts)
    for j_index, (j_id, place, kind) in enumerate(state.jurisdictions):
        name, agency_kind = {
            "city": (f"{place} Police Department", "police_department"),
            "county": (f"{place} County Sheriff's Office", "sheriff"),
            "state": (f"{place} Highway Patrol", "state_police"),
        }[kind]
        vendor = rng.randrange(len(VENDORS))
        writer.add(agencies, {
            "id": agency_id, "name": name, "kind": agency_kind, "jurisdiction_id": j_id,
            "state_code": STATE_CODE, "vendor_id": state.vendor_ids[vendor],
            "fixed_cameras": rng.randrange(0, 120), "mobile_cameras": rng.randrange(0, 20),
            "retention_days": rng.choice((30, 60, 180, 365, 730)),
            "shares_with_federal": rng.choice(("yes", "no", "disputed", "unknown")),
            "sharing_evidence_url": "", "sharing_partners": rng.randrange(0, 1500),
            "policy_url": "", "source_links": [], "notes": "", "atlas_id": "",
            "detections_period": "", "data_sharing_report_url": "",
            **_stamp(state.moment(-1100)),
        })
        state.agencies.append((agency_id, j_index, name))
        end = state.today + timedelta(days=rng.randrange(-200, 700))
        notice_days = rng.choice((30, 60, 90))
        main_body = next(b_id for b_id, b_j, _, _ in state.bodies if b_j == j_index)
        # Drawn in the order they always were, so the seed makes the same demo.
        cost, cameras = Decimal(rng.randrange(20, 400) * 1000), rng.randrange(4, 120)
        auto = rng.random() < 0.6
        # One that renews by itself runs on past its first end; the others lapse.
        status = "active" if end >= state.today or auto else "expired"
        dates = terms.derived(terms.Terms(end, auto, 24, notice_days, status), state.today)
        writer.add(contracts, {
            "id": contract_id, "title": f"{VENDORS[vendor][0]} ALPR services, {name}",
            "agency_id": agency_id, "vendor_id": state.vendor_ids[vendor],
            "annual_cost": cost, "camera_count": cameras,
            "start_date": end - timedelta(days=730), "end_date": end, "auto_renews": auto,
            "renewal_term_months": 24, "termination_notice_days": notice_days, **dates,
            "approving_body_id": main_body, "funding_source": "General fund",
            "status": status, "document_url": "", "notes": "", **_stamp(state.moment(-800)),
        })
        agency_id += 1
        contract_id += 1


def _organizations(writer: Writer, state: _State, scale: Scale) -> None:
    rng = state.rng("organizations")
    table = table_of(Organization)
    combos = len(PLACES) * len(CAUSES) * len(ORG_NOUNS)
    picks = rng.sample(range(combos), min(combos, scale.organizations))
    state.first_org = writer.first_id(table)
    for index in range(scale.organizations):
        place_index, rest = divmod(picks[index % len(picks)], len(CAUSES) * len(ORG_NOUNS))
        cause_index, noun_index = divmod(rest, len(ORG_NOUNS))
        cause, kind = CAUSES[cause_index]
        name = f"{PLACES[place_index]} {cause} {ORG_NOUNS[noun_index]}"
        if index >= len(picks):
            name = f"{name}, Chapter {index // len(picks) + 1}"
        org_id = state.first_org + index
        writer.add(table, {
            "id": org_id, "name": name, "kind": kind, "coalition_role": rng.choice(ORG_ROLES),
            "status": rng.choice(ORG_STATUSES), "website": f"https://org{org_id}.example.org",
            "email": f"info@org{org_id}.example.org", "phone": "", "notes": "",
            "tags": [PLACES[place_index].lower()], **_stamp(state.moment(-rng.random() * 1100)),
        })


def _people(writer: Writer, state: _State, scale: Scale) -> None:
    rng = state.rng("people")
    people = table_of(Person)
    affiliations = table_of(Affiliation)
    state.first_person = writer.first_id(people)
    state.org_members = [[] for _ in range(scale.organizations)]
    for index in range(scale.people):
        person_id = state.first_person + index
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        contact = rng.choice(CONTACT_METHODS)
        made = state.moment(-rng.random() * 1100)
        writer.add(people, {
            "id": person_id, "name": f"{first} {rng.choice(INITIALS)}. {last}",
            "email": (f"{_ascii(first)}.{_ascii(last)}.{person_id}@mail.example.org"
                      if rng.random() < 0.8 else None),
            "phone": f"(555) {person_id // 10_000 % 1000:03d}-{person_id % 10_000:04d}"
            if rng.random() < 0.6 else "",
            "signal_handle": f"{_ascii(first)}.{person_id}" if contact == "signal" else "",
            "preferred_contact": contact, "ok_to_email": rng.random() < 0.8,
            "ok_to_text": rng.random() < 0.5, "ok_to_call": rng.random() < 0.4, "notes": "",
            "tags": rng.sample(PERSON_TAGS, rng.choice((0, 1, 1, 2))), **_stamp(made),
        })
        memberships = rng.choices((0, 1, 2), weights=(5, 85, 10))[0]
        for org_index in rng.sample(range(scale.organizations), memberships):
            writer.add(affiliations, {
                "person_id": person_id, "organization_id": state.first_org + org_index,
                "role": rng.choice(MEMBER_ROLES), **_stamp(made),
            })
            state.org_members[org_index].append(person_id)


def _campaigns(writer: Writer, state: _State, scale: Scale) -> None:
    rng = state.rng("campaigns")
    campaigns = table_of(Campaign)
    leads = table_of(CampaignLead)
    campaign_id = writer.first_id(campaigns)
    per_place: dict[int, int] = {}
    for index in range(scale.campaigns):
        j_index = index % len(state.jurisdictions)
        nth = per_place[j_index] = per_place.get(j_index, -1) + 1
        goal, title = GOALS[(j_index + nth) % len(GOALS)]
        place = state.jurisdictions[j_index][1]
        name = f"{place}: {title.format(vendor=rng.choice(VENDORS)[0])}"
        if nth >= len(GOALS):
            name = f"{name} ({nth // len(GOALS) + 1})"
        start = state.today - timedelta(days=rng.randrange(30, 1000))
        status = rng.choices(("active", "planning", "paused", "won", "lost", "closed"),
                             weights=(10, 2, 1, 2, 1, 1))[0]
        asks = rng.sample(POLICY_ASKS, rng.randrange(1, 4))
        writer.add(campaigns, {
            "id": campaign_id, "name": name, "jurisdiction_id": state.jurisdictions[j_index][0],
            "goal": goal, "status": status,
            "description": f"A campaign of the coalition in {place}.",
            "policy_asks": [{"ask": ask, "won": False, "note": ""} for ask in asks],
            "start_date": start, "target_date": start + timedelta(days=rng.randrange(60, 900)),
            "vote_date": None, "notice_deadline": None, "playbook_key": None,
            **_stamp(datetime(start.year, start.month, start.day, 17, tzinfo=UTC)),
        })
        for org_index in rng.sample(range(len(state.org_members)),
                                    min(rng.randrange(1, 4), scale.organizations)):
            writer.add(leads, {"campaign_id": campaign_id,
                               "organization_id": state.first_org + org_index})
        state.campaigns.append((campaign_id, j_index))
        campaign_id += 1


def _stances(writer: Writer, state: _State, scale: Scale) -> None:
    rng = state.rng("stances")
    stances = table_of(Stance)
    changes = table_of(StanceChange)
    targets = state.jurisdiction_targets
    for campaign_id, j_index in state.campaigns:
        for target_id in targets[j_index]:
            history = rng.randrange(1, 5)
            levels = rng.choices(STANCE_LEVELS, weights=STANCE_WEIGHTS, k=history)
            previous = "unknown"
            day = -rng.randrange(200, 900)
            for level in levels:
                day += rng.randrange(1, 180)
                at = state.moment(min(day, 0))
                writer.add(changes, {
                    "target_id": target_id, "campaign_id": campaign_id, "from_level": previous,
                    "to_level": level, "source": rng.choice(STANCE_SOURCES), "note": "",
                    "meeting_id": None, "recorded_by_id": None, "recorded_at": at,
                    **_stamp(at),
                })
                previous = level
            writer.add(stances, {"target_id": target_id, "campaign_id": campaign_id,
                                 "level": previous, **_stamp(at)})


def _votes(writer: Writer, state: _State, scale: Scale) -> None:
    rng = state.rng("votes")
    table = table_of(Vote)
    vote_id = writer.first_id(table)
    campaigns = state.campaigns
    bodies = state.bodies
    bodies_of = [[b for b, (_, j, _, seats) in enumerate(bodies) if j == j_index and seats]
                 for j_index in range(len(state.jurisdictions))]
    state.campaign_votes = [[] for _ in campaigns]
    for index in range(scale.votes):
        c_index = index % len(campaigns)
        campaign_id, j_index = campaigns[c_index]
        b_index = rng.choice(bodies_of[j_index])
        body_id, _, _, seats = bodies[b_index]
        day = rng.randrange(-720, 180)
        kind, title = rng.choice(VOTE_TITLES)
        held = day < 0
        members = (state.body_targets)[b_index][:seats]
        writer.add(table, {
            "id": vote_id, "title": title.format(vendor=rng.choice(VENDORS)[0],
                                                 reading=rng.choice(("first", "second"))),
            "body_id": body_id, "campaign_id": campaign_id, "contract_id": None,
            "scheduled_at": state.local_time(day, rng),
            "agenda_item_number": f"{rng.randrange(1, 20)}.{rng.choice('ABCD')}", "kind": kind,
            "consent_calendar": rng.random() < 0.3, "agenda_url": "",
            "location": "Council Chambers",
            "status": ("held" if rng.random() < 0.9 else "cancelled") if held
            else rng.choice(("scheduled", "scheduled", "postponed")),
            "outcome": rng.choice(("passed", "failed", "tabled")) if held else "pending",
            "member_votes": [{"target_id": t, "vote": rng.choice(MEMBER_CHOICES)}
                             for t in members] if held else [],
            "notes": "", **_stamp(state.moment(min(day, 0) - 30)),
        })
        state.campaign_votes[c_index].append(vote_id)
        vote_id += 1


def _meetings(writer: Writer, state: _State, scale: Scale) -> None:
    rng = state.rng("meetings")
    meetings = table_of(Meeting)
    met = table_of(MeetingTarget)
    attended = table_of(MeetingAttendee)
    campaigns = state.campaigns
    targets = state.jurisdiction_targets
    members = state.org_members
    state.first_meeting = writer.first_id(meetings)
    state.meeting_campaign = array("i")
    for index in range(scale.meetings):
        meeting_id = state.first_meeting + index
        c_index = rng.randrange(len(campaigns))
        campaign_id, j_index = campaigns[c_index]
        org_index = rng.randrange(scale.organizations)
        day = rng.randrange(-1100, 0)
        who = rng.sample(targets[j_index], rng.choice((1, 1, 1, 2, 3)))
        observed = ([{"target_id": who[0], "level": rng.choice(STANCE_LEVELS), "note": ""}]
                    if rng.random() < 0.1 else [])
        held_at = state.local_time(day, rng)
        writer.add(meetings, {
            "id": meeting_id, "held_at": held_at, "campaign_id": campaign_id,
            "organization_id": state.first_org + org_index, "location": rng.choice(LOCATIONS),
            "summary": rng.choice(MEETING_SUMMARIES), "asks": rng.choice(MEETING_ASKS),
            "commitments": rng.choice(MEETING_COMMITMENTS), "follow_ups": "",
            "stances_observed": observed,
            "visibility": rng.choices(SHARED_WITH, weights=MEETINGS_SHARED)[0],
            **_stamp(min(held_at, state.now)),
        })
        state.meeting_campaign.append(c_index)
        for target_id in who:
            writer.add(met, {"meeting_id": meeting_id, "target_id": target_id})
        pool = members[org_index]
        people = (rng.sample(pool, min(len(pool), rng.choice((1, 1, 2)))) if pool else
                  [state.first_person + rng.randrange(scale.people)])
        for person_id in people:
            writer.add(attended, {"meeting_id": meeting_id, "person_id": person_id})


def _actions(writer: Writer, state: _State, scale: Scale) -> None:
    rng = state.rng("actions")
    table = table_of(Action)
    campaigns = state.campaigns
    votes = state.campaign_votes
    state.first_action = writer.first_id(table)
    state.action_campaign = array("i")
    for index in range(scale.actions):
        c_index = rng.randrange(len(campaigns))
        campaign_id, j_index = campaigns[c_index]
        kind = rng.choice(ACTION_KINDS)
        day = rng.randrange(-1100, 120)
        status = (rng.choices(("done", "cancelled"), weights=(9, 1))[0] if day < -14 else
                  rng.choice(("planned", "in_progress")))
        vote = rng.choice(votes[c_index]) if votes[c_index] and rng.random() < 0.2 else None
        writer.add(table, {
            "id": state.first_action + index,
            "title": ACTION_TITLES[kind].format(place=state.jurisdictions[j_index][1]),
            "kind": kind, "campaign_id": campaign_id,
            "owner_organization_id": state.first_org + rng.randrange(scale.organizations),
            "vote_id": vote, "scheduled_on": state.today + timedelta(days=day),
            "status": status, "description": "", "outcome": "",
            "phase": None, "anchor_kind": None, "anchor_offset_days": None, "owner_role": None,
            **_stamp(state.moment(min(day, 0) - 20)),
        })
        state.action_campaign.append(c_index)


def _tasks(writer: Writer, state: _State, scale: Scale) -> None:
    rng = state.rng("tasks")
    table = table_of(Task)
    campaigns = state.campaigns
    first_task = writer.first_id(table)
    for index in range(scale.tasks):
        action_id = meeting_id = None
        roll = rng.random()
        if roll < 0.4 and scale.actions:
            pick = rng.randrange(scale.actions)
            action_id = state.first_action + pick
            c_index = state.action_campaign[pick]
        elif roll < 0.6 and scale.meetings:
            pick = rng.randrange(scale.meetings)
            meeting_id = state.first_meeting + pick
            c_index = state.meeting_campaign[pick]
        else:
            c_index = rng.randrange(len(campaigns))
        day = rng.randrange(-1000, 60)
        done = day < -7 and rng.random() < 0.85
        assignee = state.first_org + rng.randrange(scale.organizations)
        writer.add(table, {
            "id": first_task + index, "title": rng.choice(TASK_TITLES),
            "campaign_id": campaigns[c_index][0], "action_id": action_id,
            "meeting_id": meeting_id, "assignee_user_id": None,
            "assignee_organization_id": assignee,
            # Half set by the leads for a partner, half by the partner for itself.
            "owner_organization_id": assignee if rng.random() < 0.5 else None,
            "due_on": state.today + timedelta(days=day), "status": "done" if done else "open",
            "notes": "", "completed_at": state.moment(day) if done else None,
            "visibility": rng.choices(SHARED_WITH, weights=TASKS_SHARED)[0],
            "anchor_kind": None, "anchor_offset_days": None, "owner_role": None,
            **_stamp(state.moment(min(day, 0) - 10)),
        })


def _records_requests(writer: Writer, state: _State, scale: Scale) -> None:
    rng = state.rng("records_requests")
    requests = table_of(RecordsRequest)
    history = table_of(RequestStatusChange)
    law = laws.law_for(STATE_CODE)
    campaigns = state.campaigns
    agencies = state.agencies
    request_id = writer.first_id(requests)
    for _ in range(scale.records_requests):
        agency_id, j_index, agency_name = rng.choice(agencies)
        status = rng.choice(REQUEST_STATUSES)
        path = REQUEST_PATHS[status]
        sent_on = None if status == "draft" else state.today - timedelta(
            days=rng.randrange(1, 900))
        made = state.moment(-rng.randrange(1, 900) if sent_on is None
                            else (sent_on - state.today).days - 1)
        on = sent_on or made.date()
        steps: list[deadlines.StatusChange] = []
        for to_status in path:
            extension = law.extension_days if to_status == "extended" and law else None
            steps.append(deadlines.StatusChange(on, to_status, extension))
            on = min(on + timedelta(days=rng.randrange(1, 15)), state.today)
        due = deadlines.due_date(law, sent_on=sent_on, pauses=deadlines.pauses_from(steps),
                                 extension_days=deadlines.extension_total(steps))
        campaign = rng.choice(campaigns)[0] if rng.random() < 0.7 else None
        writer.add(requests, {
            "id": request_id, "subject": rng.choice(RECORDS_SUBJECTS).format(agency=agency_name),
            "agency_id": agency_id, "campaign_id": campaign,
            "requester_organization_id": state.first_org + rng.randrange(scale.organizations),
            "law": law.law if law else "", "state_code": STATE_CODE,
            "text": "All records about the department's automated license plate readers.",
            "sent_on": sent_on, "method": rng.choice(REQUEST_METHODS),
            "tracking_number": f"R{request_id:06d}" if sent_on else "", "status": status,
            "due_on_override": None, "due_on": due, "notes": "", **_stamp(made),
        })
        previous = None
        for step in steps:
            writer.add(history, {
                "records_request_id": request_id, "from_status": previous,
                "to_status": step.to_status, "effective_on": step.on,
                "extension_days": step.extension_days, "changed_by_id": None, "note": "",
                **_stamp(datetime(step.on.year, step.on.month, step.on.day, 18, tzinfo=UTC)),
            })
            previous = step.to_status
        request_id += 1
