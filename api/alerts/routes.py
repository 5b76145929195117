"""JSON endpoints for alerts (/api/v1/alerts/...), notifications and follows, and the calendar
feeds at /feeds/{token}.ics, outside /api because calendar apps fetch them without signing in."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from api import clock
from api.alerts import feeds, service
from api.alerts.models import (
    AttemptRead,
    Channel,
    ChannelSettingsRead,
    ChannelSettingsUpdate,
    EndpointCreate,
    EndpointCreated,
    EndpointRead,
    EndpointUpdate,
    FeedCreate,
    FeedMade,
    FeedRead,
    FollowCreate,
    FollowRead,
    NotificationRead,
    OutboxDetail,
    OutboxRead,
    OutboxStatus,
    PreferenceRead,
    PreferenceUpdate,
    RuleRead,
    TestResult,
)
from api.alerts.rules import RuleCreate, RuleSpecs, RuleUpdate
from api.auth import permissions
from api.crud_routes import RecordId
from api.deps import SessionDep, UserDep
from api.errors import NotFound
from api.fields import MAX_INT, stored_id
from api.i18n.catalogs import N_

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=MAX_INT)]

router = APIRouter(prefix="/alerts", tags=["alerts"])


class OutboxPage(BaseModel):
    """A page of the delivery log."""

    items: list[OutboxRead]
    total: int
    limit: int
    offset: int


class NotificationPage(BaseModel):
    """A page of the actor's notifications, with how many of all of them are unread."""

    items: list[NotificationRead]
    total: int
    limit: int
    offset: int
    unread: int


class UnreadCount(BaseModel):
    unread: int


class MarkedRead(BaseModel):
    """How many notifications were marked read."""

    marked: int


# ---- rules -------------------------------------------------------------------------------

@router.get("/rules", response_model=list[RuleRead], summary="List alert rules")
def list_rules(session: SessionDep, actor: UserDep,
               campaign_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None) -> Any:
    return [service.rule_read(r) for r in service.list_rules(session, actor,
                                                            campaign_id=campaign_id)]


@router.post("/rules", response_model=RuleRead, status_code=201, summary="Create an alert rule")
def create_rule(data: RuleCreate, session: SessionDep, actor: UserDep) -> Any:
    spec = data.model_dump(exclude={"campaign_id"})
    rule = service.create_rule(session, actor, campaign_id=data.campaign_id, spec=spec)
    session.commit()
    return service.rule_read(rule)


@router.post("/rules/specs", response_model=list[RuleRead], status_code=201,
             summary="Create several rules in the playbook shape")
def create_rules(data: RuleSpecs, session: SessionDep, actor: UserDep) -> Any:
    rules = service.create_rules_from_specs(session, actor, campaign_id=data.campaign_id,
                                            specs=data.specs)
    session.commit()
    return [service.rule_read(r) for r in rules]


@router.post("/rules/defaults", response_model=list[RuleRead], status_code=201,
             summary="Add the default rules to a campaign")
def create_default_rules(campaign_id: Annotated[int, Query(ge=1, le=MAX_INT)],
                         session: SessionDep, actor: UserDep) -> Any:
    rules = service.install_default_rules(session, actor, campaign_id=campaign_id)
    session.commit()
    return [service.rule_read(r) for r in rules]


@router.get("/rules/{rule_id}", response_model=RuleRead, summary="Get one alert rule")
def get_rule(rule_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    return service.rule_read(service.get_rule(session, actor, rule_id))


@router.patch("/rules/{rule_id}", response_model=RuleRead, summary="Change an alert rule")
def update_rule(rule_id: RecordId, data: RuleUpdate, session: SessionDep,
                actor: UserDep) -> Any:
    rule = service.update_rule(session, actor, rule_id, data.model_dump(exclude_unset=True))
    session.commit()
    return service.rule_read(rule)


@router.delete("/rules/{rule_id}", status_code=204, summary="Delete an alert rule")
def delete_rule(rule_id: RecordId, session: SessionDep, actor: UserDep) -> Response:
    service.delete_rule(session, actor, rule_id)
    session.commit()
    return Response(status_code=204)


# ---- the delivery log --------------------------------------------------------------------

@router.get("/outbox", response_model=OutboxPage,
            summary="The delivery log: each alert, when due, when sent, any error")
def delivery_log(session: SessionDep, actor: UserDep,
                 status: OutboxStatus | None = None, channel: Channel | None = None,
                 campaign_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
                 subject_kind: Annotated[str | None, Query(pattern="^[a-z_]{1,40}$")] = None,
                 limit: Limit = 50, offset: Offset = 0) -> OutboxPage:
    rows, total = service.delivery_log(session, actor, status=status, channel=channel,
                                       campaign_id=campaign_id, subject_kind=subject_kind,
                                       limit=limit, offset=offset)
    items = [OutboxRead.model_validate(r, from_attributes=True) for r in rows]
    return OutboxPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/outbox/{alert_id}", response_model=OutboxDetail, summary="One alert and its tries")
def alert_detail(alert_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    row, attempts = service.alert_detail(session, actor, alert_id)
    out = OutboxRead.model_validate(row, from_attributes=True).model_dump()
    out["attempts_log"] = [AttemptRead.model_validate(a, from_attributes=True) for a in attempts]
    return out


# ---- channels ----------------------------------------------------------------------------

@router.get("/settings", response_model=ChannelSettingsRead,
            summary="SMTP settings in force (never the password) and the webhook address policy")
def get_settings_(session: SessionDep, actor: UserDep) -> Any:
    return service.channel_settings(session, actor)


@router.put("/settings", response_model=ChannelSettingsRead,
            summary="Override the SMTP settings; allow private webhook addresses (admins)")
def put_settings(data: ChannelSettingsUpdate, session: SessionDep, actor: UserDep) -> Any:
    result = service.update_channel_settings(session, actor, data)
    session.commit()
    return result


@router.post("/settings/test-email", response_model=TestResult,
             summary="Send a test email to yourself")
def test_email(session: SessionDep, actor: UserDep) -> Any:
    result = service.send_test_email(session, actor)
    session.commit()
    return result


@router.get("/webhooks", response_model=list[EndpointRead], summary="List webhook endpoints")
def list_webhooks(session: SessionDep, actor: UserDep) -> Any:
    return [service.endpoint_read(e) for e in service.list_endpoints(session, actor)]


@router.post("/webhooks", response_model=EndpointCreated, status_code=201,
             summary="Add a webhook endpoint; the answer holds its signing secret")
def create_webhook(data: EndpointCreate, session: SessionDep, actor: UserDep) -> Any:
    endpoint = service.create_endpoint(session, actor, data)
    session.commit()
    return service.endpoint_with_secret(endpoint)


@router.get("/webhooks/{endpoint_id}", response_model=EndpointRead,
            summary="Get one webhook endpoint")
def get_webhook(endpoint_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    return service.endpoint_read(service.get_endpoint(session, actor, endpoint_id))


@router.get("/webhooks/{endpoint_id}/secret", response_model=EndpointCreated,
            summary="Get a webhook endpoint with its signing secret")
def get_webhook_secret(endpoint_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    permissions.require_alert_organizer(actor)
    return service.endpoint_with_secret(service.get_endpoint(session, actor, endpoint_id))


@router.patch("/webhooks/{endpoint_id}", response_model=EndpointRead,
              summary="Change a webhook endpoint")
def update_webhook(endpoint_id: RecordId, data: EndpointUpdate, session: SessionDep,
                   actor: UserDep) -> Any:
    endpoint = service.update_endpoint(session, actor, endpoint_id, data)
    session.commit()
    return service.endpoint_read(endpoint)


@router.delete("/webhooks/{endpoint_id}", status_code=204, summary="Delete a webhook endpoint")
def delete_webhook(endpoint_id: RecordId, session: SessionDep, actor: UserDep) -> Response:
    service.delete_endpoint(session, actor, endpoint_id)
    session.commit()
    return Response(status_code=204)


@router.post("/webhooks/{endpoint_id}/test", response_model=TestResult,
             summary="Send a signed test alert to the endpoint now")
def test_webhook(endpoint_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    result = service.send_test_webhook(session, actor, endpoint_id)
    session.commit()
    return result


# ---- preferences and calendar feeds --------------------------------------------------------

@router.get("/preferences", response_model=PreferenceRead, summary="Your alert preferences")
def get_preferences(session: SessionDep, actor: UserDep) -> Any:
    return service.preference_read(service.preferences(session, actor))


@router.put("/preferences", response_model=PreferenceRead,
            summary="Email now, in a daily digest or not at all; in-app or not")
def put_preferences(data: PreferenceUpdate, session: SessionDep, actor: UserDep) -> Any:
    pref = service.update_preferences(session, actor, data)
    session.commit()
    return service.preference_read(pref)


@router.get("/feeds", response_model=list[FeedRead], summary="Your calendar feeds",
            description="Without their addresses: an address is given once, when it is made.")
def list_feeds(session: SessionDep, actor: UserDep) -> Any:
    return [service.feed_read(session, t) for t in service.list_feed_tokens(session, actor)]


@router.post("/feeds", response_model=FeedMade, status_code=201,
             summary="Create a calendar feed address, or replace it with a new one",
             description="The answer holds the address this once; only its hash is kept.")
def regenerate_feed(data: FeedCreate, session: SessionDep, actor: UserDep) -> Any:
    token, raw = service.regenerate_feed_token(session, actor, kind=data.kind,
                                               scope_id=data.scope_id)
    session.commit()
    return service.feed_made(session, token, raw)


@router.delete("/feeds/{feed_id}", status_code=204, summary="Retire a calendar feed address")
def delete_feed(feed_id: RecordId, session: SessionDep, actor: UserDep) -> Response:
    service.delete_feed_token(session, actor, feed_id)
    session.commit()
    return Response(status_code=204)


# ---- notifications -----------------------------------------------------------------------

notifications_router = APIRouter(prefix="/notifications", tags=["notifications"])


@notifications_router.get("", response_model=NotificationPage,
                          summary="Your in-app notifications, newest first")
def list_notifications(session: SessionDep, actor: UserDep, unread: bool = False,
                       limit: Limit = 50, offset: Offset = 0) -> NotificationPage:
    rows, total = service.list_notifications(session, actor, unread_only=unread, limit=limit,
                                             offset=offset)
    items = [NotificationRead.model_validate(n, from_attributes=True) for n in rows]
    return NotificationPage(items=items, total=total, limit=limit, offset=offset,
                            unread=service.unread_count(session, actor))


@notifications_router.get("/unread-count", summary="How many notifications are unread")
def unread(session: SessionDep, actor: UserDep) -> UnreadCount:
    return UnreadCount(unread=service.unread_count(session, actor))


@notifications_router.post("/{notification_id}/read", response_model=NotificationRead,
                           summary="Mark one notification read")
def read_one(notification_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
    note = service.mark_read(session, actor, notification_id)
    session.commit()
    return NotificationRead.model_validate(note, from_attributes=True)


@notifications_router.post("/read-all", summary="Mark every notification read")
def read_all(session: SessionDep, actor: UserDep) -> MarkedRead:
    count = service.mark_all_read(session, actor)
    session.commit()
    return MarkedRead(marked=count)


# ---- follows -----------------------------------------------------------------------------

follows_router = APIRouter(prefix="/follows", tags=["follows"])


@follows_router.get("", response_model=list[FollowRead], summary="What you follow")
def list_follows(session: SessionDep, actor: UserDep) -> Any:
    return service.list_follows(session, actor)


@follows_router.post("", response_model=FollowRead, status_code=201,
                     summary="Follow a campaign, body, target, contract or records request")
def create_follow(data: FollowCreate, session: SessionDep, actor: UserDep) -> FollowRead:
    found = service.follow(session, actor, subject_kind=data.subject_kind,
                           subject_id=data.subject_id)
    session.commit()
    return FollowRead(id=stored_id(found), subject_kind=found.subject_kind,
                      subject_id=found.subject_id, created_at=found.created_at,
                      label=service.follow_label(session, found.subject_kind, found.subject_id))


@follows_router.delete("/{follow_id}", status_code=204, summary="Stop following")
def delete_follow(follow_id: RecordId, session: SessionDep, actor: UserDep) -> Response:
    service.unfollow(session, actor, follow_id)
    session.commit()
    return Response(status_code=204)


# ---- calendar feeds (no sign-in: the token is the key) ------------------------------------

feeds_router = APIRouter(tags=["calendar feeds"])


@feeds_router.get("/feeds/{token}.ics", summary="An iCalendar feed behind its secret token",
                  response_class=Response,
                  responses={200: {"content": {"text/calendar": {}}}, 404: {}})
def calendar_feed(token: str, session: SessionDep) -> Response:
    # No bound on the path's type: a calendar app is told plainly "not found", whatever the
    # address holds.
    found = service.feed_owner(session, token)
    if found is None:
        raise NotFound(N_("No calendar feed at this address; it may have been regenerated."))
    body = feeds.calendar_bytes(session, found, now=clock.now())
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300",
                             "Content-Disposition": 'inline; filename="oversight.ics"'})
