"""What the HTTP benchmark measures on a filled database: a signed-in user of its own (a browser
session and an API token, made here), the pages users open most, with the records they show,
and what each answer must contain before it is timed."""

from dataclasses import dataclass, field
from datetime import date

SESSION_COOKIE = "oversight_session"
# Type-as-you-go on a surname: about one person in a hundred, a few targets.
SEARCH_WORD = "alvar"
# A word in most meetings, actions and tasks: the search that has to be capped.
COMMON_WORD = "the"


@dataclass(frozen=True)
class Endpoint:
    label: str
    path: str
    # Text the answer must hold for the run to count; checked once before timing.
    expect: str = ""
    # Extra request headers for this endpoint only.
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class SignedIn:
    email: str
    cookie: str
    token: str

    def headers(self) -> dict[str, str]:
        return {"Cookie": f"{SESSION_COOKIE}={self.cookie}",
                "Authorization": f"Bearer {self.token}"}


def sign_in(role: str) -> SignedIn:
    """A user of the role, made once per database, with a fresh session and token each run;
    partners and viewers belong to the first organization, as members of one do."""
    # The app's code is imported here, not with this module: the load processes import this
    # module too, and need none of it.
    import sqlalchemy as sa  # noqa: PLC0415
    from sqlmodel import Session, select  # noqa: PLC0415

    from api.accounts import service as accounts  # noqa: PLC0415
    from api.auth import sessions  # noqa: PLC0415
    from api.auth.models import Role, TokenScope, User  # noqa: PLC0415
    from api.db import get_engine  # noqa: PLC0415
    from api.organizations.models import Organization  # noqa: PLC0415

    email = f"bench-{role}@oversight.invalid"
    with Session(get_engine(), expire_on_commit=False) as session:
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None:
            org = session.execute(sa.select(sa.func.min(Organization.id))).scalar()
            user = User(email=email, name=f"Benchmark {role}", role=Role(role),
                        organization_id=org if role in ("partner", "viewer") else None)
            session.add(user)
            session.flush()
        cookie = sessions.start(session, user, user_agent="benchmark", address="127.0.0.1")
        _, token = accounts.create_token(session, user, name="benchmark", scope=TokenScope.read,
                                         days=1)
        session.commit()
    return SignedIn(email=email, cookie=cookie, token=token)


def endpoints(today: date) -> list[Endpoint]:
    """The pages to time, the first the baseline; ids come from the database."""
    import sqlalchemy as sa  # noqa: PLC0415
    from sqlmodel import Session, select  # noqa: PLC0415

    from api.agencies.models import Agency  # noqa: PLC0415
    from api.bodies.models import Body  # noqa: PLC0415
    from api.campaigns.models import Campaign  # noqa: PLC0415
    from api.db import get_engine  # noqa: PLC0415
    from api.people.models import Person  # noqa: PLC0415

    with Session(get_engine()) as session:
        # A body of nine seats and a campaign in its jurisdiction, for the whip board.
        body = session.exec(select(Body).where(Body.seats == 9).order_by(Body.id)).first()
        if body is None:
            raise SystemExit("no body with nine seats: run `oversight demo --scale large` first")
        campaign = session.exec(select(Campaign).where(
            Campaign.jurisdiction_id == body.jurisdiction_id).order_by(Campaign.id)).first()
        if campaign is None:
            raise SystemExit(f"no campaign in the jurisdiction of {body.name}")
        people = session.execute(sa.select(sa.func.count()).select_from(Person)).scalar_one()
        agency = session.execute(sa.select(sa.func.min(Agency.id))).scalar_one()
    far = max(0, min(199 * 25, (people // 25 - 2) * 25))
    shown = f"{far + 1:,}–{far + 25:,}"
    month = today.strftime("%Y-%m")
    return [
        Endpoint("healthz", "/healthz", '"ok"'),
        Endpoint("dashboard", "/", "This week"),
        Endpoint("organizations, search", "/organizations?q=privacy", "Privacy"),
        # Page 200 (or the last but one of a smaller list) typed as a number, read past the
        # rows before it by OFFSET, and reached by Next, read from the key of the row before.
        Endpoint("people, page 200 typed", f"/people?page={far // 25 + 1}", shown),
        Endpoint("people, page 200 by Next", f"/people?cursor={_cursor_after(far)}", shown),
        Endpoint("whip board, 9 seats", f"/campaigns/{campaign.id}/whip?body={body.id}",
                 f"Whip board: {_html(body.name)}"),
        Endpoint("campaign page", f"/campaigns/{campaign.id}", _html(campaign.name)),
        Endpoint("calendar month", f"/calendar?month={month}", today.strftime("%B %Y")),
        Endpoint("global search", f"/search?q={SEARCH_WORD}", "results for"),
        Endpoint("global search, common word", f"/search?q={COMMON_WORD}", "results for"),
        Endpoint("targets API", "/api/v1/targets?limit=50", '"total"'),
        # Opened by one who may add sharing links: the form's partner choice is on it.
        Endpoint("agency page, writer", f"/agencies/{agency}", "Add a sharing link"),
    ]


def _cursor_after(rows: int) -> str:
    """The cursor the people list's Next link carries after its first `rows` rows, as a user
    paging from the start would reach (in the list's default order, by name)."""
    import sqlalchemy as sa  # noqa: PLC0415
    from sqlmodel import Session  # noqa: PLC0415

    from api.crud import ListQuery  # noqa: PLC0415
    from api.db import get_engine  # noqa: PLC0415
    from api.keyset import Cursor, encode  # noqa: PLC0415
    from api.people import service as people  # noqa: PLC0415

    terms = people.crud.sort_terms(None)
    with Session(get_engine()) as session:
        key = session.execute(sa.select(*(t.column for t in terms))
                              .order_by(*people.crud.order(None))
                              .offset(rows - 1).limit(1)).one()
    return encode(Cursor(tuple(key), position=rows),
                  scope=people.crud.list_scope(ListQuery()))


def _html(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("'", "&#39;").replace('"', "&#34;"))
