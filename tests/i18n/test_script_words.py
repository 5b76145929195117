"""The scripts' messages reach the catalog: each one a script shows through word("...") is
listed in web.script_words, and a page in Spanish hands its scripts their Spanish."""

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from api.i18n import catalogs
from web.script_words import SCRIPT_WORDS, script_words

SCRIPTS = Path(__file__).resolve().parents[2] / "web" / "static" / "js"
# A message the script writes over two lines is joined with "+".
JOINED = re.compile(r'"\s*\+\s*\n\s*"')
SAID = re.compile(r'word\("((?:[^"\\]|\\.)*)"')


def test_every_message_a_script_shows_is_in_the_catalog_list() -> None:
    said = set()
    for script in SCRIPTS.glob("*.js"):
        said |= set(SAID.findall(JOINED.sub("", script.read_text())))
    assert said, "no script says anything through word()"
    assert sorted(said - set(SCRIPT_WORDS)) == []
    assert sorted(set(SCRIPT_WORDS) - said) == []


def test_the_words_are_handed_over_in_the_readers_language() -> None:
    with catalogs.use_locale("en"):
        assert script_words() == {}
    with catalogs.use_locale("es"):
        spanish = script_words()
    assert set(spanish) == set(SCRIPT_WORDS)
    assert spanish["Problem:"] == "Problema:"
    assert "{status}" in spanish["The server refused this meeting ({status})."]
    json.dumps(spanish)


def test_a_page_carries_its_scripts_words(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"})
    found = re.search(r'<script type="application/json" id="script-words">(.*?)</script>',
                      page.text, re.S)
    assert found
    assert json.loads(found.group(1)).get("Problem:") == "Problema:"
