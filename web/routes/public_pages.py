"""A campaign's public page: anyone's view of it at /p/<address>, and the leads' page that
chooses what it shows, previews it and turns it on or off."""

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Path as PathParam
from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from api import public_url
from api.auth import permissions
from api.auth.models import User
from api.bodies import comment_rules
from api.campaigns import service as campaigns
from api.campaigns.models import PolicyAsk
from api.deps import SessionDep, UserDep
from api.errors import NotFound
from api.i18n import catalogs, formatting, locales
from api.i18n.catalogs import N_, gettext
from api.public_pages import feed
from api.public_pages import service as public_pages
from api.public_pages.comment_words import comment_words
from api.public_pages.models import PublicPageUpdate, ShownKind
from api.routing import PathRouter
from web import flash, public_page_json
from web.forms import Rejected, save_or_show, see_other, submit, typed_text, validate
from web.ids import RecordId, path_id
from web.public_answers import language, missing, public_headers
from web.routes import supporters
from web.routes.campaigns import ASK_LABELS
from web.templating import acting_user, render, templates
from web.words import humanize, stance_words

router = PathRouter(include_in_schema=False)

KIND_TITLES = {
    ShownKind.target: N_("Decision-makers"),
    ShownKind.vote: N_("Votes ahead"),
    ShownKind.agency: N_("Agencies and their cameras"),
    ShownKind.contract: N_("Contracts"),
    ShownKind.records_request: N_("Public-records requests"),
    ShownKind.press_hit: N_("Press coverage"),
}
NOT_OFFERED = N_("Choose only among the records this form offers.")
FIELDS = ("slug", "intro", "show_stances", "items")


def _page_html(view: public_pages.PublicView, *, locale: str, address: str,
               preview: bool, mail_ready: bool) -> str:
    context: dict[str, Any] = {
        "view": view, "locale": locale, "address": address, "preview": preview,
        "mail_ready": mail_ready,
        "asks": [{"label": _ask_label(a["ask"]), "won": a["won"]} for a in view.asks],
        "languages": locales.NAMES, "humanize": humanize, "stance_words": stance_words,
        "comment_words": comment_words, "feed": feed_links(view, locale),
    }
    return templates.env.get_template("public_pages/page.html").render(context)


# HEAD as GET: a reverse proxy that caches the pages checks them with HEAD.
@router.api_route("/p", methods=["GET", "HEAD"])
@router.api_route("/p/{rest:path}", methods=["GET", "HEAD"])
def public_address(request: Request, session: SessionDep, rest: str = "",
                   lang: str | None = None) -> Response:
    """Every address under /p/ is this one route, so no order of routes decides what answers:
    a page's address, a vote's kit under it, or (anything else: none, a trailing slash, more
    parts) the same answer as an unknown address, never the sign-in page."""
    parts = rest.split("/")
    if len(parts) == 1 and parts[0].endswith(".ics"):
        return public_feed(request, session, parts[0].removesuffix(".ics"), lang)
    if len(parts) == 1 and parts[0].endswith(".json"):
        return public_json(request, session, parts[0].removesuffix(".json"), lang)
    if len(parts) == 1 and parts[0]:
        return public_page(request, session, parts[0], lang)
    if len(parts) == 3 and parts[0] and parts[1] == "votes":
        return comment_kit(request, session, parts[0], parts[2], lang)
    if len(parts) == 3 and parts[0] and parts[1] in supporters.ACTIONS and parts[2]:
        return supporters.public_get(request, session, parts[0], parts[1], parts[2], lang)
    return missing(language(lang, request.headers.get("accept-language")))


def public_page(request: Request, session: Session, slug: str, lang: str | None) -> Response:
    """The published page, for anyone: no session read, no cookie set, the same answer for
    everyone who asks in one language, so a reverse proxy may keep it a minute."""
    return _published(request, session, slug, lang, lambda view, locale: (_page_html(
        view, locale=locale, address=f"/p/{view.page.slug}", preview=False,
        mail_ready=supporters.mail_ready(session)), "text/html"))


def public_feed(request: Request, session: Session, slug: str, lang: str | None) -> Response:
    """The page's votes ahead as a calendar, for anyone: cacheable as the page is."""
    return _published(request, session, slug, lang, lambda view, _: (
        feed.calendar_bytes(view).decode(), "text/calendar"))


def public_json(request: Request, session: Session, slug: str, lang: str | None) -> Response:
    """What the page shows, as JSON, for anyone: the same records, words and links."""
    def shown(view: public_pages.PublicView, locale: str) -> tuple[str, str]:
        found = public_page_json.page_json(view, locale=locale, asks=[
            {"ask": a["ask"], "label": _ask_label(a["ask"]), "won": a["won"]} for a in view.asks],
            feed=feed_links(view, locale))
        return json.dumps(found, ensure_ascii=False, sort_keys=True), "application/json"

    return _published(request, session, slug, lang, shown)


def _published(request: Request, session: Session, slug: str, lang: str | None,
               made: Callable[[public_pages.PublicView, str], tuple[str, str]]) -> Response:
    """A published page's answer in one of its forms, in the visitor's language: the public
    404 when there is none, 304 when the visitor holds it already."""
    locale = language(lang, request.headers.get("accept-language"))
    with catalogs.use_locale(locale):
        try:
            view = public_pages.published(session, slug)
        except NotFound:
            return missing(locale)
        body, media_type = made(view, locale)
    return _cached(request, body, media_type)


def _cached(request: Request, body: str, media_type: str) -> Response:
    headers = public_headers(body)
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def feed_links(view: public_pages.PublicView, locale: str) -> dict[str, str]:
    """The page's calendar: to subscribe to (webcal) and to download once."""
    return {"webcal": feed.webcal(view, locale), "ics": f"{feed.address(view)}?lang={locale}"}


def default_points(view: public_pages.PublicView) -> list[str]:
    """Talking points made from the campaign's asks, when the leads wrote none."""
    return [_ask_label(a["ask"]) for a in view.asks if not a["won"]]


def default_comment(view: public_pages.PublicView, vote: public_pages.Shown) -> str:
    """A sample comment made from the campaign's asks, when the leads wrote none."""
    asks = [_ask_label(a["ask"]).lower() for a in view.asks if not a["won"]]
    text = gettext("Dear members of %(body)s,") % {"body": vote.extra.get("body") or
                                                   gettext("the council")}
    text += "\n\n" + gettext("My name is ________ and I live in %(place)s. I am writing about "
                              "“%(item)s”.") % {"place": view.place or "________",
                                               "item": vote.record.title}
    if asks:
        text += " " + gettext("License plate readers record where every one of us drives. "
                              "Before anything else, I ask you to put these protections in "
                              "place: %(asks)s.") % {"asks": formatting.format_list(asks)}
    text += "\n\n" + gettext("Thank you.")
    return text


def _ask_label(ask: str) -> str:
    # A stored ask is a PolicyAsk's value; one no longer offered is said as stored.
    label = ASK_LABELS.get(PolicyAsk(ask)) if ask in PolicyAsk.__members__ else None
    return gettext(label) if label else humanize(ask)


def comment_kit(request: Request, session: Session, slug: str, vote_id: str,
                lang: str | None) -> Response:
    """A vote's public-comment kit, a printable page: for anyone, as the page is."""
    locale = language(lang, request.headers.get("accept-language"))
    with catalogs.use_locale(locale):
        number = path_id(vote_id)
        # One address a kit: "01" names no vote, as "x1" does not.
        if not number or str(number) != vote_id:
            return missing(locale)
        try:
            kit = public_pages.comment_kit(session, slug, number)
        except NotFound:
            return missing(locale)
        body = _kit_html(kit, locale=locale, page_address=f"/p/{kit.view.page.slug}",
                         preview=False, mail_ready=supporters.mail_ready(session))
    return _cached(request, body, "text/html")


def _kit_html(kit: public_pages.CommentKit, *, locale: str, page_address: str, preview: bool,
              mail_ready: bool) -> str:
    vote = kit.vote
    points = [line.strip("-• ").strip() for line in vote.talking_points.splitlines()
              if line.strip("-• ").strip()] or default_points(kit.view)
    return templates.env.get_template("public_pages/kit.html").render(
        kit=kit, view=kit.view, vote=vote, points=points,
        comment=vote.sample_comment or default_comment(kit.view, vote), locale=locale,
        address=f"{page_address}/votes/{vote.record.id}", languages=locales.NAMES,
        humanize=humanize, page_address=page_address, preview=preview,
        comment_words=comment_words, send_to_link=comment_rules.send_to_link,
        page_url=f"{public_url.base_url()}/p/{kit.view.page.slug}", mail_ready=mail_ready)


# ---- the leads' side -------------------------------------------------------------------------

def _settings_page(request: Request, session: Session, user: User, campaign_id: int, *,
                   status: int = 200, errors: dict[str, str] | None = None,
                   given: dict[str, Any] | None = None) -> Response:
    campaign = campaigns.crud.get(session, user, campaign_id)
    permissions.require_publishing(user)
    current = public_pages.settings(session, user, campaign_id)
    found = public_pages.candidates(session, user, campaign_id)
    chosen = {(i.kind.value, i.record_id): i.note for i in (current.items if current else [])}
    kits = {(i.kind.value, i.record_id): i.model_dump() for i in (current.items if current else [])}
    if given is not None:
        chosen, kits = given["chosen"], given["kits"]
    sections = [{"kind": kind.value, "title": gettext(KIND_TITLES[kind]),
                 "rows": [{"id": r.id, "label": public_pages.label_of(r),
                           "picked": (kind.value, r.id) in chosen,
                           "note": chosen.get((kind.value, r.id), ""),
                           "points": kits.get((kind.value, r.id), {}).get("talking_points", ""),
                           "comment": kits.get((kind.value, r.id), {}).get("sample_comment", "")}
                          for r in rows]}
                for kind, rows in found.items()]
    context = {"campaign": campaign, "page": current, "sections": sections,
               "errors": errors or {}, "given": given or {},
               **supporters.mail_warning(session, user)}
    return render(request, "public_pages/settings.html", context, status=status)


@router.get("/campaigns/{campaign_id}/public")
def public_settings(campaign_id: RecordId, request: Request, session: SessionDep,
                    actor: UserDep) -> Response:
    return _settings_page(request, session, acting_user(request, actor), campaign_id)


@router.post("/campaigns/{campaign_id}/public")
async def save_public_settings(campaign_id: RecordId, request: Request, session: SessionDep,
                               actor: UserDep) -> Response:
    user = acting_user(request, actor)
    form = await request.form()
    picked = [str(v) for v in form.getlist("pick")]
    chosen: dict[tuple[str, int], str] = {}
    kits: dict[tuple[str, int], dict[str, Any]] = {}
    items = []
    wrong = False
    for value in picked:
        kind, _, typed = value.partition(":")
        number = path_id(typed)
        # Only what the form offers: a kind it lists and an id in plain digits, as written.
        if kind not in ShownKind.__members__ or not number or str(number) != typed:
            wrong = True
            continue
        note = typed_text(form, f"note:{kind}:{number}")
        chosen[(kind, number)] = note
        items.append({"kind": kind, "record_id": number, "note": note,
                      "talking_points": typed_text(form, f"points:{kind}:{number}"),
                      "sample_comment": typed_text(form, f"comment:{kind}:{number}")})
        kits[(kind, number)] = items[-1]
    given = {"slug": str(form.get("slug") or ""), "intro": typed_text(form, "intro"),
             "show_stances": form.get("show_stances") == "on", "chosen": chosen, "kits": kits}

    def again(rejected: Rejected) -> Response:
        return _settings_page(request, session, user, campaign_id, status=rejected.status,
                              errors=rejected.errors, given=given)

    def done(_: object) -> Response:
        return _redirect(campaign_id, gettext("Saved the public page."))

    if wrong:
        return again(Rejected({"items": gettext(NOT_OFFERED)}))
    checked = validate(PublicPageUpdate, {
        "slug": given["slug"], "intro": given["intro"], "show_stances": given["show_stances"],
        "items": items})
    return submit(session, checked, lambda update: public_pages.save(
        session, user, campaign_id=campaign_id, changes=update), done=done, again=again,
        fields=FIELDS)


def _redirect(campaign_id: int, said: str) -> Response:
    return see_other(f"/campaigns/{campaign_id}/public", flash.success(said))


@router.post("/campaigns/{campaign_id}/public/{turn}")
def publish_public_page(campaign_id: RecordId, request: Request, session: SessionDep,
                        actor: UserDep,
                        turn: Annotated[str, PathParam(pattern="^(publish|unpublish)$")],
                        ) -> Response:
    user = acting_user(request, actor)
    on = turn == "publish"

    def again(rejected: Rejected) -> Response:
        return _settings_page(request, session, user, campaign_id, status=rejected.status,
                              errors=rejected.errors)

    said = gettext("The public page is published.") if on else \
        gettext("The public page is no longer published.")
    return save_or_show(session, lambda: public_pages.set_published(
        session, user, campaign_id=campaign_id, published=on),
        done=lambda _: _redirect(campaign_id, said), again=again, fields=FIELDS,
        page_refusals=True)


@router.get("/campaigns/{campaign_id}/public/preview")
def preview_public_page(campaign_id: RecordId, request: Request, session: SessionDep,
                        actor: UserDep,
                        lang: Annotated[str | None, Query(max_length=8)] = None) -> Response:
    """Exactly what the page will show, for its leads only; never kept by any cache."""
    user = acting_user(request, actor)
    view = public_pages.preview(session, user, campaign_id)
    locale = language(lang, None) if lang else catalogs.current()
    with catalogs.use_locale(locale):
        body = _page_html(view, locale=locale, preview=True,
                          address=f"/campaigns/{campaign_id}/public/preview",
                          mail_ready=supporters.mail_ready(session))
    return HTMLResponse(body)


@router.get("/campaigns/{campaign_id}/public/preview/votes/{vote_id}")
def preview_comment_kit(campaign_id: RecordId, vote_id: RecordId, request: Request,
                        session: SessionDep, actor: UserDep,
                        lang: Annotated[str | None, Query(max_length=8)] = None) -> Response:
    """A vote's kit exactly as the page will show it, for the page's leads only."""
    user = acting_user(request, actor)
    kit = public_pages.preview_kit(session, user, campaign_id, vote_id)
    locale = language(lang, None) if lang else catalogs.current()
    with catalogs.use_locale(locale):
        body = _kit_html(kit, locale=locale, preview=True,
                         page_address=f"/campaigns/{campaign_id}/public/preview",
                         mail_ready=supporters.mail_ready(session))
    return HTMLResponse(body)
