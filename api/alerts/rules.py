"""Alert rules as data: the spec shape, the default rules, and when each occurrence falls due."""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from babel.units import format_unit
from pydantic import BaseModel, Field, field_validator, model_validator

from api.alerts.models import Channel, Direction, PlainText, RecipientGroup, SubjectKind
from api.i18n.catalogs import N_, gettext
from api.i18n.formatting import babel_locale
from api.i18n.validation_words import Refusal

# "The morning of" a day, local time where the event happens.
MORNING = time(8, 0)
MAX_DAYS = 400
OFFSET_PATTERN = re.compile(r"^(\d{1,4}) ?([^\d\s]+)$")
# The units as people type them, in English and in Spanish ("2w", "2s", "2 semanas"); an offset
# is stored with the short English unit ("m" is minutes, "mo" months).
UNITS = {
    **dict.fromkeys(("mo", "mos", "month", "months", "mes", "meses"), "mo"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes", "minuto", "minutos"), "m"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "hora", "horas"), "h"),
    **dict.fromkeys(("d", "day", "days", "día", "días", "dia", "dias"), "d"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks", "s", "sem", "semana", "semanas"), "w"),
}
USER_RECIPIENT = re.compile(r"^user:(\d{1,10})$")
UNIT_WORDS = {"m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month"}
# Babel's names of the units, whose words each language has in its locale data.
CLDR_UNITS = {"m": "duration-minute", "h": "duration-hour", "d": "duration-day",
              "w": "duration-week", "mo": "duration-month"}


@dataclass(frozen=True)
class Offset:
    amount: int
    unit: str

    @property
    def is_days(self) -> bool:
        """Reckoned in whole days on the local wall clock (days, weeks, months)."""
        return self.unit in ("d", "w", "mo")

    @property
    def days(self) -> int:
        """Whole days of a day or week offset; a month has no fixed number (see `shifted`)."""
        if self.unit == "mo":
            raise ValueError("a month has no fixed number of days")
        return self.amount * (7 if self.unit == "w" else 1)

    @property
    def delta(self) -> timedelta:
        # A month's longest, for the limits an offset is checked against.
        return {"m": timedelta(minutes=self.amount), "h": timedelta(hours=self.amount),
                "d": timedelta(days=self.amount), "w": timedelta(weeks=self.amount),
                "mo": timedelta(days=31 * self.amount)}[self.unit]

    def shifted(self, day: date, sign: int) -> date:
        """The local day this offset before (-1) or after (+1) `day`: a month later is the same
        day of the month, or its last day where the month is shorter (Jan 31 + 1 month is
        Feb 28)."""
        if self.unit != "mo":
            return day + timedelta(days=sign * self.days)
        year, month = divmod(day.month - 1 + sign * self.amount, 12)
        year += day.year
        return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def words(self) -> str:
        noun = UNIT_WORDS[self.unit]
        return f"{self.amount} {noun}{'' if self.amount == 1 else 's'}"


def parse_offset(text: str) -> Offset:
    """'14d' -> 14 days; units m(inutes), h(ours), d(ays), w(eeks), or their words in English
    or Spanish ('2 weeks', '2s', '2 semanas')."""
    # Babel writes "2 semanas" with a space some locales make a no-break one.
    found = OFFSET_PATTERN.match(re.sub(r"[\u00a0\u202f]", " ", text).strip().lower())
    unit = UNITS.get(found.group(2).rstrip(".")) if found else None
    if not found or unit is None:
        raise Refusal(N_("'{text}' is not an offset like 14d, 12h, 2w, 1mo or 30m"), text=text)
    offset = Offset(int(found.group(1)), unit)
    if offset.delta > timedelta(days=MAX_DAYS):
        raise Refusal(N_("'{text}' is more than {max_days} days"), text=text,
                      max_days=MAX_DAYS)
    return offset


def _offset_text(value: str) -> str:
    return str(parse_offset(value))


def _recipient(value: str) -> str:
    value = value.strip()
    if value in RecipientGroup.__members__ or USER_RECIPIENT.match(value):
        return value
    groups = ", ".join(RecipientGroup)
    raise Refusal(N_("'{value}' is not a recipient; use one of {groups} or user:<id>"),
                  value=value, groups=groups)


OffsetText = Annotated[PlainText, Field(max_length=16)]


class RuleSpec(BaseModel):
    """A rule as playbooks and the API declare it, e.g.
    {subject: vote, offsets: ["14d", "0d"], direction: before, recipients: [campaign_leads],
    channels: [email, in_app]}. "0d" before a timed event means the morning of its day."""

    subject: SubjectKind
    offsets: list[OffsetText] = Field(min_length=1, max_length=20)
    direction: Direction = Direction.before
    repeat_every: OffsetText | None = None
    recipients: list[Annotated[PlainText, Field(max_length=40)]] = Field(min_length=1,
                                                                         max_length=20)
    channels: list[Channel] = Field(min_length=1, max_length=3)
    name: PlainText | None = Field(default=None, max_length=200)
    enabled: bool = True

    @field_validator("offsets")
    @classmethod
    def _offsets(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(_offset_text(v) for v in value))

    @field_validator("repeat_every")
    @classmethod
    def _repeat(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        offset = parse_offset(value)
        if offset.delta < timedelta(hours=1):
            raise ValueError(N_("must be at least 1h"))
        if offset.unit == "mo":
            # Months differ in length; a repeat keeps one step, in days or weeks.
            raise ValueError(N_("repeat in days or weeks, like 30d or 4w, not in months"))
        return str(offset)

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(_recipient(v) for v in value))

    @field_validator("channels")
    @classmethod
    def _channels(cls, value: list[Channel]) -> list[Channel]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _consistent(self) -> "RuleSpec":
        if self.repeat_every and self.direction != Direction.after:
            raise ValueError(N_("repeat_every only goes with direction 'after' (while overdue)"))
        if self.subject == SubjectKind.undecided_escalation and self.direction != Direction.before:
            raise ValueError(N_("an undecided-target escalation comes before the vote"))
        return self

    def label(self) -> str:
        """A readable name: '14 days, 7 days and 1 day before each vote, and the morning of
        it'."""
        if self.name:
            return self.name
        offsets = [parse_offset(text) for text in self.offsets]
        times = _listed([o.words() for o in offsets if o.amount])
        what = SUBJECT_WORDS[self.subject]
        if not times:
            text = f"the morning of {what}"
        else:
            text = f"{times} {self.direction.value} {what}"
            if any(o.amount == 0 for o in offsets):
                text += ", and the morning of it"
        repeat = (f", then every {parse_offset(self.repeat_every).words()}"
                  if self.repeat_every else "")
        return f"{text}{repeat}"[:200]


    def shown_label(self) -> str:
        """label() in the reader's language. label() itself stays English: it is the name a
        rule keeps when given none, which tells a default name from one a person chose."""
        if self.name:
            return self.name
        offsets = [parse_offset(text) for text in self.offsets]
        times = _listed_in_words([_offset_in_words(o) for o in offsets if o.amount])
        what = gettext(SUBJECT_WORDS[self.subject])
        if not times:
            text = gettext("the morning of {what}").format(what=what)
        else:
            shape = (gettext("{times} after {what}") if self.direction == Direction.after
                     else gettext("{times} before {what}"))
            text = shape.format(times=times, what=what)
            if any(o.amount == 0 for o in offsets):
                text += gettext(", and the morning of it")
        if self.repeat_every:
            text += gettext(", then every {interval}").format(
                interval=_offset_in_words(parse_offset(self.repeat_every)))
        return text[:200]


_LABEL = re.compile(r"^(?:the morning of (?P<alone>.+?)|(?P<times>.+?) (?P<direction>before|after) "
                    r"(?P<what>.+?)(?P<morning>, and the morning of it)?)"
                    r"(?:, then every (?P<repeat>\d+ \w+))?$")
_TIME_WORDS = re.compile(r"^(\d{1,4}) (minute|hour|day|week|month)s?$")


def spec_of_label(name: str) -> RuleSpec | None:
    """The rule a name made by label() was made from, as far as the name tells (its subject,
    times and direction); None for a name a person chose. The audit log keeps a renamed rule's
    name alone, and a made name is shown in the reader's language."""
    found = _LABEL.match(name)
    if found is None:
        return None
    what = found["alone"] or found["what"]
    subjects = [kind for kind, words in SUBJECT_WORDS.items() if words == what]
    if not subjects:
        return None
    times = re.split(r", | and ", found["times"]) if found["times"] else []
    offsets = [_offset_of_words(text) for text in times]
    if found["morning"] or not times:
        offsets.append("0d")
    repeat = _offset_of_words(found["repeat"]) if found["repeat"] else None
    if None in offsets or (found["repeat"] and repeat is None):
        return None
    try:
        spec = RuleSpec(subject=subjects[0], offsets=offsets,
                        direction=found["direction"] or (Direction.after if repeat
                                                         else Direction.before),
                        repeat_every=repeat,
                        recipients=EVERYONE, channels=[Channel.in_app])
    except ValueError:
        return None
    # Only a name label() writes word for word: "3 day before" was typed by someone.
    return spec if spec.label() == name else None


def _offset_of_words(text: str) -> str | None:
    found = _TIME_WORDS.match(text)
    if found is None:
        return None
    unit = {noun: unit for unit, noun in UNIT_WORDS.items()}[found[2]]
    return f"{int(found[1])}{unit}"


def _offset_in_words(offset: Offset, *, grouped: bool = True) -> str:
    """'2 weeks', '2 semanas', '1 mes': Babel's words for the unit in the reader's language.
    Not `grouped`, a number is written without thousands separators, so a form can read it
    back ("1000 minutos")."""
    return format_unit(offset.amount, CLDR_UNITS[offset.unit], length="long",
                       format=None if grouped else "0", locale=babel_locale())


def offset_in_words(text: str) -> str:
    """A stored offset ("2w") as a form shows it again, in the reader's language ("2 semanas");
    anything that is not one, as it is."""
    try:
        return _offset_in_words(parse_offset(text), grouped=False)
    except ValueError:
        return text


def offsets_in_words(offsets: list[str], direction: str | None = None) -> str:
    """Stored offsets as the reader says them: '2 semanas antes, 1 día antes', or without the
    direction where it is not known ('2 semanas, 1 día'); '0d' before is the morning of."""
    said = []
    for text in offsets:
        try:
            offset = parse_offset(text)
        except ValueError:
            said.append(text)
            continue
        if direction is None:
            said.append(_offset_in_words(offset) if offset.amount else gettext("the same day"))
        else:
            said.append(occurrence_in_words(occurrence_label(offset, Direction(direction))))
    return ", ".join(said)


def _listed_in_words(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return gettext("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def _listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# Marked for the rule form, which shows them in the reader's language; a rule's stored name is
# made from them in English.
SUBJECT_WORDS = {
    SubjectKind.vote: N_("each vote"),
    SubjectKind.notice_deadline: N_("each contract termination-notice deadline"),
    SubjectKind.contract_end: N_("each contract end date"),
    SubjectKind.records_request_due: N_("each records request due date"),
    SubjectKind.task_due: N_("each task due date"),
    SubjectKind.undecided_escalation: N_("each vote with an undecided target not met in 30 days"),
}

EVERYONE = ["campaign_leads", "followers"]

DEFAULT_RULES: list[dict[str, Any]] = [
    {"subject": "vote", "offsets": ["14d", "7d", "3d", "1d", "0d"], "direction": "before",
     "recipients": EVERYONE, "channels": ["email", "in_app", "webhook"]},
    {"subject": "notice_deadline", "offsets": ["90d", "60d", "30d", "7d"], "direction": "before",
     "recipients": EVERYONE, "channels": ["email", "in_app", "webhook"]},
    {"subject": "contract_end", "offsets": ["30d"], "direction": "before",
     "recipients": EVERYONE, "channels": ["email", "in_app", "webhook"]},
    {"subject": "records_request_due", "offsets": ["2d"], "direction": "before",
     "recipients": ["assigned_organization", *EVERYONE], "channels": ["email", "in_app"]},
    {"subject": "records_request_due", "offsets": ["7d"], "direction": "after",
     "repeat_every": "7d", "recipients": ["assigned_organization", *EVERYONE],
     "channels": ["email", "in_app"]},
    {"subject": "task_due", "offsets": ["1d"], "direction": "before",
     "recipients": ["assigned_organization"], "channels": ["email", "in_app"]},
    {"subject": "undecided_escalation", "offsets": ["7d"], "direction": "before",
     "recipients": ["campaign_leads", "relationship_owner"], "channels": ["email", "in_app"]},
]


def default_specs() -> list[RuleSpec]:
    return [RuleSpec.model_validate(spec) for spec in DEFAULT_RULES]


# ---- timing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class When:
    """When an event happens: an instant, or a whole local day for deadlines and due dates."""

    at: datetime  # UTC; for a whole day, the local midnight that starts it
    all_day: bool
    zone: ZoneInfo
    # A meeting on this day at an hour not yet announced (a vote), not a day-long deadline.
    hour_unknown: bool = False

    @classmethod
    def of_day(cls, day: date, zone: ZoneInfo) -> "When":
        return cls(local(day, time(0, 0), zone), True, zone)

    @classmethod
    def of_unannounced_meeting(cls, day: date, zone: ZoneInfo) -> "When":
        return cls(local(day, time(0, 0), zone), True, zone, hour_unknown=True)

    @classmethod
    def of_instant(cls, at: datetime, zone: ZoneInfo) -> "When":
        return cls(at.astimezone(UTC), False, zone)

    @property
    def local_day(self) -> date:
        return self.at.astimezone(self.zone).date()

    @property
    def ends_at(self) -> datetime:
        """When the event is over: the instant itself, or the end of the local day."""
        if not self.all_day:
            return self.at
        return local(self.local_day + timedelta(days=1), time(0, 0), self.zone)


def local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time on a local day, in UTC. Day arithmetic happens on the wall clock, so
    '1 day before 6 PM' stays 6 PM across a daylight-saving change."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def fire_time(when: When, offset: Offset, direction: Direction) -> datetime:
    """When one offset of a rule falls due for an event."""
    sign = -1 if direction == Direction.before else 1
    if not offset.is_days and when.hour_unknown:
        # "2 hours before the vote" asks to hear of it on its day, shortly before it. Counted
        # from midnight it came the evening before, and a meeting may start at any hour, so
        # the hours are counted back from the morning hour every day-based alert uses: no
        # meeting starts before it, small offsets stay on the vote's day, and "24 hours
        # before" falls with "1 day before". Hours after count from the day's end, when the
        # meeting is surely over.
        if direction == Direction.before:
            return local(when.local_day, MORNING, when.zone) - offset.delta
        return when.ends_at + offset.delta
    if not offset.is_days:
        return when.at + sign * offset.delta
    day = offset.shifted(when.local_day, sign)
    if when.all_day:
        return local(day, MORNING, when.zone)
    if offset.amount == 0:
        # The morning of: 8 AM local, or an hour ahead of an event that starts earlier.
        morning = local(day, MORNING, when.zone)
        return morning if morning < when.at else when.at - timedelta(hours=1)
    wall = when.at.astimezone(when.zone).timetz().replace(tzinfo=None)
    return local(day, wall, when.zone)


def occurrence_label(offset: Offset, direction: Direction) -> str:
    return f"{'-' if direction == Direction.before else '+'}{offset}"


def occurrences(when: When, *, offsets: list[str], direction: Direction, repeat_every: str,
                until: datetime, since: datetime | None = None) -> list[tuple[str, datetime]]:
    """Every (label, due time) a rule produces for one event. A repeating rule goes on every
    repeat_every after each offset, up to `until`, leaving out repeats due well before `since`
    (a request overdue for years would otherwise repeat a hundred times)."""
    found: dict[str, datetime] = {}
    step = parse_offset(repeat_every) if repeat_every else None
    for text in offsets:
        offset = parse_offset(text)
        first = fire_time(when, offset, direction)
        found.setdefault(occurrence_label(offset, direction), first)
        if step is None:
            continue
        # One step short of `since`, so a daylight-saving hour never drops the one due then.
        skip = max(int((since - first) / step.delta) - 1, 0) if since and since > first else 0
        for n in range(1 + skip, 400 + skip):
            if offset.is_days and step.is_days and offset.unit != "mo":
                # Whole days stay on the local wall clock: "+7d", "+14d", ...
                later = Offset(offset.days + n * step.days, "d")
                label, due = occurrence_label(later, direction), fire_time(when, later, direction)
            else:
                label = f"{occurrence_label(offset, direction)}+{n}x{step}"
                due = fire_time(when, offset, direction) + n * step.delta
            if due > until:
                break
            found.setdefault(label, due)
    return sorted(found.items(), key=lambda item: item[1])


def occurrence_in_words(label: str) -> str:
    """An alert's occurrence as the delivery log says it, in the language in force: '-30d' ->
    '30 days before', '+2d' -> '2 days after', '-0d' -> 'the morning of'. Anything else (a
    test's instant) as it is."""
    found = re.match(r"^([-+])(\d+)(mo|[mhdw])", label)
    if not found:
        return label
    sign, amount, unit = found.group(1), int(found.group(2)), found.group(3)
    if amount == 0:
        return gettext("the morning of")
    words = _offset_in_words(Offset(amount, unit))
    return (gettext("{amount} before") if sign == "-" else gettext("{amount} after")).format(
        amount=words)


def relative_words(label: str) -> str:
    """'-7d' -> 'in 7 days', '-0d' -> 'today', '+14d' -> 'overdue by 14 days'."""
    found = re.match(r"^([-+])(\d+)(mo|[mhdw])", label)
    if not found:
        return ""
    sign, amount, unit = found.group(1), int(found.group(2)), found.group(3)
    offset = Offset(amount, unit)
    if sign == "-":
        if amount == 0:
            return "today"
        if offset.unit in ("d", "w") and offset.days == 1:
            return "tomorrow"
        return f"in {offset.words()}"
    if amount == 0:
        return "today"
    return f"{offset.words()} ago"


class RuleCreate(RuleSpec):
    campaign_id: int | None = Field(default=None, ge=1, le=2_147_483_647)


class RuleUpdate(BaseModel):
    """A PATCH of a rule: any of the spec's fields; the merged rule is validated as a whole."""

    subject: SubjectKind | None = None
    offsets: list[OffsetText] | None = Field(default=None, min_length=1, max_length=20)
    direction: Direction | None = None
    repeat_every: OffsetText | None = None
    recipients: list[Annotated[PlainText, Field(max_length=40)]] | None = Field(
        default=None, min_length=1, max_length=20)
    channels: list[Channel] | None = Field(default=None, min_length=1, max_length=3)
    name: PlainText | None = Field(default=None, max_length=200)
    enabled: bool | None = None


class RuleSpecs(BaseModel):
    campaign_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    specs: list[RuleSpec] = Field(min_length=1, max_length=50)
