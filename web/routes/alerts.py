"""Pages for alerts: rules per campaign, channels (SMTP, webhooks with a test button), follows,
preferences and calendar feeds, the delivery log, and the notifications list."""

import re
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, select
from starlette.datastructures import FormData

from api import public_url
from api.accounts.service import SYSTEM_EMAIL
from api.alerts import service
from api.alerts.channels.email import NO_MAIL_SERVER
from api.alerts.models import (
    Channel,
    Direction,
    EmailMode,
    FollowKind,
    OutboxStatus,
    RecipientGroup,
    SubjectKind,
    WebhookFlavor,
)
from api.alerts.rules import SUBJECT_WORDS, occurrence_in_words
from api.alerts.subjects import title_in_words
from api.auth import permissions
from api.auth.models import User
from api.bodies.models import Body
from api.campaigns.models import Campaign
from api.contracts.models import Contract
from api.deps import SessionDep, UserDep
from api.errors import DomainError, Invalid, NotFound
from api.fields import stored_id
from api.i18n import locales
from api.i18n.catalogs import N_, gettext
from api.records_requests.models import RecordsRequest
from api.routing import PathRouter
from api.targets.models import Target
from web import words
from web.forms import FormField, Rejected, parse, save_or_show, see_other, shown
from web.ids import path_id, whole_number
from web.templating import templates

router = PathRouter(include_in_schema=False)

LOG_PAGE = 50
RECIPIENT_WORDS = {
    RecipientGroup.campaign_leads: N_("Campaign leads"),
    RecipientGroup.relationship_owner: N_("Relationship owner of the target"),
    RecipientGroup.assigned_organization: N_("Assigned partner organization"),
    RecipientGroup.followers: N_("Followers"),
}
CHANNEL_WORDS = {Channel.email: N_("Email"), Channel.in_app: N_("In-app"),
                 Channel.webhook: N_("Webhooks")}
# What the not-found page says of each kind of id that names nothing here.
MISSING = {
    "alert rule": N_("There is no such alert rule. It may have been deleted."),
    "webhook endpoint": N_("There is no such webhook. It may have been deleted."),
    "follow": N_("You do not follow that. It may have been removed."),
    "calendar feed": N_("There is no such calendar feed. It may have been deleted."),
    "notification": N_("There is no such notification. It may have been deleted."),
}


def _page(request: Request, session: Session, actor: User, template: str,
          context: dict[str, Any], status_code: int = 200) -> Response:
    base = {"user": actor, "unread_count": service.unread_count(session, actor),
            "section": template.split("/")[-1].removesuffix(".html"),
            "may_organize": permissions.may_organize_alerts(actor),
            "may_administer": permissions.may_set_up_mail(actor),
            "mail_server": service.mail_server_configured(session)}
    return templates.TemplateResponse(request, template, {**base, **context},
                                      status_code=status_code)


# The fields each form shows a refusal beside; a refusal naming any other is shown at the top.
RULE_FIELDS = ("subject", "offsets", "repeat_every", "recipients", "channels", "campaign_id")
SMTP_FIELDS = ("smtp_host", "smtp_port", "smtp_from")
WEBHOOK_FIELDS = ("name", "url", "campaign_id", "reads", "language")
FOLLOW_FIELDS = ("subject_id", "subject_kind", "kind", "scope_id")
PREFERENCE_FIELDS = ("email_mode", "digest_hour", "timezone")


# ---- rules -------------------------------------------------------------------------------

def _campaigns(session: Session) -> list[Campaign]:
    return list(session.exec(select(Campaign).order_by(Campaign.name)).all())


def _users(session: Session) -> list[User]:
    return list(session.exec(select(User).where(User.is_active).order_by(User.name)).all())


# "14d, 2 semanas": a number and its unit word apart stay one offset.
ONE_OFFSET = re.compile(r"\d+\s+[^\d\s,]+|\S+")


def _offsets(text: str) -> list[str]:
    return [found for piece in text.split(",") for found in ONE_OFFSET.findall(piece)]


def _text(name: str) -> FormField:
    return FormField(name, name)


def _box(name: str) -> FormField:
    return FormField(name, name, kind="bool")


def _many(name: str) -> FormField:
    return FormField(name, name, kind="refs")


# What each form sends. The alert services check the values themselves and name the field of
# each problem, which the form shows beside it (the *_FIELDS below).
RULE_FORM = [_text("subject"), _text("offsets"), _text("direction"), _text("repeat_every"),
             _many("recipients"), _many("named_users"), _many("channels"), _box("enabled")]
SMTP_FORM = [_text("smtp_host"), _text("smtp_port"), _text("smtp_username"),
             _text("smtp_from"), _text("smtp_password"), _box("smtp_starttls"),
             _box("allow_private_webhooks"), _box("clear_smtp_password")]
WEBHOOK_FORM = [_text("name"), _text("url"), _text("flavor"), _text("campaign_id"),
                _text("reads"), _text("language")]
FOLLOW_FORM = [_text("subject_kind"), _text("subject_id"),
               *(_text(f"{kind.value}_id") for kind in FollowKind)]
PREFERENCE_FORM = [_text("email_mode"), _box("in_app"), _text("timezone"), _text("digest_hour")]
FEED_FORM = [_text("kind"), _text("scope_id")]
CAMPAIGN_FORM = [_text("campaign_id")]


def _given(fields: list[FormField], form: FormData) -> dict[str, Any]:
    """The form's values by its declared fields; a text left out reads as empty."""
    values = parse(fields, form)
    return {f.name: values.get(f.name, "") for f in fields}


def _rule_form(form: FormData) -> dict[str, Any]:
    given = _given(RULE_FORM, form)
    named = [f"user:{uid}" for uid in given["named_users"] if whole_number(uid)]
    return {
        "subject": given["subject"],
        "offsets": _offsets(given["offsets"]),
        "direction": given["direction"] or "before",
        "repeat_every": given["repeat_every"].strip() or None,
        "recipients": given["recipients"] + named,
        "channels": given["channels"],
        "enabled": given["enabled"],
    }


def _rules_context(session: Session, actor: User, campaign_id: int | None) -> dict[str, Any]:
    campaigns = _campaigns(session)
    if campaign_id is None and campaigns:
        campaign_id = campaigns[0].id
    rules = service.list_rules(session, actor, campaign_id=campaign_id) if campaign_id else \
        service.list_rules(session, actor)
    users = {u.id: u for u in _users(session)}
    return {"campaigns": campaigns, "campaign_id": campaign_id, "rules": rules,
            # The system account is no person to alert: never offered, still named if set.
            "users": [u for u in users.values() if u.email != SYSTEM_EMAIL],
            "user_names": {u: users[u].name for u in users},
            "subjects": list(SubjectKind), "subject_words": SUBJECT_WORDS,
            "directions": list(Direction), "recipient_words": RECIPIENT_WORDS,
            "channel_words": CHANNEL_WORDS, "errors": {}, "values": {}}


@router.get("/alerts", response_class=HTMLResponse)
def rules_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    campaign_id = whole_number(request.query_params.get("campaign_id"))
    return _page(request, session, actor, "alerts/rules.html",
                 _rules_context(session, actor, campaign_id))


@router.post("/alerts/rules", response_class=HTMLResponse)
async def create_rule(request: Request, session: SessionDep, actor: UserDep) -> Response:
    form = await request.form()
    campaign_id = whole_number(_given(CAMPAIGN_FORM, form)["campaign_id"])
    values = _rule_form(form)

    def again(rejected: Rejected) -> Response:
        context = _rules_context(session, actor, campaign_id)
        context.update(errors=rejected.errors, values=values)
        return _page(request, session, actor, "alerts/rules.html", context, rejected.status)

    return save_or_show(
        session, lambda: service.create_rule(session, actor, campaign_id=campaign_id,
                                             spec=values),
        done=lambda _: see_other(f"/alerts?campaign_id={campaign_id}" if campaign_id
                                 else "/alerts"),
        again=again, fields=RULE_FIELDS)


@router.post("/alerts/defaults", response_class=HTMLResponse)
async def install_defaults(request: Request, session: SessionDep, actor: UserDep) -> Response:
    campaign_id = whole_number(_given(CAMPAIGN_FORM, await request.form())["campaign_id"])

    def write() -> Any:
        if campaign_id is None:
            raise NotFound(gettext("Choose a campaign first."))
        return service.install_default_rules(session, actor, campaign_id=campaign_id)

    return save_or_show(session, write,
                        done=lambda _: see_other(f"/alerts?campaign_id={campaign_id}"),
                        again=_rules_again(request, session, actor, campaign_id),
                        fields=RULE_FIELDS)


def _rules_again(request: Request, session: Session, actor: User, campaign_id: int | None
                 ) -> Callable[[Rejected], Response]:
    """The rules page again, with what was wrong at the top or by its field."""
    def again(rejected: Rejected) -> Response:
        context = _rules_context(session, actor, campaign_id)
        context.update(errors=rejected.errors)
        return _page(request, session, actor, "alerts/rules.html", context, rejected.status)
    return again


def _rule_or_none(session: Session, actor: User, rule_id: str) -> Any:
    found = path_id(rule_id)
    try:
        return service.get_rule(session, actor, found or 0)
    except NotFound:
        return None


def _not_found(request: Request, session: Session, actor: User, what: str,
               refusal: DomainError | None = None) -> Response:
    """Alerts' own page for an id that names nothing here; any other refusal is the error
    page's."""
    if refusal is not None and not isinstance(refusal, NotFound):
        raise refusal
    return _page(request, session, actor, "alerts/missing.html", {"what": MISSING[what]}, 404)


def _missing(request: Request, session: Session, actor: User, what: str
             ) -> Callable[[Rejected], Response]:
    """Alerts' own not-found page for a refused write on an id that names nothing here."""
    return lambda rejected: _not_found(request, session, actor, what, rejected.refusal)


@router.get("/alerts/rules/{rule_id}", response_class=HTMLResponse)
def edit_rule_page(rule_id: str, request: Request, session: SessionDep,
                   actor: UserDep) -> Response:
    permissions.require_alert_organizer(actor)
    rule = _rule_or_none(session, actor, rule_id)
    if rule is None:
        return _not_found(request, session, actor, "alert rule")
    context = _rules_context(session, actor, rule.campaign_id)
    context.update(rule=rule, values=service.rule_read(rule))
    return _page(request, session, actor, "alerts/rule_edit.html", context)


@router.post("/alerts/rules/{rule_id}", response_class=HTMLResponse)
async def update_rule(rule_id: str, request: Request, session: SessionDep,
                      actor: UserDep) -> Response:
    rule = _rule_or_none(session, actor, rule_id)
    if rule is None:
        return _not_found(request, session, actor, "alert rule")
    values = _rule_form(await request.form())

    def again(rejected: Rejected) -> Response:
        shown = service.get_rule(session, actor, rule.id)
        context = _rules_context(session, actor, shown.campaign_id)
        context.update(rule=shown, values=values, errors=rejected.errors)
        return _page(request, session, actor, "alerts/rule_edit.html", context, rejected.status)

    return save_or_show(
        session, lambda: service.update_rule(session, actor, rule.id, values),
        done=lambda _: see_other(f"/alerts?campaign_id={rule.campaign_id}" if rule.campaign_id
                                 else "/alerts"),
        again=again, fields=RULE_FIELDS)


@router.post("/alerts/rules/{rule_id}/delete", response_class=HTMLResponse)
def delete_rule(rule_id: str, request: Request, session: SessionDep,
                actor: UserDep) -> Response:
    rule = _rule_or_none(session, actor, rule_id)
    if rule is None:
        return _not_found(request, session, actor, "alert rule")
    campaign_id = rule.campaign_id
    return save_or_show(
        session, lambda: service.delete_rule(session, actor, rule.id),
        done=lambda _: see_other(f"/alerts?campaign_id={campaign_id}" if campaign_id
                                 else "/alerts"),
        again=_rules_again(request, session, actor, campaign_id), fields=RULE_FIELDS,
        status=403)


# ---- channels ----------------------------------------------------------------------------

def _channels_context(session: Session, actor: User) -> dict[str, Any]:
    return {"settings": service.channel_settings(session, actor),
            # The webhooks and their addresses are their keepers' alone.
            "endpoints": service.list_endpoints(session, actor)
            if permissions.may_organize_alerts(actor) else [],
            "campaigns": _campaigns(session), "flavors": list(WebhookFlavor),
            "errors": {}, "values": {}, "smtp_errors": {}, "message": "", "secret": None,
            "tests": {}, "endpoint_reach": words.ENDPOINT_REACH_WORDS,
            "flavor_words": words.WEBHOOK_FLAVOR_WORDS,
            # Each language named in itself, as the language switch names them.
            "languages": locales.NAMES}


@router.get("/alerts/channels", response_class=HTMLResponse)
def channels_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    return _page(request, session, actor, "alerts/channels.html",
                 _channels_context(session, actor))


@router.post("/alerts/channels/smtp", response_class=HTMLResponse)
async def save_smtp(request: Request, session: SessionDep, actor: UserDep) -> Response:
    given = _given(SMTP_FORM, await request.form())
    port = given["smtp_port"].strip()
    data: dict[str, Any] = {name: given[name] for name in (
        "smtp_host", "smtp_username", "smtp_from", "smtp_starttls", "allow_private_webhooks",
        "clear_smtp_password")}
    if given["smtp_password"]:
        data["smtp_password"] = given["smtp_password"]
    try:
        data["smtp_port"] = int(port) if port else None
    except ValueError:
        data["smtp_port"] = port

    def again(rejected: Rejected) -> Response:
        context = _channels_context(session, actor)
        data.pop("smtp_password", None)
        context.update(smtp_errors=rejected.errors, smtp_values=data)
        return _page(request, session, actor, "alerts/channels.html", context, rejected.status)

    return save_or_show(session, lambda: service.update_channel_settings(session, actor, data),
                        done=lambda _: see_other("/alerts/channels"), again=again,
                        fields=SMTP_FIELDS)


@router.post("/alerts/channels/test-email", response_class=HTMLResponse)
def test_email(request: Request, session: SessionDep, actor: UserDep) -> Response:
    context = _channels_context(session, actor)

    def again(rejected: Rejected) -> Response:
        context.update(smtp_errors=rejected.errors)
        return _page(request, session, actor, "alerts/channels.html", context, rejected.status)

    def done(result: Any) -> Response:
        if result.ok:
            context["message"] = gettext("Test email sent to %(email)s.") % {
                "email": actor.email}
        elif result.error == NO_MAIL_SERVER:
            context["message"] = gettext("No test email was sent: no mail server is set up "
                                         "yet.")
        else:
            context["message"] = gettext("The test email failed: %(error)s") % {
                "error": result.error}
        return _page(request, session, actor, "alerts/channels.html", context)

    return save_or_show(session, lambda: service.send_test_email(session, actor), done=done,
                        again=again, fields=SMTP_FIELDS, status=403)


@router.post("/alerts/webhooks", response_class=HTMLResponse)
async def create_webhook(request: Request, session: SessionDep, actor: UserDep) -> Response:
    given = _given(WEBHOOK_FORM, await request.form())
    values = {"name": given["name"], "url": given["url"],
              "flavor": given["flavor"] or "generic",
              "campaign_id": whole_number(given["campaign_id"]),
              "reads": given["reads"] or "coalition",
              "language": (given["language"] or locales.DEFAULT)[:20]}

    def again(rejected: Rejected) -> Response:
        context = _channels_context(session, actor)
        context.update(errors=rejected.errors, values=values)
        return _page(request, session, actor, "alerts/channels.html", context, rejected.status)

    def done(endpoint: Any) -> Response:
        context = _channels_context(session, actor)
        # The signing secret is shown this once, for the receiver's configuration.
        context.update(secret=endpoint.secret,
                       message=gettext("Added %(name)s.") % {"name": endpoint.name})
        return _page(request, session, actor, "alerts/channels.html", context, 201)

    return save_or_show(session, lambda: service.create_endpoint(session, actor, values),
                        done=done, again=again, fields=WEBHOOK_FIELDS)


@router.post("/alerts/webhooks/{endpoint_id}/test", response_class=HTMLResponse)
def test_webhook(endpoint_id: str, request: Request, session: SessionDep,
                 actor: UserDep) -> Response:
    found = path_id(endpoint_id)

    def done(result: Any) -> Response:
        context = _channels_context(session, actor)
        context["tests"] = {found: result}
        return _page(request, session, actor, "alerts/channels.html", context)

    return save_or_show(session, lambda: service.send_test_webhook(session, actor, found or 0),
                        done=done, again=_missing(request, session, actor, "webhook endpoint"))


@router.post("/alerts/webhooks/{endpoint_id}/delete", response_class=HTMLResponse)
def delete_webhook(endpoint_id: str, request: Request, session: SessionDep,
                   actor: UserDep) -> Response:

    def again(rejected: Rejected) -> Response:
        if isinstance(rejected.refusal, NotFound):
            return _not_found(request, session, actor, "webhook endpoint")
        context = _channels_context(session, actor)
        context.update(errors=rejected.errors)
        return _page(request, session, actor, "alerts/channels.html", context, rejected.status)

    return save_or_show(
        session, lambda: service.delete_endpoint(session, actor, path_id(endpoint_id)),
        done=lambda _: see_other("/alerts/channels"), again=again, fields=WEBHOOK_FIELDS,
        status=403)


# ---- follows, preferences, feeds -----------------------------------------------------------

def _followable(session: Session) -> dict[str, list[tuple[int, str]]]:
    return {
        FollowKind.campaign: [(stored_id(c), c.name) for c in _campaigns(session)],
        FollowKind.body: list(session.exec(select(Body.id, Body.name).order_by(Body.name))),
        FollowKind.target: list(session.exec(select(Target.id, Target.name)
                                             .order_by(Target.name))),
        FollowKind.contract: list(session.exec(select(Contract.id, Contract.title)
                                               .order_by(Contract.title))),
        FollowKind.records_request: list(session.exec(
            select(RecordsRequest.id, RecordsRequest.subject).order_by(RecordsRequest.subject))),
    }


def _follows_context(session: Session, actor: User) -> dict[str, Any]:
    feeds = [service.feed_read(session, t) for t in service.list_feed_tokens(session, actor)]
    return {"follows": service.list_follows(session, actor), "followable": _followable(session),
            "pref": service.preference_read(service.preferences(session, actor)),
            "email_modes": list(EmailMode), "feeds": feeds,
            "bodies": list(session.exec(select(Body).order_by(Body.name)).all()),
            "campaigns": _campaigns(session), "errors": {}, "pref_errors": {}, "values": {}}


@router.get("/alerts/follows", response_class=HTMLResponse)
def follows_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    return _page(request, session, actor, "alerts/follows.html",
                 _follows_context(session, actor))


@router.post("/alerts/follows", response_class=HTMLResponse)
async def create_follow(request: Request, session: SessionDep, actor: UserDep) -> Response:
    given = _given(FOLLOW_FORM, await request.form())
    kind = given["subject_kind"]
    subject_id = whole_number(given.get(f"{kind}_id")) or whole_number(given["subject_id"])

    def again(rejected: Rejected) -> Response:
        context = _follows_context(session, actor)
        context.update(errors=rejected.errors, values={"subject_kind": kind})
        return _page(request, session, actor, "alerts/follows.html", context, rejected.status)

    def write() -> Any:
        if subject_id is None:
            raise Invalid(gettext("Choose what to follow."), field="subject_id")
        return service.follow(session, actor, subject_kind=kind, subject_id=subject_id)

    return save_or_show(session, write, done=lambda _: see_other("/alerts/follows"),
                        again=again, fields=FOLLOW_FIELDS)


@router.post("/alerts/follows/{follow_id}/delete", response_class=HTMLResponse)
def delete_follow(follow_id: str, request: Request, session: SessionDep,
                  actor: UserDep) -> Response:
    return save_or_show(session, lambda: service.unfollow(session, actor, path_id(follow_id)),
                        done=lambda _: see_other("/alerts/follows"),
                        again=_missing(request, session, actor, "follow"))


@router.post("/alerts/preferences", response_class=HTMLResponse)
async def save_preferences(request: Request, session: SessionDep, actor: UserDep) -> Response:
    given = _given(PREFERENCE_FORM, await request.form())
    hour = given["digest_hour"].strip()
    data: dict[str, Any] = {"email_mode": given["email_mode"], "in_app": given["in_app"],
                            "timezone": given["timezone"].strip()}
    data["digest_hour"] = int(hour) if re.fullmatch(r"-?\d{1,6}", hour) else hour or None

    def again(rejected: Rejected) -> Response:
        context = _follows_context(session, actor)
        context.update(pref_errors=rejected.errors, pref=data)
        return _page(request, session, actor, "alerts/follows.html", context, rejected.status)

    return save_or_show(session, lambda: service.update_preferences(session, actor, data),
                        done=lambda _: see_other("/alerts/follows"), again=again,
                        fields=PREFERENCE_FIELDS)


@router.post("/alerts/feeds", response_class=HTMLResponse)
async def regenerate_feed(request: Request, session: SessionDep, actor: UserDep) -> Response:
    given = _given(FEED_FORM, await request.form())

    def again(rejected: Rejected) -> Response:
        context = _follows_context(session, actor)
        context.update(errors=rejected.errors)
        return _page(request, session, actor, "alerts/follows.html", context, rejected.status)

    def done(made_token: tuple[Any, str]) -> Response:
        # Shown on this answer only, never behind a redirect: only the address's hash is kept.
        made = service.feed_made(session, *made_token)
        context = _follows_context(session, actor)
        context.update(new_feed=made, new_feed_url=public_url.base_url() + made.path)
        return _page(request, session, actor, "alerts/follows.html", context)

    return save_or_show(
        session, lambda: service.regenerate_feed_token(
            session, actor, kind=given["kind"], scope_id=whole_number(given["scope_id"]) or 0),
        done=done, again=again, fields=FOLLOW_FIELDS)


@router.post("/alerts/feeds/{feed_id}/delete", response_class=HTMLResponse)
def delete_feed(feed_id: str, request: Request, session: SessionDep,
                actor: UserDep) -> Response:
    return save_or_show(session, lambda: service.delete_feed_token(session, actor,
                                                                   path_id(feed_id)),
                        done=lambda _: see_other("/alerts/follows#feeds"),
                        again=_missing(request, session, actor, "calendar feed"))


# ---- the delivery log --------------------------------------------------------------------

@router.get("/alerts/log", response_class=HTMLResponse)
def log_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    params = request.query_params
    status = params.get("status") if params.get("status") in set(OutboxStatus) else None
    channel = params.get("channel") if params.get("channel") in set(Channel) else None
    given = params.get("page")
    # As every list reads its page: digits only, "-1" is refused in words and page 1 shown.
    problem = gettext("The page must be a number.") \
        if given is not None and whole_number(given) is None else ""
    page = min(max(whole_number(given) or 1, 1), 100_000)
    rows, total = service.delivery_log(session, actor, status=status, channel=channel,
                                       limit=LOG_PAGE, offset=(page - 1) * LOG_PAGE)
    context = {
        "rows": rows, "total": total, "page": page, "pages": max((total - 1) // LOG_PAGE + 1, 1),
        "status": status or "", "channel": channel or "", "statuses": list(OutboxStatus),
        "channels": list(Channel), "channel_words": CHANNEL_WORDS,
        "recipients": service.recipient_labels(session, rows), "problem": problem,
        # Titles and occurrences are stored in English; said again in the reader's language.
        "title_in_words": title_in_words, "occurrence_in_words": occurrence_in_words}
    return shown(lambda status: _page(request, session, actor, "alerts/log.html", context,
                                      status), problem)


# ---- notifications -----------------------------------------------------------------------

@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    rows, total = service.list_notifications(session, actor, limit=100)
    return _page(request, session, actor, "alerts/notifications.html",
                 {"notifications": rows, "total": total})


@router.get("/notifications/unread-count", response_class=HTMLResponse)
def unread_badge(session: SessionDep, actor: UserDep) -> Response:
    count = service.unread_count(session, actor)
    return HTMLResponse(str(count) if count else "")


@router.post("/notifications/{notification_id}/read", response_class=HTMLResponse)
def read_notification(notification_id: str, request: Request, session: SessionDep,
                      actor: UserDep) -> Response:
    return save_or_show(session, lambda: service.mark_read(session, actor,
                                                           path_id(notification_id)),
                        done=lambda _: see_other("/notifications"),
                        again=_missing(request, session, actor, "notification"))


@router.post("/notifications/read-all", response_class=HTMLResponse)
def read_all(request: Request, session: SessionDep, actor: UserDep) -> Response:
    service.mark_all_read(session, actor)
    session.commit()
    return see_other("/notifications")
