"""The web app manifest (the app's name, description and shortcuts when it is installed on a
phone) in the reader's language. The page links it with its own language in the address, as a
browser fetches a manifest without cookies, so neither the account's choice nor the language
switch would reach it."""

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import Response

from api.i18n import locales
from api.i18n.catalogs import N_, current, gettext, use_locale
from api.routing import PathRouter

router = PathRouter(include_in_schema=False)

# The static file holds what no language changes (colors, icons, addresses) and the English.
STATIC = Path(__file__).parent.parent / "static" / "manifest.webmanifest"
DESCRIPTION = N_("The coalition's campaigns, decision-makers and meetings; log a meeting even "
                 "without a connection.")
SHORTCUTS = (N_("Log a meeting"),)


def manifest_in(language: str) -> dict[str, Any]:
    said: dict[str, Any] = json.loads(STATIC.read_text(encoding="utf-8"))
    with use_locale(language):
        said["lang"] = language
        said["description"] = gettext(DESCRIPTION)
        # Each shortcut's name is one of the words marked above.
        said["shortcuts"] = [{**shortcut, "name": gettext(shortcut["name"])}
                             for shortcut in said["shortcuts"]]
    return said


@router.get("/manifest.webmanifest")
def manifest(lang: Annotated[str, Query(max_length=8)] = "") -> Response:
    """In the language the address names; without one (or one not offered), the request's."""
    language = lang if locales.is_supported(lang) else current()
    return Response(json.dumps(manifest_in(language), ensure_ascii=False),
                    media_type="application/manifest+json",
                    headers={"Vary": "Accept-Language"})
