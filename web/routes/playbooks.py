"""A new campaign from a playbook (the playbook, the place, the dates it counts from), and moving
a campaign's anchor dates from its own page."""

from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.auth import permissions
from api.auth.models import User
from api.campaigns import service as campaigns
from api.campaigns.anchors import ANCHOR_COLUMNS, AnchorKind
from api.campaigns.models import Campaign
from api.deps import SessionDep, UserDep
from api.i18n import formatting
from api.i18n.catalogs import N_, current, gettext, ngettext
from api.playbooks import loader
from api.playbooks import service as playbooks
from api.playbooks.models import AnchorMove, AnchorsMoved, CampaignFromPlaybook, CampaignMade
from api.routing import PathRouter
from web import flash, htmx
from web.concepts import ref_options
from web.forms import FORM, Rejected, go_to, save_or_show, submit, validate
from web.ids import RecordId
from web.routes.campaigns import ASK_LABELS
from web.routes.concept_pages import DetailExtra, pages_of
from web.templating import acting_user, render

router = PathRouter(include_in_schema=False)

PAGE = "playbooks/new.html"
ANCHORS_PANEL = "playbooks/anchors.html"
# Each anchor: the form field that gives its date and how the page names it.
ANCHOR_LABELS = {AnchorKind.campaign_start: N_("Campaign start"),
                 AnchorKind.vote: N_("Date of the vote"),
                 AnchorKind.notice_deadline: N_("Termination-notice deadline")}
# When an action falls, counted from each anchor: on the day, and some days or weeks from it.
ON_ANCHOR = {AnchorKind.campaign_start: N_("at the start"),
             AnchorKind.vote: N_("on the date of the vote"),
             AnchorKind.notice_deadline: N_("on the termination-notice deadline")}
BEFORE_ANCHOR = {AnchorKind.campaign_start: N_("%(span)s before the campaign start"),
                 AnchorKind.vote: N_("%(span)s before the date of the vote"),
                 AnchorKind.notice_deadline: N_("%(span)s before the termination-notice "
                                                "deadline")}
AFTER_ANCHOR = {AnchorKind.campaign_start: N_("%(span)s after the campaign start"),
                AnchorKind.vote: N_("%(span)s after the date of the vote"),
                AnchorKind.notice_deadline: N_("%(span)s after the termination-notice deadline")}
# A moved anchor, in the flash message that says what moved.
ANCHOR_MOVED = {AnchorKind.campaign_start: N_("the campaign start is now %(day)s"),
                AnchorKind.vote: N_("the date of the vote is now %(day)s"),
                AnchorKind.notice_deadline: N_("the termination-notice deadline is now %(day)s")}
DATE_FIELDS = tuple(playbooks.ANCHOR_FIELDS.values())
FORM_FIELDS = ("playbook", "name", "jurisdiction_id", "lead_organization_id", "vote_id",
               "body_id", "contract_id", "confirm_past", *DATE_FIELDS)



def _offset_text(days: int, anchor: str) -> str:
    kind = AnchorKind(anchor)
    if days == 0:
        return gettext(ON_ANCHOR[kind])
    weeks, rest = divmod(abs(days), 7)
    span = ngettext("%(num)d week", "%(num)d weeks", weeks) % {"num": weeks} \
        if weeks and not rest else \
        ngettext("%(num)d day", "%(num)d days", abs(days)) % {"num": abs(days)}
    return gettext((BEFORE_ANCHOR if days < 0 else AFTER_ANCHOR)[kind]) % {"span": span}


def playbook_view(key: str) -> dict[str, Any]:
    """One playbook as the page shows it: phases with their dated actions, asks, anchors."""
    book = playbooks.detail(key).model_dump(mode="json")
    for phase in book["phases"]:
        for action in phase["actions"]:
            action["when"] = _offset_text(action["offset"], action["anchor"])
    book["asks"] = [{"label": gettext(ASK_LABELS[a["ask"]]) if a["ask"] in ASK_LABELS
                     else a["ask"], "note": a["note"]}
                    for a in book["policy_asks"]]
    book["anchor_fields"] = [
        {"kind": kind, "field": playbooks.ANCHOR_FIELDS[AnchorKind(kind)],
         "label": gettext(ANCHOR_LABELS[AnchorKind(kind)]),
         "required": kind in book["required_anchors"]}
        for kind in book["anchors"]]
    return book


def _may_create(actor: User) -> bool:
    return permissions.can_write(actor, None, model=Campaign)


def _context(session: Session, user: User, key: str | None) -> dict[str, Any]:
    return {
        "playbooks": playbooks.list_playbooks(), "chosen": playbook_view(key) if key else None,
        "jurisdictions": ref_options(session, "jurisdiction"),
        "organizations": ref_options(session, "organization"),
        # Only bodies that can vote and votes still ahead: a held vote has nothing to plan
        # toward, and a body with no seats cannot be counted.
        "bodies": playbooks.voting_bodies(session), "votes": playbooks.votes_ahead(session),
        # Only what the user may read is offered (the session reads as them).
        "contracts": ref_options(session, "contract"),
        "values": {"lead_organization_id": str(getattr(user, "organization_id", "") or "")},
        "ask_past": False,
        "errors": {}, "may_create": _may_create(user),
        "load_errors": playbooks.load_errors(),
    }


@router.get("/campaigns/new-from-playbook")
def new_from_playbook(request: Request, session: SessionDep, actor: UserDep,
                      playbook: Annotated[str, Query(max_length=100)] = "") -> Response:
    """Choose a playbook, read what it will lay out, then give the place and the dates."""
    user = acting_user(request, actor)
    context = _context(session, user, playbook or None)
    return render(request, PAGE, context, block="chosen")


def _form_values(form: Any) -> dict[str, str]:
    return {name: str(form.get(name) or "").strip() for name in FORM_FIELDS}


def _request_data(values: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {name: values[name] or None for name in DATE_FIELDS}
    if values["jurisdiction_id"]:
        data["jurisdiction_id"] = values["jurisdiction_id"]
    if values["name"]:
        data["name"] = values["name"]
    if values["lead_organization_id"]:
        data["lead_organization_ids"] = [values["lead_organization_id"]]
    for name in ("vote_id", "body_id", "contract_id"):
        if values[name]:
            data[name] = values[name]
    data["confirm_past"] = values["confirm_past"] == "on"
    return data


def _friendly(errors: dict[str, str]) -> dict[str, str]:
    """Pydantic's wording, said the way the form asks."""
    out = {}
    for key, text in errors.items():
        if key == "jurisdiction_id":
            text = gettext("Choose a jurisdiction.") if "required" in text.lower() else \
                gettext("Choose a jurisdiction from the list.")
        elif key in DATE_FIELDS:
            text = gettext("Enter a date like 2026-05-12.")
        elif key == "lead_organization_ids":
            key, text = "lead_organization_id", gettext("Choose an organization from the list.")
        elif key in ("vote_id", "body_id", "contract_id"):
            text = gettext("Choose one from the list.")
        out[key] = text
    return out


@router.post("/campaigns/new-from-playbook")
async def create_from_playbook(request: Request, session: SessionDep,
                               actor: UserDep) -> Response:
    """Makes the campaign with its dated actions, tasks and alert rules, then opens it."""
    user = acting_user(request, actor)
    form = await request.form()
    values = _form_values(form)
    key = values["playbook"]
    errors: dict[str, str] = {}
    chosen = loader.catalog().playbooks.get(key)
    if chosen is None:
        errors["playbook"] = gettext("Choose a playbook from the list.")
    data, problems = validate(CampaignFromPlaybook, _request_data(values))
    errors.update(_friendly(problems))

    def again(rejected: Rejected) -> Response:
        context = _context(session, user, key if chosen else None)
        # A date that has passed is asked about: the form offers to confirm it.
        asked_past = isinstance(rejected.refusal, playbooks.PastDate)
        context.update({"values": values, "errors": rejected.errors,
                        "ask_past": asked_past or values["confirm_past"] == "on"})
        return render(request, PAGE, context, status=rejected.status)

    return submit(session, (data, errors),
                  lambda valid: playbooks.create_campaign(session, user, key=key, data=valid),
                  done=lambda made: _made(request, made, chosen), again=again,
                  fields=FORM_FIELDS, page_refusals=True)


def _made(request: Request, made: CampaignMade, chosen: Any) -> Response:
    """Off to the new campaign, told what was made of the playbook and what is late already."""
    campaign = made.campaign
    counts = (len(made.actions), len(made.tasks), len(made.alert_rules))
    rules = (ngettext("%(num)d alert rule", "%(num)d alert rules", counts[2])
             % {"num": counts[2]} if counts[2]
             else gettext("no alert rules of its own (the default rules apply)"))
    made_text = gettext("Made “%(name)s” from the playbook “%(playbook)s”: %(actions)s, "
                        "%(tasks)s and %(rules)s.") % {
        "name": campaign.name,
        "playbook": chosen.in_language(current()).title,
        "actions": ngettext("%(num)d action", "%(num)d actions", counts[0]) % {"num": counts[0]},
        "tasks": ngettext("%(num)d task", "%(num)d tasks", counts[1]) % {"num": counts[1]},
        "rules": rules}
    if campaign.vote_date and made.vote_id is None:
        made_text += " " + gettext("No vote was made, as no body was chosen: add the vote on "
                                   "the campaign's page, or choose the body when making the "
                                   "next campaign.")
    late = _late_steps(made)
    message = flash.warning(f"{made_text} {late}") if late else flash.success(made_text)
    return go_to(request, f"/campaigns/{campaign.id}", message)


def _late_steps(made: CampaignMade) -> str:
    """What of a new campaign was late already, in words short enough for a flash message."""
    late_ids = set(made.late_action_ids)
    late_actions = [a.title for a in made.actions if a.id in late_ids]
    actions, tasks = len(late_actions), len(made.late_task_ids)
    if not actions and not tasks:
        return ""
    parts = []
    if actions:
        parts.append(ngettext("%(num)d action", "%(num)d actions", actions) % {"num": actions})
    if tasks:
        parts.append(ngettext("%(num)d task", "%(num)d tasks", tasks) % {"num": tasks})
    first = late_actions[0] if late_actions else ""
    # One late step is said in the singular ("its date", "do it"): Spanish agrees the verb and
    # the words for it ("está atrasada", "hágala") with how many there are.
    total = actions + tasks
    if first:
        return ngettext(
            "%(what)s already late: its date had passed (“%(first)s”). No reminder is sent "
            "for it; do it now or change its date.",
            "%(what)s already late: their dates had passed (the first: “%(first)s”). No "
            "reminders are sent for them; do them now or change their dates.", total) % {
            "what": formatting.format_list(parts), "first": first[:80]}
    return ngettext(
        "%(what)s already late: its date had passed. No reminder is sent for it; do it now "
        "or change its date.",
        "%(what)s already late: their dates had passed. No reminders are sent for them; do "
        "them now or change their dates.", total) % {"what": formatting.format_list(parts)}


# ---- moving anchor dates on the campaign page --------------------------------------------

def anchors_context(campaign: Campaign, actor: User) -> dict[str, Any]:
    found = loader.catalog().playbooks.get(campaign.playbook_key or "")
    kinds = list(found.playbook.anchors) if found else list(AnchorKind)
    return {
        "playbook_title": found.in_language(current()).title if found
        else campaign.playbook_key,
        "anchor_fields": [{"field": playbooks.ANCHOR_FIELDS[k], "label": gettext(ANCHOR_LABELS[k]),
                           "value": getattr(campaign, ANCHOR_COLUMNS[k])} for k in kinds],
        "anchor_errors": {}, "anchor_values": {},
        "may_move_anchors": permissions.can_write(actor, campaign),
    }


def anchors_extras(session: Session, actor: User, campaign: Campaign) -> dict[str, Any]:
    return anchors_context(campaign, actor)


# The campaign page's panel of playbook dates, handed to the page registry by web.app.
DETAIL_EXTRAS: dict[str, list[DetailExtra]] = {"campaigns": [anchors_extras]}


def _moved_text(before: dict[str, date | None], after: Campaign, moved: AnchorsMoved) -> str:
    changes = []
    for kind, column in ANCHOR_COLUMNS.items():
        old, new = before[column], getattr(after, column)
        if old != new and new is not None:
            changes.append(gettext(ANCHOR_MOVED[kind]) % {
                "day": formatting.format_when(new, "date")})
    actions, tasks = len(moved.moved_action_ids), len(moved.moved_task_ids)
    what = (gettext("%(actions)s and %(tasks)s moved with it") % {
        "actions": ngettext("%(num)d action", "%(num)d actions", actions) % {"num": actions},
        "tasks": ngettext("%(num)d task", "%(num)d tasks", tasks) % {"num": tasks}}
        if actions or tasks else gettext("no unfinished action or task needed to move"))
    if not changes:
        return gettext("No date changed.")
    head = "; ".join(changes)
    return gettext("{changes}: {what}.").format(changes=f"{head[:1].upper()}{head[1:]}",
                                                 what=what)


@router.post("/campaigns/{campaign_id}/anchors")
async def move_anchors(campaign_id: RecordId, request: Request, session: SessionDep,
                       actor: UserDep) -> Response:
    """New anchor dates; the unfinished actions and tasks counted from them move along."""
    user = acting_user(request, actor)
    campaign = campaigns.crud.get(session, user, campaign_id)
    before = {column: getattr(campaign, column) for column in ANCHOR_COLUMNS.values()}
    form = await request.form()
    raw = {name: str(form.get(name) or "").strip() for name in DATE_FIELDS}
    errors: dict[str, str] = {}
    given: dict[str, date] = {}
    for name, text in raw.items():
        if not text:
            continue
        try:
            given[name] = date.fromisoformat(text)
        except ValueError:
            errors[name] = gettext("Enter a date like 2026-05-12.")
    if not errors and not given:
        errors[FORM] = gettext("Give at least one date to move.")

    def again(rejected: Rejected) -> Response:
        session.expire_all()
        shown = campaigns.crud.get(session, user, campaign_id)
        context = {"record": shown, **anchors_context(shown, user),
                   "anchor_errors": rejected.errors, "anchor_values": raw}
        if htmx.wants_fragment(request):
            return render(request, ANCHORS_PANEL, context, block="anchors",
                          status=rejected.status)
        page = pages_of(request, "campaigns").detail_context(session, user, shown)
        page.update(context)
        return render(request, "campaigns/detail.html", page, status=rejected.status)

    def done(moved: Any) -> Response:
        session.expire_all()
        moved_campaign = campaigns.crud.get(session, user, campaign_id)
        # The board and the dates on the page all changed: load it again whole.
        return go_to(request, f"/campaigns/{campaign_id}",
                     flash.success(_moved_text(before, moved_campaign, moved)))

    return save_or_show(
        session, lambda: playbooks.move_anchors(session, user, campaign_id=campaign_id,
                                                data=AnchorMove(**given)),
        done=done, again=again, fields=DATE_FIELDS, errors=errors, page_refusals=True)
