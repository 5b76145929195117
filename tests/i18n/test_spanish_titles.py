"""An official's title in Spanish fits whoever holds the office: one catalog entry is said of
a woman as often as of a man, so it never reads as the masculine form alone; the playbooks
name the office ("la jefatura de policía") rather than a man holding it."""

import re
from pathlib import Path

from api.i18n.catalogs import use_locale
from api.targets.models import TargetTitle
from web.words import humanize

MASCULINE_ONLY = re.compile(
    r"^(alcalde|concejal|jefe de policía|supervisor|administrador de la ciudad|alguacil)$")
PLAYBOOKS = Path(__file__).resolve().parents[2] / "campaigns" / "playbooks" / "es"


def test_every_title_fits_anyone() -> None:
    with use_locale("es"):
        said = {title: humanize(title) for title in TargetTitle}
    assert said[TargetTitle.council_member] == "integrante del concejo"
    assert said[TargetTitle.mayor] == "alcaldesa o alcalde"
    assert said[TargetTitle.police_chief] == "jefa o jefe de policía"
    assert said[TargetTitle.sheriff] == "sheriff"
    assert said[TargetTitle.supervisor] == "integrante de la junta de supervisores"
    assert said[TargetTitle.city_manager] == "administradora o administrador de la ciudad"
    assert not [words for words in said.values() if MASCULINE_ONLY.match(words)]


def test_the_playbooks_name_the_office_not_a_man_in_it() -> None:
    for playbook in PLAYBOOKS.glob("*.yaml"):
        text = playbook.read_text(encoding="utf-8")
        assert "jefe de policía" not in text and "administrador de la ciudad" not in text, playbook
