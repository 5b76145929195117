"""What a playbook file must hold: phases, dated actions and tasks, policy asks, alert rules."""

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from api.actions.models import ActionKind
from api.campaigns.anchors import AnchorKind
from api.campaigns.models import CampaignGoal, PolicyAsk
from api.i18n.catalogs import N_
from api.i18n.validation_words import Refusal


class Phase(StrEnum):
    transparency = "transparency"
    partnerships = "partnerships"
    strategy = "strategy"
    targets = "targets"
    media = "media"


class OwnerRole(StrEnum):
    campaign_lead = "campaign_lead"
    research_lead = "research_lead"
    partnerships_lead = "partnerships_lead"
    policy_lead = "policy_lead"
    field_lead = "field_lead"
    media_lead = "media_lead"
    legal_lead = "legal_lead"


class AlertSubject(StrEnum):
    vote = "vote"
    notice_deadline = "notice_deadline"
    contract_end = "contract_end"
    records_request_due = "records_request_due"
    task_due = "task_due"
    undecided_escalation = "undecided_escalation"


class Recipient(StrEnum):
    campaign_leads = "campaign_leads"
    relationship_owner = "relationship_owner"
    assigned_organization = "assigned_organization"
    followers = "followers"


class Channel(StrEnum):
    email = "email"
    webhook = "webhook"
    in_app = "in_app"


_OFFSET = re.compile(r"^([+-]?)(\d{1,4})([dw])$")


def offset_days(value: Any, *, signed: bool = True) -> int:
    """Days in an offset written as "-21d", "+2w", "0d" (or a plain number of days)."""
    if isinstance(value, bool):
        raise ValueError(N_("must be an offset such as -14d, 3d or 2w"))
    if isinstance(value, int):
        if not signed and value < 0:
            raise ValueError(N_("must not be negative; use direction: after instead"))
        return value
    match = _OFFSET.match(str(value).strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(N_("must be an offset such as -14d, +3d or 2w") if signed
                         else N_("must be an offset such as 14d or 2w"))
    sign, number, unit = match.groups()
    if sign and not signed:
        raise ValueError(N_("must not carry a sign; use direction: before or after"))
    days = int(number) * (7 if unit == "w" else 1)
    return -days if sign == "-" else days


def _signed(value: Any) -> int:
    days = offset_days(value)
    if abs(days) > 3650:
        raise ValueError(N_("must be within ten years of its anchor"))
    return days


def _duration(value: Any) -> str:
    offset_days(value, signed=False)
    return str(value).strip()


SignedOffset = Annotated[int, BeforeValidator(_signed)]
Duration = Annotated[str, BeforeValidator(_duration)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,99}$")]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=20_000)]


class Strict(BaseModel):
    # A misspelt field in a file is an error, not silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaskSpec(Strict):
    title: Title
    owner_role: OwnerRole | None = None
    anchor: AnchorKind | None = None
    offset: SignedOffset | None = None
    notes: Text = ""


class ActionSpec(Strict):
    key: Key
    title: Title
    kind: ActionKind = ActionKind.other
    owner_role: OwnerRole
    anchor: AnchorKind
    offset: SignedOffset
    description: Text = ""
    tasks: list[TaskSpec] = []


class PhaseSpec(Strict):
    phase: Phase
    title: Title
    summary: Text = ""
    actions: list[ActionSpec] = Field(min_length=1)


class PolicyAskSpec(Strict):
    ask: PolicyAsk
    note: Text = ""


class AlertRuleSpec(Strict):
    """A default alert rule, switched on for every campaign made from the playbook."""

    subject: AlertSubject
    offsets: list[Duration] = Field(min_length=1, max_length=20)
    direction: Literal["before", "after"] = "before"
    repeat_every: Duration | None = None
    recipients: list[Recipient] = Field(min_length=1)
    channels: list[Channel] = Field(min_length=1)


class Playbook(Strict):
    key: Key
    title: Title
    goal: CampaignGoal
    summary: Text = ""
    anchors: list[AnchorKind] = Field(min_length=1)
    required_anchors: list[AnchorKind] = []
    policy_asks: list[PolicyAskSpec] = []
    records_letters: list[Key] = []
    phases: list[PhaseSpec] = Field(min_length=1)
    alert_rules: list[AlertRuleSpec] = []

    def actions(self) -> list[tuple[PhaseSpec, ActionSpec]]:
        return [(phase, action) for phase in self.phases for action in phase.actions]


# A rule broken across fields: the path of the value to correct, and why, in words said in
# the reader's language where the problem is shown.
Problem = tuple[tuple[str | int, ...], Refusal]


def _repeats(values: list[Any], path: tuple[str | int, ...], what: str) -> list[Problem]:
    seen: set[Any] = set()
    problems = []
    for index, value in enumerate(values):
        if value in seen:
            problems.append(((*path, index), Refusal(what, value=str(value))))
        seen.add(value)
    return problems


def cross_check(playbook: Playbook, *, letters: set[str]) -> list[Problem]:
    """Rules that span fields, each with the path of the value to correct."""
    problems = _repeats(playbook.anchors, ("anchors",),
                        N_("anchor '{value}' appears more than once"))
    problems += _repeats([p.phase for p in playbook.phases], ("phases",),
                         N_("phase '{value}' appears more than once"))
    problems += _repeats([a.ask for a in playbook.policy_asks], ("policy_asks",),
                         N_("policy ask '{value}' appears more than once"))
    for index, anchor in enumerate(playbook.required_anchors):
        if anchor not in playbook.anchors:
            problems.append((("required_anchors", index), Refusal(
                N_("'{anchor}' is required but not listed under anchors"), anchor=str(anchor))))
    for index, key in enumerate(playbook.records_letters):
        if key not in letters:
            problems.append((("records_letters", index),
                             Refusal(N_("no letter template '{key}'"), key=key)))
    keys: set[str] = set()
    not_ours = N_("'{anchor}' is not one of this playbook's anchors")
    for p, phase in enumerate(playbook.phases):
        for a, action in enumerate(phase.actions):
            where = ("phases", p, "actions", a)
            if action.key in keys:
                problems.append(((*where, "key"), Refusal(
                    N_("action key '{key}' is used twice"), key=action.key)))
            keys.add(action.key)
            if action.anchor not in playbook.anchors:
                problems.append(((*where, "anchor"),
                                 Refusal(not_ours, anchor=str(action.anchor))))
            for t, task in enumerate(action.tasks):
                if task.anchor is not None and task.anchor not in playbook.anchors:
                    problems.append(((*where, "tasks", t, "anchor"),
                                     Refusal(not_ours, anchor=str(task.anchor))))
    return problems
