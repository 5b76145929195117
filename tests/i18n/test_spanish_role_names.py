"""An account's role in Spanish fits whoever holds it, the way the officials' titles do
("integrante del concejo"): never the masculine form alone, the same words in a select, a
table and a sentence."""

import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from api.i18n.catalogs import use_locale
from api.organizations.models import CoalitionRole, OrgStatus
from tests.factories import make_organization
from tests.web.html import plain
from web.words import choice_words, humanize

CATALOG = Path(__file__).resolve().parents[2] / "api/i18n/locale/es/LC_MESSAGES/messages.po"
ROLE_NAMES = {Role.admin: "persona administradora", Role.lead: "líder",
              Role.partner: "integrante de organización aliada", Role.viewer: "solo lectura"}
# A man's word for a role, said of anyone who holds it.
MASCULINE = re.compile(r"\b(administrador(es)?|lector(es)?|miembros? aliados?|[Uu]n líder)\b"
                       r"(?! de placas)(?!.{0,3}automáticos de placas)")

# A man's word for people, said of everyone: the coalition's leads, an organization's members,
# its organizers, volunteers and allies, the people who follow a record, a new reporter.
MASCULINE_PEOPLE = re.compile(
    r"\b(los líderes|[Mm]iembros?|[Ss]eguidores|[Tt]odos en|[Uu]suario de Signal"
    r"|del responsable|(?<!o )[Nn]uevo (periodista|funcionario)|[Ee]legidos|[Oo]rganizadores"
    r"|[Vv]oluntarios|[Aa]liados|[Ii]nvitado por|los socios)\b")
# An organization (an organización) is said in the feminine.
ORGANIZATION_WORDS = {
    OrgStatus.prospect: "posible aliada", OrgStatus.invited: "invitada",
    OrgStatus.inactive: "inactiva", CoalitionRole.member: "integrante",
    CoalitionRole.ally: "aliada"}


def test_each_role_has_one_inclusive_name() -> None:
    with use_locale("es"):
        assert {role: humanize(role) for role in Role} == ROLE_NAMES


def test_no_message_names_a_role_in_the_masculine_alone() -> None:
    said = [line for line in CATALOG.read_text(encoding="utf-8").splitlines()
            if line.startswith("msgstr")]
    # The city manager is said both ways ("administradora o administrador de la ciudad").
    wrong = [line for line in said if MASCULINE.search(line)
             and "administradora o administrador" not in line]
    assert not wrong, wrong


def test_the_access_page_and_the_account_page_name_roles_alike(
        client_as: Callable[..., TestClient], session: Session, actor: object) -> None:
    organization = make_organization(session, actor, name="Casa Esperanza")
    admin = client_as(Role.admin, language="es")
    access = plain(admin.get("/admin/users").text)
    for words in ROLE_NAMES.values():
        assert words in access
    assert "administrador " not in access and "lector " not in access
    partner = client_as(Role.partner, organization_id=organization.id, language="es")
    account = plain(partner.get("/account").text)
    assert "integrante de organización aliada en Casa Esperanza" in account


def test_no_message_names_people_in_the_masculine_alone() -> None:
    said = [line for line in CATALOG.read_text(encoding="utf-8").splitlines()
            if line.startswith("msgstr")]
    wrong = [line for line in said if MASCULINE_PEOPLE.search(line)]
    assert not wrong, wrong


def test_an_organizations_status_and_role_agree_with_it() -> None:
    with use_locale("es"):
        for choice, words in ORGANIZATION_WORDS.items():
            assert humanize(choice) == words
            assert humanize(choice.value, "organizations") == words
            assert choice_words(choice).said() == words  # type: ignore[attr-defined]


def test_the_organizations_pages_say_its_choices_in_the_feminine(
        client_as: Callable[..., TestClient], session: Session, actor: object) -> None:
    make_organization(session, actor, name="Casa Esperanza", status=OrgStatus.invited,
                      coalition_role=CoalitionRole.ally)
    lead = client_as(Role.lead, language="es")
    listing = plain(lead.get("/organizations").text)
    form = plain(lead.get("/organizations/new").text)
    for page in (listing, form):
        for words in ("posible aliada", "invitada", "inactiva", "integrante", "aliada"):
            assert words in page
        for wrong in ("posible aliado", "invitado", "inactivo", "miembro", "aliado "):
            assert wrong not in page
