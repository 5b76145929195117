"""Pages for alerts: rules per campaign, channels (SMTP, webhooks with a test button), follows,
preferences and calendar feeds, the delivery log, and the notifications list."""

import re
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, select
from starlette.datastructures import FormData

from api import public_url
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
from web.forms import saving, see_other
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
            "may_organize": service.may_organize(actor),
            "may_administer": service.may_administer(actor),
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


def _rule_form(form: FormData) -> dict[str, Any]:
    named = [f"user:{uid}" for uid in form.getlist("named_users") if whole_number(uid)]
    return {
        "subject": str(form.get("subject") or ""),
        "offsets": _offsets(str(form.get("offsets") or "")),
        "direction": str(form.get("direction") or "before"),
        "repeat_every": str(form.get("repeat_every") or "").strip() or None,
        "recipients": [str(r) for r in form.getlist("recipients")] + named,
        "channels": [str(c) for c in form.getlist("channels")],
        "enabled": form.get("enabled") is not None,
    }


def _rules_context(session: Session, actor: User, campaign_id: int | None) -> dict[str, Any]:
    campaigns = _campaigns(session)
    if campaign_id is None and campaigns:
        campaign_id = campaigns[0].id
    rules = service.list_rules(session, actor, campaign_id=campaign_id) if campaign_id else \
        service.list_rules(session, actor)
    users = {u.id: u for u in _users(session)}
    return {"campaigns": campaigns, "campaign_id": campaign_id, "rules": rules,
            "users": list(users.values()), "user_names": {u: users[u].name for u in users},
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
    campaign_id = whole_number(form.get("campaign_id"))
    values = _rule_form(form)
    with saving(session) as saved:
        service.create_rule(session, actor, campaign_id=campaign_id, spec=values)
    if saved.refusal:
        context = _rules_context(session, actor, campaign_id)
        context.update(errors=saved.errors(RULE_FIELDS), values=values)
        return _page(request, session, actor, "alerts/rules.html", context, 422)
    return see_other(f"/alerts?campaign_id={campaign_id}" if campaign_id else "/alerts")


@router.post("/alerts/defaults", response_class=HTMLResponse)
async def install_defaults(request: Request, session: SessionDep, actor: UserDep) -> Response:
    form = await request.form()
    campaign_id = whole_number(form.get("campaign_id"))
    with saving(session) as saved:
        if campaign_id is None:
            raise NotFound(gettext("Choose a campaign first."))
        service.install_default_rules(session, actor, campaign_id=campaign_id)
    if saved.refusal:
        context = _rules_context(session, actor, campaign_id)
        context.update(errors=saved.errors(RULE_FIELDS))
        return _page(request, session, actor, "alerts/rules.html", context, 422)
    return see_other(f"/alerts?campaign_id={campaign_id}")


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


@router.get("/alerts/rules/{rule_id}", response_class=HTMLResponse)
def edit_rule_page(rule_id: str, request: Request, session: SessionDep,
                   actor: UserDep) -> Response:
    service.require_organizer(actor)
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
    form = await request.form()
    values = _rule_form(form)
    with saving(session) as saved:
        service.update_rule(session, actor, rule.id, values)
    if saved.refusal:
        rule = service.get_rule(session, actor, rule.id)
        context = _rules_context(session, actor, rule.campaign_id)
        context.update(rule=rule, values=values, errors=saved.errors(RULE_FIELDS))
        return _page(request, session, actor, "alerts/rule_edit.html", context, 422)
    return see_other(f"/alerts?campaign_id={rule.campaign_id}" if rule.campaign_id
                     else "/alerts")


@router.post("/alerts/rules/{rule_id}/delete", response_class=HTMLResponse)
def delete_rule(rule_id: str, request: Request, session: SessionDep,
                actor: UserDep) -> Response:
    rule = _rule_or_none(session, actor, rule_id)
    if rule is None:
        return _not_found(request, session, actor, "alert rule")
    campaign_id = rule.campaign_id
    with saving(session) as saved:
        service.delete_rule(session, actor, rule.id)
    if saved.refusal:
        context = _rules_context(session, actor, campaign_id)
        context.update(errors=saved.errors(RULE_FIELDS))
        return _page(request, session, actor, "alerts/rules.html", context, 403)
    return see_other(f"/alerts?campaign_id={campaign_id}" if campaign_id else "/alerts")


# ---- channels ----------------------------------------------------------------------------

def _channels_context(session: Session, actor: User) -> dict[str, Any]:
    return {"settings": service.channel_settings(session, actor),
            # The webhooks and their addresses are their keepers' alone.
            "endpoints": service.list_endpoints(session, actor)
            if service.may_organize(actor) else [],
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
    form = await request.form()
    port = str(form.get("smtp_port") or "").strip()
    data: dict[str, Any] = {
        "smtp_host": str(form.get("smtp_host") or ""),
        "smtp_username": str(form.get("smtp_username") or ""),
        "smtp_from": str(form.get("smtp_from") or ""),
        "smtp_starttls": form.get("smtp_starttls") is not None,
        "allow_private_webhooks": form.get("allow_private_webhooks") is not None,
        "clear_smtp_password": form.get("clear_smtp_password") is not None,
    }
    if form.get("smtp_password"):
        data["smtp_password"] = str(form.get("smtp_password"))
    try:
        data["smtp_port"] = int(port) if port else None
    except ValueError:
        data["smtp_port"] = port
    with saving(session) as saved:
        service.update_channel_settings(session, actor, data)
    if saved.refusal:
        context = _channels_context(session, actor)
        data.pop("smtp_password", None)
        context.update(smtp_errors=saved.errors(SMTP_FIELDS), smtp_values=data)
        return _page(request, session, actor, "alerts/channels.html", context, 422)
    return see_other("/alerts/channels")


@router.post("/alerts/channels/test-email", response_class=HTMLResponse)
def test_email(request: Request, session: SessionDep, actor: UserDep) -> Response:
    context = _channels_context(session, actor)
    with saving(session) as saved:
        result = service.send_test_email(session, actor)
    if saved.refusal:
        context.update(smtp_errors=saved.errors(SMTP_FIELDS))
        return _page(request, session, actor, "alerts/channels.html", context, 403)
    if result.ok:
        context["message"] = gettext("Test email sent to %(email)s.") % {"email": actor.email}
    elif result.error == NO_MAIL_SERVER:
        context["message"] = gettext("No test email was sent: no mail server is set up yet.")
    else:
        context["message"] = gettext("The test email failed: %(error)s") % {
            "error": result.error}
    return _page(request, session, actor, "alerts/channels.html", context)


@router.post("/alerts/webhooks", response_class=HTMLResponse)
async def create_webhook(request: Request, session: SessionDep, actor: UserDep) -> Response:
    form = await request.form()
    values = {"name": str(form.get("name") or ""), "url": str(form.get("url") or ""),
              "flavor": str(form.get("flavor") or "generic"),
              "campaign_id": whole_number(form.get("campaign_id")),
              "reads": str(form.get("reads") or "coalition"),
              "language": str(form.get("language") or locales.DEFAULT)[:20]}
    with saving(session) as saved:
        endpoint = service.create_endpoint(session, actor, values)
    if saved.refusal:
        context = _channels_context(session, actor)
        context.update(errors=saved.errors(WEBHOOK_FIELDS), values=values)
        return _page(request, session, actor, "alerts/channels.html", context, 422)
    context = _channels_context(session, actor)
    # The signing secret is shown this once, for the receiver's configuration.
    context.update(secret=endpoint.secret,
                   message=gettext("Added %(name)s.") % {"name": endpoint.name})
    return _page(request, session, actor, "alerts/channels.html", context, 201)


@router.post("/alerts/webhooks/{endpoint_id}/test", response_class=HTMLResponse)
def test_webhook(endpoint_id: str, request: Request, session: SessionDep,
                 actor: UserDep) -> Response:
    found = path_id(endpoint_id)
    with saving(session) as saved:
        result = service.send_test_webhook(session, actor, found or 0)
    if saved.refusal:
        return _not_found(request, session, actor, "webhook endpoint", saved.refusal)
    context = _channels_context(session, actor)
    context["tests"] = {found: result}
    return _page(request, session, actor, "alerts/channels.html", context)


@router.post("/alerts/webhooks/{endpoint_id}/delete", response_class=HTMLResponse)
def delete_webhook(endpoint_id: str, request: Request, session: SessionDep,
                   actor: UserDep) -> Response:
    with saving(session) as saved:
        service.delete_endpoint(session, actor, path_id(endpoint_id))
    if isinstance(saved.refusal, NotFound):
        return _not_found(request, session, actor, "webhook endpoint")
    if saved.refusal:
        context = _channels_context(session, actor)
        context.update(errors=saved.errors(WEBHOOK_FIELDS))
        return _page(request, session, actor, "alerts/channels.html", context, 403)
    return see_other("/alerts/channels")


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
    form = await request.form()
    kind = str(form.get("subject_kind") or "")
    subject_id = whole_number(form.get(f"{kind}_id")) or whole_number(form.get("subject_id"))
    with saving(session) as saved:
        if subject_id is None:
            raise Invalid(gettext("Choose what to follow."), field="subject_id")
        service.follow(session, actor, subject_kind=kind, subject_id=subject_id)
    if saved.refusal:
        context = _follows_context(session, actor)
        context.update(errors=saved.errors(FOLLOW_FIELDS), values={"subject_kind": kind})
        return _page(request, session, actor, "alerts/follows.html", context, 422)
    return see_other("/alerts/follows")


@router.post("/alerts/follows/{follow_id}/delete", response_class=HTMLResponse)
def delete_follow(follow_id: str, request: Request, session: SessionDep,
                  actor: UserDep) -> Response:
    with saving(session) as saved:
        service.unfollow(session, actor, path_id(follow_id))
    if saved.refusal:
        return _not_found(request, session, actor, "follow", saved.refusal)
    return see_other("/alerts/follows")


@router.post("/alerts/preferences", response_class=HTMLResponse)
async def save_preferences(request: Request, session: SessionDep, actor: UserDep) -> Response:
    form = await request.form()
    hour = str(form.get("digest_hour") or "").strip()
    data: dict[str, Any] = {"email_mode": str(form.get("email_mode") or ""),
                            "in_app": form.get("in_app") is not None,
                            "timezone": str(form.get("timezone") or "").strip()}
    data["digest_hour"] = int(hour) if re.fullmatch(r"-?\d{1,6}", hour) else hour or None
    with saving(session) as saved:
        service.update_preferences(session, actor, data)
    if saved.refusal:
        context = _follows_context(session, actor)
        context.update(pref_errors=saved.errors(PREFERENCE_FIELDS), pref=data)
        return _page(request, session, actor, "alerts/follows.html", context, 422)
    return see_other("/alerts/follows")


@router.post("/alerts/feeds", response_class=HTMLResponse)
async def regenerate_feed(request: Request, session: SessionDep, actor: UserDep) -> Response:
    form = await request.form()
    with saving(session) as saved:
        token, raw = service.regenerate_feed_token(
            session, actor, kind=str(form.get("kind") or ""),
            scope_id=whole_number(form.get("scope_id")) or 0)
    if saved.refusal:
        context = _follows_context(session, actor)
        context.update(errors=saved.errors(FOLLOW_FIELDS))
        return _page(request, session, actor, "alerts/follows.html", context, 422)
    # Shown on this answer only, never behind a redirect: only the address's hash is kept.
    made = service.feed_made(session, token, raw)
    context = _follows_context(session, actor)
    context.update(new_feed=made, new_feed_url=public_url.base_url() + made.path)
    return _page(request, session, actor, "alerts/follows.html", context)


@router.post("/alerts/feeds/{feed_id}/delete", response_class=HTMLResponse)
def delete_feed(feed_id: str, request: Request, session: SessionDep,
                actor: UserDep) -> Response:
    with saving(session) as saved:
        service.delete_feed_token(session, actor, path_id(feed_id))
    if saved.refusal:
        return _not_found(request, session, actor, "calendar feed", saved.refusal)
    return see_other("/alerts/follows#feeds")


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
    return _page(request, session, actor, "alerts/log.html", {
        "rows": rows, "total": total, "page": page, "pages": max((total - 1) // LOG_PAGE + 1, 1),
        "status": status or "", "channel": channel or "", "statuses": list(OutboxStatus),
        "channels": list(Channel), "channel_words": CHANNEL_WORDS,
        "recipients": service.recipient_labels(session, rows), "problem": problem,
        # Titles and occurrences are stored in English; said again in the reader's language.
        "title_in_words": title_in_words, "occurrence_in_words": occurrence_in_words},
        422 if problem else 200)


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
    with saving(session) as saved:
        service.mark_read(session, actor, path_id(notification_id))
    if saved.refusal:
        return _not_found(request, session, actor, "notification", saved.refusal)
    return see_other("/notifications")


@router.post("/notifications/read-all", response_class=HTMLResponse)
def read_all(request: Request, session: SessionDep, actor: UserDep) -> Response:
    service.mark_all_read(session, actor)
    session.commit()
    return see_other("/notifications")
