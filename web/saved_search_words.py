"""How a saved search's filters read: each filter's label and its value in the reader's
language ("Status “open”"), never the field's name and stored value."""

import re
from typing import Any

from sqlmodel import Session

from api.fields import MAX_INT
from api.i18n.catalogs import gettext
from api.search import saved
from web.concepts import SPECS, ref_labels
from web.words import humanize


def filter_words(session: Session, kind: str, filters: dict[str, Any]) -> str:
    """The filters of a search of one list, said with the list page's labels and choice
    words, joined; "" when there are none."""
    spec = SPECS.get(saved.PAGES.get(kind, ""))
    declared = {f.name: f for f in spec.filters} if spec else {}
    said = []
    # A reference is named only for an id a column can hold, in ASCII digits: int() reads
    # "²" as no number.
    for name, value in filters.items():
        found = declared.get(name)
        text = str(value).strip()
        if found is None:
            label, words = humanize(name), text
        elif found.kind == "bool":
            label = gettext(found.label)
            words = gettext("Yes") if text.lower() in saved.TRUE else gettext("No")
        elif (found.kind == "ref" and found.ref and re.fullmatch(r"[0-9]{1,10}", text)
              and 0 < int(text) <= MAX_INT):
            label = gettext(found.label)
            words = ref_labels(session, found.ref, [int(text)]).get(int(text), text)
        else:
            label = gettext(found.label)
            words = humanize(text, spec.noun if spec else None)
        said.append(gettext("%(label)s “%(value)s”") % {"label": label, "value": words})
    return ", ".join(said)
