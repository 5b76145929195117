"""Filters given a constant are worked out as each page is made, in its reader's language."""

from api.i18n.catalogs import use_locale
from web.templating import FILTERS, templates


def test_a_filter_on_a_constant_follows_the_language_of_each_page() -> None:
    template = templates.env.from_string("{{ '7d' | offset_words }}")
    with use_locale("en"):
        assert template.render() == "7 days"
    with use_locale("es"):
        assert template.render() == "7 días"


def test_every_filter_of_ours_is_worked_out_at_render() -> None:
    # A compiled template that calls the filter at render time names it in its source.
    for name in FILTERS:
        source = templates.env.compile(f"{{{{ 'x' | {name} }}}}", raw=True)
        assert f"'{name}'" in source, name
