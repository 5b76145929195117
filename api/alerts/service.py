"""Every read and write of alerts: rules, the delivery log, webhook endpoints, channel settings,
follows, preferences, in-app notifications and calendar feed tokens."""

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from api import clock, public_url
from api.alerts import planner
from api.alerts.channels import Outcome, tell
from api.alerts.channels import email as email_channel
from api.alerts.channels import webhook as webhook_channel
from api.alerts.models import (
    SAVED_SEARCH,
    TEST,
    AlertAttempt,
    AlertDefaultsInstalled,
    AlertOutbox,
    AlertPreference,
    AlertRule,
    AlertSettings,
    Channel,
    ChannelSettingsRead,
    ChannelSettingsUpdate,
    EmailMode,
    EndpointCreate,
    EndpointCreated,
    EndpointRead,
    EndpointUpdate,
    FeedKind,
    FeedMade,
    FeedRead,
    FeedToken,
    Follow,
    FollowKind,
    FollowRead,
    Notification,
    OutboxStatus,
    PreferenceRead,
    PreferenceUpdate,
    RuleRead,
    TestResult,
    WebhookEndpoint,
)
from api.alerts.rules import RuleSpec, default_specs, spec_of_label
from api.alerts.subjects import TEST_EMAIL, TEST_EMAIL_SENT, TITLE_SHAPES
from api.auth import permissions, tokens
from api.auth.models import User, Visibility
from api.bodies.models import Body
from api.campaigns.models import Campaign, CampaignStatus
from api.contracts.models import Contract
from api.crud import validated
from api.db import rows_changed, table_of
from api.errors import NO_SUCH, Invalid, NotFound, Term
from api.fields import TableBase, stored_id
from api.i18n.catalogs import N_, use_locale
from api.records_requests.models import RecordsRequest
from api.settings import Settings, get_settings
from api.targets.models import Target
from api.tasks.models import Task
from api.votes.models import Vote

_TIMEZONES = frozenset(available_timezones())


# ---- rules -------------------------------------------------------------------------------

def _check_campaign(session: Session, campaign_id: int | None) -> None:
    if campaign_id is not None and session.get(Campaign, campaign_id) is None:
        raise Invalid(NO_SUCH, noun=Term(N_("campaign")), id=campaign_id, field="campaign_id")


def rule_read(rule: AlertRule) -> RuleRead:
    return RuleRead(id=stored_id(rule), campaign_id=rule.campaign_id, name=rule.name,
                    subject=rule.subject, offsets=rule.offsets, direction=rule.direction,
                    repeat_every=rule.repeat_every or None, recipients=rule.recipients,
                    channels=[Channel(c) for c in rule.channels], enabled=rule.enabled,
                    created_at=rule.created_at, updated_at=rule.updated_at)


def _spec(data: RuleSpec | dict[str, Any]) -> RuleSpec:
    if isinstance(data, RuleSpec):
        return data
    return validated(RuleSpec, dict(data))


def _check_user_recipients(session: Session, spec: RuleSpec) -> None:
    for recipient in spec.recipients:
        if recipient.startswith("user:"):
            user_id = int(recipient.split(":", 1)[1])
            if session.get(User, user_id) is None:
                raise Invalid(NO_SUCH, noun=Term(N_("user")), id=user_id, field="recipients")


def _new_rule(session: Session, campaign_id: int | None, spec: RuleSpec) -> AlertRule:
    _check_user_recipients(session, spec)
    now = clock.now()
    rule = AlertRule(campaign_id=campaign_id, name=spec.label(), subject=spec.subject,
                     offsets=list(spec.offsets), direction=spec.direction,
                     repeat_every=spec.repeat_every or "", recipients=list(spec.recipients),
                     channels=[c.value for c in spec.channels], enabled=spec.enabled,
                     created_at=now, updated_at=now)
    session.add(rule)
    return rule


def _mark_defaults_installed(session: Session, campaign_id: int | None) -> None:
    if campaign_id is None or session.get(AlertDefaultsInstalled, campaign_id) is not None:
        return
    session.add(AlertDefaultsInstalled(campaign_id=campaign_id, installed_at=clock.now()))


def create_rule(session: Session, actor: User, *, campaign_id: int | None,
                spec: RuleSpec | dict[str, Any]) -> AlertRule:
    return create_rules_from_specs(session, actor, campaign_id=campaign_id, specs=[spec])[0]


def create_rules_from_specs(session: Session, actor: User, *, campaign_id: int | None,
                            specs: Sequence[RuleSpec | dict[str, Any]]) -> list[AlertRule]:
    """Rules in the shape playbooks declare them: {subject, offsets, direction, repeat_every,
    recipients, channels}. The scheduler plans their alerts on its next tick (the rule table's
    triggers mark the campaign); a campaign still gets the default rules it lacks."""
    permissions.require_alert_organizer(actor)
    _check_campaign(session, campaign_id)
    parsed = [_spec(spec) for spec in specs]
    rules = [_new_rule(session, campaign_id, spec) for spec in parsed]
    session.flush()
    return rules


def _shape(subject: Any, offsets: Sequence[str], direction: Any, repeat_every: str,
           recipients: Sequence[str], channels: Sequence[Any]) -> tuple[Any, ...]:
    """What a rule does, whatever its name and order of lists: two rules of one shape send
    every alert twice."""
    return (str(getattr(subject, "value", subject)), tuple(sorted(offsets)),
            str(getattr(direction, "value", direction)), repeat_every or "",
            tuple(sorted(recipients)),
            tuple(sorted(str(getattr(c, "value", c)) for c in channels)))


def install_default_rules(session: Session, actor: User, *, campaign_id: int) -> list[AlertRule]:
    """Add the default rules a campaign lacks (again, if asked, after some were deleted); a
    default the campaign already has is not added twice. Returns the rules added."""
    if session.get(Campaign, campaign_id) is None:
        raise NotFound(NO_SUCH, noun=Term(N_("campaign")), id=campaign_id)
    missing = _missing_defaults(session, campaign_id)
    rules = create_rules_from_specs(session, actor, campaign_id=campaign_id, specs=missing)
    _mark_defaults_installed(session, campaign_id)
    return rules


def _missing_defaults(session: Session, campaign_id: int) -> list[RuleSpec]:
    """The default rules the campaign has no rule of the same shape for."""
    have = {_shape(r.subject, r.offsets, r.direction, r.repeat_every, r.recipients, r.channels)
            for r in session.exec(select(AlertRule).where(AlertRule.campaign_id == campaign_id))}
    return [spec for spec in (_spec(s) for s in default_specs())
            if _shape(spec.subject, spec.offsets, spec.direction, spec.repeat_every or "",
                      spec.recipients, spec.channels) not in have]


def install_missing_defaults(session: Session) -> int:
    """Give each open campaign the default rules once, whatever rules it was given before (a
    playbook's, an organizer's), leaving out those it already has; the dispatcher runs this so
    a new campaign is covered without anyone remembering to set alerts up. Defaults deleted
    afterwards stay deleted."""
    closed = [CampaignStatus.won, CampaignStatus.lost, CampaignStatus.closed]
    missing = session.exec(
        select(Campaign.id)
        .where(Campaign.status.not_in(closed))
        .where(~sa.exists().where(AlertDefaultsInstalled.campaign_id == Campaign.id))).all()
    table = table_of(AlertDefaultsInstalled)
    maker = postgresql.insert if session.get_bind().dialect.name == "postgresql" \
        else sqlite.insert
    installed = 0
    for campaign_id in missing:
        # The marker goes first: of two processes doing this at once, one installs.
        marked = rows_changed(session, maker(table).values(campaign_id=campaign_id,
                                                           installed_at=clock.now())
                              .on_conflict_do_nothing(index_elements=["campaign_id"]))
        if not marked:
            continue
        for spec in _missing_defaults(session, campaign_id):
            _new_rule(session, campaign_id, spec)
        installed += 1
    session.flush()
    return installed


def get_rule(session: Session, actor: User, rule_id: int) -> AlertRule:
    rule = session.get(AlertRule, rule_id)
    if rule is None:
        raise NotFound(NO_SUCH, noun=Term(N_("alert rule")), id=rule_id)
    return rule


def list_rules(session: Session, actor: User, *, campaign_id: int | None = None,
               include_global: bool = True) -> list[AlertRule]:
    stmt = select(AlertRule)
    if campaign_id is not None:
        condition = AlertRule.campaign_id == campaign_id
        if include_global:
            condition = sa.or_(condition, AlertRule.campaign_id.is_(None))
        stmt = stmt.where(condition)
    return list(session.exec(stmt.order_by(AlertRule.campaign_id, AlertRule.id)).all())


def update_rule(session: Session, actor: User, rule_id: int,
                changes: dict[str, Any]) -> AlertRule:
    permissions.require_alert_organizer(actor)
    rule = get_rule(session, actor, rule_id)
    current = {"subject": rule.subject, "offsets": rule.offsets, "direction": rule.direction,
               "repeat_every": rule.repeat_every or None, "recipients": rule.recipients,
               "channels": rule.channels, "enabled": rule.enabled,
               "name": None if rule.name == _spec_of(rule).label() else rule.name}
    given = {k: v for k, v in changes.items() if k in current}
    spec = _spec({**current, **given})
    _check_user_recipients(session, spec)
    rule.subject = spec.subject
    rule.offsets = list(spec.offsets)
    rule.direction = spec.direction
    rule.repeat_every = spec.repeat_every or ""
    rule.recipients = list(spec.recipients)
    rule.channels = [c.value for c in spec.channels]
    rule.enabled = spec.enabled
    rule.name = spec.label()
    rule.updated_at = clock.now()
    session.add(rule)
    session.flush()
    return rule


def rule_title(rule: AlertRule) -> str:
    """A rule's name as a reader sees it: one a person gave as written, the name made for a
    rule given none (stored in English) in the reader's language."""
    spec = _spec_of(rule)
    return spec.shown_label() if rule.name == spec.label() else rule.name


def logged_rule_title(values: Mapping[str, Any]) -> str | None:
    """A rule's name as the audit log recorded it, as `rule_title` says it; None for a name a
    person chose. An entry holds the rule's other fields only where they changed too (a
    renamed rule's entry holds its names alone), so a name made for a rule given none is
    also known by its words."""
    name = values.get("name")
    if name is None:
        return None
    try:
        spec: RuleSpec | None = RuleSpec.model_validate({key: values.get(key) for key in (
            "subject", "offsets", "direction", "repeat_every", "recipients", "channels")})
    except ValidationError:
        spec = None
    if spec is None or name != spec.label():
        spec = spec_of_label(str(name))
    return spec.shown_label() if spec is not None else None


def _spec_of(rule: AlertRule) -> RuleSpec:
    return RuleSpec(subject=rule.subject, offsets=rule.offsets, direction=rule.direction,
                    repeat_every=rule.repeat_every or None, recipients=rule.recipients,
                    channels=rule.channels)


def delete_rule(session: Session, actor: User, rule_id: int) -> None:
    permissions.require_alert_organizer(actor)
    rule = get_rule(session, actor, rule_id)
    planner.cancel_rule_rows(session, stored_id(rule), "its rule was deleted")
    session.delete(rule)
    session.flush()


# ---- the delivery log --------------------------------------------------------------------

def visible_alerts(actor: permissions.Actor) -> sa.ColumnElement[bool] | None:
    """The alert rows (the delivery log, the outbox) the actor may see: their own, and others'
    only when the actor may read what the alert is about, since its title tells it. None: all.

    Leads see every alert about what they may read; partners and viewers only their own.
    An escalation names a target the row does not record, so another person's escalation is
    shown to nobody but administrators. A webhook post is shown only to those who read all
    its endpoint reads (a post to the leads' channel names targets and tells of meetings only
    leads may know of)."""
    if permissions.sees_everything(actor):
        if permissions.is_system(actor):
            return None
        # What another person's saved search found tells what they look for: theirs alone.
        return sa.or_(AlertOutbox.subject_kind != SAVED_SEARCH,
                      AlertOutbox.user_id == (actor.id if actor is not None else None))

    def readable(model: Any) -> sa.ColumnElement[bool]:
        condition = permissions.visible(model, actor)
        found = sa.select(sa.literal(1)).select_from(model).where(
            model.id == AlertOutbox.subject_id, *([condition] if condition is not None else []))
        return found.exists()

    about_readable = sa.or_(
        sa.and_(AlertOutbox.subject_kind == "vote", readable(Vote)),
        sa.and_(AlertOutbox.subject_kind.in_(("notice_deadline", "contract_end")),
                readable(Contract)),
        sa.and_(AlertOutbox.subject_kind == "records_request_due", readable(RecordsRequest)),
        sa.and_(AlertOutbox.subject_kind == "task_due", readable(Task)),
        sa.and_(AlertOutbox.subject_kind == "undecided_escalation",
                AlertOutbox.user_id.is_(None), readable(Vote)),
    )
    own = AlertOutbox.user_id == actor.id if actor is not None and actor.id else sa.false()
    if permissions.is_anonymous(actor):
        return sa.false()
    if not permissions.is_lead(actor):
        # Partners and viewers keep no channel but their own: the coalition's webhooks, and
        # what is queued for them, are their keepers' (permissions.require_webhook_keeper).
        return own
    post_readable = sa.and_(AlertOutbox.user_id.is_(None), sa.select(sa.literal(1)).where(
        WebhookEndpoint.id == AlertOutbox.endpoint_id,
        WebhookEndpoint.reads.in_(permissions.shared_at_least(Visibility.leads))).exists())
    return sa.or_(own, sa.and_(about_readable,
                               sa.or_(AlertOutbox.user_id.is_not(None), post_readable)))


def delivery_log(session: Session, actor: User, *, status: str | None = None,
                 channel: str | None = None, campaign_id: int | None = None,
                 subject_kind: str | None = None, limit: int = 50,
                 offset: int = 0) -> tuple[list[AlertOutbox], int]:
    """Alerts newest due first, as `visible_alerts` shows them."""
    if not 1 <= limit <= 500 or offset < 0:
        raise Invalid(N_("limit must be between 1 and 500 and offset not negative."), field="limit")
    stmt = select(AlertOutbox)
    if status:
        stmt = stmt.where(AlertOutbox.status == status)
    if channel:
        stmt = stmt.where(AlertOutbox.channel == channel)
    if campaign_id:
        stmt = stmt.where(AlertOutbox.campaign_id == campaign_id)
    if subject_kind:
        stmt = stmt.where(AlertOutbox.subject_kind == subject_kind)
    shown = visible_alerts(actor)
    if shown is not None:
        stmt = stmt.where(shown)
    total = session.exec(select(sa.func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(AlertOutbox.due_at.desc(), AlertOutbox.id.desc())
                        .limit(limit).offset(offset)).all()
    return list(rows), int(total)


def alert_detail(session: Session, actor: User,
                 alert_id: int) -> tuple[AlertOutbox, list[AlertAttempt]]:
    shown = visible_alerts(actor)
    stmt = select(AlertOutbox).where(AlertOutbox.id == alert_id)
    row = session.exec(stmt.where(shown) if shown is not None else stmt).first()
    if row is None:
        raise NotFound(NO_SUCH, noun=Term(N_("alert")), id=alert_id)
    attempts = session.exec(select(AlertAttempt).where(AlertAttempt.outbox_id == alert_id)
                            .order_by(AlertAttempt.id)).all()
    return row, list(attempts)


def recipient_labels(session: Session, rows: Sequence[AlertOutbox]) -> dict[int, str]:
    """'Ana Ruiz <ana@…>' or 'Webhook: Slack #council' for each row of a log page."""
    user_ids = {r.user_id for r in rows if r.user_id}
    endpoint_ids = {r.endpoint_id for r in rows if r.endpoint_id}
    users = {u.id: u for u in session.exec(select(User).where(User.id.in_(user_ids)))} \
        if user_ids else {}
    endpoints = {e.id: e for e in session.exec(
        select(WebhookEndpoint).where(WebhookEndpoint.id.in_(endpoint_ids)))} \
        if endpoint_ids else {}
    out: dict[int, str] = {}
    for row in rows:
        if row.user_id and row.user_id in users:
            out[stored_id(row)] = f"{users[row.user_id].name} <{users[row.user_id].email}>"
        elif row.endpoint_id and row.endpoint_id in endpoints:
            out[stored_id(row)] = f"Webhook: {endpoints[row.endpoint_id].name}"
        else:
            out[stored_id(row)] = ""
    return out


# ---- channel settings ----------------------------------------------------------------------

def _settings_row(session: Session) -> AlertSettings | None:
    return session.exec(select(AlertSettings).order_by(AlertSettings.id)).first()


def smtp_config(session: Session, settings: Settings | None = None) -> email_channel.SmtpConfig:
    """The SMTP settings in force: the administrator's override when it names a host, else the
    OVERSIGHT_SMTP_* environment."""
    settings = settings or get_settings()
    base = email_channel.SmtpConfig.from_settings(settings)
    row = _settings_row(session)
    if row is None or not row.smtp_host:
        return base
    return email_channel.SmtpConfig(
        host=row.smtp_host, port=row.smtp_port or base.port,
        username=row.smtp_username, password=row.smtp_password,
        starttls=base.starttls if row.smtp_starttls is None else row.smtp_starttls,
        sender=row.smtp_from or base.sender, timeout=base.timeout)


def mail_server_configured(session: Session, settings: Settings | None = None) -> bool:
    """Whether any email can go out: a host in the environment or in an administrator's
    override. Without one, alert emails are not sent and no password-reset link is emailed."""
    return smtp_config(session, settings).configured


def allow_private_webhooks(session: Session, settings: Settings | None = None) -> bool:
    settings = settings or get_settings()
    row = _settings_row(session)
    return settings.webhook_allow_private or bool(row and row.allow_private_webhooks)


def channel_settings(session: Session, actor: User) -> ChannelSettingsRead:
    """What the settings page shows; never the stored password itself."""
    config = smtp_config(session)
    row = _settings_row(session)
    return ChannelSettingsRead(
        smtp_host=config.host, smtp_port=config.port, smtp_username=config.username,
        smtp_password_set=bool(config.password), smtp_starttls=config.starttls,
        smtp_from=config.sender, smtp_overridden=bool(row and row.smtp_host),
        allow_private_webhooks=allow_private_webhooks(session))


def update_channel_settings(session: Session, actor: User,
                            data: ChannelSettingsUpdate | dict[str, Any]
                            ) -> ChannelSettingsRead:
    permissions.require_mail_setup(actor)
    if isinstance(data, dict):
        data = validated(ChannelSettingsUpdate, data)
    assert isinstance(data, ChannelSettingsUpdate)
    row = _settings_row(session) or AlertSettings()
    changes = data.model_dump(exclude_unset=True)
    for name in ("smtp_host", "smtp_username", "smtp_from"):
        if name in changes and changes[name] is not None:
            value = changes[name].strip()
            if any(ord(c) < 32 for c in value):
                raise Invalid(N_("{name}: must not contain control characters"),
                              name=name, field=name)
            setattr(row, name, value)
    if row.smtp_from and "@" not in row.smtp_from:
        raise Invalid(N_("smtp_from: must be an email address"), field="smtp_from")
    if "smtp_port" in changes:
        row.smtp_port = changes["smtp_port"]
    if "smtp_starttls" in changes:
        row.smtp_starttls = changes["smtp_starttls"]
    if changes.get("clear_smtp_password"):
        row.smtp_password = ""
    elif changes.get("smtp_password"):
        row.smtp_password = changes["smtp_password"]
    if changes.get("allow_private_webhooks") is not None:
        row.allow_private_webhooks = changes["allow_private_webhooks"]
    row.updated_at = clock.now()
    session.add(row)
    session.flush()
    return channel_settings(session, actor)


def _record_test(session: Session, *, channel: Channel, title: str, outcome: Outcome,
                 started: datetime, user_id: int | None = None,
                 endpoint_id: int | None = None) -> AlertOutbox:
    now = clock.now()
    key = f"test|{channel}|{secrets.token_hex(8)}"
    row = AlertOutbox(
        dedupe_key=key, series="", message_id=planner.message_id_for(key), subject_kind=TEST,
        subject_id=endpoint_id or user_id or 0, occurrence=now.isoformat(), channel=channel,
        user_id=user_id, endpoint_id=endpoint_id, title=title, due_at=started,
        next_attempt_at=started, attempts=1,
        status=OutboxStatus.sent if outcome.ok else OutboxStatus.failed,
        sent_at=now if outcome.ok else None, last_error=outcome.error[:2000])
    session.add(row)
    session.flush()
    session.add(AlertAttempt(outbox_id=stored_id(row), started_at=started, finished_at=now,
                             ok=outcome.ok, status_code=outcome.status_code,
                             error=outcome.error[:2000], worker="test button"))
    return row


def send_test_email(session: Session, actor: User, *, to: str | None = None) -> TestResult:
    """Sends a test email to the acting user now, with the settings in force."""
    permissions.require_mail_setup(actor)
    started = clock.now()
    address = to or actor.email
    told_row = AlertOutbox(dedupe_key="", message_id=planner.message_id_for(
        f"test-email|{started.isoformat()}|{address}"), subject_kind=TEST, subject_id=0,
        occurrence="", channel=Channel.email, title=TEST_EMAIL, due_at=started,
        next_attempt_at=started, link="/alerts/channels")
    told = tell(told_row, now=started, base_url=public_url.base_url())
    message = email_channel.alert_email(told, to=address, message_id=told_row.message_id,
                                        late=False)
    outcome = email_channel.send(smtp_config(session), message, now=started)
    row = _record_test(session, channel=Channel.email,
                       title=TEST_EMAIL_SENT.format(title=address)[:300],
                       outcome=outcome, started=started, user_id=actor.id)
    return TestResult(ok=outcome.ok, status_code=None, error=outcome.error, alert_id=row.id)


# ---- webhook endpoints -------------------------------------------------------------------

def _check_webhook_url(session: Session, url: str) -> str:
    url = url.strip()
    try:
        webhook_channel.check_url(url, allow_private=allow_private_webhooks(session))
    except webhook_channel.RefusedAddress as exc:
        raise Invalid(N_("url: {reason}; ask an administrator to allow private addresses if "
                         "this receiver really is inside your network"),
                      reason=exc.refusal, field="url") from exc
    except webhook_channel.BadUrl as exc:
        raise Invalid(N_("url: {reason}"), reason=exc.refusal, field="url") from exc
    return url


def endpoint_read(endpoint: WebhookEndpoint) -> EndpointRead:
    """An endpoint as its keepers list it, with its whole address (for some receivers the
    address's path is its password: only `permissions.require_webhook_keeper` lets it out)."""
    return EndpointRead(id=stored_id(endpoint), name=endpoint.name, url=endpoint.url,
                        flavor=endpoint.flavor, campaign_id=endpoint.campaign_id,
                        reads=endpoint.reads, language=endpoint.language,
                        enabled=endpoint.enabled,
                        disabled_reason=endpoint.disabled_reason,
                        created_at=endpoint.created_at)


def endpoint_with_secret(endpoint: WebhookEndpoint) -> EndpointCreated:
    """An endpoint with its whole address and signing secret, for its keepers to set up the
    receiver."""
    return EndpointCreated(**endpoint_read(endpoint).model_dump(), secret=endpoint.secret)


def list_endpoints(session: Session, actor: User) -> list[WebhookEndpoint]:
    """The coalition's webhooks, for those who keep them. Partners and viewers are not told
    which channels exist: a webhook's name, host and campaign say where the coalition talks
    and about what, and the alerts they need come to them by email and in the app."""
    permissions.require_webhook_keeper(actor)
    return list(session.exec(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all())


def get_endpoint(session: Session, actor: User, endpoint_id: int) -> WebhookEndpoint:
    permissions.require_webhook_keeper(actor)
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound(NO_SUCH, noun=Term(N_("webhook endpoint")), id=endpoint_id)
    return endpoint


def create_endpoint(session: Session, actor: User,
                    data: EndpointCreate | dict[str, Any]) -> WebhookEndpoint:
    permissions.require_alert_organizer(actor)
    if isinstance(data, dict):
        data = validated(EndpointCreate, data)
    assert isinstance(data, EndpointCreate)
    name = data.name.strip()
    if not name:
        raise Invalid(N_("name: must not be blank"), field="name")
    _check_campaign(session, data.campaign_id)
    endpoint = WebhookEndpoint(name=name, url=_check_webhook_url(session, data.url),
                               flavor=data.flavor, campaign_id=data.campaign_id,
                               reads=data.reads, language=data.language,
                               enabled=data.enabled,
                               secret=webhook_channel.new_secret(),
                               created_by_id=actor.id)
    session.add(endpoint)
    session.flush()
    return endpoint


def update_endpoint(session: Session, actor: User, endpoint_id: int,
                    data: EndpointUpdate | dict[str, Any]) -> WebhookEndpoint:
    permissions.require_alert_organizer(actor)
    if isinstance(data, dict):
        data = validated(EndpointUpdate, data)
    assert isinstance(data, EndpointUpdate)
    endpoint = get_endpoint(session, actor, endpoint_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("name") is not None:
        endpoint.name = changes["name"].strip() or endpoint.name
    if changes.get("url") is not None:
        endpoint.url = _check_webhook_url(session, changes["url"])
    if changes.get("flavor") is not None:
        endpoint.flavor = changes["flavor"]
    if changes.get("reads") is not None:
        endpoint.reads = changes["reads"]
    if changes.get("language") is not None:
        endpoint.language = changes["language"]
    if "campaign_id" in changes:
        _check_campaign(session, changes["campaign_id"])
        endpoint.campaign_id = changes["campaign_id"]
    if changes.get("enabled") is not None:
        endpoint.enabled = changes["enabled"]
        if endpoint.enabled:
            endpoint.disabled_reason = ""
    endpoint.updated_at = clock.now()
    session.add(endpoint)
    session.flush()
    return endpoint


def delete_endpoint(session: Session, actor: User, endpoint_id: int) -> None:
    permissions.require_alert_organizer(actor)
    endpoint = get_endpoint(session, actor, endpoint_id)
    session.delete(endpoint)
    session.flush()


def send_test_webhook(session: Session, actor: User, endpoint_id: int,
                      client: Any = None) -> TestResult:
    """Sends a signed test alert to the endpoint now and records it in the delivery log."""
    permissions.require_alert_organizer(actor)
    endpoint = get_endpoint(session, actor, endpoint_id)
    started = clock.now()
    key = f"test|webhook|{endpoint.id}|{secrets.token_hex(8)}"
    row = AlertOutbox(
        dedupe_key=key, series="", message_id=planner.message_id_for(key), subject_kind=TEST,
        subject_id=stored_id(endpoint), occurrence=started.isoformat(), channel=Channel.webhook,
        endpoint_id=endpoint.id, title=TITLE_SHAPES[TEST].format(title=endpoint.name)[:300],
        link="/alerts/channels", due_at=started, next_attempt_at=started, attempts=1,
        status=OutboxStatus.sending)
    session.add(row)
    session.flush()
    settings = get_settings()
    own_client = client is None
    client = client or webhook_channel.new_client(settings.webhook_timeout_seconds)
    try:
        # Written in the endpoint's language, as its alerts are; what went wrong is told in
        # the language of whoever pressed the button.
        with use_locale(endpoint.language):
            told = tell(row, now=started, base_url=public_url.base_url(settings))
        outcome = webhook_channel.send(client, url=endpoint.url, secret=endpoint.secret,
                                       flavor=endpoint.flavor, row=row, told=told,
                                       now=started, language=endpoint.language,
                                       allow_private=allow_private_webhooks(session))
    finally:
        if own_client:
            client.close()
    finished = clock.now()
    row.status = OutboxStatus.sent if outcome.ok else OutboxStatus.failed
    row.sent_at = finished if outcome.ok else None
    row.last_error = outcome.error[:2000]
    session.add(row)
    session.add(AlertAttempt(outbox_id=stored_id(row), started_at=started, finished_at=finished,
                             ok=outcome.ok, status_code=outcome.status_code,
                             error=outcome.error[:2000], worker="test button"))
    if outcome.disable_endpoint:
        endpoint.enabled = False
        endpoint.disabled_reason = outcome.error[:300]
        session.add(endpoint)
    session.flush()
    return TestResult(ok=outcome.ok, status_code=outcome.status_code, error=outcome.error,
                      alert_id=row.id)


# ---- follows -----------------------------------------------------------------------------

FOLLOWABLE: dict[FollowKind, tuple[type[TableBase], str]] = {
    FollowKind.campaign: (Campaign, "name"), FollowKind.body: (Body, "name"),
    FollowKind.target: (Target, "name"), FollowKind.contract: (Contract, "title"),
    FollowKind.records_request: (RecordsRequest, "subject")}


def follow_label(session: Session, kind: str, subject_id: int) -> str:
    model, column = FOLLOWABLE[FollowKind(kind)]
    found = session.get(model, subject_id)
    return getattr(found, column) if found is not None else f"(deleted {kind} {subject_id})"


def list_follows(session: Session, actor: User) -> list[FollowRead]:
    follows = session.exec(select(Follow).where(Follow.user_id == actor.id)
                           .order_by(Follow.subject_kind, Follow.id)).all()
    return [FollowRead(id=stored_id(f), subject_kind=f.subject_kind, subject_id=f.subject_id,
                       label=follow_label(session, f.subject_kind, f.subject_id),
                       created_at=f.created_at) for f in follows]


def follow(session: Session, actor: User, *, subject_kind: str, subject_id: int) -> Follow:
    """Follow a campaign, body, target, contract or records request; following twice is the
    same as once."""
    try:
        kind = FollowKind(subject_kind)
    except ValueError as exc:
        kinds = ", ".join(FollowKind)
        raise Invalid(N_("subject_kind: must be one of {kinds}"),
                      kinds=kinds, field="subject_kind") from exc
    model, _ = FOLLOWABLE[kind]
    if session.get(model, subject_id) is None:
        raise Invalid(NO_SUCH, noun=Term(kind.value.replace("_", " ")), id=subject_id,
                      field="subject_id")
    existing = session.exec(select(Follow).where(
        Follow.user_id == actor.id, Follow.subject_kind == kind,
        Follow.subject_id == subject_id)).first()
    if existing is not None:
        return existing
    found = Follow(user_id=stored_id(actor), subject_kind=kind, subject_id=subject_id)
    session.add(found)
    session.flush()
    return found


def unfollow(session: Session, actor: User, follow_id: int) -> None:
    found = session.get(Follow, follow_id)
    if found is None or found.user_id != actor.id:
        raise NotFound(NO_SUCH, noun=Term(N_("follow")), id=follow_id)
    session.delete(found)
    session.flush()


# ---- preferences -------------------------------------------------------------------------

def preferences(session: Session, actor: User) -> AlertPreference:
    found = session.exec(select(AlertPreference)
                         .where(AlertPreference.user_id == actor.id)).first()
    return found or AlertPreference(user_id=stored_id(actor))


def update_preferences(session: Session, actor: User,
                       data: PreferenceUpdate | dict[str, Any]) -> AlertPreference:
    if isinstance(data, dict):
        data = validated(PreferenceUpdate, data)
    assert isinstance(data, PreferenceUpdate)
    pref = preferences(session, actor)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    if "timezone" in changes and changes["timezone"] not in _TIMEZONES:
        raise Invalid(N_("timezone: must be an IANA timezone such as America/Chicago"),
                      field="timezone")
    for name, value in changes.items():
        setattr(pref, name, value)
    pref.updated_at = clock.now()
    session.add(pref)
    session.flush()
    return pref


def preference_read(pref: AlertPreference) -> PreferenceRead:
    return PreferenceRead(email_mode=pref.email_mode or EmailMode.immediate, in_app=pref.in_app,
                          digest_hour=pref.digest_hour, timezone=pref.timezone)


# ---- in-app notifications ----------------------------------------------------------------

def list_notifications(session: Session, actor: User, *, unread_only: bool = False,
                       limit: int = 50, offset: int = 0) -> tuple[list[Notification], int]:
    if not 1 <= limit <= 500 or offset < 0:
        raise Invalid(N_("limit must be between 1 and 500 and offset not negative."), field="limit")
    stmt = select(Notification).where(Notification.user_id == actor.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    total = session.exec(select(sa.func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
                        .limit(limit).offset(offset)).all()
    return list(rows), int(total)


def unread_count(session: Session, actor: User) -> int:
    return int(session.exec(select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None))).one())


def mark_read(session: Session, actor: User, notification_id: int) -> Notification:
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != actor.id:
        raise NotFound(NO_SUCH, noun=Term(N_("notification")), id=notification_id)
    if note.read_at is None:
        note.read_at = clock.now()
        session.add(note)
        session.flush()
    return note


def mark_all_read(session: Session, actor: User) -> int:
    return rows_changed(session, sa.update(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=clock.now()))


# ---- calendar feed tokens ----------------------------------------------------------------

def feed_label(session: Session, kind: str, scope_id: int) -> str:
    if kind == FeedKind.user:
        return "My calendar"
    found = (session.get(Campaign, scope_id) if kind == FeedKind.campaign
             else session.get(Body, scope_id))
    return f"{kind.capitalize()}: {found.name}" if found else f"(deleted {kind})"


def feed_read(session: Session, token: FeedToken) -> FeedRead:
    """A feed as listed: without its address, of which only the hash is kept."""
    return FeedRead(id=stored_id(token), kind=token.kind, scope_id=token.scope_id,
                    label=feed_label(session, token.kind, token.scope_id),
                    created_at=token.created_at, updated_at=token.updated_at)


def feed_path(raw: str) -> str:
    return f"/feeds/{raw}.ics"


def feed_made(session: Session, token: FeedToken, raw: str) -> FeedMade:
    """A feed just made, with its address: the one time it can be shown."""
    return FeedMade(**feed_read(session, token).model_dump(), path=feed_path(raw))


def list_feed_tokens(session: Session, actor: User) -> list[FeedToken]:
    return list(session.exec(select(FeedToken).where(FeedToken.user_id == actor.id)
                             .order_by(FeedToken.kind, FeedToken.scope_id)).all())


def regenerate_feed_token(session: Session, actor: User, *, kind: str,
                          scope_id: int = 0) -> tuple[FeedToken, str]:
    """A new secret address for a feed, and its secret, returned this once and kept only as a
    hash; the old address stops working at once."""
    try:
        feed_kind = FeedKind(kind)
    except ValueError as exc:
        raise Invalid(N_("kind: must be one of {kinds}"),
                      kinds=", ".join(FeedKind), field="kind") from exc
    if feed_kind == FeedKind.user:
        scope_id = 0
    else:
        model = Campaign if feed_kind == FeedKind.campaign else Body
        if session.get(model, scope_id) is None:
            raise Invalid(NO_SUCH, noun=Term(feed_kind.value), id=scope_id, field="scope_id")
    token = session.exec(select(FeedToken).where(
        FeedToken.user_id == actor.id, FeedToken.kind == feed_kind,
        FeedToken.scope_id == scope_id)).first()
    if token is None:
        token = FeedToken(user_id=stored_id(actor), kind=feed_kind, scope_id=scope_id,
                          token_hash="")
    raw = tokens.new_token()
    token.token_hash = tokens.digest(raw)
    token.updated_at = clock.now()
    session.add(token)
    session.flush()
    return token, raw


def delete_feed_token(session: Session, actor: User, token_id: int) -> None:
    token = session.get(FeedToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound(NO_SUCH, noun=Term(N_("calendar feed")), id=token_id)
    session.delete(token)
    session.flush()


def feed_owner(session: Session, token: str) -> FeedToken | None:
    """The feed whose address carries this secret, found by its hash, when its owner may still
    sign in."""
    if not token or len(token) > 100:
        return None
    found = session.exec(select(FeedToken).where(
        FeedToken.token_hash == tokens.digest(token))).first()
    if found is None:
        return None
    owner = session.get(User, found.user_id)
    return found if owner is not None and owner.is_active else None
