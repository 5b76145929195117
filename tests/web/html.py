"""Reading pages in tests: text without tags, a form's fields as a browser would send them."""

import re
from html.parser import HTMLParser
from typing import Any

from fastapi.testclient import TestClient

HX = {"HX-Request": "true"}


def plain(fragment: str) -> str:
    """The text of an HTML fragment with tags dropped and whitespace collapsed."""
    text = re.sub(r"<[^>]+>", " ", fragment)
    for entity, char in (("&amp;", "&"), ("&#39;", "'"), ("&quot;", '"'), ("&lt;", "<"),
                         ("&gt;", ">")):
        text = text.replace(entity, char)
    return " ".join(text.split())


def fragment(client: TestClient, url: str, **headers: str) -> Any:
    """GET as htmx does for part of a page."""
    return client.get(url, headers={**HX, **headers})


def link(html: str, rel: str) -> str:
    """The address of the page's link with this rel ("next", "prev"), as a browser reads it."""
    found = re.search(rf'<a href="([^"]*)"[^>]*rel="{rel}"', html)
    assert found, f"no {rel} link"
    return found.group(1).replace("&amp;", "&")


def is_full_page(html: str) -> bool:
    return html.lstrip().lower().startswith("<!doctype html>") and "</html>" in html


class FormReader(HTMLParser):
    """The fields of the first form (or of the form with the given action or id): what
    submitting it unchanged would send."""

    def __init__(self, action: str | None = None, form_id: str | None = None) -> None:
        super().__init__()
        self.action = action
        self.form_id = form_id
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and not self.done and not self.inside:
            if (self.action is None or a.get("action") == self.action) and \
                    (self.form_id is None or a.get("id") == self.form_id):
                self.inside = True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "on"))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._select_value = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "select" and self._select is not None:
            chosen = self._select_value if self._select_value is not None else self._first_option
            self.fields.append((self._select, chosen or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text))
            self._textarea = None
        elif tag == "form":
            self.inside = False
            self.done = True


def form_fields(html: str, action: str | None = None,
                form_id: str | None = None) -> list[tuple[str, str]]:
    reader = FormReader(action, form_id)
    reader.feed(html)
    assert reader.done, f"no form{' with action ' + action if action else ''} in the page"
    return reader.fields


def replace(fields: list[tuple[str, str]], **changes: str) -> list[tuple[str, str]]:
    out = [(k, changes.get(k, v)) for k, v in fields]
    for k, v in changes.items():
        if k not in {name for name, _ in fields}:
            out.append((k, v))
    return out
