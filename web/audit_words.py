"""How the audit log reads in the reader's language: what was done to which kind of record,
each field's name, and each value as the log stored it. A test checks that every kind of record
the log keeps, and every field of it, has its words in the catalog."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlmodel import SQLModel

from api import clock
from api.alerts.rules import offsets_in_words
from api.alerts.service import logged_rule_title as rule_title_of_values
from api.auth import audit
from api.fields import StrEnum
from api.i18n import formatting, locales
from api.i18n.catalogs import N_, gettext
from web.concepts import label_for
from web.words import humanize

# What was done, said of the kind of record it was done to.
ACTIONS = {
    "create": N_("Created: {kind}"),
    "update": N_("Changed: {kind}"),
    "delete": N_("Deleted: {kind}"),
    "erase": N_("Erased for good: {kind}"),
    "retention": N_("Removed at the end of its keeping period: {kind}"),
    "publish": N_("Published: {kind}"),
    "unpublish": N_("No longer published: {kind}"),
    "merge": N_("Merged another into: {kind}"),
    "export": N_("Exported: {kind}"),
}

# Kinds logged under their campaign's number, not a record's of their own.
OF_CAMPAIGN = {
    "public_page": N_("public page of campaign #{id}"),
    "supporters": N_("supporters of campaign #{id}"),
}

# The kinds of record (tables) whose plain name is not the word a reader knows them by, or
# that no page names.
KINDS = {
    "affiliation": N_("affiliation"),
    "agency_alias": N_("name a merged agency went by"),
    "agency_link": N_("link between agencies"),
    "agenda_keyword": N_("agenda keyword"),
    "agenda_sync": N_("agenda check"),
    "alert_defaults_installed": N_("default alerts installed"),
    "alert_replan": N_("alert replanning"),
    "alert_rule": N_("alert rule"),
    "alert_setting": N_("alert setting"),
    "app_user": N_("account"),
    "camera_count": N_("camera count"),
    "campaign_contract": N_("contract of a campaign"),
    "contract_outcome": N_("contract outcome"),
    "document": N_("document"),
    "instance_setting": N_("instance setting"),
    "invitation": N_("invitation"),
    "known_outcome": N_("outcome elsewhere"),
    "media_contact": N_("media contact"),
    "meeting_attendee": N_("meeting attendee"),
    "meeting_note": N_("meeting note"),
    "meeting_target": N_("decision-maker met"),
    "public_page": N_("public page"),
    "public_page_item": N_("record on a public page"),
    "records_request_contract": N_("contract of a records request"),
    "records_request_document": N_("document received for a records request"),
    "records_request_status_change": N_("records request status change"),
    "records_request_target": N_("decision-maker of a records request"),
    "scheduler_lease": N_("scheduler turn"),
    "stancechange": N_("stance change"),
    "supporters": N_("supporters"),
    "suggested_vote": N_("suggested vote"),
    "webhook_endpoint": N_("webhook"),
}

# The names of fields that only the log shows, as label_for writes them.
FIELDS = (
    N_("Accepted at"), N_("Allow private webhooks"), N_("Anchor kind"),
    N_("Anchor offset days"), N_("Asks"), N_("Assignee organization"), N_("Assignee user"),
    N_("Attached"), N_("Attached kind"), N_("Changed by"), N_("Commitments"),
    N_("Completed at"), N_("Consecutive failures"), N_("Content type"), N_("Count"),
    N_("Counted on"), N_("Created at"), N_("Created by"), N_("Dataset"), N_("Decided at"),
    N_("Decided by"), N_("Default visibility"), N_("Direction"), N_("Disabled reason"),
    N_("Document"), N_("Due on override"), N_("Effective on"), N_("Enabled"), N_("Event url"),
    N_("Events seen"), N_("Expires at"), N_("Extension days"), N_("Filename"), N_("Flavor"),
    N_("Follow ups"), N_("From status"), N_("Held at"), N_("Holder"), N_("Id"),
    N_("Idempotency key"), N_("Installed at"), N_("Invited by"), N_("Is active"),
    N_("Item number"), N_("Items seen"), N_("Last attempt at"), N_("Last error"),
    N_("Last error at"), N_("Last login at"), N_("Last success at"), N_("Legistar body name"),
    N_("Local day"), N_("Local zone"), N_("Majority needed"), N_("Matched keywords"),
    N_("Matter"), N_("Matter file"), N_("Matter type"), N_("Media contact"), N_("Moved from"),
    N_("Notes visibility"), N_("Off agenda"), N_("Offsets"), N_("Ok to call"),
    N_("Ok to email"), N_("Ok to text"), N_("Ori"), N_("Owner role"), N_("Parent"),
    N_("Password hash"), N_("Phase"), N_("Phrase"), N_("Playbook key"), N_("Reads"),
    N_("Recipients"), N_("Recorded at"), N_("Repeat every"), N_("Requester organization"),
    N_("Require totp for leads"), N_("Scheduled at"), N_("Secret"), N_("Sha256"),
    N_("Size bytes"), N_("Slot"), N_("Smtp from"), N_("Smtp host"), N_("Smtp password"),
    N_("Smtp port"), N_("Smtp starttls"), N_("Smtp username"), N_("Snapshot url"),
    N_("Source event"), N_("Source item"), N_("Stored name"), N_("Suggestions made"),
    N_("Tell leads meetings"), N_("Term ended"), N_("Termination notice days"),
    N_("Ticked at"), N_("Ticks"), N_("Time text"), N_("To level"), N_("To status"),
    N_("Token hash"), N_("Totp enabled"), N_("Totp last step"), N_("Totp secret"),
    N_("Updated at"), N_("Uploaded by"), N_("Visibility"),
    # A campaign's public page.
    N_("Slug"), N_("Intro"), N_("Published"), N_("Published at"), N_("Show stances"),
    N_("Talking points"), N_("Sample comment"),
    N_("Record"),
    # The keys of values kept as lists of records (a campaign's asks, a meeting's stances).
    N_("Ask"), N_("Won"), N_("Note"), N_("Target"), N_("Level"), N_("Position"),
)

SECRETS = {audit.REDACTED: N_("[secret]"), audit.UNSET: N_("(none)")}
# A digest or a stored file's key: letters and digits of no language.
DIGEST = re.compile(r"[0-9a-f]{16,}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Every zone a logged "timezone" may hold.
ZONES = frozenset(available_timezones())


@cache
def _choices() -> frozenset[str]:
    """Every stored choice the models declare: such a value reads in the reader's words."""
    found: set[str] = set()
    kinds: list[type[StrEnum]] = [StrEnum]
    while kinds:
        for sub in kinds.pop().__subclasses__():
            kinds.append(sub)
            if sub.__module__.startswith("api."):
                found.update(str(m.value) for m in sub)
    return frozenset(found)


@cache
def _money_fields() -> frozenset[str]:
    """The fields that hold an amount of money (dollars and cents): the log keeps them as plain
    numbers ("126000.00"); the pages write them as money ("$126,000.00")."""
    return frozenset(column.name for table in SQLModel.metadata.tables.values()
                     for column in table.columns
                     if isinstance(column.type, sa.Numeric) and column.type.scale == 2)


def _money(value: Any) -> Markup | None:
    if isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return escape(formatting.format_money(amount)) if amount.is_finite() else None


def kind_words(record_kind: str) -> str:
    return gettext(KINDS[record_kind]) if record_kind in KINDS else humanize(record_kind)


def what(action: str, record_kind: str, record_id: int | None) -> str:
    """"Changed: campaign #3", in the reader's language."""
    if record_kind in OF_CAMPAIGN and record_id:
        kind = gettext(OF_CAMPAIGN[record_kind]).format(id=record_id)
    else:
        kind = kind_words(record_kind) + (f" #{record_id}" if record_id else "")
    if action in ACTIONS:
        return gettext(ACTIONS[action]).format(kind=kind)
    return f"{humanize(action)}: {kind}"


def field_words(name: str, record_kind: str = "") -> str:
    """A logged field by its label on its record's pages (an official's "title" is their
    office)."""
    return gettext(label_for(name, record_kind))


def actor_words(label: str) -> str:
    return gettext("the system") if label == "system" else label


def logged_rule_name(changes: dict[str, Any], side: int) -> Markup:
    """An alert rule's name before (side 0) or after (side 1) a logged change, as the alerts
    page says it: a name made for a rule given none is said in the reader's language."""
    values = {key: change[side] for key, change in changes.items()
              if isinstance(change, list | tuple) and len(change) == 2}
    said = rule_title_of_values(values)
    return escape(said) if said is not None else logged_value(values.get("name"))


def logged_offsets(changes: dict[str, Any], field: str, side: int) -> Markup:
    """An alert rule's timing before (side 0) or after (side 1) a logged change, as the rule's
    form says it ("2 semanas antes, 1 día antes"), not as stored ("2w, 1d"); before or after
    where the entry holds the direction of that side."""
    change = changes.get(field)
    value = change[side] if isinstance(change, list | tuple) and len(change) == 2 else None
    if not value:
        return Markup("—")
    if field == "repeat_every":
        return escape(offsets_in_words([str(value)]))
    turned = changes.get("direction")
    direction = turned[side] if isinstance(turned, list | tuple) and len(turned) == 2 else None
    offsets = [str(item) for item in value] if isinstance(value, list) else [str(value)]
    return escape(offsets_in_words(offsets, direction if direction in ("before", "after")
                                   else None))


def logged_merge(changes: dict[str, Any]) -> Markup:
    """A merge as the log keeps it (the agency folded in, the rows moved and dropped by table,
    the fields filled), said in sentences in place of the before-and-after of a change."""
    merged = changes.get("merged")
    merged = merged if isinstance(merged, dict) else {}
    name = merged.get("name") or "—"
    lines = [gettext("Folded in: “{name}” (#{id})").format(name=name, id=merged.get("id", "—"))]

    def counted(key: str) -> str:
        rows = changes.get(key)
        rows = rows if isinstance(rows, dict) else {}
        return formatting.format_list([f"{kind_words(str(table))}: "
                                       f"{formatting.format_number(int(count))}"
                                       for table, count in sorted(rows.items())
                                       if isinstance(count, int)]) or "—"

    lines.append(gettext("Moved to it: {rows}").format(rows=counted("moved")))
    lines.append(gettext("Dropped as it had them already: {rows}").format(rows=counted("dropped")))
    filled = changes.get("filled")
    filled = filled if isinstance(filled, list) else []
    lines.append(gettext("Taken from the folded agency: {fields}").format(
        fields=formatting.format_list([field_words(str(f), "agency") for f in filled]) or "—"))
    return Markup("").join(Markup("<div>{}</div>").format(line) for line in lines)


def logged_value(value: Any, field: str = "") -> Markup:
    """A value as the log stored it: a choice in the reader's words, yes or no, a day or an
    instant as the pages write them (instants on the coalition's clock), a list or a record
    within one item by item, a language by its own name, an amount of money as the pages write
    it, and a digest as code."""
    if value is None:
        return Markup("—")
    if field == "language" and value in locales.NAMES:
        return escape(locales.NAMES[value])
    if field == "timezone" and isinstance(value, str) and value in ZONES:
        # A place's zone by the name people use, as its page says it, not its IANA key.
        return escape(formatting.zone_name(value))
    if isinstance(value, bool):
        return escape(gettext("yes") if value else gettext("no"))
    if field in _money_fields() and (said := _money(value)) is not None:
        return said
    if isinstance(value, int | float):
        return escape(formatting.format_number(value))
    if isinstance(value, list):
        return Markup(", ").join(logged_value(item) for item in value) if value else Markup("—")
    if isinstance(value, dict):
        return Markup("; ").join(Markup("{}: {}").format(field_words(str(key)), logged_value(item))
                                 for key, item in value.items())
    text = str(value)
    if text in ("", "[]", "{}"):
        # An empty list or text, as some changes were logged: nothing, like a missing value.
        return Markup("—")
    if text in SECRETS:
        return escape(gettext(SECRETS[text]))
    if text in _choices():
        return escape(humanize(text))
    if DIGEST.fullmatch(text):
        return Markup('<code translate="no">{}</code>').format(text)
    if DAY.fullmatch(text):
        try:
            return escape(formatting.format_when(date.fromisoformat(text)))
        except ValueError:
            return escape(text)
    if len(text) >= 20 and text[10:11] == "T":
        try:
            at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return escape(text)
        if at.tzinfo is not None:
            local = clock.local(at, None)
            return escape(f"{formatting.format_when(local, 'weekday_date time')} {local.tzname()}")
    return escape(text)
