"""The answers every address under /p/ gives for anyone, signed in or not: in the visitor's
language, without the signed-in layout (no one is identified there), the same to everyone."""

import hashlib

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from api.i18n import catalogs, locales
from api.i18n.catalogs import gettext
from web.templating import templates

# Short: a page unpublished or changed is gone from shared caches within a minute.
CACHE = "public, max-age=60"


def language(lang: str | None, accept_language: str | None) -> str:
    # A language not offered (or anything else in its place) is passed over.
    if lang and locales.is_supported(lang):
        return lang
    return locales.negotiate(accept_language) or locales.SUPPORTED[0]


def missing(locale: str) -> Response:
    """The one answer for any address under /p/ that shows nothing: an unknown address, a page
    not published, a vote it does not show, an address no page can have."""
    with catalogs.use_locale(locale):
        body = templates.env.get_template("public_pages/missing.html").render(locale=locale)
    return HTMLResponse(body, status_code=404, headers=public_headers(body))


def public_error(request: Request, status: int, heading: str, message: str) -> Response:
    """An error met at a public address (a method it does not answer), said without the
    signed-in layout, as nobody is signed in there; a 404 is the page not found."""
    locale = language(request.query_params.get("lang"), request.headers.get("accept-language"))
    if status == 404:
        return missing(locale)
    with catalogs.use_locale(locale):
        body = templates.env.get_template("public_pages/error.html").render(
            locale=locale, heading=gettext(heading), message=gettext(message))
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def public_headers(body: str) -> dict[str, str]:
    tag = hashlib.sha256(body.encode()).hexdigest()[:32]
    return {"Cache-Control": CACHE, "ETag": f'"{tag}"', "Vary": "Accept-Language"}
