"""The campaign page (policy asks, targets, votes, actions board, recent activity), the whip
board of a body on a campaign, and the extras of target, vote and body pages."""

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from api import clock
from api.actions import service as actions
from api.actions.models import Action, ActionStatus, ActionUpdate
from api.activity import service as activity
from api.auth import permissions
from api.auth.models import User
from api.campaigns import service as campaigns
from api.campaigns.models import Campaign, CampaignUpdate, PolicyAsk, policy_asks_of
from api.deps import SessionDep, UserDep
from api.errors import Invalid
from api.exports import redacted
from api.fields import stored_id
from api.i18n.catalogs import N_, gettext
from api.i18n.formatting import format_when
from api.overview import service as overview
from api.page_cache import ReusableRoute, reusable
from api.routing import PathRouter
from api.targets import service as targets
from api.targets.models import StanceLevel, StanceSource
from api.targets.stance_words import one_stance
from api.votes import service as votes
from api.votes.models import MemberChoice, Vote, VoteUpdate
from api.whip import service as whip
from web import flash, htmx
from web.concepts import ref_labels, ref_options
from web.forms import FORM, FormField, Rejected, infer, parse, see_other, submit, validate
from web.ids import QueryId, RecordId, given_id
from web.routes.concept_pages import DetailExtra, pages_of, refuse_unless
from web.templating import acting_user, render
from web.words import humanize, stance_words

router = PathRouter(include_in_schema=False, route_class=ReusableRoute)

BOARD_STATUSES = [ActionStatus.planned, ActionStatus.in_progress, ActionStatus.done]
# The board shows a campaign's first actions by date, this many at most.
BOARD_CARDS = 200
# Each column shows this many cards at first, and the rest when asked: a campaign page opens
# with a few dozen cards to draw instead of two hundred.
FIRST_CARDS = 12


class StanceChangeForm(BaseModel):
    """A stance moved on the whip board: how it is known is asked for, never assumed."""

    level: StanceLevel
    source: StanceSource
    note: str = ""


class ActionMove(BaseModel):
    """An action card dropped in another column of the board."""

    status: ActionStatus


STANCE_FIELDS = [infer(StanceChangeForm, name) for name in ("level", "source", "note")]
MOVE_FIELDS = [infer(ActionMove, "status")]
# Which row of the whip board the stance form was sent from, checked as ids.
WHIP_ROW_FIELDS = [FormField("target_id", "target_id"), FormField("body_id", "body_id")]
WON_FIELDS = [FormField("won", "won", kind="bool")]
# The policy asks form: whether each ask is made, whether it is won, and a note on it.
ASKS_FIELDS = [FormField(f"{part}_{ask.value}", f"{part}_{ask.value}",
                         kind="text" if part == "note" else "bool")
               for ask in PolicyAsk for part in ("ask", "won", "note")]
ASK_LABELS = {
    PolicyAsk.retention_limit: N_("Retention limit"),
    PolicyAsk.no_outside_sharing: N_("No sharing outside the agency"),
    PolicyAsk.no_immigration_use: N_("No use for immigration enforcement"),
    PolicyAsk.public_annual_report: N_("Public annual report"),
    PolicyAsk.search_audits: N_("Audits of every search"),
    PolicyAsk.community_control_ordinance: N_("Community control ordinance"),
}
def stance_choices() -> list[tuple[str, str]]:
    """The stances a form offers, in the reader's language (so made per page, not at import)."""
    return [(level.value, stance_words(level)) for level in StanceLevel]


def source_choices() -> list[tuple[str, str]]:
    return [(s.value, humanize(s)) for s in StanceSource]


def _asks(campaign: Campaign) -> list[dict[str, Any]]:
    """Every policy ask, with whether the campaign makes it and whether it is won."""
    made = {str(item["ask"]): item for item in policy_asks_of(campaign)}
    return [{"ask": ask.value, "label": ASK_LABELS[ask], "made": ask.value in made,
             "won": bool(made.get(ask.value, {}).get("won")),
             "note": made.get(ask.value, {}).get("note", "")} for ask in PolicyAsk]


def _board(session: Session, actor: User, campaign_id: int,
           shown: int | None) -> tuple[dict[str, list[actions.BoardCard]], dict[str, int]]:
    """Each column's cards (its first `shown`, or all) and how many it has."""
    board: dict[str, list[actions.BoardCard]] = {status.value: [] for status in BOARD_STATUSES}
    counts = dict.fromkeys(board, 0)
    for row in actions.board(session, actor, campaign_id=campaign_id, limit=BOARD_CARDS,
                             first=shown):
        status = getattr(row["status"], "value", row["status"])
        if status in board:
            board[status].append(row)
            counts[status] = row["in_status"]
    return board, counts


def _board_context(session: Session, actor: User, campaign_id: int,
                   shown: int | None = FIRST_CARDS) -> dict[str, Any]:
    """The actions board, with the cards the actor may move (a partner moves their own);
    `shown` cards a column (none: all), the rest counted and loaded on request."""
    board, counts = _board(session, actor, campaign_id, shown)
    # Each card's row holds the owner and visibility the rule reads: no action is loaded,
    # and the rule is worked out once for the page, and only for the cards drawn.
    may_move = permissions.writable_rows(actor, Action)
    movable = {row["id"] for rows in board.values() for row in rows if may_move(row)}
    return {"board": board, "board_counts": counts,
            "board_statuses": [s.value for s in BOARD_STATUSES],
            "movable_actions": movable, "plain_forms": False}


def _asks_context(actor: User, campaign: Campaign, **extra: Any) -> dict[str, Any]:
    return {"record": campaign, "asks": _asks(campaign), "user": actor,
            "may_change": permissions.can_write(actor, campaign), **extra}


def member_rows(members: list[whip.Member],
                zone: str | None) -> list[tuple[whip.Member, str, tuple[str, str] | None]]:
    """Each member of the targets table with its stance in words and the local day it was last
    met (as a machine reads it and as the reader does), worked out here once a page: through
    a template filter per cell they cost more than the rest of the row."""
    stances = {level: one_stance(level) for level in StanceLevel}
    where = clock.zone_named(zone)
    rows = []
    for member in members:
        met = member.partner_met or member.last_met
        day = clock.local(met, where).date() if met is not None else None
        rows.append((member, stances[member.level],
                     (day.isoformat(), format_when(day)) if day is not None else None))
    return rows


def campaign_extras(session: Session, actor: User, campaign: Campaign) -> dict[str, Any]:
    campaign_id = stored_id(campaign)
    upcoming = overview.next_votes(session, actor, campaign_id=campaign_id, days=None)
    bodies = whip.campaign_bodies(session, actor, campaign)
    return {
        "asks": _asks(campaign),
        "members": whip.members(session, actor, campaign_id=campaign_id,
                                body_ids=[b for b, _ in bodies], with_stance=True),
        "member_rows": member_rows,
        "upcoming": upcoming,
        "whip_counts": whip.counts_for_votes(session, actor, upcoming),
        **_board_context(session, actor, campaign_id),
        "may_add_votes": permissions.can_create(actor, Vote),
        "may_add_actions": permissions.can_create(actor, Action),
        "timeline": activity.for_campaign(session, actor, campaign_id=campaign_id),
        "campaign_bodies": bodies,
        "may_export_campaign": permissions.may_export_campaign(actor),
        "export_tiers": [(tier.value, gettext(redacted.TIER_WORDS[tier]))
                         for tier in redacted.TIERS],
        "export_own_only": not redacted.exports_everyones(actor),
        # The page's zone is already the jurisdiction's when the campaign has one (read once);
        # without one it is the coalition's.
        **({} if campaign.jurisdiction_id else {"zone": clock.home_zone().key}),
    }


def target_extras(session: Session, actor: User, target: Any) -> dict[str, Any]:
    current = targets.stances(session, actor, target_id=target.id)
    history = targets.history(session, actor, target_id=target.id)
    names = ref_labels(session, "campaign", sorted({s.campaign_id for s in current}
                                                   | {h.campaign_id for h in history}))
    return {"stances": current, "history": history, "campaign_names": names,
            "stance_choices": stance_choices(), "source_choices": source_choices()}


def vote_extras(session: Session, actor: User, vote: Any) -> dict[str, Any]:
    members = whip.members(session, actor, campaign_id=vote.campaign_id or 0,
                           body_ids=[vote.body_id])
    counts = whip.counts_for_votes(session, actor, [vote])
    recorded = {m.target_id: m.vote.value
                for m in votes.crud.read(session, actor, vote.id).member_votes}
    return {"vote_members": members, "count": counts.get(vote.id), "recorded": recorded,
            "choices": [c.value for c in MemberChoice]}


def body_extras(session: Session, actor: User, body: Any) -> dict[str, Any]:
    return {"campaign_links": ref_options(session, "campaign")}


# The further parts of these concepts' detail pages, handed to the page registry by web.app.
DETAIL_EXTRAS: dict[str, list[DetailExtra]] = {
    "campaigns": [campaign_extras], "targets": [target_extras], "votes": [vote_extras],
    "bodies": [body_extras]}


def _campaign(session: Session, actor: User, campaign_id: int) -> Campaign:
    return campaigns.crud.get(session, actor, campaign_id)


def _asks_saved(request: Request, session: Session, user: User, campaign: Campaign,
                said: str) -> Response:
    message = flash.success(said)
    if not htmx.wants_fragment(request):
        return see_other(f"/campaigns/{stored_id(campaign)}#asks", message)
    session.refresh(campaign)
    return render(request, "campaigns/detail.html", _asks_context(user, campaign),
                  block="asks", message=message)


@router.post("/campaigns/{campaign_id}/asks/{ask}/won")
async def toggle_ask(campaign_id: RecordId, ask: PolicyAsk, request: Request,
                     session: SessionDep, actor: UserDep) -> Response:
    """Marks one policy ask won or not yet won; a refused change shows the checklist again
    with why."""
    user = acting_user(request, actor)
    campaign = _campaign(session, user, campaign_id)
    won = parse(WON_FIELDS, await request.form())["won"]
    items = [a.model_dump(mode="json")
             for a in campaigns.crud.read(session, user, campaign_id).policy_asks]
    for item in items:
        if item["ask"] == ask.value:
            item["won"] = won

    def done(_: object) -> Response:
        return _asks_saved(request, session, user, campaign,
                           (gettext("%(ask)s: won.") if won
                            else gettext("%(ask)s: not won yet."))
                           % {"ask": gettext(ASK_LABELS[ask])})

    def again(rejected: Rejected) -> Response:
        session.expire_all()
        shown = _campaign(session, user, campaign_id)
        if htmx.wants_fragment(request):
            return render(request, "campaigns/detail.html",
                          _asks_context(user, shown, ask_errors=rejected.errors),
                          block="asks", status=rejected.status)
        return _campaign_page(request, session, user, shown, status=rejected.status,
                              extra={"ask_errors": rejected.errors})

    return submit(session, validate(CampaignUpdate, {"policy_asks": items}),
                  lambda update: campaigns.crud.update(session, user, campaign_id, update),
                  done=done, again=again, page_refusals=True)


@router.get("/campaigns/{campaign_id}/asks/edit")
def edit_asks(campaign_id: RecordId, request: Request, session: SessionDep,
              actor: UserDep) -> Response:
    user = acting_user(request, actor)
    campaign = _campaign(session, user, campaign_id)
    refuse_unless(permissions.can_write(user, campaign),
                  gettext("Your role cannot change this campaign's policy asks."))
    context = _asks_context(user, campaign, editing_asks=True)
    if htmx.wants_fragment(request):
        return render(request, "campaigns/detail.html", context, block="asks")
    return _campaign_page(request, session, user, campaign, editing_asks=True)


@router.post("/campaigns/{campaign_id}/asks")
async def save_asks(campaign_id: RecordId, request: Request, session: SessionDep,
                    actor: UserDep) -> Response:
    """Which policy asks the campaign makes, with a note on each and whether it is won."""
    user = acting_user(request, actor)
    campaign = _campaign(session, user, campaign_id)
    given = parse(ASKS_FIELDS, await request.form())
    items = [{"ask": ask.value, "won": given[f"won_{ask.value}"],
              "note": given.get(f"note_{ask.value}", "")}
             for ask in PolicyAsk if given[f"ask_{ask.value}"]]

    def done(_: object) -> Response:
        return _asks_saved(request, session, user, campaign, gettext("Saved the policy asks."))

    def again(rejected: Rejected) -> Response:
        session.expire_all()
        shown = _campaign(session, user, campaign_id)
        asks = _asks(shown)
        for a in asks:
            a["made"] = given[f"ask_{a['ask']}"]
            a["won"] = given[f"won_{a['ask']}"]
            a["note"] = given.get(f"note_{a['ask']}", "")
        if htmx.wants_fragment(request):
            context = _asks_context(user, shown, editing_asks=True, ask_errors=rejected.errors)
            context["asks"] = asks
            return render(request, "campaigns/detail.html", context, block="asks",
                          status=rejected.status)
        return _campaign_page(request, session, user, shown, editing_asks=True,
                              status=rejected.status,
                              extra={"asks": asks, "ask_errors": rejected.errors})

    return submit(session, validate(CampaignUpdate, {"policy_asks": items}),
                  lambda update: campaigns.crud.update(session, user, campaign_id, update),
                  done=done, again=again)


def _campaign_page(request: Request, session: Session, user: User, campaign: Campaign, *,
                   status: int = 200, extra: dict[str, Any] | None = None,
                   **flags: Any) -> Response:
    context = pages_of(request, "campaigns").detail_context(session, user, campaign)
    context.update(flags)
    context.update(extra or {})
    return render(request, "campaigns/detail.html", context, status=status)


@router.post("/campaigns/{campaign_id}/actions/{action_id}")
async def move_action(campaign_id: RecordId, action_id: RecordId, request: Request,
                      session: SessionDep, actor: UserDep) -> Response:
    """Moves an action card to another column of the campaign's board; a column the board
    has not shows the board again with why on that card."""
    user = acting_user(request, actor)
    _campaign(session, user, campaign_id)
    action = actions.crud.get(session, user, action_id)
    if action.campaign_id != campaign_id:
        raise Invalid(gettext("That action belongs to another campaign."), field="action_id")
    title = action.title
    checked = validate(ActionMove, parse(MOVE_FIELDS, await request.form()),
                       said={"status": gettext("Choose planned, in progress or done.")})

    def done(status: ActionStatus) -> Response:
        message = flash.success(gettext("“%(title)s” is now %(status)s.")
                                % {"title": title, "status": humanize(status)})
        if not htmx.wants_fragment(request):
            return see_other(f"/campaigns/{campaign_id}#actions-board", message)
        context = {"record": _campaign(session, user, campaign_id), "user": user,
                   **_board_context(session, user, campaign_id)}
        return render(request, "campaigns/detail.html", context, block="board",
                      message=message)

    def again(rejected: Rejected) -> Response:
        session.expire_all()
        shown = _campaign(session, user, campaign_id)
        # The card's buttons are its one field: the problem shows on that card.
        problem = {"action_id": action_id, "text": rejected.message}
        if htmx.wants_fragment(request):
            context = {"record": shown, "user": user, "move_problem": problem,
                       **_board_context(session, user, campaign_id)}
            return render(request, "campaigns/detail.html", context, block="board",
                          status=rejected.status)
        return _campaign_page(request, session, user, shown, status=rejected.status,
                              extra={"move_problem": problem})

    def write(moved: ActionMove) -> ActionStatus:
        actions.crud.update(session, user, action_id, ActionUpdate(status=moved.status))
        return moved.status

    return submit(session, checked, write, done=done, again=again, fields=["status"],
                  page_refusals=True)


@router.get("/campaigns/{campaign_id}/board/{status}")
@reusable
def board_column(campaign_id: RecordId, status: ActionStatus, request: Request,
                 session: SessionDep, actor: UserDep) -> Response:
    """Every card of one column of the board: the column itself for htmx ("Show 23 more"), a
    page of its own for a browser without it."""
    user = acting_user(request, actor)
    if status not in BOARD_STATUSES:
        raise Invalid(gettext("The board has no such column."), field="status")
    context = {"record": _campaign(session, user, campaign_id), "user": user,
               "status": status.value, **_board_context(session, user, campaign_id, None)}
    if htmx.wants_fragment(request):
        return render(request, "campaigns/board_column.html", context)
    context["plain_forms"] = True
    return render(request, "campaigns/board_page.html", context)


def _whip_context(session: Session, user: User, campaign_id: int,
                  body_id: int | None, vote_id: int | None = None) -> dict[str, Any]:
    board = whip.board(session, user, campaign_id=campaign_id, body_id=body_id,
                       vote_id=vote_id)
    return {"board": board, "levels": [level.value for level in whip.LEVELS],
            "stance_choices": stance_choices(), "source_choices": source_choices(),
            "user": user, "stance_errors": {}, "stance_values": {}}


@router.get("/campaigns/{campaign_id}/whip")
@reusable
def whip_board(campaign_id: RecordId, request: Request, session: SessionDep, actor: UserDep,
               body: QueryId = None, vote: QueryId = None) -> Response:
    user = acting_user(request, actor)
    context = _whip_context(session, user, campaign_id, body, vote)
    return render(request, "whip/board.html", context, block="board")


@router.post("/campaigns/{campaign_id}/whip/stance")
async def change_stance(campaign_id: RecordId, request: Request, session: SessionDep,
                        actor: UserDep) -> Response:
    """Records a member's new stance from the whip board, with its source and a note."""
    user = acting_user(request, actor)
    given = parse([*STANCE_FIELDS, *WHIP_ROW_FIELDS], await request.form())
    target_id = given_id(given.get("target_id"), field="target_id",
                         message=gettext("The stance form names no decision-maker."))
    body_id = given_id(given.get("body_id"), field="body_id",
                       message=gettext("Choose a body from the list.")) \
        if given.get("body_id") else None
    target = targets.crud.get(session, user, target_id)

    def write(change: StanceChangeForm) -> StanceLevel:
        previous = next((s.level for s in targets.stances(
            session, user, target_id=target_id, campaign_id=campaign_id)), StanceLevel.unknown)
        whip.record_stance(session, user, target_id=target_id, campaign_id=campaign_id,
                           level=change.level, source=change.source, note=change.note)
        return previous

    def done(previous: StanceLevel) -> Response:
        text = gettext("{name}: {before} → {after}.").format(
            name=target.name, before=one_stance(previous), after=one_stance(given["level"]))
        message = flash.success(text)
        if not htmx.wants_fragment(request):
            query = f"?body={body_id}" if body_id else ""
            return see_other(f"/campaigns/{campaign_id}/whip{query}", message)
        context = _whip_context(session, user, campaign_id, body_id)
        return render(request, "whip/board.html", context, block="board", message=message)

    def again(rejected: Rejected) -> Response:
        context = _whip_context(session, user, campaign_id, body_id)
        context["stance_errors"] = {target_id: rejected.errors}
        context["stance_values"] = {target_id: {name: str(given.get(name) or "")
                                                for name in ("level", "source", "note")}}
        return render(request, "whip/board.html", context, block="board",
                      status=rejected.status)

    checked = validate(StanceChangeForm, given, said={
        "level": gettext("Choose a stance."), "source": gettext("Choose how you know.")})
    return submit(session, checked, write, done=done, again=again, fields=STANCE_FIELDS)


@router.post("/votes/{vote_id}/member-votes")
async def save_member_votes(vote_id: RecordId, request: Request, session: SessionDep,
                            actor: UserDep) -> Response:
    """How each member voted, once the vote is held."""
    user = acting_user(request, actor)
    votes.crud.get(session, user, vote_id)
    form = await request.form()
    choices = []
    for key, value in form.multi_items():
        if key.startswith("member_") and value:
            choices.append({"target_id": key.removeprefix("member_"), "vote": value})

    def answer(message: flash.Message, status: int) -> Response:
        if not htmx.wants_fragment(request):
            return see_other(f"/votes/{vote_id}#member-votes", message)
        session.expire_all()
        shown = votes.crud.get(session, user, vote_id)
        context = {"record": shown, "user": user, **vote_extras(session, user, shown)}
        return render(request, "votes/detail.html", context, block="member_votes",
                      status=status, message=message)

    update, problems = validate(VoteUpdate, {"member_votes": choices})
    if problems:
        problems = {FORM: gettext("Each member's vote must be one of the choices.")}
    return submit(session, (update, problems),
                  lambda valid: votes.crud.update(session, user, vote_id, valid),
                  done=lambda _: answer(flash.success(gettext("Saved how members voted.")), 200),
                  again=lambda rejected: answer(flash.error(rejected.message), rejected.status))
