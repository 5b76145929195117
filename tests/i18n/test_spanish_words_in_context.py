"""Spanish that depends on what it is said of: a whip board column (a group) and one member's
stance, an active campaign and an active contract, one late step or several, a record that is
not found; refusals joined as one sentence; alert offsets typed with Spanish units; the audit
log naming the records a change links to."""

from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.accounts import service as accounts
from api.alerts.rules import RuleSpec, parse_offset
from api.auth.models import User
from api.bodies.models import Body
from api.campaigns.models import Campaign, CampaignStatus
from api.contracts.models import ContractStatus
from api.i18n.catalogs import use_locale
from api.i18n.validation_words import Refusal
from api.targets.stance_words import group_stance, one_stance
from api.votes.models import Vote
from tests.factories import make_campaign, make_task
from tests.web.html import plain
from web.audit_words import logged_value
from web.routes.alerts import _offsets
from web.routes.playbooks import _late_steps
from web.words import humanize


def _in_spanish(session: Session, admin: User) -> None:
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()


@pytest.fixture
def demo_in_spanish(session: Session, admin: User) -> SimpleNamespace:
    """The demo's first campaign, body and vote (ids differ by database: read, not assumed)."""
    from api import demo  # noqa: PLC0415

    demo.load(session)
    _in_spanish(session, admin)
    first = {table: session.exec(select(sa.func.min(table.id))).one()
             for table in (Campaign, Body, Vote)}
    return SimpleNamespace(campaign=first[Campaign], body=first[Body], vote=first[Vote])


def test_a_column_of_members_and_one_members_stance_are_said_apart() -> None:
    with use_locale("es"):
        assert group_stance("leaning_yes") == "Se inclinan por nosotros"
        assert one_stance("leaning_yes") == "se inclina por nosotros"
        assert group_stance("undecided") == "Sin decidir"
        # Each side said the same way: with us, leaning our way, against us.
        assert [group_stance(level) for level in ("champion", "opposed")] == [
            "Con nosotros", "En contra de nosotros"]
        assert one_stance("opposed") == "en contra de nosotros"
        assert one_stance("unknown") == group_stance("unknown").lower() == "postura desconocida"
    assert group_stance("leaning_yes") == "Leaning with us"
    # Histories say a stance in the campaign's terms, as the vote page does.
    assert one_stance("leaning_yes") == "leaning with us"


def test_the_whip_board_heads_groups_and_the_vote_page_names_one_member(
        client: TestClient, demo_in_spanish: SimpleNamespace) -> None:
    ids = demo_in_spanish
    whip = f"/campaigns/{ids.campaign}/whip?body={ids.body}&vote={ids.vote}"
    board = plain(client.get(whip).text)
    assert "Se inclinan por nosotros (2)" in board and "Sin decidir (2)" in board
    assert "Inclinados" not in board and "Indeciso (" not in board
    assert "a favor (" not in board
    vote = plain(client.get(f"/votes/{ids.vote}").text)
    assert "David Chen se inclina por nosotros" in vote
    assert "inclinados" not in vote
    # The stance nobody recorded has one name everywhere.
    timeline = plain(client.get(f"/campaigns/{ids.campaign}").text)
    assert "Postura de Patricia Doyle: postura desconocida → en contra de nosotros" in timeline
    assert "sin saber" not in timeline and "defensor" not in timeline


def test_a_shortfall_of_one_is_singular(client: TestClient,
                                       demo_in_spanish: SimpleNamespace) -> None:
    ids = demo_in_spanish
    text = plain(client.get(f"/campaigns/{ids.campaign}").text)
    assert "de los 4 votos necesarios; falta 1 " in text and "faltan 1 " not in text


def test_an_active_campaign_is_activa_and_an_active_contract_vigente(
        client: TestClient, demo_in_spanish: SimpleNamespace) -> None:
    ids = demo_in_spanish
    with use_locale("es"):
        assert humanize(CampaignStatus.active) == humanize("active", "campaigns") == "activa"
        assert humanize(ContractStatus.active) == humanize("active", "contract") == "vigente"
        assert humanize(ContractStatus.proposed) == "propuesto"
        assert humanize("active") == "activo"
    assert humanize(CampaignStatus.active) == "active"
    page = plain(client.get(f"/campaigns/{ids.campaign}").text)
    assert "Meta: cancelar la renovación activa" in page
    assert "renovación activo" not in plain(client.get("/campaigns").text)
    contracts = plain(client.get("/contracts").text)
    assert "Flock Safety vigente" in contracts and "Flock Safety activo" not in contracts


def _made(actions: int, tasks: int) -> Any:
    return SimpleNamespace(
        late_action_ids=list(range(1, actions + 1)),
        actions=[SimpleNamespace(id=i, title=f"Step {i}") for i in range(1, actions + 1)],
        late_task_ids=list(range(1, tasks + 1)))


def test_one_late_step_is_said_in_the_singular() -> None:
    with use_locale("es"):
        one = _late_steps(_made(1, 0))
        assert one.startswith("1 acción ya está atrasada: su fecha ya había pasado («Step 1»)")
        assert "hágala ahora o cambie su fecha" in one
        assert _late_steps(_made(0, 1)).startswith("1 tarea ya está atrasada: su fecha")
        two = _late_steps(_made(1, 1))
        assert two.startswith("1 acción y 1 tarea ya están atrasadas: sus fechas")
    assert _late_steps(_made(1, 0)).startswith("1 action already late: its date had passed")


def test_a_missing_record_is_named_in_each_language(
        client: TestClient, session: Session, admin: User) -> None:
    english = plain(client.get("/records-requests/9999").text)
    # The heading is said once, above the message, not again before it.
    assert "Not found No records request with id 9999." in english
    assert "Not found." not in english
    _in_spanish(session, admin)
    spanish = plain(client.get("/records-requests/9999").text)
    assert ("No encontrado No hay ninguna solicitud de registros públicos con el número 9999."
            in spanish)
    assert "No encontrado." not in spanish
    assert "registro (" not in spanish and "No encontrado:" not in spanish
    assert "No hay ningún contrato con el número 9999." in plain(
        client.get("/contracts/9999").text)


def test_a_refused_field_reads_as_one_sentence(
        client: TestClient, demo_in_spanish: SimpleNamespace) -> None:
    ids = demo_in_spanish
    text = plain(client.get(f"/campaigns/{ids.campaign}/whip?body=abc").text)
    assert "No es válido Órgano: escriba un número entero." in text
    assert "No es válido:" not in text and "No es válido." not in text


@pytest.mark.parametrize(("typed", "stored"), [
    ("2s", "2w"), ("2 semanas", "2w"), ("1 semana", "1w"), ("14 días", "14d"), ("3 dias", "3d"),
    ("12 horas", "12h"), ("30 minutos", "30m"), ("2 weeks", "2w"), ("14d", "14d"), ("2w", "2w")])
def test_an_offset_may_be_typed_with_spanish_or_english_units(typed: str, stored: str) -> None:
    assert str(parse_offset(typed)) == stored


def test_an_offset_with_an_unknown_unit_is_refused_and_the_form_keeps_words_together() -> None:
    for typed in ("2 años", "2x", "semanas"):
        with pytest.raises(Refusal):
            parse_offset(typed)
    assert str(parse_offset("2 meses")) == "2mo"
    assert _offsets("14d, 2 semanas, 7d 1d") == ["14d", "2 semanas", "7d", "1d"]
    spec = RuleSpec(subject="vote", offsets=["2 semanas", "0 días"], recipients=["campaign_leads"],
                    channels=["in_app"])
    assert spec.offsets == ["2w", "0d"]


def test_the_audit_log_names_linked_records_and_shows_nothing_as_a_dash(
        client: TestClient, session: Session, admin: User, actor: Any) -> None:
    assert str(logged_value("[]")) == str(logged_value([])) == "—"
    campaign = make_campaign(session, actor, name="Stop the Riverton cameras")
    make_task(session, actor, campaign_id=campaign.id)
    session.commit()
    text = plain(client.get("/audit?record_kind=task").text)
    assert "Campaign : — → Stop the Riverton cameras" in text
    _in_spanish(session, admin)
    text = plain(client.get("/audit?record_kind=task").text)
    assert "Campaña : — → Stop the Riverton cameras" in text
    assert " entrada." in text or " entradas." in text


def test_the_dashboard_says_a_passed_deadline_in_the_past(
        client: TestClient, demo_in_spanish: SimpleNamespace) -> None:
    text = plain(client.get("/").text)
    assert "· enviada · venció " in text and "· vencida hace " in text
    assert "· enviada · vence " not in text


def test_each_date_a_playbook_counts_from_has_its_own_help(
        client: TestClient, session: Session, admin: User) -> None:
    _in_spanish(session, admin)
    deadline = plain(client.get("/campaigns/new-from-playbook?playbook=cancel_renewal").text)
    assert "Las fechas de esta guía se cuentan a partir de este plazo." in deadline
    vote = plain(client.get("/campaigns/new-from-playbook?playbook=stop_new_contract").text)
    assert "se cuentan a partir de la fecha de esta votación." in vote
    assert "a partir de ella" not in deadline + vote
