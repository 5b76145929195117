"""Spanish words that agree with what they are about: a count with its number, an empty choice
with its noun's gender, a switch with the thing switched; numbers grouped, cities accented,
and one word for each thing across the pages."""

from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.accounts import service as accounts
from api.auth.models import User
from api.campaigns.models import Campaign
from api.i18n.catalogs import gettext, ngettext, pgettext, translations, use_locale
from api.i18n.formatting import zone_city
from api.whip.service import Count
from tests.factories import make_jurisdiction
from tests.web.html import plain
from web import whip_bar
from web.none_choice import none_choice


def _summary(**levels: int) -> str:
    counts = {"champion": 0, "leaning_yes": 0, "undecided": 0, "unknown": 0,
              "leaning_no": 0, "opposed": 0, **levels}
    return str(whip_bar.summary(Count(seats=9, needed=5, levels=counts)))


def test_whip_counts_agree_with_their_number() -> None:
    with use_locale("es"):
        one = _summary(champion=1, leaning_yes=1, undecided=1, leaning_no=1, opposed=1)
        assert one == ("1 con nosotros, 1 se inclina por nosotros, 1 sin decidir o con postura "
                       "desconocida, 1 se inclina en contra, 1 en contra de nosotros")
        assert "2 se inclinan por nosotros" in _summary(leaning_yes=2)
    assert _summary(champion=3, leaning_yes=2, undecided=1, unknown=3, leaning_no=1) == (
        "3 with us, 2 leaning with us, 4 undecided or not known, 1 leaning against, "
        "0 against us")


def test_an_empty_choice_takes_its_nouns_gender() -> None:
    with use_locale("es"):
        assert none_choice("vote") == none_choice("agency") == "— ninguna —"
        assert none_choice("contract") == none_choice() == "— ninguno —"
    assert none_choice("vote") == "— none —"


def test_words_that_agree_and_words_used_once() -> None:
    with use_locale("es"):
        assert gettext("on") == "activado"
        assert pgettext("alert rule", "on") == "activada"
        assert gettext("Role") == "Rol"
        assert ngettext("Overdue: %(num)d day", "Overdue: %(num)d days", 30) % {
            "num": 30} == "Vencida hace 30 días"
        assert gettext("%(won)s of %(count)s won.") == "%(won)s de %(count)s ganadas."
        assert zone_city("America/Los_Angeles") == "Los Ángeles"
    assert zone_city("America/Los_Angeles") == "Los Angeles"
    spanish = translations("es")
    said = " ".join(str(m) for m in spanish._catalog.values())  # type: ignore[attr-defined]
    assert "instalación" not in said and "Peticiones de política" not in said


def test_a_population_is_grouped_as_the_language_groups_numbers(
        client: TestClient, session: Session, admin: User, actor: Any) -> None:
    place = make_jurisdiction(session, actor, population=412000)
    assert "412,000" in plain(client.get(f"/jurisdictions/{place.id}").text)
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    assert "412000" not in plain(client.get(f"/jurisdictions/{place.id}").text)


def test_a_stance_in_a_campaigns_timeline_reads_as_one_spanish_line(
        client: TestClient, session: Session, admin: User) -> None:
    from api import demo  # noqa: PLC0415

    demo.load(session)
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    first = session.exec(select(sa.func.min(Campaign.id))).one()
    text = plain(client.get(f"/campaigns/{first}").text.split('id="timeline"', 1)[1])
    # The mark "Postura" and the line after it: "Postura de Patricia Doyle: …".
    assert "Postura de Patricia Doyle: postura desconocida → en contra de nosotros" in text
    assert "Postura Patricia Doyle" not in text
