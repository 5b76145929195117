"""Which paths answer without signing in: the sign-in pages, health, static files, and routes
that carry their own secret token (such as calendar feeds)."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class OpenRoute:
    pattern: re.Pattern[str]
    why: str


OPEN_ROUTES: list[OpenRoute] = []


def allow(pattern: str, why: str) -> None:
    """Let a path pattern through without a signed-in user; `why` says what protects it."""
    OPEN_ROUTES.append(OpenRoute(re.compile(pattern), why))


allow(r"/healthz", "liveness check for the container; says nothing")
allow(r"/login", "the sign-in page")
allow(r"/password-reset", "asks for a reset link; answers the same for any address")
# Any reset address, a mistyped or cut-off one too: whoever opens it is told the link is not
# valid and how to get a new one, never sent to the sign-in page without a word.
allow(r"/password-reset/[^/]{1,200}", "protected by the emailed single-use token")
allow(r"/invite/[^/]{1,200}", "protected by the emailed single-use token")
allow(r"/language", "the language switch; sets only the browser's language cookie")
allow(r"/static/.+", "the stylesheet and htmx; no data")
allow(r"/manifest\.webmanifest", "the app's name and description for installing it; no data")
# Any feed address, a wrong one too: a calendar app cannot sign in, so a mistyped or retired
# token is told "no feed here" (404), never sent to the sign-in page.
allow(r"/feeds/[^/]{1,200}\.ics", "calendar feed authenticated by its own token")


# A campaign's page its leads published: for anyone, the same to everyone. Its requests are not
# identified at all (no session is read, no cookie set), so a shared cache may keep the answer.
# Everything under /p/ is theirs: an address that names no page answers as an unknown one does,
# never with the sign-in page.
PUBLIC_PAGES = re.compile(r"(?s)/p(?:/.*)?")
allow(PUBLIC_PAGES.pattern, "a published campaign page; public-tier records only, no cookie")


def is_public_page(path: str) -> bool:
    return PUBLIC_PAGES.fullmatch(path) is not None


def is_open(path: str) -> bool:
    return any(route.pattern.fullmatch(path) for route in OPEN_ROUTES)
