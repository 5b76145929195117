"""How a refusal is answered: problem JSON for the API here; pages give their own answers
(web.refusals), handed in when the app is built, so nothing under api/ writes HTML."""

from typing import Protocol

from starlette.responses import Response
from starlette.types import Scope

from api import problems


def is_api(path: str) -> bool:
    return path.startswith("/api/") or path == "/openapi.json"


class PageAnswers(Protocol):
    """What a browser is shown when a page request is refused."""

    def sign_in(self, scope: Scope) -> Response:
        """Not signed in: off to the sign-in page, and back here after."""
        ...

    def set_up_two_factor(self, scope: Scope) -> Response:
        """The instance asks for two-factor and this account has none yet."""
        ...

    def forged(self, scope: Scope) -> Response:
        """A state-changing request without a valid anti-forgery token."""
        ...


def api_problem(status: int, detail: str, *, bearer: bool = False) -> Response:
    return problems.problem(status, detail,
                            headers={"WWW-Authenticate": "Bearer"} if bearer else None)
