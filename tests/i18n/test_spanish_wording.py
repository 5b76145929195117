"""Small wording a Spanish-speaking reader stumbled on: a stance heard "from other" (según
otro), a sentence after a colon starting in capitals, an overdue date said two ways, and
screen-reader words made of a verb and a heading ("Editar acerca de", "Agregar a tareas")."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.targets import service as targets
from tests import factories as f
from tests.web.html import plain
from web.templating import after_colon


def test_a_sentence_after_a_colon_goes_on_in_lower_case() -> None:
    assert after_colon("The deadline has not come yet.") == "the deadline has not come yet."
    assert after_colon("Una apelación sigue a una negativa") == "una apelación sigue a una negativa"
    assert after_colon("ICE asked first.") == "ICE asked first."
    assert after_colon("") == ""


def test_a_stance_from_another_source_and_the_screen_reader_links(
        client: TestClient, session: Session, actor: Any) -> None:
    campaign = f.make_campaign(session, actor, name="Riverbend: No Cameras")
    target = f.make_target(session, actor, name="Ava Yes")
    targets.set_stance(session, actor, target_id=target.id, campaign_id=campaign.id,
                       level="champion", source="other", note="")
    session.commit()
    english = client.get(f"/targets/{target.id}").text
    assert "Riverbend: No Cameras · from another source" in plain(english)
    client.post("/account/language", data={"language": "es"})
    spanish = client.get(f"/targets/{target.id}").text
    assert "Riverbend: No Cameras · según otra fuente" in plain(spanish)
    assert "según otro" not in spanish
    assert "Editar acerca de" not in spanish and "Agregar a tareas" not in plain(spanish)
    campaign_page = client.get(f"/campaigns/{campaign.id}").text
    assert 'Editar<span class="visually-hidden"> la sección «Acerca de»</span>' in campaign_page
    assert 'Agregar<span class="visually-hidden"> a la lista «Tareas»</span>' in campaign_page
    client.post("/account/language", data={"language": "en"})
    campaign_page = client.get(f"/campaigns/{campaign.id}").text
    assert 'Edit<span class="visually-hidden"> the section “About”</span>' in campaign_page
    assert 'Add<span class="visually-hidden"> to the list “Tasks”</span>' in campaign_page


def test_overdue_is_said_one_way(
        client: TestClient, session: Session, actor: Any, admin: Any) -> None:
    f.make_task(session, actor, title="Call the clerk", assignee_user_id=admin.id,
                due_on=clock.today() - timedelta(days=3))
    session.commit()
    client.post("/account/language", data={"language": "es"})
    dashboard = plain(client.get("/").text)
    assert "vencida hace 3 días" in dashboard and "vencida, hace" not in dashboard
