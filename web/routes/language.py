"""The language switch under every page: English · Español. Kept in a cookie for the browser,
and on the account of whoever is signed in."""

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from api.accounts import service as accounts
from api.auth.cookies import cookie_header, cookie_name, is_secure
from api.auth.models import User
from api.deps import SessionDep
from api.i18n import locales
from api.routing import PathRouter
from web.forms import save_or_show, shown

router = PathRouter(include_in_schema=False)

YEAR = 365 * 24 * 3600


def back_to(next_page: str) -> str:
    """Where the switch was used, only ever a page of this site."""
    if not next_page.startswith("/") or next_page.startswith("//") or "\\" in next_page \
            or any(ord(ch) < 32 for ch in next_page):
        return "/"
    return next_page


@router.post("/language")
def switch_language(request: Request, session: SessionDep,
                    language: Annotated[str, Form(max_length=8)],
                    next_page: Annotated[str, Form(alias="next", max_length=2000)] = "/"
                    ) -> Response:
    if not locales.is_supported(language):
        problem = "Choose English or Español."
        return shown(lambda status: Response(problem, status_code=status,
                                             media_type="text/plain"), problem)
    user = getattr(request.state, "user", None)

    def write() -> None:
        own = session.get(User, user.id) if user is not None else None
        if own is not None:
            accounts.set_language(session, own, language)

    def done(_: None) -> Response:
        secure = is_secure(request.scope)
        response = RedirectResponse(back_to(next_page), status_code=303)
        response.headers.append("set-cookie", cookie_header(
            cookie_name(locales.COOKIE, secure), language, secure=secure, max_age=YEAR))
        return response

    return save_or_show(session, write, done=done, again=lambda rejected: Response(
        rejected.message, status_code=rejected.status, media_type="text/plain"))
